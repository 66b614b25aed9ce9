#include "spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

extern char **environ;

namespace acedt_test::detail {
namespace {

std::vector<char *> c_strings(std::vector<std::string> &strings) {
    std::vector<char *> pointers;
    for (std::string &text : strings) {
        pointers.push_back(text.data());
    }
    pointers.push_back(nullptr);
    return pointers;
}

struct ChildSetup {
    char *const *argv;
    char *const *envp;
    const char *working_directory;
    pid_t parent;
    int stdin_fd;
    int stdout_fd;
    int stderr_fd;
    bool new_process_group;
    int status_fd;
};

// Runs in the forked child, so it calls only async-signal-safe functions.
// On failure it writes errno to the status pipe and exits with 127.
[[noreturn]] void exec_child(const ChildSetup &setup) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != setup.parent) {
        ::_exit(127);  // the parent exited before prctl took effect
    }
    if (setup.new_process_group) {
        ::setpgid(0, 0);
    }

    // Ignored signals and the signal mask survive exec, so restore defaults.
    ::signal(SIGPIPE, SIG_DFL);
    sigset_t empty;
    ::sigemptyset(&empty);
    ::sigprocmask(SIG_SETMASK, &empty, nullptr);

    bool ok = ::dup2(setup.stdin_fd, STDIN_FILENO) >= 0 && ::dup2(setup.stdout_fd, STDOUT_FILENO) >= 0 &&
              ::dup2(setup.stderr_fd, STDERR_FILENO) >= 0;
    if (ok && setup.working_directory[0] != '\0') {
        ok = ::chdir(setup.working_directory) == 0;
    }
    if (ok) {
        ::execvpe(setup.argv[0], setup.argv, setup.envp);
    }

    int error = errno;
    ssize_t written = ::write(setup.status_fd, &error, sizeof error);
    (void)written;
    ::_exit(127);
}

}  // namespace

pid_t spawn(const SpawnRequest &request) {
    if (request.argv.empty()) {
        throw std::invalid_argument("spawn: argv is empty");
    }

    // Everything the child needs is prepared before fork, because the child
    // of a multithreaded process may only call async-signal-safe functions.
    std::vector<std::string> argv = request.argv;
    std::vector<char *> argv_pointers = c_strings(argv);
    std::vector<std::string> environment;
    std::vector<char *> env_pointers;
    if (request.environment) {
        environment = *request.environment;
        env_pointers = c_strings(environment);
    }

    std::array<int, 2> status{};
    if (::pipe2(status.data(), O_CLOEXEC) != 0) {
        throw std::system_error(errno, std::generic_category(), "pipe2 failed");
    }

    ChildSetup setup{argv_pointers.data(),
                     request.environment ? env_pointers.data() : environ,
                     request.working_directory.c_str(),
                     ::getpid(),
                     request.stdin_fd,
                     request.stdout_fd,
                     request.stderr_fd,
                     request.new_process_group,
                     status[1]};
    pid_t pid = ::fork();
    if (pid < 0) {
        int error = errno;
        ::close(status[0]);
        ::close(status[1]);
        throw std::system_error(error, std::generic_category(), "fork failed");
    }
    if (pid == 0) {
        exec_child(setup);
    }
    ::close(status[1]);

    // The status pipe closes on a successful exec (O_CLOEXEC) and carries
    // errno when exec or the setup before it failed.
    int exec_error = 0;
    ssize_t count = 0;
    do {
        count = ::read(status[0], &exec_error, sizeof exec_error);
    } while (count < 0 && errno == EINTR);
    ::close(status[0]);

    if (count == sizeof exec_error) {
        int ignored = 0;
        ::waitpid(pid, &ignored, 0);
        std::string what = "failed to start '" + request.argv.at(0) + "'";
        if (!request.working_directory.empty()) {
            what += " in " + request.working_directory;
        }
        throw std::system_error(exec_error, std::generic_category(), what);
    }
    return pid;
}

}  // namespace acedt_test::detail
