#include "cli/arguments.hpp"

#include <gtest/gtest.h>

namespace acedt::host::cli {
namespace {

using Arguments = std::vector<std::string>;

TEST(NormalizeArguments, VerbosityWithLevel) {
    const std::vector<std::pair<Arguments, Arguments>> cases = {
        {{"-v", "debug", "mirror"}, {"--verbosity=debug", "mirror"}},
        {{"--verbosity", "debug", "mirror"}, {"--verbosity=debug", "mirror"}},
        {{"-vdebug"}, {"--verbosity=debug"}},
        {{"-v=debug"}, {"--verbosity=debug"}},
        {{"--verbosity=debug"}, {"--verbosity=debug"}},
        {{"-v", "12"}, {"--verbosity=12"}},
        {{"-v", "mirror-diff=info,warn"}, {"--verbosity=mirror-diff=info,warn"}},
    };
    for (const auto& [input, expected] : cases) {
        EXPECT_EQ(normalize_arguments(input).parsed, expected) << input.front();
    }
}

TEST(NormalizeArguments, BareVerbosityMeansWarn) {
    EXPECT_EQ(normalize_arguments({"diff", "-v"}).parsed, (Arguments{"diff", "--verbosity=warn"}));
    EXPECT_EQ(normalize_arguments({"--verbosity", "-r"}).parsed, (Arguments{"--verbosity=warn", "-r"}));
}

// A word after -v is its value even when it is no valid level, so that a
// typo fails as an invalid verbosity instead of becoming a positional.
TEST(NormalizeArguments, VerbosityTakesNextWord) {
    EXPECT_EQ(normalize_arguments({"-v", "infoo", "mirror"}).parsed, (Arguments{"--verbosity=infoo", "mirror"}));
    EXPECT_EQ(normalize_arguments({"-v", "reg.example.com/a:b"}).parsed,
              (Arguments{"--verbosity=reg.example.com/a:b"}));
}

TEST(NormalizeArguments, SplitsAtFirstDoubleDash) {
    const auto split = normalize_arguments({"mirror", "diff", "a", "--", "-v", "--", "b"});
    EXPECT_EQ(split.parsed, (Arguments{"mirror", "diff", "a"}));
    EXPECT_EQ(split.trailing, (Arguments{"-v", "--", "b"}));
}

TEST(NormalizeArguments, LeavesOtherArgumentsAlone) {
    const Arguments input = {"mirror", "diff", "-o", "json", "--expand", "-r", "--config", "x.yaml", "--verbose"};
    const auto split = normalize_arguments(input);
    EXPECT_EQ(split.parsed, input);
    EXPECT_TRUE(split.trailing.empty());
}

TEST(FindVerbosityValues, InOrder) {
    const auto normalized = normalize_arguments({"-v", "info", "x", "-vdebug", "--", "-v", "error"}).parsed;
    EXPECT_EQ(find_verbosity_values(normalized), (Arguments{"info", "debug"}));
}

}  // namespace
}  // namespace acedt::host::cli
