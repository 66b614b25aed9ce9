// Running the real ace-dt binary from tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace acedt::tests {

struct ProcessResult {
    int exit_code = -1;     // -1 when the process ended by a signal
    int term_signal = 0;    // the signal that ended it, or 0
    bool timed_out = false;
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::vector<std::string> arguments;  // without the program name
    /// The whole environment of the child; nothing is inherited.
    std::map<std::string, std::string> environment;
    std::filesystem::path working_directory;
    std::chrono::milliseconds timeout{10000};
    /// Gives the child a pipe whose read end is already closed, so its
    /// writes to standard output fail with EPIPE.
    bool closed_stdout = false;
    /// Called after each read from the child's standard output with
    /// everything read so far; may send signals to `pid`.
    std::function<void(pid_t pid, const std::string& out)> on_output;
};

/// Starts `program` with posix_spawn, collects standard output and
/// standard error separately, and waits for it to end. A child still
/// running at the timeout is killed with SIGKILL.
ProcessResult run_process(const std::filesystem::path& program, const ProcessOptions& options);

}  // namespace acedt::tests
