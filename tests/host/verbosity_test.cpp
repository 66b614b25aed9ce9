#include "logging/verbosity.hpp"

#include <gtest/gtest.h>

namespace acedt::host::logging {
namespace {

TEST(ParseLevel, AliasesAndNumbers) {
    EXPECT_EQ(parse_level("error"), 0);
    EXPECT_EQ(parse_level("warn"), 4);
    EXPECT_EQ(parse_level("info"), 8);
    EXPECT_EQ(parse_level("debug"), 12);
    EXPECT_EQ(parse_level("Debug"), 12);
    EXPECT_EQ(parse_level("0"), 0);
    EXPECT_EQ(parse_level("10"), 10);
}

TEST(ParseLevel, RejectsOtherText) {
    for (const char* text : {"", "-1", "+3", "loud", "4x", " 4", "warning", "99999999999999999999"}) {
        EXPECT_FALSE(parse_level(text).has_value()) << '"' << text << '"';
    }
}

TEST(IsLevelSpec, AcceptsLevelsAndPluginLevels) {
    EXPECT_TRUE(is_level_spec("debug"));
    EXPECT_TRUE(is_level_spec("7"));
    EXPECT_TRUE(is_level_spec("mirror-diff=info"));
    EXPECT_TRUE(is_level_spec("warn,mirror_diff=12"));
}

TEST(IsLevelSpec, RejectsCommandsAndPaths) {
    EXPECT_FALSE(is_level_spec("mirror"));
    EXPECT_FALSE(is_level_spec("reg.example.com/repo:tag"));
    EXPECT_FALSE(is_level_spec("a=b"));
    EXPECT_FALSE(is_level_spec("=debug"));
    EXPECT_FALSE(is_level_spec("debug,"));
    EXPECT_FALSE(is_level_spec(""));
}

TEST(ParseVerbosity, DefaultIsWarn) {
    const auto settings = parse_verbosity({});
    EXPECT_EQ(settings.default_level, kLevelWarn);
    EXPECT_EQ(settings.level_for("anything"), kLevelWarn);
}

TEST(ParseVerbosity, LaterValueWins) {
    const auto settings = parse_verbosity({"debug", "info,a=error", "a=10"});
    EXPECT_EQ(settings.default_level, kLevelInfo);
    EXPECT_EQ(settings.level_for("a"), 10);
    EXPECT_EQ(settings.level_for("b"), kLevelInfo);
}

TEST(ParseVerbosity, ErrorNamesValueAndForms) {
    try {
        parse_verbosity({"info,plugin=loud"});
        FAIL() << "expected VerbosityError";
    } catch (const VerbosityError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("\"plugin=loud\""), std::string::npos) << message;
        EXPECT_NE(message.find("PLUGIN=LEVEL"), std::string::npos) << message;
        EXPECT_NE(message.find("error, warn, info, debug"), std::string::npos) << message;
    }
}

TEST(IsPluginName, AsciiLettersDigitsDashUnderscore) {
    EXPECT_TRUE(is_plugin_name("mirror-diff_2"));
    EXPECT_FALSE(is_plugin_name(""));
    EXPECT_FALSE(is_plugin_name("mirror diff"));
    EXPECT_FALSE(is_plugin_name("mirror.diff"));
    EXPECT_FALSE(is_plugin_name("caf\xc3\xa9"));
}

}  // namespace
}  // namespace acedt::host::logging
