#include <acedt_test/process.hpp>

#include "spawn.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

extern char **environ;

namespace acedt_test {
namespace {

using Clock = std::chrono::steady_clock;

// How long output is still read after the process group was killed.
constexpr auto kDrainAfterKill = std::chrono::seconds(2);

class FileDescriptor {
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() { close(); }
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    FileDescriptor(FileDescriptor &&other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    FileDescriptor &operator=(FileDescriptor &&other) noexcept {
        if (this != &other) {
            close();
            fd_ = other.fd_;
            other.fd_ = -1;
        }
        return *this;
    }

    int get() const { return fd_; }
    bool is_open() const { return fd_ >= 0; }
    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    int fd_ = -1;
};

struct Pipe {
    FileDescriptor read_end;
    FileDescriptor write_end;
};

std::system_error system_failure(const std::string &what) {
    return std::system_error(errno, std::generic_category(), what);
}

Pipe make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        throw system_failure("pipe2 failed");
    }
    Pipe result;
    result.read_end = FileDescriptor(fds[0]);
    result.write_end = FileDescriptor(fds[1]);
    return result;
}

void set_nonblocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        throw system_failure("fcntl(O_NONBLOCK) failed");
    }
}

// The environment strings of the child: the current environment without the
// unset and overridden names, then the overrides.
std::vector<std::string> child_environment(const ProcessOptions &options) {
    std::vector<std::string> entries;
    for (char **entry = environ; *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        std::string name(text.substr(0, text.find('=')));
        bool unset = std::find(options.env_unset.begin(), options.env_unset.end(), name) != options.env_unset.end();
        if (!unset && options.env_overrides.count(name) == 0) {
            entries.emplace_back(text);
        }
    }
    for (const auto &[name, value] : options.env_overrides) {
        entries.push_back(name + "=" + value);
    }
    return entries;
}

int exit_code_of(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

// Appends what `fd` has available to `buffer`, and closes `fd` at end of file.
void read_available(FileDescriptor &fd, std::string &buffer) {
    std::array<char, 65536> chunk{};
    while (true) {
        ssize_t count = ::read(fd.get(), chunk.data(), chunk.size());
        if (count > 0) {
            buffer.append(chunk.data(), static_cast<std::size_t>(count));
            continue;
        }
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0 && errno == EAGAIN) {
            return;
        }
        fd.close();  // end of file, or an error that ends this stream
        return;
    }
}

// Writes `stdin_data` to the child and reads its output until both output
// pipes are closed or the timeout expires. Returns true when the timeout
// expired and the process group was killed. Sets `broken_pipe` when a write
// to standard input failed with EPIPE.
bool exchange_output(pid_t pid, Pipe &input, Pipe &output, Pipe &error, const std::string &stdin_data,
                     Clock::time_point deadline, ProcessResult &result, bool &broken_pipe) {
    std::size_t stdin_offset = 0;
    bool killed = false;
    Clock::time_point drain_deadline{};

    while (output.read_end.is_open() || error.read_end.is_open()) {
        Clock::time_point now = Clock::now();
        if (!killed && now >= deadline) {
            ::kill(-pid, SIGKILL);
            killed = true;
            drain_deadline = now + kDrainAfterKill;
            input.write_end.close();
        }
        if (killed && now >= drain_deadline) {
            break;
        }
        auto wait = std::chrono::ceil<std::chrono::milliseconds>((killed ? drain_deadline : deadline) - now);

        std::array<pollfd, 3> fds{};
        nfds_t count = 0;
        std::array<FileDescriptor *, 3> owners{};
        if (output.read_end.is_open()) {
            owners[count] = &output.read_end;
            fds[count++] = pollfd{output.read_end.get(), POLLIN, 0};
        }
        if (error.read_end.is_open()) {
            owners[count] = &error.read_end;
            fds[count++] = pollfd{error.read_end.get(), POLLIN, 0};
        }
        if (input.write_end.is_open()) {
            owners[count] = &input.write_end;
            fds[count++] = pollfd{input.write_end.get(), POLLOUT, 0};
        }

        std::int64_t wait_ms = std::clamp<std::int64_t>(wait.count(), 0, std::numeric_limits<int>::max());
        int ready = ::poll(fds.data(), count, static_cast<int>(wait_ms));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0) {
            throw system_failure("poll failed");
        }

        for (nfds_t i = 0; i < count; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            FileDescriptor &fd = *owners[i];
            if (&fd == &output.read_end) {
                read_available(fd, result.out);
            } else if (&fd == &error.read_end) {
                read_available(fd, result.err);
            } else if ((fds[i].revents & POLLOUT) != 0) {
                std::string_view rest = std::string_view(stdin_data).substr(stdin_offset);
                ssize_t written = ::write(fd.get(), rest.data(), rest.size());
                if (written > 0) {
                    stdin_offset += static_cast<std::size_t>(written);
                } else if (written < 0 && errno == EPIPE) {
                    broken_pipe = true;
                }
                if (stdin_offset == stdin_data.size() || (written < 0 && errno != EAGAIN && errno != EINTR)) {
                    fd.close();
                }
            } else {
                fd.close();  // POLLERR or POLLHUP: the child closed its standard input
            }
        }
    }
    return killed;
}

// Waits for `pid` until `deadline`, then kills its process group and waits
// again. Returns the wait status and sets `killed` when it had to kill.
int wait_for_exit(pid_t pid, Clock::time_point deadline, bool &killed) {
    int status = 0;
    while (true) {
        pid_t done = ::waitpid(pid, &status, killed ? 0 : WNOHANG);
        if (done == pid) {
            return status;
        }
        if (done < 0 && errno != EINTR) {
            throw system_failure("waitpid failed");
        }
        if (!killed && Clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            killed = true;
            continue;
        }
        if (!killed) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
}

}  // namespace

ProcessResult run_process_with(const std::vector<std::string> &argv, const ProcessOptions &options) {
    if (argv.empty()) {
        throw std::invalid_argument("run_process_with: argv is empty");
    }

    Pipe input = make_pipe();
    Pipe output = make_pipe();
    Pipe error = make_pipe();
    Clock::time_point deadline = Clock::now() + options.timeout;

    detail::SpawnRequest request;
    request.argv = argv;
    request.environment = child_environment(options);
    request.working_directory = options.working_directory.string();
    request.stdin_fd = input.read_end.get();
    request.stdout_fd = output.write_end.get();
    request.stderr_fd = error.write_end.get();
    request.new_process_group = true;
    pid_t pid = detail::spawn(request);

    input.read_end.close();
    output.write_end.close();
    error.write_end.close();

    ProcessResult result;
    bool broken_pipe = false;

    // Writing to a child that stopped reading raises SIGPIPE, which would end
    // the test process, so the signal is blocked in this thread meanwhile.
    sigset_t sigpipe;
    sigset_t previous_mask;
    ::sigemptyset(&sigpipe);
    ::sigaddset(&sigpipe, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &sigpipe, &previous_mask);

    try {
        if (options.stdin_data.empty()) {
            input.write_end.close();
        } else {
            set_nonblocking(input.write_end.get());
        }
        set_nonblocking(output.read_end.get());
        set_nonblocking(error.read_end.get());

        bool killed = exchange_output(pid, input, output, error, options.stdin_data, deadline, result, broken_pipe);
        int wait_status = wait_for_exit(pid, deadline, killed);
        result.exit_code = exit_code_of(wait_status);
        result.timed_out = killed;
    } catch (...) {
        ::kill(-pid, SIGKILL);
        int ignored = 0;
        ::waitpid(pid, &ignored, 0);
        ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
        throw;
    }

    if (broken_pipe && !::sigismember(&previous_mask, SIGPIPE)) {
        timespec no_wait{0, 0};
        ::sigtimedwait(&sigpipe, nullptr, &no_wait);  // discard the SIGPIPE that EPIPE queued
    }
    ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    return result;
}

ProcessResult run_process(const std::vector<std::string> &argv, const std::map<std::string, std::string> &env_overrides,
                          std::chrono::seconds timeout, const std::string &stdin_data) {
    ProcessOptions options;
    options.env_overrides = env_overrides;
    options.timeout = timeout;
    options.stdin_data = stdin_data;
    return run_process_with(argv, options);
}

ProcessResult run_process(const std::vector<std::string> &argv, const std::map<std::string, std::string> &env_overrides,
                          const std::vector<std::string> &env_unset, std::chrono::seconds timeout,
                          const std::string &stdin_data) {
    ProcessOptions options;
    options.env_overrides = env_overrides;
    options.env_unset = env_unset;
    options.timeout = timeout;
    options.stdin_data = stdin_data;
    return run_process_with(argv, options);
}

}  // namespace acedt_test
