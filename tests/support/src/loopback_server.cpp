#include "loopback_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace acedt_test::detail {
namespace {

constexpr int kReadTimeoutMs = 5000;
constexpr int kAcceptPollMs = 50;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string reason_phrase(int status) {
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    default: return "Status";
    }
}

bool read_more(int fd, std::string &data) {
    pollfd poll_fd{fd, POLLIN, 0};
    if (::poll(&poll_fd, 1, kReadTimeoutMs) <= 0) {
        return false;
    }
    char buffer[4096];
    const ssize_t count = ::recv(fd, buffer, sizeof buffer, 0);
    if (count <= 0) {
        return false;
    }
    data.append(buffer, static_cast<std::size_t>(count));
    return true;
}

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

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string ServerRequest::header(const std::string &name) const {
    const auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
}

std::string decode_form_value(const std::string &text) {
    std::string decoded;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            decoded.push_back(' ');
        } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            decoded.push_back(text[i]);
        }
    }
    return decoded;
}

std::vector<std::string> form_values(const std::string &query, const std::string &name) {
    std::vector<std::string> values;
    std::size_t start = 0;
    while (start <= query.size()) {
        const std::size_t end = std::min(query.find('&', start), query.size());
        const std::string pair = query.substr(start, end - start);
        const std::size_t equals = pair.find('=');
        if (equals != std::string::npos && decode_form_value(pair.substr(0, equals)) == name) {
            values.push_back(decode_form_value(pair.substr(equals + 1)));
        }
        start = end + 1;
    }
    return values;
}

LoopbackServer::LoopbackServer(Handler handler, const std::string &address)
    : handler_(std::move(handler)), address_(address) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
        throw std::runtime_error("socket failed");
    }
    const int reuse = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);

    sockaddr_in socket_address{};
    socket_address.sin_family = AF_INET;
    socket_address.sin_port = 0;
    if (::inet_pton(AF_INET, address_.c_str(), &socket_address.sin_addr) != 1 ||
        (ntohl(socket_address.sin_addr.s_addr) >> 24) != 127 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr *>(&socket_address), sizeof socket_address) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
        ::close(listen_fd_);
        throw std::runtime_error("cannot listen on the loopback address " + address_);
    }
    socklen_t length = sizeof socket_address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr *>(&socket_address), &length);
    port_ = ntohs(socket_address.sin_port);
    thread_ = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
    stopping_ = true;
    thread_.join();
    ::close(listen_fd_);
}

void LoopbackServer::serve() {
    while (!stopping_) {
        pollfd poll_fd{listen_fd_, POLLIN, 0};
        if (::poll(&poll_fd, 1, kAcceptPollMs) <= 0) {
            continue;
        }
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) {
            handle(fd);
            ::close(fd);
        }
    }
}

void LoopbackServer::handle(int fd) {
    std::string data;
    std::size_t head_end = std::string::npos;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
        if (!read_more(fd, data)) {
            return;
        }
    }

    ServerRequest request;
    std::istringstream lines(data.substr(0, head_end + 2));
    std::string line;
    std::getline(lines, line);
    std::istringstream(line) >> request.method >> request.target;
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        request.headers[lower(line.substr(0, colon))] = value;
    }

    request.body = data.substr(head_end + 4);
    const std::string length_text = request.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    while (request.body.size() < length && read_more(fd, request.body)) {
    }

    ServerResponse response;
    try {
        response = handler_(request);
    } catch (const std::exception &error) {
        response = ServerResponse{500, {}, std::string("handler failed: ") + error.what()};
    }

    std::string text = "HTTP/1.1 " + std::to_string(response.status) + " " + reason_phrase(response.status) + "\r\n";
    text += "Content-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n";
    for (const auto &[name, value] : response.headers) {
        text += name + ": " + value + "\r\n";
    }
    send_all(fd, text + "\r\n" + response.body);
}

}  // namespace acedt_test::detail
