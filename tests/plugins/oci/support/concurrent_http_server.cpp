#include "support/concurrent_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace acedt::oci::testing {

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trim(const std::string &text) {
    const auto begin = text.find_first_not_of(" \t\r");
    const auto end = text.find_last_not_of(" \t\r");
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

bool send_all(int fd, const std::string &data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string reason_phrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default: return "Status";
    }
}

}  // namespace

std::string ScriptedRequest::header(const std::string &name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

ConcurrentHttpServer::ConcurrentHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd_ < 0) {
        throw std::runtime_error("socket() failed");
    }
    const int yes = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0 ||
        ::listen(listen_fd_, 64) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    socklen_t length = sizeof(address);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&address), &length);
    port_ = ntohs(address.sin_port);

    acceptor_ = std::thread([this] { accept_connections(); });
}

ConcurrentHttpServer::~ConcurrentHttpServer() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);

    // The connection threads leave their descriptors open, so that the
    // numbers shut down here cannot belong to another file yet.
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        for (int fd : connections_) {
            ::shutdown(fd, SHUT_RDWR);
        }
        threads.swap(threads_);
    }
    for (std::thread &thread : threads) {
        thread.join();
    }
    for (int fd : connections_) {
        ::close(fd);
    }
}

std::vector<std::string> ConcurrentHttpServer::targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
}

void ConcurrentHttpServer::accept_connections() {
    while (!stopping_) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) {
            continue;  // shutdown() makes accept fail; the loop then ends
        }
        std::lock_guard lock(mutex_);
        if (stopping_) {
            ::close(fd);
            return;
        }
        connections_.push_back(fd);
        threads_.emplace_back([this, fd] { serve(fd); });
    }
}

// Reads requests without bodies (GET) one after another until the client
// closes the connection. The destructor closes the descriptor.
void ConcurrentHttpServer::serve(int fd) {
    std::string buffer;
    char chunk[4096];
    while (!stopping_) {
        std::size_t end = buffer.find("\r\n\r\n");
        while (end == std::string::npos) {
            const ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
            if (n <= 0) {
                return;
            }
            buffer.append(chunk, static_cast<std::size_t>(n));
            end = buffer.find("\r\n\r\n");
        }
        const std::string head = buffer.substr(0, end);
        buffer.erase(0, end + 4);

        ScriptedRequest request;
        std::size_t line_end = head.find("\r\n");
        const std::string request_line = head.substr(0, line_end);
        const std::size_t first_space = request_line.find(' ');
        const std::size_t second_space = request_line.find(' ', first_space + 1);
        request.method = request_line.substr(0, first_space);
        request.target = request_line.substr(first_space + 1, second_space - first_space - 1);
        while (line_end != std::string::npos) {
            const std::size_t next = head.find("\r\n", line_end + 2);
            const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos
                                                                                       : next - line_end - 2);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                request.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
            }
            line_end = next;
        }

        {
            std::lock_guard lock(mutex_);
            targets_.push_back(request.target);
        }
        ++requests_;
        const int now = ++in_flight_;
        int seen = max_in_flight_;
        while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
        }
        const ScriptedResponse response = handler_(request);
        --in_flight_;

        std::string text = "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
        for (const auto &[name, value] : response.headers) {
            text += name + ": " + value + "\r\n";
        }
        text += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n" + response.body;
        if (!send_all(fd, text)) {
            return;
        }
    }
}

}  // namespace acedt::oci::testing
