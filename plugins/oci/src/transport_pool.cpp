#include "transport_pool.hpp"

#include <algorithm>
#include <chrono>

namespace acedt::oci::http {

namespace {

// How often a request waiting for a Transport checks for Ctrl-C.
constexpr auto kInterruptPollInterval = std::chrono::milliseconds(100);

}  // namespace

TransportPool::TransportPool(ClientHooks hooks, TransportSettings settings, int max_transports)
    : hooks_(std::move(hooks)),
      settings_(std::move(settings)),
      max_transports_(std::max(1, max_transports)),
      shared_(std::make_shared<SharedConnections>()) {
    // One cached connection per transport: each can hold one connection
    // between its requests.
    settings_.max_connections = max_transports_;
    if (!hooks_.log) {
        hooks_.log = [](int, const std::string &) {};
    }
    if (!hooks_.interrupted) {
        hooks_.interrupted = [] { return false; };
    }
}

TransportPool::Lease::~Lease() {
    if (transport_) {
        pool_->release(std::move(transport_));
    }
}

TransportPool::Lease TransportPool::acquire() {
    std::unique_lock lock(mutex_);
    while (idle_.empty() && created_ >= max_transports_) {
        if (hooks_.interrupted()) {
            throw InterruptedError();
        }
        returned_.wait_for(lock, kInterruptPollInterval);
    }

    if (!idle_.empty()) {
        std::unique_ptr<Transport> transport = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(transport));
    }

    // At most max_transports_ handles are ever created, so creating one
    // under the lock delays other callers only that often.
    auto transport = std::make_unique<Transport>(hooks_, settings_, shared_);
    ++created_;
    return Lease(*this, std::move(transport));
}

void TransportPool::release(std::unique_ptr<Transport> transport) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(transport));
    }
    returned_.notify_one();
}

}  // namespace acedt::oci::http
