// A scripted HTTP/1.1 server on 127.0.0.1 for tests of the registry client.
// It serves one connection at a time, sends the handler's response to each
// request and closes the connection. Bytes that do not start
// an HTTP request (such as a TLS ClientHello) get a 400, as a plain-HTTP
// registry would send.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace acedt::oci::testing {

struct MockRequest {
    std::string method;
    std::string target;  // path and query, as sent
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;    // read up to Content-Length

    // The header's value, or "" when absent.
    std::string header(const std::string &name) const;
};

struct MockResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class MockHttpServer {
public:
    using Handler = std::function<MockResponse(const MockRequest &)>;

    // Listens on `address`, a 127.0.0.0/8 address, so that two servers on
    // 127.0.0.1 and 127.0.0.2 act as two hosts.
    explicit MockHttpServer(Handler handler, const std::string &address = "127.0.0.1");
    ~MockHttpServer();
    MockHttpServer(const MockHttpServer &) = delete;
    MockHttpServer &operator=(const MockHttpServer &) = delete;

    int port() const { return port_; }
    std::string host() const { return address_ + ":" + std::to_string(port_); }
    std::string url() const { return "http://" + host(); }

    // Every request parsed so far, in arrival order.
    std::vector<MockRequest> requests() const;

private:
    void serve();
    void handle_connection(int fd);

    Handler handler_;
    std::string address_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    std::vector<MockRequest> requests_;
    std::thread thread_;
};

// A port on 127.0.0.1 that nothing listened on a moment ago: bind to port 0,
// read the port the kernel chose, close the socket.
int find_free_port();

}  // namespace acedt::oci::testing
