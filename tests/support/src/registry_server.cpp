#include <acedt_test/registry_server.hpp>

#include "http.hpp"
#include "spawn.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace acedt_test {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char *kDefaultRegistryProgram = "/usr/bin/docker-registry";
constexpr int kStartAttempts = 3;
constexpr auto kReadyTimeout = std::chrono::seconds(15);
constexpr auto kStopGracePeriod = std::chrono::seconds(5);
constexpr auto kExitCheckDelay = std::chrono::milliseconds(100);

// Binds 127.0.0.1:0 to let the kernel pick a free port, and releases it.
// Another process may take the port before the registry binds it, which is
// why start() retries.
int find_free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::system_error(errno, std::generic_category(), "socket failed");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        int error = errno;
        ::close(fd);
        throw std::system_error(error, std::generic_category(), "failed to find a free port on 127.0.0.1");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// Quotes `text` as a YAML double-quoted scalar.
std::string yaml_quote(const std::string &text) {
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            quoted += '\\';
        }
        quoted += c;
    }
    return quoted + "\"";
}

std::filesystem::path storage_for(const std::filesystem::path &dir, const RegistryOptions &options) {
    return options.storage_dir.empty() ? dir / "data" : std::filesystem::absolute(options.storage_dir);
}

std::string registry_config(const std::filesystem::path &storage, int port, const RegistryOptions &options) {
    std::ostringstream yaml;
    yaml << "version: 0.1\n"
         << "log:\n"
         << "  level: error\n"
         << "storage:\n"
         << "  filesystem:\n"
         << "    rootdirectory: " << yaml_quote(storage.string()) << "\n"
         << "  delete:\n"
         << "    enabled: true\n"
         << "http:\n"
         << "  addr: 127.0.0.1:" << port << "\n";
    if (options.tls) {
        yaml << "  tls:\n"
             << "    certificate: " << yaml_quote(std::filesystem::absolute(options.tls->certificate).string()) << "\n"
             << "    key: " << yaml_quote(std::filesystem::absolute(options.tls->key).string()) << "\n";
        if (!options.tls->client_ca.empty()) {
            yaml << "    clientcas:\n"
                 << "      - " << yaml_quote(std::filesystem::absolute(options.tls->client_ca).string()) << "\n";
        }
    }
    if (options.token) {
        yaml << "auth:\n"
             << "  token:\n"
             << "    realm: " << yaml_quote(options.token->realm) << "\n"
             << "    service: " << yaml_quote(options.token->service) << "\n"
             << "    issuer: " << yaml_quote(options.token->issuer) << "\n"
             << "    rootcertbundle: "
             << yaml_quote(std::filesystem::absolute(options.token->root_certificate_bundle).string()) << "\n";
    } else if (!options.htpasswd_file.empty()) {
        yaml << "auth:\n"
             << "  htpasswd:\n"
             << "    realm: " << yaml_quote(options.realm) << "\n"
             << "    path: " << yaml_quote(std::filesystem::absolute(options.htpasswd_file).string()) << "\n";
    }
    return yaml.str();
}

std::string read_text(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string registry_program() {
    const char *override_program = std::getenv("ACE_DT_TEST_REGISTRY_BIN");
    return (override_program != nullptr && *override_program != '\0') ? override_program : kDefaultRegistryProgram;
}

pid_t spawn_registry(const std::string &program, const std::filesystem::path &config,
                     const std::filesystem::path &log) {
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (null_fd < 0 || log_fd < 0) {
        int error = errno;
        if (null_fd >= 0) {
            ::close(null_fd);
        }
        throw std::system_error(error, std::generic_category(), "failed to open " + log.string());
    }

    detail::SpawnRequest request;
    request.argv = {program, "serve", config.string()};
    request.stdin_fd = null_fd;
    request.stdout_fd = log_fd;
    request.stderr_fd = log_fd;
    try {
        pid_t pid = detail::spawn(request);
        ::close(null_fd);
        ::close(log_fd);
        return pid;
    } catch (...) {
        ::close(null_fd);
        ::close(log_fd);
        throw;
    }
}

// Sends SIGTERM, waits up to the grace period, then sends SIGKILL and reaps.
void stop_process(pid_t pid) {
    ::kill(pid, SIGTERM);
    Clock::time_point deadline = Clock::now() + kStopGracePeriod;
    int status = 0;
    while (Clock::now() < deadline) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

enum class ReadyState { Ready, Exited, TimedOut };

// Polls GET /v2/ until it returns 200 or 401, the process exits, or the
// timeout expires. An exited process is reaped here.
ReadyState wait_until_ready(pid_t pid, int port, const RegistryOptions &options, std::string &last_error) {
    std::string url = (options.tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port) + "/v2/";
    Clock::time_point deadline = Clock::now() + kReadyTimeout;
    while (Clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            last_error = WIFEXITED(status) ? "the registry exited with code " + std::to_string(WEXITSTATUS(status))
                                           : "the registry was ended by signal " + std::to_string(WTERMSIG(status));
            return ReadyState::Exited;
        }

        try {
            http::Request request;
            request.url = url;
            request.timeout = std::chrono::seconds(2);
            if (options.tls) {
                // Readiness is all the probe checks, so it trusts any certificate.
                request.insecure = true;
                request.client_certificate = options.tls->probe_certificate.string();
                request.client_key = options.tls->probe_key.string();
            }
            http::Response response = http::send(request);
            if (response.status == 200 || response.status == 401) {
                // Another server that took the port first would also return
                // 200, while this registry exits because its bind failed. A
                // bind failure ends the process at once, so a short pause
                // reveals it.
                std::this_thread::sleep_for(kExitCheckDelay);
                if (::waitpid(pid, &status, WNOHANG) == pid) {
                    last_error = "the registry exited although 127.0.0.1:" + std::to_string(port) +
                                 " answered, so another server has the port";
                    return ReadyState::Exited;
                }
                return ReadyState::Ready;
            }
            last_error = "GET " + url + " returned HTTP " + std::to_string(response.status);
        } catch (const std::runtime_error &error) {
            last_error = error.what();  // usually connection refused while the registry starts
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ReadyState::TimedOut;
}

}  // namespace

std::unique_ptr<RegistryServer> RegistryServer::start(const RegistryOptions &options) {
    std::string program = registry_program();
    std::string failures;

    for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
        TempDir dir("ace-dt-registry-");
        int port = find_free_port();
        std::filesystem::path config = dir.path() / "config.yml";
        std::filesystem::path log = dir.path() / "registry.log";
        {
            std::ofstream out(config, std::ios::binary);
            out << registry_config(storage_for(dir.path(), options), port, options);
            if (!out) {
                throw std::runtime_error("failed to write the registry configuration " + config.string());
            }
        }

        pid_t pid = spawn_registry(program, config, log);
        std::string last_error;
        ReadyState state = wait_until_ready(pid, port, options, last_error);
        if (state == ReadyState::Ready) {
            std::filesystem::path storage = storage_for(dir.path(), options);
            std::unique_ptr<RegistryServer> server(new RegistryServer(std::move(dir), port, pid));
            server->tls_ = options.tls.has_value();
            server->storage_dir_ = std::move(storage);
            return server;
        }
        if (state == ReadyState::TimedOut) {
            stop_process(pid);
        }

        failures += "attempt " + std::to_string(attempt) + " on port " + std::to_string(port) + ": " + last_error +
                    ". Registry output: " + read_text(log) + "\n";
    }

    throw std::runtime_error("failed to start the registry '" + program + "' after " +
                             std::to_string(kStartAttempts) + " attempts:\n" + failures);
}

RegistryServer::RegistryServer(TempDir dir, int port, pid_t pid) : dir_(std::move(dir)), port_(port), pid_(pid) {}

RegistryServer::~RegistryServer() { stop_process(pid_); }

std::string RegistryServer::host_port() const { return "127.0.0.1:" + std::to_string(port_); }

}  // namespace acedt_test
