#include <acedt_test/process.hpp>
#include <acedt_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <system_error>

namespace acedt_test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RunProcess, ReturnsExitCode) {
    EXPECT_EQ(run_process({"sh", "-c", "exit 3"}).exit_code, 3);
    EXPECT_EQ(run_process({"true"}).exit_code, 0);
    EXPECT_EQ(run_process({"false"}).exit_code, 1);
}

TEST(RunProcess, CapturesStreamsSeparately) {
    ProcessResult result = run_process({"sh", "-c", "echo to-out; echo to-err >&2; echo more-out"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "to-out\nmore-out\n");
    EXPECT_EQ(result.err, "to-err\n");
    EXPECT_FALSE(result.timed_out);
}

TEST(RunProcess, ReadsLargeOutputOnBothStreams) {
    // Several megabytes on each stream, far beyond a pipe's buffer, with the
    // child switching streams so that either pipe can fill up first.
    ProcessResult result = run_process(
        {"sh", "-c",
         "for i in 1 2 3 4; do head -c 1000000 /dev/zero | tr '\\0' o; head -c 1000000 /dev/zero | tr '\\0' e >&2; done"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.size(), 4000000u);
    EXPECT_EQ(result.err.size(), 4000000u);
    EXPECT_EQ(result.out.find_first_not_of('o'), std::string::npos);
    EXPECT_EQ(result.err.find_first_not_of('e'), std::string::npos);
}

TEST(RunProcess, PassesStdinData) {
    std::string input;
    for (int i = 0; i < 200000; ++i) {
        input += "line " + std::to_string(i) + "\n";
    }
    ProcessResult result = run_process({"cat"}, {}, seconds(60), input);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out.size(), input.size());
    EXPECT_TRUE(result.out == input);
}

TEST(RunProcess, SurvivesChildIgnoringStdin) {
    std::string input(4 * 1024 * 1024, 'x');
    ProcessResult result = run_process({"sh", "-c", "exec 0<&-; echo done"}, {}, seconds(60), input);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "done\n");
}

TEST(RunProcess, EmptyStdinIsClosed) {
    ProcessResult result = run_process({"wc", "-c"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "0\n");
}

TEST(RunProcess, TimeoutKillsProcessGroup) {
    ProcessOptions options;
    options.timeout = milliseconds(300);
    auto started = std::chrono::steady_clock::now();
    // The background sleep keeps the output pipes open after sh is killed,
    // so the call only returns this early if the whole group is killed.
    ProcessResult result = run_process_with({"sh", "-c", "echo started; sleep 30 & sleep 30"}, options);
    auto elapsed = std::chrono::steady_clock::now() - started;

    EXPECT_TRUE(result.timed_out);
    EXPECT_EQ(result.exit_code, 128 + 9);
    EXPECT_EQ(result.out, "started\n");
    EXPECT_LT(elapsed, seconds(5));
}

TEST(RunProcess, ReportsSignalAsExitCode) {
    ProcessResult result = run_process({"sh", "-c", "kill -TERM $$"});
    EXPECT_EQ(result.exit_code, 128 + 15);
    EXPECT_FALSE(result.timed_out);
}

TEST(RunProcess, AppliesEnvironmentChanges) {
    ::setenv("ACE_DT_TEST_INHERITED", "inherited", 1);
    ::setenv("ACE_DT_TEST_REMOVED", "removed", 1);
    ProcessOptions options;
    options.env_overrides = {{"ACE_DT_TEST_SET", "set"}, {"ACE_DT_TEST_EMPTY", ""}};
    options.env_unset = {"ACE_DT_TEST_REMOVED"};
    ProcessResult result = run_process_with(
        {"sh", "-c",
         "echo \"${ACE_DT_TEST_INHERITED-unset}|${ACE_DT_TEST_REMOVED-unset}|${ACE_DT_TEST_SET-unset}|"
         "${ACE_DT_TEST_EMPTY-unset}\""},
        options);
    ::unsetenv("ACE_DT_TEST_INHERITED");
    ::unsetenv("ACE_DT_TEST_REMOVED");

    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "inherited|unset|set|\n");
}

TEST(RunProcess, OverrideReplacesInheritedValue) {
    ::setenv("ACE_DT_TEST_REPLACED", "old", 1);
    ProcessResult result = run_process({"sh", "-c", "env | grep '^ACE_DT_TEST_REPLACED='"}, {{"ACE_DT_TEST_REPLACED", "new"}});
    ::unsetenv("ACE_DT_TEST_REPLACED");
    EXPECT_EQ(result.out, "ACE_DT_TEST_REPLACED=new\n");
}

TEST(RunProcess, UnsetListRemovesVariables) {
    ::setenv("ACE_DT_TEST_GONE", "present", 1);
    ProcessResult result = run_process({"sh", "-c", "echo \"${ACE_DT_TEST_GONE-unset}|$ACE_DT_TEST_ADDED\""},
                                       {{"ACE_DT_TEST_ADDED", "added"}}, {"ACE_DT_TEST_GONE"}, seconds(30));
    ::unsetenv("ACE_DT_TEST_GONE");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "unset|added\n");
}

TEST(RunProcess, UsesWorkingDirectory) {
    TempDir dir;
    ProcessOptions options;
    options.working_directory = dir.path();
    ProcessResult result = run_process_with({"pwd", "-P"}, options);
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(RunProcess, MissingProgramThrows) {
    try {
        run_process({"/nonexistent/ace-dt-test-program"});
        FAIL() << "expected std::system_error";
    } catch (const std::system_error &error) {
        EXPECT_EQ(error.code().value(), ENOENT);
        EXPECT_NE(std::string(error.what()).find("/nonexistent/ace-dt-test-program"), std::string::npos) << error.what();
    }
}

TEST(RunProcess, EmptyArgvThrows) { EXPECT_THROW(run_process({}), std::invalid_argument); }

}  // namespace
}  // namespace acedt_test
