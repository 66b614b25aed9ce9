#include "support/registry_process.hpp"

#include "support/mock_http_server.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace acedt::oci::testing {

namespace {

constexpr auto kStartTimeout = std::chrono::seconds(15);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr auto kPollInterval = std::chrono::milliseconds(50);

// Runs `htpasswd -Bbn USER PASSWORD` and returns its output line.
std::string make_htpasswd_line(const std::string &user, const std::string &password) {
    const std::string command = "htpasswd -Bbn '" + user + "' '" + password + "'";
    FILE *pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        throw std::runtime_error("cannot run htpasswd (package apache2-utils)");
    }
    std::string output;
    char buffer[256];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    if (pclose(pipe) != 0 || output.find(':') == std::string::npos) {
        throw std::runtime_error("htpasswd failed; is apache2-utils installed?");
    }
    return output;
}

// Writes a self-signed certificate and key for 127.0.0.1 into `directory`.
void make_self_signed_certificate(const TempDir &directory) {
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
                                " -addext subjectAltName=IP:127.0.0.1 -keyout '" +
                                (directory.path() / "key.pem").string() + "' -out '" +
                                (directory.path() / "cert.pem").string() + "' > /dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
        throw std::runtime_error("openssl could not create a test certificate");
    }
}

size_t discard_body(char *, size_t size, size_t count, void *) {
    return size * count;
}

// Returns the HTTP status of GET `url`, or 0 when no response arrives.
long probe_status(const std::string &url) {
    CURL *handle = curl_easy_init();
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &discard_body);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, 1000L);
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    // The test certificate is self-signed; readiness is all that matters here.
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
    long status = 0;
    if (curl_easy_perform(handle) == CURLE_OK) {
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_easy_cleanup(handle);
    return status;
}

}  // namespace

bool registry_available() {
    return access(kRegistryBinary, X_OK) == 0;
}

RegistryProcess::RegistryProcess(const RegistryOptions &options) : tls_(options.tls) {
    port_ = find_free_port();
    write_config(options);

    const std::string config = (directory_.path() / "config.yml").string();
    const std::string log = (directory_.path() / "registry.log").string();
    pid_ = fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork() failed");
    }
    if (pid_ == 0) {
        // Child: die with the test process, log to a file, run the registry.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(log_fd, STDOUT_FILENO);
        dup2(log_fd, STDERR_FILENO);
        execl(kRegistryBinary, "docker-registry", "serve", config.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }

    try {
        wait_until_ready();
    } catch (...) {
        // The destructor does not run when the constructor throws. pid_ is
        // -1 when the process has already exited and been reaped.
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        throw;
    }
}

RegistryProcess::~RegistryProcess() {
    if (pid_ <= 0) {
        return;
    }
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            return;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
}

void RegistryProcess::write_config(const RegistryOptions &options) {
    std::string config =
        "version: 0.1\n"
        "log:\n"
        "  level: error\n"
        "storage:\n"
        "  filesystem:\n"
        "    rootdirectory: " + (directory_.path() / "data").string() + "\n"
        "  delete:\n"
        "    enabled: true\n"
        "http:\n"
        "  addr: 127.0.0.1:" + std::to_string(port_) + "\n";

    if (options.tls) {
        make_self_signed_certificate(directory_);
        config +=
            "  tls:\n"
            "    certificate: " + (directory_.path() / "cert.pem").string() + "\n"
            "    key: " + (directory_.path() / "key.pem").string() + "\n";
    }

    if (!options.user.empty()) {
        const auto htpasswd = directory_.write("htpasswd", make_htpasswd_line(options.user, options.password));
        config +=
            "auth:\n"
            "  htpasswd:\n"
            "    realm: acedt-test\n"
            "    path: " + htpasswd.string() + "\n";
    }
    directory_.write("config.yml", config);
}

// Ready means GET /v2/ returns 200, or 401 when authentication is on.
void RegistryProcess::wait_until_ready() {
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("docker-registry exited during start-up:\n" + log_text());
        }
        const long http_status = probe_status(url() + "/v2/");
        if (http_status == 200 || http_status == 401) {
            return;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
    throw std::runtime_error("docker-registry did not respond on " + url() + " within 15 s:\n" + log_text());
}

std::string RegistryProcess::log_text() const {
    try {
        return read_file(directory_.path() / "registry.log");
    } catch (const std::exception &) {
        return "(no log)";
    }
}

}  // namespace acedt::oci::testing
