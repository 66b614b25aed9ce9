// Plugins built against other header versions, plugins that misuse the
// host functions, and what `ace-dt plugins` reports about the search.
#include "host_fixture.hpp"

#include <gtest/gtest.h>

namespace acedt::tests {
namespace {

class CompatTest : public HostFixture {};

TEST_F(CompatTest, FrozenMinorPluginRuns) {
    link_plugin("test-abi-1-0");

    const auto result = run({"abi10", "all", "a", "b", "--text", "x", "--item", "p,q", "-n", "9", "--switch", "-r",
                             "-v", "info"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(echo_value(result.out, "words"), "a|b");
    EXPECT_EQ(echo_value(result.out, "text"), "x set=1");
    EXPECT_EQ(echo_value(result.out, "items"), "2");
    EXPECT_EQ(echo_value(result.out, "number"), "9");
    EXPECT_EQ(echo_value(result.out, "switch"), "1");
    EXPECT_EQ(echo_value(result.out, "verbosity"), "8 recursive=1 interrupted=0");
    EXPECT_EQ(echo_value(result.out, "host-abi"), "1.0 host-table=complete");
    EXPECT_EQ(echo_value(result.out, "config"), "json");
    EXPECT_NE(result.err.find("INFO [test-abi-1-0] abi10 all starts"), std::string::npos) << result.err;

    const auto defaults = run({"abi10", "all"});
    ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
    EXPECT_EQ(echo_value(defaults.out, "text"), "none set=0");
    EXPECT_EQ(echo_value(defaults.out, "number"), "-3");

    const auto failing = run({"abi10", "all", "--fail", "5"});
    EXPECT_EQ(failing.exit_code, 5);
    EXPECT_NE(failing.err.find("Error: abi10 failed as asked\n"), std::string::npos) << failing.err;

    const auto mirror = run({"mirror", "abi10"});
    ASSERT_EQ(mirror.exit_code, 0) << mirror.err;
    EXPECT_EQ(mirror.out, "mirror abi10 ok\n");
}

TEST_F(CompatTest, NewerMinorPluginLoads) {
    link_plugin("test-abi-1-1");

    const auto listing = run({"plugins"});
    ASSERT_EQ(listing.exit_code, 0) << listing.err;
    EXPECT_NE(listing.out.find("test-abi-1-1 1.1.0\n  ABI:         1.1\n"), std::string::npos) << listing.out;
    EXPECT_EQ(listing.out.find("Skipped files:"), std::string::npos) << listing.out;
}

TEST_F(CompatTest, NewerMinorReportsMissingFunction) {
    link_plugin("test-abi-1-1");

    const auto result = run({"newer", "progress"});
    EXPECT_EQ(result.term_signal, 0) << "the plugin called a function the host lacks";
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("Error: this command needs report_progress from plugin ABI 1.1, but this ace-dt "
                              "implements ABI 1.0; install a newer ace-dt\n"),
              std::string::npos)
        << result.err;
}

TEST_F(CompatTest, NewerMinorWorksWithoutOptionalFunction) {
    link_plugin("test-abi-1-1");

    const auto result = run({"newer", "optional"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "optional done\n");
    EXPECT_EQ(stderr_lines_naming(result.err, "WARN [test-abi-1-1] this ace-dt lacks report_progress").size(), 1u)
        << result.err;
}

TEST_F(CompatTest, NullArgumentsReportedOnce) {
    link_plugin("test-null-arguments");

    const auto result = run({"nulls", "call"});
    EXPECT_EQ(result.term_signal, 0);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string line = "write=-1 bool=-1,-1 string=-1,-1 list=-1,-1 int=-1,-1 is_set=-1\n";
    EXPECT_EQ(result.out, line + line + "still running\n");

    const std::string file = (plugins_ / "test-null-arguments.so").string();
    const std::map<std::string, std::string> functions = {
        {"log", "message"},         {"set_error", "message"}, {"write_stdout", "data"},
        {"flag_bool", "name"},      {"flag_string", "name"},  {"flag_string_list", "values"},
        {"flag_int", "name"},       {"flag_is_set", "name"},
    };
    for (const auto& [function, argument] : functions) {
        const auto lines = stderr_lines_naming(result.err, " called " + function + "() with ");
        ASSERT_EQ(lines.size(), 1u) << function << " in:\n" << result.err;
        EXPECT_NE(lines[0].find("WARN"), std::string::npos) << lines[0];
        EXPECT_NE(lines[0].find("plugin test-null-arguments (" + file + ")"), std::string::npos) << lines[0];
        EXPECT_NE(lines[0].find(argument + " set to NULL"), std::string::npos) << lines[0];
    }
}

TEST_F(CompatTest, TruncatedPluginSkipped) {
    // The first 8000 bytes of test-good.so hold its program headers but
    // end inside a loadable segment. Mapping that segment and touching it
    // raises SIGBUS, so the host must check the size before loading.
    std::ifstream whole(kPluginBuildDir / "test-good.so", std::ios::binary);
    std::string head(8000, '\0');
    ASSERT_TRUE(whole.read(head.data(), static_cast<std::streamsize>(head.size())));
    write_file(plugins_ / "truncated.so", head);

    const auto result = run({"plugins"});
    EXPECT_EQ(result.term_signal, 0) << "loading a truncated file ended the host";
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find((plugins_ / "truncated.so").string() + ": cannot be loaded: the file is truncated: "),
              std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("test-good 1.2.3\n"), std::string::npos) << result.out;
}

TEST_F(CompatTest, PluginsListsSkippedFiles) {
    link_plugin("test-null-info");
    link_plugin("test-abi-major");

    const auto result = run({"plugins"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string expected = "Skipped files:\n  " + (plugins_ / "test-abi-major.so").string() +
                                 ": built for ABI 2.0, but this host implements ABI 1.0 and loads only plugins "
                                 "of major version 1\n  " +
                                 (plugins_ / "test-null-info.so").string() + ": the entry function returned NULL\n";
    EXPECT_NE(result.out.find(expected), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("test-good 1.2.3\n"), std::string::npos) << result.out;
    EXPECT_TRUE(stderr_lines_naming(result.err, "ignoring plugin file").empty())
        << "ace-dt plugins lists skipped files in its output, not as warnings:\n"
        << result.err;
    EXPECT_EQ(result.out.find("Plugin directories"), std::string::npos) << "only --verbose lists directories";
}

TEST_F(CompatTest, OtherCommandsWarnAboutSkippedFiles) {
    link_plugin("test-null-info");

    const auto result = run({"test", "echo", "a"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto lines = stderr_lines_naming(result.err, "test-null-info.so");
    ASSERT_EQ(lines.size(), 1u) << result.err;
    EXPECT_NE(lines[0].find("WARN [ace-dt] ignoring plugin file"), std::string::npos) << lines[0];
}

TEST_F(CompatTest, PluginsVerboseShowsSearch) {
    link_plugin("test-null-info");
    write_file(plugins_ / "notes.txt", "not a plugin\n");
    fs::create_directory(plugins_ / "folder.so");
    fs::create_symlink(root_ / "nowhere.so", plugins_ / "broken.so");
    fs::create_symlink(kPluginBuildDir / "test-good.so", plugins_ / "very-good.so");
    const fs::path missing = root_ / "missing";
    const fs::path file = plugins_ / "notes.txt";
    const std::string search_path =
        plugins_.string() + ":" + missing.string() + ":" + file.string() + ":" + plugins_.string();

    const auto result = run({"plugins", "--verbose"}, {{"ACE_DT_PLUGIN_PATH", search_path}});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string& out = result.out;

    const std::string plugins_block =
        "Plugin directories, in search order:\n"
        "  " + plugins_.string() + " (from ACE_DT_PLUGIN_PATH)\n"
        
        "    ignored    broken.so: it is a broken link\n"
        "    ignored    folder.so: it is a directory\n"
        "    ignored    notes.txt: the name does not end in .so\n"
        "    loaded     test-good.so: test-good 1.2.3 (ABI 1.0)\n"
        "    skipped    test-null-info.so: the entry function returned NULL\n"
        "    duplicate  very-good.so: the same file as " + (plugins_ / "test-good.so").string() + ", loaded once\n"
        "  " + missing.string() + " (from ACE_DT_PLUGIN_PATH)\n"
        "    does not exist\n"
        "  " + file.string() + " (from ACE_DT_PLUGIN_PATH)\n"
        "    is not a directory\n"
        "  " + plugins_.string() + " (from ACE_DT_PLUGIN_PATH)\n"
        "    already searched as " + plugins_.string() + "\n";
    EXPECT_NE(out.find(plugins_block), std::string::npos) << out;

    // The build tree has the layout of an installation: bin/ace-dt and
    // lib/ace-dt/plugins.
    const fs::path installation = (kBinary.parent_path() / "../lib/ace-dt/plugins").lexically_normal();
    EXPECT_NE(out.find("  " + installation.string() + " (the plugin directory of this installation)\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("Skipped files:\n"), std::string::npos) << out;
}

TEST_F(CompatTest, PluginsVerboseWithoutVariable) {
    const auto result = run({"plugins", "--verbose"}, {{"ACE_DT_PLUGIN_PATH", ""}});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("Plugin directories, in search order (ACE_DT_PLUGIN_PATH is not set or empty):\n"),
              std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("test-good"), std::string::npos) << result.out;
}

TEST_F(CompatTest, NoPluginsWarnsWithSearchList) {
    // A copy of the executable without lib/ace-dt/plugins beside it.
    const fs::path installation = root_ / "installation";
    fs::create_directories(installation / "bin");
    fs::copy_file(kBinary, installation / "bin/ace-dt");

    ProcessOptions options;
    options.arguments = {"plugins"};
    options.environment = {{"PATH", "/usr/bin:/bin"}, {"HOME", home_.string()}};
    options.working_directory = work_;
    const auto result = run_process(installation / "bin/ace-dt", options);

    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("WARN [ace-dt] no plugins loaded; searched: " +
                              (installation / "lib/ace-dt/plugins").string() +
                              "; 'ace-dt plugins --verbose' lists every file considered\n"),
              std::string::npos)
        << result.err;
}

TEST_F(CompatTest, PluginsHelpMentionsVerbose) {
    const auto result = run({"plugins", "--help"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("      --verbose   also list every directory searched and every file considered, "
                              "with the outcome"),
              std::string::npos)
        << result.out;
}

}  // namespace
}  // namespace acedt::tests
