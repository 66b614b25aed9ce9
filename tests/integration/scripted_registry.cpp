#include "scripted_registry.hpp"

#include <acedt_test/digest.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <sstream>
#include <stdexcept>

namespace acedt_test {
namespace {

constexpr int kPollSliceMs = 50;
constexpr int kReadTimeoutMs = 5000;

void send_all(int fd, const std::string &data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t count = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (count <= 0) {
            return;
        }
        sent += static_cast<std::size_t>(count);
    }
}

// The first byte of a TLS handshake record, as in a ClientHello.
constexpr char kTlsHandshake = 0x16;

// Reads until the end of the request header, or returns "" when the client
// goes away or stays silent for kReadTimeoutMs. Returns the bytes read so
// far when they start a TLS handshake, which never ends in CRLF CRLF.
std::string read_request_head(int fd) {
    std::string data;
    while (data.find("\r\n\r\n") == std::string::npos) {
        if (!data.empty() && data.front() == kTlsHandshake) {
            return data;
        }
        pollfd poll_fd{fd, POLLIN, 0};
        if (::poll(&poll_fd, 1, kReadTimeoutMs) <= 0) {
            return "";
        }
        char buffer[4096];
        const ssize_t count = ::recv(fd, buffer, sizeof buffer, 0);
        if (count <= 0) {
            return "";
        }
        data.append(buffer, static_cast<std::size_t>(count));
    }
    return data;
}

std::string response_head(int status, const std::string &reason, std::size_t length,
                          const std::vector<std::pair<std::string, std::string>> &headers) {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
    head += "Content-Length: " + std::to_string(length) + "\r\nConnection: close\r\n";
    for (const auto &[name, value] : headers) {
        head += name + ": " + value + "\r\n";
    }
    return head + "\r\n";
}

}  // namespace

ScriptedRegistry::ScriptedRegistry() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
        throw std::runtime_error("socket failed");
    }

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 64) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&address), &length);
    port_ = ntohs(address.sin_port);

    acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedRegistry::~ScriptedRegistry() {
    stopping_ = true;
    acceptor_.join();
    for (std::thread &connection : connections_) {
        connection.join();
    }
    ::close(listen_fd_);
}

std::string ScriptedRegistry::add_manifest(const std::string &repository, const std::string &reference,
                                           const std::string &body, const std::string &media_type) {
    const std::string digest = sha256_digest(body);
    const std::lock_guard lock(mutex_);
    const std::string prefix = "/v2/" + repository + "/manifests/";
    manifests_[prefix + reference] = Manifest{body, media_type};
    manifests_[prefix + digest] = Manifest{body, media_type};
    return digest;
}

void ScriptedRegistry::set_fault(const std::string &path_suffix, Fault fault) {
    const std::lock_guard lock(mutex_);
    faults_.emplace_back(path_suffix, fault);
}

void ScriptedRegistry::accept_loop() {
    while (!stopping_) {
        pollfd poll_fd{listen_fd_, POLLIN, 0};
        if (::poll(&poll_fd, 1, kPollSliceMs) <= 0) {
            continue;
        }
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            ++connection_count_;
            // Only this thread touches connections_ until the destructor joins it.
            connections_.emplace_back([this, fd] {
                serve(fd);
                ::close(fd);
            });
        }
    }
}

void ScriptedRegistry::serve(int fd) {
    const std::string head = read_request_head(fd);
    if (head.empty()) {
        return;
    }
    if (head.front() == kTlsHandshake) {
        // A plain-HTTP registry rejects a TLS client at once, so that the
        // client's HTTPS attempt fails fast and it falls back to HTTP.
        send_all(fd, response_head(400, "Bad Request", 0, {}));
        return;
    }
    ++request_count_;

    std::string method;
    std::string target;
    std::istringstream(head) >> method >> target;
    answer(fd, method, target);
}

void ScriptedRegistry::answer(int fd, const std::string &method, const std::string &target) {
    const std::string path = target.substr(0, target.find('?'));
    if (path == "/v2/" || path == "/v2") {
        send_all(fd, response_head(200, "OK", 2, {{"Content-Type", "application/json"}}) + "{}");
        return;
    }

    Fault fault = Fault::None;
    std::optional<Manifest> manifest;
    {
        const std::lock_guard lock(mutex_);
        for (const auto &[suffix, configured] : faults_) {
            if (path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
                fault = configured;
            }
        }
        if (const auto found = manifests_.find(path); found != manifests_.end()) {
            manifest = found->second;
        }
    }

    for (long long waited = 0; waited < delay_ms_.load() && !stopping_; waited += kPollSliceMs) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kPollSliceMs));
    }

    if (fault == Fault::NeverAnswer) {
        wait_until_stopped();
        return;
    }
    if (fault == Fault::Status500) {
        const std::string body = R"({"errors":[{"code":"UNKNOWN","message":"scripted failure"}]})";
        send_all(fd, response_head(500, "Internal Server Error", body.size(), {{"Content-Type", "application/json"}}) +
                         body);
        return;
    }
    if (fault == Fault::Status503) {
        send_all(fd, response_head(503, "Service Unavailable", 0, {}));
        return;
    }
    if (!manifest) {
        const std::string body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]})";
        send_all(fd, response_head(404, "Not Found", body.size(), {{"Content-Type", "application/json"}}) + body);
        return;
    }

    const std::string head = response_head(200, "OK", manifest->body.size(),
                                           {{"Content-Type", manifest->media_type},
                                            {"Docker-Content-Digest", sha256_digest(manifest->body)}});
    if (method == "HEAD") {
        send_all(fd, head);
    } else if (fault == Fault::CutBody) {
        send_all(fd, head + manifest->body.substr(0, manifest->body.size() / 2));
    } else {
        send_all(fd, head + manifest->body);
    }
}

void ScriptedRegistry::wait_until_stopped() {
    while (!stopping_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(kPollSliceMs));
    }
}

}  // namespace acedt_test
