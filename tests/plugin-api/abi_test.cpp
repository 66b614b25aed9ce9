// Runs the real ace-dt binary against the test plugins and checks the
// output, errors, exit statuses and help that a user gets.
#include "host_fixture.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace acedt::tests {
namespace {

const std::vector<std::string> kBadPlugins = {
    "test-abi-major", "test-entry-throws", "test-invalid-info", "test-no-entry",
    "test-null-info", "test-null-string", "test-path-conflict", "test-same-name",
};

class AbiTest : public HostFixture {};

TEST_F(AbiTest, EchoReceivesDefaults) {
    const auto result = run({"test", "echo", "one"});

    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(echo_value(result.out, "positionals"), "one");
    EXPECT_EQ(echo_value(result.out, "switch"), "0 set=0");
    EXPECT_EQ(echo_value(result.out, "name"), "world set=0");
    EXPECT_EQ(echo_value(result.out, "tag"), "a|b");
    EXPECT_EQ(echo_value(result.out, "tag-set"), "0");
    EXPECT_EQ(echo_value(result.out, "count"), "7 set=0");
    EXPECT_EQ(echo_value(result.out, "verbosity"), "4");
    EXPECT_EQ(echo_value(result.out, "recursive"), "0");
    EXPECT_NE(echo_value(result.out, "host").find("abi=1.0"), std::string::npos);
    EXPECT_TRUE(stderr_lines_naming(result.err, "WARN").empty()) << result.err;
}

TEST_F(AbiTest, UnknownFlagLookupsReturnMinusOne) {
    const auto result = run({"test", "echo", "one"});

    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(echo_value(result.out, "unknown-name"), "-1 wrong-type=-1 unknown-is-set=-1");
}

TEST_F(AbiTest, EchoReceivesEveryFlagType) {
    const auto result = run({"test", "echo", "one", "two", "three", "--switch", "-n", "alice", "-t", "x", "--tag",
                             "y,z", "-c", "-5", "-r"});

    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(echo_value(result.out, "positionals"), "one|two|three");
    EXPECT_EQ(echo_value(result.out, "switch"), "1 set=1");
    EXPECT_EQ(echo_value(result.out, "name"), "alice set=1");
    EXPECT_EQ(echo_value(result.out, "tag"), "x|y|z");
    EXPECT_EQ(echo_value(result.out, "tag-set"), "1");
    EXPECT_EQ(echo_value(result.out, "count"), "-5 set=1");
    EXPECT_EQ(echo_value(result.out, "recursive"), "1");
}

TEST_F(AbiTest, StringFlagLastValueWins) {
    const auto result = run({"test", "echo", "one", "--name=first", "--name", "second", "--switch=false"});

    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(echo_value(result.out, "name"), "second set=1");
    EXPECT_EQ(echo_value(result.out, "switch"), "0 set=1");
}

TEST_F(AbiTest, ArgumentsAfterDoubleDashArePositionals) {
    const auto dash_first = run({"test", "echo", "--", "-x", "--count"});
    ASSERT_EQ(dash_first.exit_code, 0) << dash_first.err;
    EXPECT_EQ(echo_value(dash_first.out, "positionals"), "-x|--count");

    const auto dash_later = run({"test", "echo", "a", "--", "-v", "mirror"});
    ASSERT_EQ(dash_later.exit_code, 0) << dash_later.err;
    EXPECT_EQ(echo_value(dash_later.out, "positionals"), "a|-v|mirror");
    EXPECT_EQ(echo_value(dash_later.out, "verbosity"), "4");
}

TEST_F(AbiTest, SiblingCommandNameStaysPositional) {
    const auto result = run({"test", "echo", "a", "wait", "mirror"});

    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(echo_value(result.out, "positionals"), "a|wait|mirror");
}

TEST_F(AbiTest, GlobalOptionsBeforeOrAfterCommand) {
    const auto before = run({"-r", "-v", "debug", "test", "echo", "a"});
    ASSERT_EQ(before.exit_code, 0) << before.err;
    EXPECT_EQ(echo_value(before.out, "verbosity"), "12");
    EXPECT_EQ(echo_value(before.out, "recursive"), "1");
    EXPECT_EQ(echo_value(before.out, "positionals"), "a");

    const auto after = run({"test", "echo", "a", "-v", "debug", "--recursive"});
    ASSERT_EQ(after.exit_code, 0) << after.err;
    EXPECT_EQ(echo_value(after.out, "verbosity"), "12");
    EXPECT_EQ(echo_value(after.out, "recursive"), "1");
    EXPECT_EQ(echo_value(after.out, "positionals"), "a");
}

TEST_F(AbiTest, VerbosityOptionForms) {
    const std::vector<std::vector<std::string>> forms = {
        {"-v", "debug"}, {"-vdebug"}, {"-v=debug"}, {"--verbosity", "debug"}, {"--verbosity=debug"},
        {"-v", "12"},    {"-v", "DEBUG"},
    };
    for (const auto& form : forms) {
        std::vector<std::string> arguments = {"test", "echo", "a"};
        arguments.insert(arguments.end(), form.begin(), form.end());
        const auto result = run(arguments);

        ASSERT_EQ(result.exit_code, 0) << form.front() << ": " << result.err;
        EXPECT_EQ(echo_value(result.out, "verbosity"), "12") << form.front();
        EXPECT_EQ(echo_value(result.out, "positionals"), "a") << form.front();
    }
}

TEST_F(AbiTest, BareVerbosityMeansWarn) {
    // The environment sets debug. A bare -v, followed by an option or by
    // nothing, overrides it with warn.
    const auto before_option = run({"test", "echo", "a", "-v", "--recursive"}, {{"ACE_DT_VERBOSITY", "debug"}});
    ASSERT_EQ(before_option.exit_code, 0) << before_option.err;
    EXPECT_EQ(echo_value(before_option.out, "verbosity"), "4");

    const auto at_end = run({"test", "echo", "a", "--verbosity"}, {{"ACE_DT_VERBOSITY", "debug"}});
    ASSERT_EQ(at_end.exit_code, 0) << at_end.err;
    EXPECT_EQ(echo_value(at_end.out, "verbosity"), "4");
}

TEST_F(AbiTest, VerbosityTypoIsUsageError) {
    // The word after -v is its value: a typo must not become a positional
    // argument, which a command would read as an image reference.
    const auto typo = run({"test", "echo", "-v", "infoo", "a"});
    EXPECT_EQ(typo.exit_code, 2);
    EXPECT_EQ(typo.out, "");
    EXPECT_NE(typo.err.find("infoo"), std::string::npos) << typo.err;
}

TEST_F(AbiTest, VerbosityPerPlugin) {
    const auto own_level = run({"-v", "error,test-good=info", "test", "echo", "a"});
    ASSERT_EQ(own_level.exit_code, 0) << own_level.err;
    EXPECT_EQ(echo_value(own_level.out, "verbosity"), "8");

    const auto other_plugin = run({"-v", "debug", "-v", "other-plugin=error", "test", "echo", "a"});
    ASSERT_EQ(other_plugin.exit_code, 0) << other_plugin.err;
    EXPECT_EQ(echo_value(other_plugin.out, "verbosity"), "12");
    EXPECT_EQ(stderr_lines_naming(other_plugin.err, "no plugin of that name").size(), 1u) << other_plugin.err;
}

TEST_F(AbiTest, VerbosityFromEnvironment) {
    const auto from_environment = run({"test", "echo", "a"}, {{"ACE_DT_VERBOSITY", "warn,test-good=10"}});
    ASSERT_EQ(from_environment.exit_code, 0) << from_environment.err;
    EXPECT_EQ(echo_value(from_environment.out, "verbosity"), "10");

    const auto option_wins = run({"test", "echo", "a", "-v", "info"}, {{"ACE_DT_VERBOSITY", "test-good=debug"}});
    ASSERT_EQ(option_wins.exit_code, 0) << option_wins.err;
    EXPECT_EQ(echo_value(option_wins.out, "verbosity"), "8");
}

TEST_F(AbiTest, InvalidVerbosityIsUsageError) {
    const auto option = run({"test", "echo", "a", "--verbosity=loud"});
    EXPECT_EQ(option.exit_code, 2);
    EXPECT_NE(option.err.find("Error: invalid verbosity \"loud\""), std::string::npos) << option.err;
    EXPECT_NE(option.err.find("error, warn, info, debug"), std::string::npos) << option.err;
    EXPECT_NE(option.err.find("Run 'ace-dt test echo --help' for usage."), std::string::npos) << option.err;
    EXPECT_EQ(option.out, "");

    const auto variable = run({"test", "echo", "a"}, {{"ACE_DT_VERBOSITY", "test-good=loud"}});
    EXPECT_EQ(variable.exit_code, 2);
    EXPECT_NE(variable.err.find("ACE_DT_VERBOSITY: invalid verbosity \"test-good=loud\""), std::string::npos)
        << variable.err;
}

TEST_F(AbiTest, PluginLogsFilteredAndFormatted) {
    const auto at_info = run({"-v", "error,test-good=info", "test", "echo", "a", "--log"});
    ASSERT_EQ(at_info.exit_code, 0) << at_info.err;

    const std::regex line_format(R"((^|\n)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ WARN \[test-good\] echo says warn\n)");
    EXPECT_TRUE(std::regex_search(at_info.err, line_format)) << at_info.err;
    EXPECT_NE(at_info.err.find("ERROR [test-good] echo says error"), std::string::npos) << at_info.err;
    EXPECT_NE(at_info.err.find("INFO [test-good] echo says info"), std::string::npos) << at_info.err;
    EXPECT_EQ(at_info.err.find("level 10"), std::string::npos) << at_info.err;
    EXPECT_EQ(at_info.err.find("echo says debug"), std::string::npos) << at_info.err;

    const auto at_ten = run({"-v", "test-good=10", "test", "echo", "a", "--log"});
    EXPECT_NE(at_ten.err.find("INFO [test-good] echo says level 10"), std::string::npos) << at_ten.err;
    EXPECT_EQ(at_ten.err.find("echo says debug"), std::string::npos) << at_ten.err;

    const auto at_error = run({"-v", "error", "test", "echo", "a", "--log"});
    EXPECT_NE(at_error.err.find("echo says error"), std::string::npos) << at_error.err;
    EXPECT_EQ(at_error.err.find("echo says warn"), std::string::npos) << at_error.err;

    const auto at_debug = run({"-v", "debug", "test", "echo", "a", "--log"});
    EXPECT_NE(at_debug.err.find("DEBUG [test-good] echo says debug"), std::string::npos) << at_debug.err;
    EXPECT_EQ(at_debug.out.find("says"), std::string::npos) << "logs must not reach standard output";
}

TEST_F(AbiTest, ConfigurationReachesPlugin) {
    write_file(work_ / "ace-dt-config.yaml",
               "apiVersion: config.dt.act3-ace.io/v1alpha1\n"
               "kind: Configuration\n"
               "concurrentHTTP: 7\n"
               "teamSetting: blue\n"
               "registryConfig:\n"
               "  registries:\n"
               "    127.0.0.1:5000:\n"
               "      endpoints: [\"http://127.0.0.1:5000\"]\n");
    const auto result = run({"test", "echo", "a"}, {{"ACE_DT_CACHE_PATH", "/tmp/ace-dt-cache"}});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const auto json = boost::json::parse(echo_value(result.out, "config")).as_object();
    EXPECT_EQ(json.at("concurrentHTTP").as_int64(), 7);
    EXPECT_EQ(json.at("cachePath").as_string(), "/tmp/ace-dt-cache");
    EXPECT_EQ(json.at("teamSetting").as_string(), "blue");
    const auto& registry = json.at("registryConfig").at("registries").at("127.0.0.1:5000");
    EXPECT_EQ(registry.at("endpoints").as_array().at(0).as_string(), "http://127.0.0.1:5000");

    const auto warnings = stderr_lines_naming(result.err, "teamSetting");
    ASSERT_EQ(warnings.size(), 1u) << result.err;
    EXPECT_NE(warnings[0].find("ace-dt-config.yaml:4:"), std::string::npos) << warnings[0];
}

TEST_F(AbiTest, DefaultConfigurationWithoutFile) {
    const auto result = run({"test", "echo", "a"});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const auto json = boost::json::parse(echo_value(result.out, "config")).as_object();
    EXPECT_EQ(json.at("apiVersion").as_string(), "config.dt.act3-ace.io/v1alpha1");
    EXPECT_EQ(json.at("cachePath").as_string(), (home_ / ".cache/ace/dt").string());
    EXPECT_EQ(json.at("concurrentHTTP").as_int64(), 25);
    EXPECT_EQ(json.at("registryAuthFile").as_string(), "");
    EXPECT_TRUE(json.at("registryConfig").at("registries").as_object().empty());
}

TEST_F(AbiTest, BrokenConfigurationStopsOnlyCommands) {
    write_file(work_ / "ace-dt-config.yaml",
               "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\nconcurrentHTTP: abc\n");

    const auto command = run({"test", "echo", "a"});
    EXPECT_EQ(command.exit_code, 1);
    EXPECT_NE(command.err.find("Error: ace-dt-config.yaml:3: concurrentHTTP: expected a positive integer, got \"abc\""),
              std::string::npos)
        << command.err;
    EXPECT_EQ(command.out, "");

    EXPECT_EQ(run({"--help"}).exit_code, 0);
    EXPECT_EQ(run({"test", "echo", "--help"}).exit_code, 0);
    EXPECT_EQ(run({"plugins"}).exit_code, 0);
    EXPECT_EQ(run({"config", "--sample"}).exit_code, 0);
    EXPECT_EQ(run({"config"}).exit_code, 1);
}

TEST_F(AbiTest, MissingExplicitConfigurationIsError) {
    const auto option = run({"--config", "missing.yaml", "test", "echo", "a"});
    EXPECT_EQ(option.exit_code, 1);
    EXPECT_NE(option.err.find("missing.yaml"), std::string::npos) << option.err;

    const auto variable = run({"test", "echo", "a"}, {{"ACE_DT_CONFIG", "one.yaml:two.yaml"}});
    EXPECT_EQ(variable.exit_code, 1);
    EXPECT_NE(variable.err.find("ACE_DT_CONFIG"), std::string::npos) << variable.err;
    EXPECT_NE(variable.err.find("one.yaml, two.yaml"), std::string::npos) << variable.err;
}

TEST_F(AbiTest, SetErrorMessageAndStatus) {
    const auto with_message = run({"test", "echo", "a", "--fail", "3"});
    EXPECT_EQ(with_message.exit_code, 3);
    EXPECT_NE(with_message.err.find("Error: failing as asked with status 3\n"), std::string::npos) << with_message.err;
    EXPECT_EQ(with_message.err.find("replaced"), std::string::npos) << with_message.err;

    const auto without_message = run({"test", "echo", "a", "--fail-silently", "4"});
    EXPECT_EQ(without_message.exit_code, 4);
    EXPECT_NE(without_message.err.find("Error: command \"test echo\" of plugin test-good"), std::string::npos)
        << without_message.err;
    EXPECT_NE(without_message.err.find("failed with exit status 4"), std::string::npos) << without_message.err;
}

TEST_F(AbiTest, OutOfRangeStatusBecomesOne) {
    const auto result = run({"test", "echo", "a", "--fail-silently", "256"});
    EXPECT_EQ(result.exit_code, 1) << result.err;
}

TEST_F(AbiTest, MirrorGroupIsShared) {
    const auto hello = run({"mirror", "hello", "bob"});
    ASSERT_EQ(hello.exit_code, 0) << hello.err;
    EXPECT_EQ(hello.out, "hello, bob\n");

    const auto help = run({"mirror"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    EXPECT_NE(help.out.find("Available Commands:\n"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("  hello"), std::string::npos) << help.out;
}

TEST_F(AbiTest, BadPluginsSkippedWithOneWarning) {
    for (const auto& name : kBadPlugins) link_plugin(name);
    link_plugin("test-throw");
    write_file(plugins_ / "not-elf.so", "this is text, not a shared library\n");

    const auto result = run({"test", "echo", "a"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(echo_value(result.out, "positionals"), "a");

    const std::map<std::string, std::string> reasons = {
        {"test-abi-major.so", "built for ABI 2.0"},
        {"test-entry-throws.so", "entry function threw an exception: entry refuses to start"},
        {"test-invalid-info.so", "flag --dup is declared twice"},
        {"test-no-entry.so", "does not export ace_dt_plugin_entry"},
        {"test-null-info.so", "entry function returned NULL"},
        {"test-null-string.so", "command \"nulls missing\": short_help is NULL"},
        {"test-path-conflict.so", "command \"test echo\" is already provided by plugin test-good"},
        {"test-same-name.so", "plugin name \"test-good\" is already taken"},
        {"not-elf.so", "cannot be loaded"},
    };
    for (const auto& [file, reason] : reasons) {
        const auto lines = stderr_lines_naming(result.err, file);
        ASSERT_EQ(lines.size(), 1u) << file << " in:\n" << result.err;
        EXPECT_NE(lines[0].find("WARN"), std::string::npos) << lines[0];
        EXPECT_NE(lines[0].find(reason), std::string::npos) << lines[0];
    }
    EXPECT_TRUE(stderr_lines_naming(result.err, "test-throw.so").empty()) << result.err;
}

TEST_F(AbiTest, RejectedPluginLosesAllCommands) {
    link_plugin("test-path-conflict");

    const auto result = run({"conflict", "only"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_NE(result.err.find("Error: unknown command \"conflict\" for 'ace-dt'"), std::string::npos) << result.err;
}

TEST_F(AbiTest, LaterMinorVersionLoads) {
    link_plugin("test-future-minor");

    const auto two = run({"future", "two", "word", "-l", "high"});
    ASSERT_EQ(two.exit_code, 0) << two.err;
    EXPECT_EQ(two.out, "future: two level=high word=word\n");

    const auto one = run({"future", "one"});
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(one.out, "future: one level=(no flag) word=(none)\n");

    const auto listing = run({"plugins"});
    EXPECT_NE(listing.out.find("test-future-minor 2.0.0\n  ABI:         1.99\n"), std::string::npos) << listing.out;
}

TEST_F(AbiTest, ExceptionBecomesError) {
    link_plugin("test-throw");

    const auto standard = run({"throw", "now"});
    EXPECT_EQ(standard.exit_code, 1);
    EXPECT_EQ(standard.term_signal, 0);
    EXPECT_NE(standard.err.find("Error: command \"throw now\" of plugin test-throw (" + (plugins_ / "test-throw.so").string() +
                                ") threw an exception: boom from the plugin"),
              std::string::npos)
        << standard.err;

    const auto other = run({"throw", "other"});
    EXPECT_EQ(other.exit_code, 1);
    EXPECT_NE(other.err.find("threw an exception of unknown type"), std::string::npos) << other.err;
}

TEST_F(AbiTest, PluginsCommandListsPlugins) {
    link_plugin("test-null-info");

    const auto result = run({"plugins"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string expected_block = "test-good 1.2.3\n"
                                       "  ABI:         1.0\n"
                                       "  Description: A plugin in C that echoes what it receives\n"
                                       "  Commands:    test echo\n"
                                       "               test wait\n"
                                       "               test threads\n"
                                       "               test spam\n"
                                       "               mirror hello\n"
                                       "  File:        " +
                                       (plugins_ / "test-good.so").string() + "\n";
    EXPECT_NE(result.out.find(expected_block), std::string::npos) << result.out;

    // The file that failed is listed after the plugins, not as a plugin.
    const auto skipped_at = result.out.find("Skipped files:\n");
    ASSERT_NE(skipped_at, std::string::npos) << result.out;
    EXPECT_EQ(result.out.find("test-null-info"), result.out.find("test-null-info", skipped_at)) << result.out;
}

TEST_F(AbiTest, CommandHelpSections) {
    const auto result = run({"test", "echo", "--help"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string& help = result.out;

    EXPECT_EQ(help.rfind("Print every argument, flag value and host setting the command receives,\n", 0), 0u) << help;
    EXPECT_NE(help.find("Usage:\n  ace-dt test echo FIRST [REST...] [flags]\n"), std::string::npos) << help;
    EXPECT_NE(help.find("Examples:\n  Echo two words with a tag:\n  ace-dt test echo one two --tag x\n"),
              std::string::npos)
        << help;
    EXPECT_NE(help.find("Options:\n"), std::string::npos) << help;
    EXPECT_NE(help.find("  -c, --count int "), std::string::npos) << help;
    EXPECT_NE(help.find("an integer flag (default 7)"), std::string::npos) << help;
    EXPECT_NE(help.find("  -n, --name NAME "), std::string::npos) << help;
    EXPECT_NE(help.find("(default \"world\")"), std::string::npos) << help;
    EXPECT_NE(help.find("  -t, --tag strings "), std::string::npos) << help;
    EXPECT_NE(help.find("(default [a,b])"), std::string::npos) << help;
    EXPECT_NE(help.find("  -h, --help "), std::string::npos) << help;
    EXPECT_NE(help.find("Global options:\n      --config stringArray"), std::string::npos) << help;
    EXPECT_NE(help.find("(default [ace-dt-config.yaml," + (home_ / ".config/ace/dt/config.yaml").string() +
                        ",/etc/ace/dt/config.yaml])"),
              std::string::npos)
        << help;
    EXPECT_NE(help.find("  -r, --recursive "), std::string::npos) << help;
    EXPECT_NE(help.find("  -v, --verbosity strings[=warn] "), std::string::npos) << help;
    EXPECT_EQ(help.find("Available Commands:"), std::string::npos) << help;
}

TEST_F(AbiTest, HelpUsesXdgConfigHome) {
    const auto result = run({"--help"}, {{"XDG_CONFIG_HOME", "/srv/xdg"}});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("ace-dt-config.yaml,/srv/xdg/ace/dt/config.yaml,/etc/ace/dt/config.yaml"),
              std::string::npos)
        << result.out;
}

TEST_F(AbiTest, GroupAndRootHelp) {
    const auto group = run({"test"});
    ASSERT_EQ(group.exit_code, 0) << group.err;
    EXPECT_EQ(group.out.rfind("Commands that exercise the plugin ABI\n\nUsage:\n  ace-dt test [command]\n", 0), 0u)
        << group.out;
    EXPECT_NE(group.out.find("  echo "), std::string::npos) << group.out;
    EXPECT_NE(group.out.find("Global options:"), std::string::npos) << group.out;

    const auto root = run({"-h"});
    ASSERT_EQ(root.exit_code, 0) << root.err;
    EXPECT_NE(root.out.find("Available Commands:\n"), std::string::npos) << root.out;
    EXPECT_NE(root.out.find("  test       Commands that exercise the plugin ABI\n"), std::string::npos) << root.out;
    EXPECT_NE(root.out.find("  config "), std::string::npos) << root.out;
    EXPECT_NE(root.out.find("  plugins "), std::string::npos) << root.out;
    EXPECT_NE(root.out.find("      --version "), std::string::npos) << root.out;

    EXPECT_EQ(run({}).out, root.out);
    EXPECT_EQ(run({"mirror", "hello", "-h"}).exit_code, 0);
}

TEST_F(AbiTest, UsageErrorsExitTwo) {
    struct Case {
        std::vector<std::string> arguments;
        std::string message;
        std::string command;
    };
    const std::vector<Case> cases = {
        {{"test", "echo"}, "missing argument FIRST", "ace-dt test echo"},
        {{"test", "echo", "a", "--bogus"}, "unknown flag: --bogus", "ace-dt test echo"},
        {{"test", "echo", "a", "-c", "abc"}, "invalid value \"abc\" for --count", "ace-dt test echo"},
        {{"test", "echo", "a", "-c", "99999999999999999999"}, "invalid value \"99999999999999999999\" for --count",
         "ace-dt test echo"},
        {{"test", "echo", "a", "--name"}, "missing value for --name", "ace-dt test echo"},
        {{"--config"}, "missing value for --config", "ace-dt"},
        {{"mirror", "hello", "a", "b"}, "too many arguments, starting at \"b\"", "ace-dt mirror hello"},
        {{"test", "threads", "x"}, "unexpected argument \"x\"", "ace-dt test threads"},
        {{"test", "nothing"}, "unknown command \"nothing\" for 'ace-dt test'", "ace-dt test"},
        {{"plugins", "extra"}, "unexpected argument \"extra\"", "ace-dt plugins"},
    };
    for (const auto& test_case : cases) {
        const auto result = run(test_case.arguments);
        const std::string label = test_case.arguments.back();

        EXPECT_EQ(result.exit_code, 2) << label << ": " << result.err;
        EXPECT_EQ(result.out, "") << label;
        EXPECT_EQ(result.err.rfind("Error: ", 0), 0u) << label << ": " << result.err;
        EXPECT_NE(result.err.find(test_case.message), std::string::npos) << label << ": " << result.err;
        EXPECT_NE(result.err.find("Run '" + test_case.command + " --help' for usage.\n"), std::string::npos)
            << label << ": " << result.err;
    }
}

TEST_F(AbiTest, VersionOption) {
    const auto result = run({"--version"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(std::regex_match(result.out, std::regex(R"(ace-dt version \d+\.\d+\.\d+\n)"))) << result.out;
}

TEST_F(AbiTest, InterruptStopsCommand) {
    for (const int signal_number : {SIGINT, SIGTERM}) {
        ProcessOptions options;
        bool sent = false;
        options.on_output = [&](pid_t pid, const std::string& out) {
            if (!sent && out.find("waiting\n") != std::string::npos) {
                kill(pid, signal_number);
                sent = true;
            }
        };
        const auto started = std::chrono::steady_clock::now();
        const auto result = run({"test", "wait"}, {}, options);

        EXPECT_TRUE(sent) << signal_number;
        EXPECT_EQ(result.exit_code, 130) << signal_number << ": " << result.err;
        EXPECT_NE(result.err.find("Error: stopped after an interrupt"), std::string::npos) << result.err;
        EXPECT_EQ(result.out.find("done"), std::string::npos) << result.out;
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    }
}

TEST_F(AbiTest, SecondInterruptExitsAtOnce) {
    ProcessOptions options;
    options.on_output = [](pid_t pid, const std::string& out) {
        if (out.find("waiting\n") != std::string::npos) {
            kill(pid, SIGINT);
            usleep(100 * 1000);
            kill(pid, SIGINT);
        }
    };
    const auto started = std::chrono::steady_clock::now();
    const auto result = run({"test", "wait", "--ignore"}, {}, options);

    EXPECT_EQ(result.exit_code, 130) << result.err;
    EXPECT_EQ(result.out.find("done"), std::string::npos) << result.out;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(AbiTest, ClosedStdoutEndsQuietly) {
    // write_stdout fails and the plugin returns its own error, but the
    // host exits as a program killed by SIGPIPE would: status 141 and no
    // message, as `ace-dt ... | head -1` expects.
    ProcessOptions options;
    options.closed_stdout = true;
    const auto result = run({"test", "spam"}, {}, options);

    EXPECT_EQ(result.term_signal, 0) << "SIGPIPE must not kill the host";
    EXPECT_EQ(result.exit_code, 141) << result.err;
    EXPECT_EQ(result.err.find("Error:"), std::string::npos) << result.err;
}

TEST_F(AbiTest, ThreadsWriteWholeLines) {
    const auto result = run({"test", "threads"});
    ASSERT_EQ(result.exit_code, 0) << result.err;

    const std::regex line_format(R"(thread (\d) line (\d{3}) with some padding to make the line longer)");
    std::map<std::string, int> lines_per_thread;
    std::istringstream lines(result.out);
    std::string line;
    while (std::getline(lines, line)) {
        std::smatch match;
        ASSERT_TRUE(std::regex_match(line, match, line_format)) << "mangled line: " << line;
        ++lines_per_thread[match[1]];
    }
    ASSERT_EQ(lines_per_thread.size(), 4u);
    for (const auto& [thread, count] : lines_per_thread) EXPECT_EQ(count, 200) << "thread " << thread;
    EXPECT_EQ(count_occurrences(result.err, "WARN [test-good] thread progress"), 16) << result.err;
}

TEST_F(AbiTest, SampleConfigurationLoads) {
    const auto sample = run({"config", "--sample"});
    ASSERT_EQ(sample.exit_code, 0) << sample.err;
    write_file(work_ / "sample.yaml", sample.out);

    const auto loaded = run({"config", "--config", "sample.yaml", "-v", "info"});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
    EXPECT_TRUE(stderr_lines_naming(loaded.err, "WARN").empty()) << loaded.err;
    EXPECT_NE(loaded.err.find("using configuration file sample.yaml"), std::string::npos) << loaded.err;
    EXPECT_NE(loaded.out.find("concurrentHTTP: 25\n"), std::string::npos) << loaded.out;
}

}  // namespace
}  // namespace acedt::tests
