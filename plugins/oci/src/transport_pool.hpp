// Transports for concurrent requests to one registry. Each request borrows
// one Transport (one curl easy handle) for its duration; all Transports of a
// pool share connections, DNS answers and TLS sessions.
//
// Blocking easy handles on the caller's threads were chosen over the multi
// interface because retries, authentication, redirects and endpoint
// fallback are written as sequential code around Transport::send. The cost
// is that requests do not multiplex over one HTTP/2 connection: each
// concurrent request uses a connection of its own.
#pragma once

#include "http_transport.hpp"

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace acedt::oci::http {

class TransportPool {
public:
    // At most `max_transports` requests are in flight at once; a request
    // beyond that waits for a Transport to be returned. Values below 1
    // count as 1.
    TransportPool(ClientHooks hooks, TransportSettings settings, int max_transports);

    // A borrowed Transport, returned to the pool on destruction.
    class Lease {
    public:
        Lease(TransportPool &pool, std::unique_ptr<Transport> transport)
            : pool_(&pool), transport_(std::move(transport)) {}
        ~Lease();
        Lease(Lease &&) = default;
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;

        Transport &operator*() const { return *transport_; }
        Transport *operator->() const { return transport_.get(); }

    private:
        TransportPool *pool_;
        std::unique_ptr<Transport> transport_;
    };

    // Borrows an idle Transport, creates one while fewer than the maximum
    // exist, or waits. Throws InterruptedError when the hooks report Ctrl-C
    // while it waits.
    Lease acquire();

    const ClientHooks &hooks() const { return hooks_; }
    int max_transports() const { return max_transports_; }

private:
    void release(std::unique_ptr<Transport> transport);

    ClientHooks hooks_;
    TransportSettings settings_;
    int max_transports_;
    std::shared_ptr<SharedConnections> shared_;

    std::mutex mutex_;
    std::condition_variable returned_;
    std::vector<std::unique_ptr<Transport>> idle_;
    int created_ = 0;
};

}  // namespace acedt::oci::http
