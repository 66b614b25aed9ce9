// Runs a program with captured standard output and standard error.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace acedt_test {

struct ProcessResult {
    /// The exit status, or 128 + N when signal N ended the process (so a
    /// timeout gives 137, SIGKILL).
    int exit_code = 0;
    std::string out;
    std::string err;
    /// True when the timeout expired and the process group was killed.
    bool timed_out = false;
};

struct ProcessOptions {
    /// Variables set in the child's environment, which otherwise copies the
    /// current one. An empty value sets the variable to the empty string.
    std::map<std::string, std::string> env_overrides;
    /// Variables removed from the child's environment. A name listed here and
    /// in env_overrides is set.
    std::vector<std::string> env_unset;
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
    /// Bytes written to the child's standard input, which is then closed.
    std::string stdin_data;
    /// The child's working directory, or empty to keep the current one.
    std::filesystem::path working_directory;
};

/// Runs `argv` and waits until it exits and both output pipes are closed,
/// reading standard output and standard error concurrently, so large output
/// cannot block the child. argv[0] is looked up in PATH when it contains no
/// slash.
///
/// The child runs in a process group of its own and receives SIGKILL if the
/// calling thread exits. When the timeout expires, the whole group receives
/// SIGKILL, and output written until then is returned with timed_out set.
///
/// Throws std::invalid_argument for an empty argv, and std::system_error
/// when the program cannot be started (for example, not found or not
/// executable) or a system call fails.
///
/// The name differs from run_process so that a braced list of variables
/// passed to run_process cannot match ProcessOptions as well.
ProcessResult run_process_with(const std::vector<std::string> &argv, const ProcessOptions &options);

/// Runs `argv` like run_process_with, with `env_overrides` set, a timeout in
/// seconds and `stdin_data` on standard input.
ProcessResult run_process(const std::vector<std::string> &argv,
                          const std::map<std::string, std::string> &env_overrides = {},
                          std::chrono::seconds timeout = std::chrono::seconds(60), const std::string &stdin_data = "");

/// Runs `argv` like run_process_with, with `env_overrides` set, the variables
/// named in `env_unset` removed, a timeout in seconds and `stdin_data` on
/// standard input.
ProcessResult run_process(const std::vector<std::string> &argv, const std::map<std::string, std::string> &env_overrides,
                          const std::vector<std::string> &env_unset,
                          std::chrono::seconds timeout = std::chrono::seconds(60), const std::string &stdin_data = "");

}  // namespace acedt_test
