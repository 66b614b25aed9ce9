// The requests a real `ace-dt mirror diff --expand` run sends to
// docker-registry with token authentication: each manifest once, one token
// for the repository's scope, and with concurrentHTTP=2 two requests in
// flight at once but never three. Requests are counted at a loopback proxy
// the test starts between ace-dt and the registry. The proxy delays each
// request briefly until a second one arrives, so that overlap shows at once
// when the client overlaps its requests. The token service, which ace-dt
// reaches directly, counts its own requests.
#include "ace_dt_runner.hpp"
#include "sync_fixture.hpp"

#include "support/concurrent_http_server.hpp"

#include <acedt_test/layout_builder.hpp>
#include <acedt_test/push.hpp>
#include <acedt_test/registry_setups.hpp>
#include <acedt_test/temp_dir.hpp>

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>

namespace acedt_test {
namespace {

namespace fs = std::filesystem;
using acedt::oci::testing::ConcurrentHttpServer;
using acedt::oci::testing::ScriptedRequest;
using acedt::oci::testing::ScriptedResponse;

constexpr const char *kRepository = "mirror/data";

// How long the proxy delays a request while no other one is in flight. It
// only shortens runs whose requests cannot overlap; no check depends on it.
constexpr auto kHold = std::chrono::milliseconds(300);

size_t append_body(char *data, size_t size, size_t count, void *user_data) {
    static_cast<std::string *>(user_data)->append(data, size * count);
    return size * count;
}

size_t collect_header(char *data, size_t size, size_t count, void *user_data) {
    auto *headers = static_cast<std::vector<std::pair<std::string, std::string>> *>(user_data);
    const std::string line(data, size * count);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos && !line.starts_with("HTTP/")) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        value.erase(value.find_last_not_of("\r\n ") + 1);
        if (name == "content-type" || name == "docker-content-digest" || name == "www-authenticate") {
            headers->emplace_back(name, value);
        }
    }
    return size * count;
}

// A forwarding proxy for GET requests that records each request's target
// and the status the registry returned.
class CountingProxy {
public:
    explicit CountingProxy(std::string upstream)
        : upstream_(std::move(upstream)), server_([this](const ScriptedRequest &request) { return forward(request); }) {}

    std::string host() const { return server_.host(); }
    int max_in_flight() const { return server_.max_in_flight(); }

    // (target, status) of every request, in the order the responses came.
    std::vector<std::pair<std::string, long>> exchanges() {
        std::lock_guard lock(mutex_);
        return exchanges_;
    }

    void clear() {
        std::lock_guard lock(mutex_);
        exchanges_.clear();
    }

private:
    ScriptedResponse forward(const ScriptedRequest &request) {
        hold();

        ScriptedResponse response;
        CURL *curl = curl_easy_init();
        curl_slist *headers = nullptr;
        for (const char *name : {"authorization", "accept"}) {
            const std::string value = request.header(name);
            if (!value.empty()) {
                headers = curl_slist_append(headers, (std::string(name) + ": " + value).c_str());
            }
        }
        const std::string url = upstream_ + request.target;
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &collect_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
        long status = 502;
        if (curl_easy_perform(curl) == CURLE_OK) {
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        }
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        response.status = static_cast<int>(status);

        release();
        std::lock_guard lock(mutex_);
        exchanges_.emplace_back(request.target, status);
        return response;
    }

    // Waits until another request is in flight too, or kHold.
    void hold() {
        std::unique_lock lock(mutex_);
        ++held_;
        changed_.notify_all();
        changed_.wait_for(lock, kHold, [this] { return held_ >= 2; });
    }

    void release() {
        std::lock_guard lock(mutex_);
        --held_;
    }

    std::string upstream_;
    std::mutex mutex_;
    std::condition_variable changed_;
    int held_ = 0;
    std::vector<std::pair<std::string, long>> exchanges_;
    ConcurrentHttpServer server_;
};

class MirrorDiffRequestsTest : public ::testing::Test {
protected:
    MirrorDiffRequestsTest() : runner_(home_.path()) {}

    void SetUp() override {
        fixture_ = build_sync_fixture(builder_);
        server_ = RegistrySetupServer::start(RegistrySetup::kTokenAuth, [this](const std::string &host) {
            for (const char *tag : {"sync-45", "sync-44"}) {
                push_layout_tag(builder_.dir(), tag, host, kRepository, tag);
            }
        });
        proxy_ = std::make_unique<CountingProxy>(server_->url());

        fs::create_directories(home_.path() / ".docker");
        std::ofstream(home_.path() / ".docker/config.json")
            << R"({"auths": {")" << proxy_->host() << R"(": {"username": ")" << kRegistryUser
            << R"(", "password": ")" << kRegistryPassword << R"("}}})";
    }

    // Runs `mirror diff --expand sync-45 sync-44` through the proxy.
    ProcessResult run_diff(int concurrent_http) {
        runner_.set_config("concurrentHTTP: " + std::to_string(concurrent_http) +
                           "\n"
                           "registryConfig:\n"
                           "  registries:\n"
                           "    \"" + proxy_->host() + "\":\n"
                           "      endpoints:\n"
                           "        - http://" + proxy_->host() + "\n");
        const std::string base = proxy_->host() + "/" + kRepository + ":";
        return runner_.run({"mirror", "diff", "--expand", "-o", "json", base + "sync-45", base + "sync-44"});
    }

    std::string manifest_path(const std::string &selector) const {
        return "/v2/" + std::string(kRepository) + "/manifests/" + selector;
    }

    TempDir dir_{"ace-dt-requests-"};
    TempDir home_{"ace-dt-home-"};
    LayoutBuilder builder_{dir_.path() / "layout"};
    SyncFixture fixture_;
    std::unique_ptr<RegistrySetupServer> server_;
    std::unique_ptr<CountingProxy> proxy_;
    AceDtRunner runner_;
};

// The minimum for this workload is six manifests: the two roots by tag and
// busybox, the index reachable from sync-44, and on the mirror side the
// indexes that may be nested artifacts and are not in sync-44. Those are
// node-exporter's manifest list, outer, and inner inside outer. Image
// manifests are never requested.
TEST_F(MirrorDiffRequestsTest, EachManifestOnceAndOneToken) {
    const std::size_t tokens_before = server_->issuer()->requests().size();
    const ProcessResult result = run_diff(25);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::vector<ExpectedRow> rows = fixture_.sync45_expanded_rows();
    std::erase_if(rows, [&](const ExpectedRow &row) {
        return row.second == fixture_.alpine.digest || row.second == fixture_.busybox.digest ||
               row.second == fixture_.app.digest;
    });
    EXPECT_EQ(parse_json_rows(result.out), rows);

    std::map<std::string, int> successful;
    int challenged = 0;
    for (const auto &[target, status] : proxy_->exchanges()) {
        if (status == 200) {
            ++successful[target];
        } else if (status == 401) {
            ++challenged;
        } else {
            ADD_FAILURE() << target << " returned HTTP " << status;
        }
    }
    const std::map<std::string, int> expected = {
        {manifest_path("sync-45"), 1},
        {manifest_path("sync-44"), 1},
        {manifest_path(fixture_.busybox.digest), 1},
        {manifest_path(fixture_.node_exporter.digest), 1},
        {manifest_path(fixture_.outer.digest), 1},
        {manifest_path(fixture_.inner.digest), 1},
    };
    EXPECT_EQ(successful, expected);
    // Only the two roots, sent together before any token exists, can meet
    // a challenge; every later request carries the token.
    EXPECT_GE(challenged, 1);
    EXPECT_LE(challenged, 2);
    EXPECT_EQ(server_->issuer()->requests().size() - tokens_before, 1u) << "one token for one scope";
}

TEST_F(MirrorDiffRequestsTest, ConcurrentHttpBoundsRequestsInFlight) {
    const ProcessResult two = run_diff(2);
    ASSERT_EQ(two.exit_code, 0) << two.err;
    EXPECT_EQ(proxy_->max_in_flight(), 2);
}

TEST_F(MirrorDiffRequestsTest, ConcurrentHttpOneSendsOneAtATime) {
    const ProcessResult one = run_diff(1);
    ASSERT_EQ(one.exit_code, 0) << one.err;
    EXPECT_EQ(proxy_->max_in_flight(), 1);
}

}  // namespace
}  // namespace acedt_test
