// A scripted HTTP/1.1 server on 127.0.0.1 that serves every connection on a
// thread of its own and keeps connections open between requests, so that a
// client can have several requests in flight at once. It records how many
// requests were in flight at most. Only what a real registry cannot be made
// to do belongs here: holding responses until requests overlap, or never
// responding.
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

struct ScriptedRequest {
    std::string method;
    std::string target;                          // path and query, as sent
    std::map<std::string, std::string> headers;  // lower-case names

    std::string header(const std::string &name) const;
};

struct ScriptedResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

class ConcurrentHttpServer {
public:
    // The handler runs on the connection's thread, concurrently with other
    // connections, and may block.
    using Handler = std::function<ScriptedResponse(const ScriptedRequest &)>;

    explicit ConcurrentHttpServer(Handler handler);
    // Closes every connection, which ends blocked reads, and joins the
    // threads. A handler that blocks must return by then.
    ~ConcurrentHttpServer();
    ConcurrentHttpServer(const ConcurrentHttpServer &) = delete;
    ConcurrentHttpServer &operator=(const ConcurrentHttpServer &) = delete;

    std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string url() const { return "http://" + host(); }

    // Requests whose handler has been called, and the maximum number that
    // were being handled at the same moment.
    int requests() const { return requests_; }
    int max_in_flight() const { return max_in_flight_; }
    // Connections accepted so far.
    int connections_accepted() const {
        std::lock_guard lock(mutex_);
        return static_cast<int>(connections_.size());
    }
    // Targets of every request received, in arrival order.
    std::vector<std::string> targets() const;

private:
    void accept_connections();
    void serve(int fd);

    Handler handler_;
    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::atomic<int> in_flight_{0};
    std::atomic<int> max_in_flight_{0};
    mutable std::mutex mutex_;
    std::vector<int> connections_;
    std::vector<std::thread> threads_;
    std::vector<std::string> targets_;
    std::thread acceptor_;
};

}  // namespace acedt::oci::testing
