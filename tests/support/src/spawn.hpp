// Starts a child process with given standard streams. Internal to
// acedt_test_support, shared by run_process and RegistryServer.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace acedt_test::detail {

struct SpawnRequest {
    std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no slash
    std::optional<std::vector<std::string>> environment;  // "NAME=value" entries, or nullopt to inherit
    std::string working_directory;                         // empty keeps the current one
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    bool new_process_group = false;
};

// Forks and executes the request. The child receives SIGKILL when the calling
// thread exits (PR_SET_PDEATHSIG), and starts with default SIGPIPE handling
// and an empty signal mask. Returns the child's PID once exec succeeded.
// Throws std::system_error naming argv[0] when exec or the setup before it
// failed, after reaping the failed child.
pid_t spawn(const SpawnRequest &request);

}  // namespace acedt_test::detail
