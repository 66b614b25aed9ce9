#include "support/mock_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace acedt::oci::testing {

namespace {

constexpr int kReadTimeoutMs = 5000;

int bind_loopback(int port, const std::string &ip = "127.0.0.1") {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw std::runtime_error("socket() failed");
    }
    const int reuse = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET, ip.c_str(), &address.sin_addr) != 1 || (ntohl(address.sin_addr.s_addr) >> 24) != 127) {
        close(fd);
        throw std::runtime_error("not a 127.0.0.0/8 address: " + ip);
    }
    if (bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        close(fd);
        throw std::runtime_error("bind() to " + ip + " failed");
    }
    return fd;
}

int local_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    return ntohs(address.sin_port);
}

std::string reason_phrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

void send_all(int fd, const std::string &data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return;  // the client went away, for example after rejecting a large body
        }
        sent += static_cast<std::size_t>(n);
    }
}

void send_response(int fd, const MockResponse &response) {
    std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
    head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    head += "Connection: close\r\n";
    for (const auto &[name, value] : response.headers) {
        head += name + ": " + value + "\r\n";
    }
    head += "\r\n";
    send_all(fd, head + response.body);
}

// Reads until the end of the request head. Returns "" when the peer sends
// something that is not HTTP, closes, or stays silent too long.
std::string read_request_head(int fd) {
    std::string data;
    char buffer[4096];
    while (data.find("\r\n\r\n") == std::string::npos) {
        pollfd poll_fd{fd, POLLIN, 0};
        if (poll(&poll_fd, 1, kReadTimeoutMs) <= 0) {
            return {};
        }
        const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            return {};
        }
        data.append(buffer, static_cast<std::size_t>(n));
        if (!std::isupper(static_cast<unsigned char>(data.front()))) {
            return {};
        }
    }
    return data;
}

// Reads the rest of a body of `length` bytes after `already` arrived with
// the head.
std::string read_body(int fd, std::string already, std::size_t length) {
    char buffer[4096];
    while (already.size() < length) {
        pollfd poll_fd{fd, POLLIN, 0};
        if (poll(&poll_fd, 1, kReadTimeoutMs) <= 0) {
            break;
        }
        const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) {
            break;
        }
        already.append(buffer, static_cast<std::size_t>(n));
    }
    already.resize(std::min(already.size(), length));
    return already;
}

MockRequest parse_request(const std::string &head) {
    MockRequest request;
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);
    std::istringstream request_line(line);
    request_line >> request.method >> request.target;

    while (std::getline(lines, line) && line != "\r") {
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (!value.empty() && value.back() == '\r') {
            value.pop_back();
        }
        request.headers[name] = value;
    }
    return request;
}

}  // namespace

std::string MockRequest::header(const std::string &name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

MockHttpServer::MockHttpServer(Handler handler, const std::string &address)
    : handler_(std::move(handler)), address_(address) {
    listen_fd_ = bind_loopback(0, address_);
    if (listen(listen_fd_, 16) != 0) {
        close(listen_fd_);
        throw std::runtime_error("listen() failed");
    }
    port_ = local_port(listen_fd_);
    thread_ = std::thread([this] { serve(); });
}

MockHttpServer::~MockHttpServer() {
    stopping_ = true;
    thread_.join();
    close(listen_fd_);
}

std::vector<MockRequest> MockHttpServer::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void MockHttpServer::serve() {
    while (!stopping_) {
        pollfd poll_fd{listen_fd_, POLLIN, 0};
        if (poll(&poll_fd, 1, 50) <= 0) {
            continue;
        }
        const int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) {
            handle_connection(fd);
            close(fd);
        }
    }
}

void MockHttpServer::handle_connection(int fd) {
    const std::string head = read_request_head(fd);
    if (head.empty()) {
        send_response(fd, MockResponse{400, {}, "not an HTTP request\n"});
        return;
    }

    MockRequest request = parse_request(head);
    const std::string length = request.header("content-length");
    if (!length.empty()) {
        const std::size_t end_of_head = head.find("\r\n\r\n") + 4;
        request.body = read_body(fd, head.substr(end_of_head), std::stoul(length));
    }
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
    }

    MockResponse response;
    try {
        response = handler_(request);
    } catch (const std::exception &error) {
        response = MockResponse{500, {}, std::string("handler failed: ") + error.what()};
    }
    send_response(fd, response);
}

int find_free_port() {
    const int fd = bind_loopback(0);
    const int port = local_port(fd);
    close(fd);
    return port;
}

}  // namespace acedt::oci::testing
