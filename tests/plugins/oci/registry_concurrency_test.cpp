// RegistryClient used from several threads at once: concurrentHTTP bounds
// the requests in flight, simultaneous 401 responses cost one token request,
// and Ctrl-C ends requests that get no response. The server is scripted
// because a real registry cannot be made to hold its responses until
// requests overlap, or to never respond.
#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/reference.hpp>
#include <acedt/oci/registry_client.hpp>

#include "support/concurrent_http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace acedt::oci {
namespace {

using testing::ConcurrentHttpServer;
using testing::ScriptedRequest;
using testing::ScriptedResponse;

constexpr const char *kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":)"
    R"("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";

// How long a handler waits for other requests to arrive. Reaching it means
// the client did not overlap its requests, so the test fails on a count,
// never on this time.
constexpr auto kOverlapTimeout = std::chrono::seconds(5);

ScriptedResponse manifest() {
    return ScriptedResponse{200, {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}}, kManifest};
}

// Counts arrivals and lets a caller wait until a number of them happened.
class Arrivals {
public:
    // Records one arrival and waits until `count` arrived or the timeout.
    void arrive_and_wait(int count) {
        std::unique_lock lock(mutex_);
        ++arrived_;
        changed_.notify_all();
        changed_.wait_for(lock, kOverlapTimeout, [&] { return arrived_ >= count; });
    }

    // Blocks until `release()` is called.
    void arrive_and_block() {
        std::unique_lock lock(mutex_);
        ++arrived_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return released_; });
    }

    void release() {
        std::lock_guard lock(mutex_);
        released_ = true;
        changed_.notify_all();
    }

    // Waits until `count` arrived or the timeout; returns whether they did.
    bool wait_for(int count, std::chrono::seconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return arrived_ >= count; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int arrived_ = 0;
    bool released_ = false;
};

std::shared_ptr<RegistryClient> make_client(const ConcurrentHttpServer &server, int concurrent_http,
                                            std::function<bool()> interrupted = [] { return false; }) {
    auto config = std::make_shared<ClientConfig>();
    config->concurrent_http = concurrent_http;
    config->registries[server.host()].endpoints = {server.url()};
    config->credential_files = std::vector<std::string>{};
    ClientHooks hooks;
    hooks.interrupted = std::move(interrupted);
    return std::make_shared<RegistryClient>(server.host(), config, hooks,
                                            std::make_shared<CredentialStore>(std::vector<std::string>{}));
}

// Calls get_manifest for tags t0, t1, ... from `count` threads at once and
// returns their futures.
std::vector<std::future<ManifestResponse>> fetch_in_parallel(RegistryClient &client, const std::string &host,
                                                             int count) {
    std::vector<std::future<ManifestResponse>> results;
    for (int i = 0; i < count; ++i) {
        results.push_back(std::async(std::launch::async, [&client, host, i] {
            return client.get_manifest(Reference::parse(host + "/repo:t" + std::to_string(i)), "t" + std::to_string(i));
        }));
    }
    return results;
}

TEST(RegistryConcurrencyTest, RequestsInFlightReachConcurrentHttp) {
    Arrivals arrivals;
    ConcurrentHttpServer server([&](const ScriptedRequest &) {
        arrivals.arrive_and_wait(3);
        return manifest();
    });
    const auto client = make_client(server, 3);

    for (auto &result : fetch_in_parallel(*client, server.host(), 10)) {
        EXPECT_EQ(result.get().body, kManifest);
    }
    EXPECT_EQ(server.requests(), 10);
    EXPECT_EQ(server.max_in_flight(), 3);
}

TEST(RegistryConcurrencyTest, ConnectionsAreReusedAboveFiveInFlight) {
    // libcurl keeps 5 idle connections unless CURLOPT_MAXCONNECTS is set, so with 8 in
    // flight the other 3 would be closed after each round and opened again.
    constexpr int kInFlight = 8;
    constexpr int kRounds = 3;
    std::atomic<int> round_arrivals{0};
    std::mutex mutex;
    std::condition_variable changed;
    ConcurrentHttpServer server([&](const ScriptedRequest &) {
        std::unique_lock lock(mutex);
        ++round_arrivals;
        changed.notify_all();
        changed.wait_for(lock, kOverlapTimeout, [&] { return round_arrivals % kInFlight == 0; });
        return manifest();
    });
    const auto client = make_client(server, kInFlight);

    for (int round = 0; round < kRounds; ++round) {
        for (auto &result : fetch_in_parallel(*client, server.host(), kInFlight)) {
            EXPECT_EQ(result.get().body, kManifest);
        }
    }
    EXPECT_EQ(server.requests(), kInFlight * kRounds);
    EXPECT_EQ(server.max_in_flight(), kInFlight);
    EXPECT_EQ(server.connections_accepted(), kInFlight);
}

TEST(RegistryConcurrencyTest, OneRequestAtATimeWithConcurrentHttpOne) {
    ConcurrentHttpServer server([](const ScriptedRequest &) { return manifest(); });
    const auto client = make_client(server, 1);

    for (auto &result : fetch_in_parallel(*client, server.host(), 6)) {
        EXPECT_EQ(result.get().body, kManifest);
    }
    EXPECT_EQ(server.requests(), 6);
    EXPECT_EQ(server.max_in_flight(), 1);
}

// 16 requests get their 401 together. The token service delays its response
// until a second token request arrives (or the timeout), so without single
// flight the count below would be 16.
TEST(RegistryConcurrencyTest, SimultaneousChallengesShareOneToken) {
    Arrivals challenged;
    Arrivals token_requests;
    std::atomic<int> tokens{0};
    std::string realm;
    ConcurrentHttpServer server([&](const ScriptedRequest &request) {
        if (request.target.starts_with("/token")) {
            ++tokens;
            token_requests.arrive_and_wait(2);
            return ScriptedResponse{200, {{"Content-Type", "application/json"}}, R"({"token":"tok","expires_in":300})"};
        }
        if (request.header("authorization") == "Bearer tok") {
            return manifest();
        }
        challenged.arrive_and_wait(16);
        return ScriptedResponse{
            401, {{"WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"test\",scope=\"repository:repo:pull\""}},
            ""};
    });
    realm = server.url() + "/token";
    const auto client = make_client(server, 16);

    for (auto &result : fetch_in_parallel(*client, server.host(), 16)) {
        EXPECT_EQ(result.get().body, kManifest);
    }
    EXPECT_EQ(tokens.load(), 1);
    // 16 challenged requests, one token request, 16 requests with the token.
    EXPECT_EQ(server.requests(), 33);
}

// Two requests hang at a server that never responds and two wait for a
// connection handle; Ctrl-C ends all four with InterruptedError.
TEST(RegistryConcurrencyTest, InterruptEndsHangingRequests) {
    Arrivals arrivals;
    std::atomic<bool> interrupted{false};
    ConcurrentHttpServer server([&](const ScriptedRequest &) {
        arrivals.arrive_and_block();
        return manifest();
    });
    // Destroyed before the server, whose destructor waits for its handlers.
    const std::shared_ptr<void> release_handlers(nullptr, [&](void *) { arrivals.release(); });
    const auto client = make_client(server, 2, [&] { return interrupted.load(); });

    auto results = fetch_in_parallel(*client, server.host(), 4);
    ASSERT_TRUE(arrivals.wait_for(2, std::chrono::seconds(10)));
    interrupted = true;

    for (auto &result : results) {
        // Generous: the transfer callback runs about once a second while idle.
        ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
        EXPECT_THROW(result.get(), InterruptedError);
    }
}

}  // namespace
}  // namespace acedt::oci
