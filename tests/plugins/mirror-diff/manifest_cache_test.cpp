// The single-flight manifest cache: one fetch per key, for requests made
// before, during and after the fetch.
#include "manifest_cache.hpp"

#include <acedt/oci/error.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace acedt::mirror_diff {
namespace {

TakenManifest make_manifest(const std::string &media_type) {
    auto manifest = std::make_shared<CachedManifest>();
    manifest->media_type = media_type;
    return manifest;
}

TEST(ManifestCacheTest, ConcurrentRequestsShareOneFetch) {
    TaskPool pool(8, [] { return false; });
    ManifestCache cache(pool);
    std::atomic<int> fetches{0};
    std::atomic<int> delivered{0};

    for (int i = 0; i < 40; ++i) {
        pool.submit([&] {
            cache.request(
                "store a@sha256:11",
                [&] {
                    ++fetches;
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    return make_manifest("index");
                },
                [&](const CachedManifestPtr &manifest) {
                    EXPECT_EQ(manifest->media_type, "index");
                    ++delivered;
                });
        });
    }
    pool.wait();

    EXPECT_EQ(fetches.load(), 1);
    EXPECT_EQ(delivered.load(), 40);
    EXPECT_EQ(cache.requested(), 1u);
    EXPECT_EQ(cache.completed(), 1u);
}

TEST(ManifestCacheTest, StoredManifestIsNotFetchedAgain) {
    TaskPool pool(2, [] { return false; });
    ManifestCache cache(pool);
    int fetches = 0;
    const auto fetch = [&] {
        ++fetches;
        return make_manifest("index");
    };

    cache.request("k", fetch, [](const CachedManifestPtr &) {});
    pool.wait();
    bool delivered = false;
    cache.request("k", fetch, [&](const CachedManifestPtr &) { delivered = true; });

    EXPECT_TRUE(delivered) << "a stored manifest is delivered at once, on the caller's thread";
    EXPECT_EQ(fetches, 1);
    ASSERT_NE(cache.find("k"), nullptr);
    EXPECT_EQ(cache.find("other"), nullptr);
}

TEST(ManifestCacheTest, DifferentKeysFetchSeparately) {
    TaskPool pool(2, [] { return false; });
    ManifestCache cache(pool);
    std::atomic<int> fetches{0};
    for (const char *key : {"store a@sha256:11", "store b@sha256:11", "store a@sha256:22"}) {
        cache.request(
            key,
            [&] {
                ++fetches;
                return make_manifest("index");
            },
            [](const CachedManifestPtr &) {});
    }
    pool.wait();
    EXPECT_EQ(fetches.load(), 3);
}

TEST(ManifestCacheTest, FailedFetchRunsNoContinuation) {
    TaskPool pool(2, [] { return false; });
    ManifestCache cache(pool);
    std::atomic<int> delivered{0};
    for (int i = 0; i < 3; ++i) {
        cache.request(
            "k", [&]() -> TakenManifest { throw oci::Error("HTTP 500 from http://127.0.0.1/v2/r/manifests/x"); },
            [&](const CachedManifestPtr &) { ++delivered; });
    }
    EXPECT_THROW(pool.wait(), oci::Error);
    EXPECT_EQ(delivered.load(), 0);
    EXPECT_EQ(cache.find("k"), nullptr);
}

}  // namespace
}  // namespace acedt::mirror_diff
