#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace acedt::tests {

namespace {

struct Pipe {
    int read_end = -1;
    int write_end = -1;

    Pipe() {
        int ends[2];
        if (pipe2(ends, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
        read_end = ends[0];
        write_end = ends[1];
    }
};

void close_if_open(int& descriptor) {
    if (descriptor >= 0) close(descriptor);
    descriptor = -1;
}

std::vector<std::string> environment_strings(const std::map<std::string, std::string>& environment) {
    std::vector<std::string> strings;
    for (const auto& [name, value] : environment) strings.push_back(name + "=" + value);
    return strings;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& text : strings) pointers.push_back(text.data());
    pointers.push_back(nullptr);
    return pointers;
}

pid_t spawn(const std::filesystem::path& program, const ProcessOptions& options, int out_fd, int err_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!options.working_directory.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, options.working_directory.c_str());
    }

    // The child starts with default signal handling, whatever the test
    // runner changed.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<std::string> arguments{program.string()};
    arguments.insert(arguments.end(), options.arguments.begin(), options.arguments.end());
    auto argv = pointers_to(arguments);
    auto environment = environment_strings(options.environment);
    auto envp = pointers_to(environment);

    pid_t pid = -1;
    const int status = posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (status != 0) throw std::system_error(status, std::generic_category(), "posix_spawn " + program.string());
    return pid;
}

// Reads what is available from `descriptor` into `text`; closes it at EOF.
void drain(int& descriptor, std::string& text) {
    char buffer[65536];
    const ssize_t count = read(descriptor, buffer, sizeof buffer);
    if (count > 0) {
        text.append(buffer, static_cast<std::size_t>(count));
    } else if (count == 0 || (errno != EINTR && errno != EAGAIN)) {
        close_if_open(descriptor);
    }
}

}  // namespace

ProcessResult run_process(const std::filesystem::path& program, const ProcessOptions& options) {
    Pipe out;
    Pipe err;
    if (options.closed_stdout) close_if_open(out.read_end);

    const pid_t pid = spawn(program, options, out.write_end, err.write_end);
    close_if_open(out.write_end);
    close_if_open(err.write_end);

    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + options.timeout;
    while (out.read_end >= 0 || err.read_end >= 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            kill(pid, SIGKILL);
            break;
        }

        pollfd descriptors[2] = {{out.read_end, POLLIN, 0}, {err.read_end, POLLIN, 0}};
        if (poll(descriptors, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
        if (descriptors[0].revents != 0) {
            drain(out.read_end, result.out);
            if (options.on_output) options.on_output(pid, result.out);
        }
        if (descriptors[1].revents != 0) drain(err.read_end, result.err);
    }
    close_if_open(out.read_end);
    close_if_open(err.read_end);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
    return result;
}

}  // namespace acedt::tests
