// A minimal HTTP/1.1 server on a 127.0.0.0/8 address for test services
// such as the token issuer. It serves one connection at a time, sends the
// handler's response to each request and closes the connection.
// Internal to acedt_test_support.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace acedt_test::detail {

struct ServerRequest {
    std::string method;
    std::string target;                          // path and query
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;

    std::string header(const std::string &name) const;
};

struct ServerResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class LoopbackServer {
public:
    using Handler = std::function<ServerResponse(const ServerRequest &)>;

    /// Listens on a free port of `address` and serves from a thread of its
    /// own until destroyed. Throws std::runtime_error when it cannot listen.
    LoopbackServer(Handler handler, const std::string &address = "127.0.0.1");
    ~LoopbackServer();
    LoopbackServer(const LoopbackServer &) = delete;
    LoopbackServer &operator=(const LoopbackServer &) = delete;

    /// "http://ADDRESS:PORT"
    std::string url() const { return "http://" + address_ + ":" + std::to_string(port_); }

private:
    void serve();
    void handle(int fd);

    Handler handler_;
    std::string address_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

/// Decodes %XX escapes and '+' (as a space) of a query or form value.
std::string decode_form_value(const std::string &text);

/// The values of `name` in a query string or form body
/// ("a=1&scope=x&scope=y"), decoded.
std::vector<std::string> form_values(const std::string &query, const std::string &name);

}  // namespace acedt_test::detail
