// Runs docker credential helpers: `docker-credential-NAME get` reads the
// server name on standard input and writes {"ServerURL", "Username",
// "Secret"} on standard output, or "credentials not found in native
// keychain" with a non-zero exit status when it has none.
#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>

#include "json_fields.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

extern char **environ;

namespace acedt::oci {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kProgramPrefix = "docker-credential-";
constexpr std::string_view kTokenUsername = "<token>";
// The message docker-credential-helpers writes when it has no entry.
constexpr std::string_view kNotFoundMessage = "credentials not found";
// Real responses are a few hundred bytes, so more than this is not a helper.
constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

class Descriptor {
public:
    explicit Descriptor(int fd = -1) : fd_(fd) {}
    ~Descriptor() { reset(); }
    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;

    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    int fd_;
};

std::optional<std::string> find_in_path(const std::string &program) {
    const char *path = std::getenv("PATH");
    std::string_view directories = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    while (true) {
        const std::size_t colon = directories.find(':');
        std::string directory(directories.substr(0, colon));
        if (directory.empty()) {
            directory = ".";
        }
        const std::string candidate = directory + "/" + program;
        struct stat status {};
        if (::stat(candidate.c_str(), &status) == 0 && S_ISREG(status.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        if (colon == std::string_view::npos) {
            return std::nullopt;
        }
        directories.remove_prefix(colon + 1);
    }
}

struct ChildResult {
    bool timed_out = false;
    int exit_status = -1;  // -1 when a signal ended it
    std::string output;
};

// Sends `input` and closes the child's standard input, then reads its
// standard output until it closes or the deadline passes. The input goes
// over a socket with MSG_NOSIGNAL, so a helper that exits without reading
// it cannot raise SIGPIPE in this process.
ChildResult talk_to_child(pid_t pid, int input_fd, int output_fd, const std::string &input,
                          std::chrono::milliseconds timeout) {
    ChildResult result;
    ::send(input_fd, input.data(), input.size(), MSG_NOSIGNAL);
    ::shutdown(input_fd, SHUT_WR);

    const auto deadline = Clock::now() + timeout;
    char buffer[4096];
    while (true) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (remaining.count() <= 0) {
            result.timed_out = true;
            break;
        }
        pollfd poll_fd{output_fd, POLLIN, 0};
        const int ready = ::poll(&poll_fd, 1, static_cast<int>(remaining.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            continue;  // the deadline check above ends the loop
        }
        const ssize_t count = ::read(output_fd, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            break;
        }
        if (result.output.size() < kMaxAnswerBytes) {
            result.output.append(buffer, static_cast<std::size_t>(count));
        }
    }

    if (result.timed_out) {
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exit_status = WEXITSTATUS(status);
    }
    return result;
}

ChildResult run_get(const std::string &program_path, const std::string &server, std::chrono::milliseconds timeout) {
    int sockets[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
        throw Error("cannot create a socket for the credential helper: " + std::string(std::strerror(errno)));
    }
    Descriptor input_parent(sockets[0]);
    Descriptor input_child(sockets[1]);

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        throw Error("cannot create a pipe for the credential helper: " + std::string(std::strerror(errno)));
    }
    Descriptor output_parent(pipe_fds[0]);
    Descriptor output_child(pipe_fds[1]);
    Descriptor null_device(::open("/dev/null", O_WRONLY | O_CLOEXEC));

    // The helper's standard error is discarded: helpers may print details
    // there that do not belong in this program's logs.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, input_child.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, output_child.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, null_device.get(), STDERR_FILENO);

    const std::string program_name = program_path.substr(program_path.rfind('/') + 1);
    std::string get_argument = "get";
    char *argv[] = {const_cast<char *>(program_name.c_str()), get_argument.data(), nullptr};
    pid_t pid = -1;
    const int spawn_error = ::posix_spawn(&pid, program_path.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawn_error != 0) {
        ChildResult failed;
        failed.exit_status = 127;
        failed.output = std::strerror(spawn_error);
        return failed;
    }

    input_child.reset();
    output_child.reset();
    return talk_to_child(pid, input_parent.get(), output_parent.get(), server, timeout);
}

HelperAnswer failed(std::string problem) {
    HelperAnswer answer;
    answer.status = HelperAnswer::Status::kFailed;
    answer.problem = std::move(problem);
    return answer;
}

// Reads {"Username": ..., "Secret": ...}. The messages never show values.
HelperAnswer parse_answer(const std::string &program, const std::string &output) {
    boost::json::value document;
    try {
        document = json_fields::parse(output);
    } catch (const Error &) {
        return failed(program + " wrote an answer that is not JSON");
    }
    if (!document.is_object()) {
        return failed(program + " wrote an answer that is not a JSON object");
    }

    const boost::json::object &object = document.get_object();
    const boost::json::value *username = json_fields::find(object, "Username");
    const boost::json::value *secret = json_fields::find(object, "Secret");
    if ((username != nullptr && !username->is_string()) || secret == nullptr || !secret->is_string()) {
        return failed(program + " wrote an answer without the string fields Username and Secret");
    }

    HelperAnswer answer;
    const std::string user = username != nullptr ? std::string(username->get_string()) : std::string();
    const std::string value(secret->get_string());
    if (value.empty()) {
        answer.status = HelperAnswer::Status::kNotFound;
        return answer;
    }

    answer.status = HelperAnswer::Status::kFound;
    if (user == kTokenUsername) {
        answer.credentials.identity_token = value;
    } else {
        answer.credentials.username = user;
        answer.credentials.password = value;
    }
    return answer;
}

}  // namespace

HelperAnswer run_credential_helper(const std::string &name, const std::string &server,
                                   std::chrono::milliseconds timeout) {
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
        throw Error("invalid credential helper name \"" + name +
                    "\": expected the NAME of a docker-credential-NAME program in PATH");
    }

    const std::string program = std::string(kProgramPrefix) + name;
    const std::optional<std::string> program_path = find_in_path(program);
    if (!program_path) {
        HelperAnswer answer;
        answer.status = HelperAnswer::Status::kMissing;
        answer.problem = program + " was not found in PATH";
        return answer;
    }

    const ChildResult result = run_get(*program_path, server, timeout);
    if (result.timed_out) {
        const auto ms = timeout.count();
        return failed(program + " get did not finish within " +
                      (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms"));
    }
    if (result.exit_status != 0) {
        if (result.output.find(kNotFoundMessage) != std::string::npos) {
            HelperAnswer answer;
            answer.status = HelperAnswer::Status::kNotFound;
            return answer;
        }
        return failed(program + " get " +
                      (result.exit_status < 0 ? std::string("was ended by a signal")
                                              : "exited with status " + std::to_string(result.exit_status)));
    }
    return parse_answer(program, result.output);
}

}  // namespace acedt::oci
