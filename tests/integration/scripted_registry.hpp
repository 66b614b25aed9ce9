// A scripted registry on 127.0.0.1 for faults that Debian's docker-registry
// cannot be made to produce: a server that never responds, a body cut off
// mid-transfer, a 500 for one manifest, slow responses. It serves manifests
// added with add_manifest() under the OCI distribution paths, one thread per
// connection, and closes each connection after one response.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace acedt_test {

// What the server does with a request for one manifest.
enum class Fault {
    None,         // a complete 200 response
    Status500,    // 500 Internal Server Error with a short body
    Status503,    // 503 Service Unavailable, which clients retry
    CutBody,      // announces the whole body, sends half of it, closes
    NeverAnswer,  // reads the request and keeps the connection open silently
};

class ScriptedRegistry {
public:
    // Listens on a free port of 127.0.0.1. Throws std::runtime_error when it
    // cannot listen.
    ScriptedRegistry();
    // Closes every connection, including silent ones, and joins the threads.
    ~ScriptedRegistry();
    ScriptedRegistry(const ScriptedRegistry &) = delete;
    ScriptedRegistry &operator=(const ScriptedRegistry &) = delete;

    // Serves `body` for GET and HEAD of /v2/REPOSITORY/manifests/REFERENCE,
    // and also under the body's sha256 digest, with the given Content-Type.
    // Returns the digest.
    std::string add_manifest(const std::string &repository, const std::string &reference, const std::string &body,
                             const std::string &media_type);

    // Makes requests whose path ends with `path_suffix` (such as a digest)
    // fail with `fault`.
    void set_fault(const std::string &path_suffix, Fault fault);

    // Delays every manifest response by `delay`, for interrupt tests.
    void set_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }

    // "127.0.0.1:PORT"
    std::string host_port() const { return "127.0.0.1:" + std::to_string(port_); }

    // HTTP requests received so far, counted when their header is complete.
    int request_count() const { return request_count_.load(); }

    // Connections accepted so far, including TLS attempts that the server
    // rejects with 400 as a plain-HTTP registry does.
    int connection_count() const { return connection_count_.load(); }

private:
    struct Manifest {
        std::string body;
        std::string media_type;
    };

    void accept_loop();
    void serve(int fd);
    void answer(int fd, const std::string &method, const std::string &target);
    void wait_until_stopped();

    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> request_count_{0};
    std::atomic<int> connection_count_{0};
    std::atomic<long long> delay_ms_{0};

    mutable std::mutex mutex_;
    std::map<std::string, Manifest> manifests_;  // by request path
    std::vector<std::pair<std::string, Fault>> faults_;
    std::vector<std::thread> connections_;
    std::thread acceptor_;
};

}  // namespace acedt_test
