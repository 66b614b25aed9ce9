// The concurrent `mirror diff` (diff in traversal.hpp, with the prefetch
// of prefetch.hpp) against OCI layouts written by the test. It returns the
// same rows and errors as the sequential traversal, fetches each manifest
// at most once and image manifests never, and errors and Ctrl-C end it.
#include "mirror_artifact.hpp"
#include "prefetch.hpp"
#include "traversal.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/source.hpp>
#include <acedt_test/layout_builder.hpp>
#include <acedt_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <mutex>
#include <thread>

namespace acedt::mirror_diff {
namespace {

using acedt_test::Blob;
using acedt_test::LayoutBuilder;
using acedt_test::sourced;

// Fetches by digest, counted across every source of one test.
struct FetchLog {
    std::mutex mutex;
    std::map<std::string, int> fetches;           // by digest, all sources
    std::map<std::string, int> mirror_fetches;    // by digest, the mirror source only

    int count(const std::string &digest) {
        std::lock_guard lock(mutex);
        return fetches[digest];
    }
};

// A thread-safe layout source with a chosen store key that records its
// fetches, fails the fetch of one digest as a registry's HTTP 500 would, and
// can block a fetch until Ctrl-C.
class RecordingSource : public oci::ManifestSource {
public:
    RecordingSource(std::unique_ptr<oci::ManifestSource> inner, FetchLog &log, std::string store, bool is_mirror)
        : inner_(std::move(inner)), log_(log), store_(std::move(store)), is_mirror_(is_mirror) {}

    std::string display_name() const override { return inner_->display_name(); }

    oci::FetchedManifest fetch_root() override {
        std::lock_guard lock(mutex_);
        return inner_->fetch_root();
    }

    oci::FetchedManifest fetch(const oci::Descriptor &descriptor) override {
        const std::string digest = descriptor.digest.str();
        {
            std::lock_guard lock(log_.mutex);
            ++log_.fetches[digest];
            if (is_mirror_) {
                ++log_.mirror_fetches[digest];
            }
        }
        if (digest == failing_digest) {
            throw oci::Error("HTTP 500 from http://127.0.0.1/v2/r/manifests/" + digest);
        }
        if (digest == blocking_digest) {
            started = true;
            while (!interrupted()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            throw oci::InterruptedError();
        }
        std::lock_guard lock(mutex_);
        return inner_->fetch(descriptor);
    }

    std::string store_key() const override { return store_; }
    bool is_thread_safe() const override { return true; }

    std::string failing_digest;
    std::string blocking_digest;
    std::function<bool()> interrupted = [] { return false; };
    std::atomic<bool> started{false};

private:
    std::unique_ptr<oci::ManifestSource> inner_;
    FetchLog &log_;
    std::string store_;
    bool is_mirror_;
    std::mutex mutex_;
};

// A sync artifact like those gather writes: images, a multi-platform index,
// and a nested artifact with another one nested inside. sync-44 contains part
// of it, including the nested artifact `outer`.
class PrefetchTest : public ::testing::Test {
protected:
    PrefetchTest() : builder_(dir_.path() / "layout"), opener_(oci::ClientConfig{}, oci::ClientHooks{}) {
        alpine_ = builder_.add_image("alpine");
        busybox_ = builder_.add_multi_platform("busybox");
        tool_ = builder_.add_image("tool");
        redis_ = builder_.add_image("redis");
        nginx_ = builder_.add_image("nginx");
        inner_ = builder_.add_mirror_artifact({sourced(redis_, "docker.io/library/redis:7")});
        outer_ = builder_.add_mirror_artifact(
            {sourced(inner_, "reg.example.com/mirror/inner:sync-3"), sourced(nginx_, "docker.io/library/nginx:1.25")});
        other_ = builder_.add_mirror_artifact({sourced(tool_, "ghcr.io/org/tool:v1")});
        builder_.tag(builder_.add_mirror_artifact({sourced(alpine_, "docker.io/library/alpine:3.19"),
                                                   sourced(busybox_, "docker.io/library/busybox:1.36"),
                                                   sourced(outer_, "reg.example.com/mirror/base:sync-12"),
                                                   sourced(other_, "reg.example.com/mirror/other:sync-1")}),
                     "sync-45");
        builder_.tag(builder_.add_mirror_artifact({sourced(alpine_, "docker.io/library/alpine:3.19"),
                                                   sourced(outer_, "reg.example.com/mirror/base:sync-12")}),
                     "sync-44");
        builder_.tag(busybox_, "busybox");
        builder_.write_index();
    }

    std::unique_ptr<RecordingSource> open(const std::string &tag, const std::string &store, bool is_mirror) {
        return std::make_unique<RecordingSource>(opener_.open("oci:" + builder_.dir().string() + ":" + tag), log_,
                                                 store, is_mirror);
    }

    // diff() with `concurrency` threads, every source in `store` ("" for
    // a store of its own).
    DiffResult run_diff(const std::string &tag, const std::vector<std::string> &existing_tags, bool expand,
                        const std::string &store = "layout", int concurrency = 4) {
        auto mirror = open(tag, store, true);
        std::vector<std::unique_ptr<RecordingSource>> existing;
        std::vector<oci::ManifestSource *> pointers;
        for (const std::string &existing_tag : existing_tags) {
            existing.push_back(open(existing_tag, store, false));
            pointers.push_back(existing.back().get());
        }
        TraversalSettings settings;
        settings.concurrency = concurrency;
        return diff(*mirror, pointers, ListOptions{expand}, settings);
    }

    // The sequential traversal on plain layout sources.
    std::vector<Row> run_sequential(const std::string &tag, const std::vector<std::string> &existing_tags,
                                    bool expand) {
        ExistingSet existing;
        for (const std::string &existing_tag : existing_tags) {
            existing.add(*opener_.open("oci:" + builder_.dir().string() + ":" + existing_tag));
        }
        auto mirror = opener_.open("oci:" + builder_.dir().string() + ":" + tag);
        return list_rows(*mirror, existing, ListOptions{expand}, [] { return false; });
    }

    acedt_test::TempDir dir_;
    LayoutBuilder builder_;
    oci::SourceOpener opener_;
    FetchLog log_;
    Blob alpine_, busybox_, tool_, redis_, nginx_, inner_, outer_, other_;
};

TEST_F(PrefetchTest, RowsMatchSequentialTraversal) {
    const std::vector<std::vector<std::string>> existing_cases = {
        {}, {"sync-44"}, {"busybox"}, {"sync-44", "busybox"}, {"sync-45"}};
    for (const bool expand : {false, true}) {
        for (const std::string store : {"layout", ""}) {
            for (const auto &existing : existing_cases) {
                SCOPED_TRACE("expand " + std::to_string(expand) + ", store \"" + store + "\", " +
                             std::to_string(existing.size()) + " existing");
                const DiffResult result = run_diff("sync-45", existing, expand, store);
                EXPECT_EQ(result.rows, run_sequential("sync-45", existing, expand));
            }
        }
    }
}

TEST_F(PrefetchTest, SameStoreFetchesEachManifestOnce) {
    const DiffResult result = run_diff("sync-45", {"sync-44", "busybox"}, true);
    const std::vector<Row> expected = {{"ghcr.io/org/tool:v1", tool_.digest}};
    EXPECT_EQ(result.rows, expected);

    for (const auto &[digest, count] : log_.fetches) {
        EXPECT_EQ(count, 1) << digest;
    }
    // busybox is an existing root, fetched by tag, so the mirror side,
    // which waits for the existing roots, never requests its digest.
    EXPECT_EQ(log_.count(busybox_.digest), 0);
    // Indexes below the roots: outer and inner (existing side), other
    // (mirror side).
    EXPECT_EQ(log_.count(outer_.digest), 1);
    EXPECT_EQ(log_.count(inner_.digest), 1);
    EXPECT_EQ(log_.count(other_.digest), 1);
    for (const Blob *image : {&alpine_, &tool_, &redis_, &nginx_}) {
        EXPECT_EQ(log_.count(image->digest), 0) << "image manifest fetched: " << image->digest;
    }
}

// With stores that differ, the mirror side waits for the existing side and
// then skips what is existing: it fetches `other`, and busybox to learn
// that it is not a mirror artifact.
TEST_F(PrefetchTest, OtherStoreWaitsForExistingSet) {
    const DiffResult result = run_diff("sync-45", {"sync-44"}, true, "");
    EXPECT_EQ(result.rows, run_sequential("sync-45", {"sync-44"}, true));
    EXPECT_EQ(result.existing_manifests, 6u);  // sync-44, alpine, outer, inner, nginx, redis

    const std::map<std::string, int> expected_mirror = {{other_.digest, 1}, {busybox_.digest, 1}};
    EXPECT_EQ(log_.mirror_fetches, expected_mirror);
    EXPECT_EQ(log_.count(outer_.digest), 1);
    EXPECT_EQ(log_.count(inner_.digest), 1);
}

TEST_F(PrefetchTest, OneThreadGivesSameRows) {
    const DiffResult result = run_diff("sync-45", {"busybox"}, true, "layout", 1);
    EXPECT_EQ(result.rows, run_sequential("sync-45", {"busybox"}, true));
}

TEST_F(PrefetchTest, FailedFetchNamesPathFromRoot) {
    auto mirror = open("sync-45", "layout", true);
    mirror->failing_digest = inner_.digest;
    TraversalSettings settings;
    settings.concurrency = 4;

    try {
        diff(*mirror, {}, ListOptions{true}, settings);
        FAIL() << "expected an error";
    } catch (const oci::InterruptedError &) {
        FAIL() << "expected oci::Error";
    } catch (const oci::Error &e) {
        const std::string expected = "HTTP 500 from http://127.0.0.1/v2/r/manifests/" + inner_.digest +
                                     " (reached through " + mirror->display_name() +
                                     " > reg.example.com/mirror/base:sync-12@" + outer_.digest +
                                     " > reg.example.com/mirror/inner:sync-3@" + inner_.digest + ")";
        EXPECT_EQ(std::string(e.what()), expected);
    }
}

TEST_F(PrefetchTest, FirstErrorCancelsOtherRequests) {
    auto mirror = open("sync-45", "layout", true);
    mirror->failing_digest = other_.digest;
    // outer hangs until cancelled, as a transfer does until its interrupt
    // hook turns true.
    std::atomic<bool> cancelled{false};
    mirror->blocking_digest = outer_.digest;
    mirror->interrupted = [&] { return cancelled.load(); };
    TraversalSettings settings;
    settings.concurrency = 4;
    settings.cancel = [&] { cancelled = true; };

    try {
        diff(*mirror, {}, ListOptions{true}, settings);
        FAIL() << "expected an error";
    } catch (const oci::InterruptedError &) {
        FAIL() << "the cancelled request was reported instead of the failure";
    } catch (const oci::Error &e) {
        EXPECT_NE(std::string(e.what()).find(other_.digest), std::string::npos) << e.what();
    }
    EXPECT_TRUE(cancelled.load());
}

TEST_F(PrefetchTest, InterruptEndsRun) {
    auto mirror = open("sync-45", "layout", true);
    std::atomic<bool> interrupted{false};
    mirror->blocking_digest = outer_.digest;
    mirror->interrupted = [&] { return interrupted.load(); };
    TraversalSettings settings;
    settings.concurrency = 4;
    settings.interrupted = [&] { return interrupted.load(); };

    std::thread presser([&] {
        while (!mirror->started) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        interrupted = true;
    });
    EXPECT_THROW(diff(*mirror, {}, ListOptions{true}, settings), oci::InterruptedError);
    presser.join();
}

TEST_F(PrefetchTest, NestingAtLimitIsAcceptedAsExistingImage) {
    Blob current = builder_.add_image("bottom");
    for (int level = 0; level <= kMaxNestingDepth; ++level) {
        current = builder_.add_mirror_artifact({sourced(current, "reg.example.com/level:" + std::to_string(level))});
    }
    builder_.tag(current, "deep");
    builder_.tag(builder_.add_mirror_artifact({sourced(builder_.add_image("new"), "reg.example.com/new:1")}), "mirror");
    builder_.write_index();

    const DiffResult result = run_diff("mirror", {"deep"}, true);
    EXPECT_EQ(result.rows, run_sequential("mirror", {"deep"}, true));
    EXPECT_EQ(result.rows.size(), 1u);
}

TEST_F(PrefetchTest, NestingDeeperThanLimitFailsAsBefore) {
    Blob current = builder_.add_image("bottom");
    for (int level = 0; level <= kMaxNestingDepth + 1; ++level) {
        current = builder_.add_mirror_artifact({sourced(current, "reg.example.com/level:" + std::to_string(level))});
    }
    builder_.tag(current, "deep");
    builder_.write_index();

    std::string sequential_error;
    try {
        run_sequential("deep", {}, true);
    } catch (const oci::Error &e) {
        sequential_error = e.what();
    }
    ASSERT_NE(sequential_error.find("nested more than 8 levels"), std::string::npos) << sequential_error;

    try {
        run_diff("deep", {}, true);
        FAIL() << "expected a nesting error";
    } catch (const oci::Error &e) {
        EXPECT_EQ(std::string(e.what()), sequential_error);
    }
}

oci::Descriptor descriptor_of(const Blob &blob) {
    oci::Descriptor descriptor;
    descriptor.media_type = blob.media_type;
    descriptor.digest = oci::Digest::parse(blob.digest);
    descriptor.size = blob.size;
    return descriptor;
}

// The prefetch keeps a compact form of each index, so that a run holding
// thousands of them needs little memory. Entries keep media type, digest,
// size, artifactType and the annotation that names their reference. The
// mirror side keeps no entries of indexes that are not mirror artifacts.
// The replay returns that form without fetching again.
TEST_F(PrefetchTest, ReplayReturnsCompactManifests) {
    acedt_test::Entry annotated = sourced(redis_, "docker.io/library/redis:7");
    annotated.annotations[std::string(oci::annotation::kRefName)] = "redis-7";
    annotated.annotations["org.opencontainers.image.description"] = "an annotation the traversal never reads";
    annotated.platform = std::make_pair("linux", "amd64");
    const Blob nested = builder_.add_mirror_artifact({annotated, sourced(busybox_, "docker.io/library/busybox:1.36")});
    builder_.tag(builder_.add_mirror_artifact({sourced(nested, "reg.example.com/mirror/nested:sync-1")}), "compact");
    builder_.write_index();

    auto mirror = open("compact", "", true);
    Prefetcher prefetcher(2, [] { return false; }, [] {}, *mirror, {}, PrefetchOptions{true, false});
    prefetcher.run();
    const auto replay = prefetcher.replay_mirror();

    const oci::FetchedManifest artifact = replay->fetch(descriptor_of(nested));
    ASSERT_EQ(artifact.manifest.manifests.size(), 2u);
    const auto &entries = artifact.manifest.manifests;
    const auto found = std::find_if(entries.begin(), entries.end(),
                                    [&](const oci::Descriptor &candidate) { return candidate.digest.str() == redis_.digest; });
    ASSERT_NE(found, entries.end());
    const oci::Descriptor &entry = *found;
    EXPECT_EQ(entry.size, redis_.size);
    EXPECT_EQ(entry.media_type, redis_.media_type);
    EXPECT_FALSE(entry.platform.has_value());
    const std::map<std::string, std::string> kept = {{std::string(kSourceAnnotation), "docker.io/library/redis:7"}};
    EXPECT_EQ(entry.annotations, kept);

    const oci::FetchedManifest platforms = replay->fetch(descriptor_of(busybox_));
    EXPECT_TRUE(platforms.manifest.is_index());
    EXPECT_TRUE(platforms.manifest.manifests.empty());
    EXPECT_EQ(log_.count(nested.digest), 1);
    EXPECT_EQ(log_.count(busybox_.digest), 1);
}

// An entry without the source annotation keeps org.opencontainers.image.ref.name,
// which entry_reference falls back to, so rows still name it.
TEST_F(PrefetchTest, RefNameKeptWithoutSourceAnnotation) {
    acedt_test::Entry named{redis_, {{std::string(oci::annotation::kRefName), "redis-7"}}, std::nullopt};
    builder_.tag(builder_.add_mirror_artifact({named}), "named");
    builder_.write_index();

    const DiffResult result = run_diff("named", {}, true);
    const std::vector<Row> expected = {{"redis-7", redis_.digest}};
    EXPECT_EQ(result.rows, expected);
}

// An index with many entries: every row arrives, sorted, and no image
// manifest is fetched.
TEST_F(PrefetchTest, LargeIndexListsEveryEntry) {
    std::vector<acedt_test::Entry> entries;
    for (int i = 0; i < 2000; ++i) {
        entries.push_back(sourced(alpine_, "reg.example.com/many:" + std::to_string(i)));
    }
    builder_.tag(builder_.add_mirror_artifact(entries), "many");
    builder_.write_index();

    const DiffResult result = run_diff("many", {}, true);
    ASSERT_EQ(result.rows.size(), 2000u);
    EXPECT_TRUE(std::is_sorted(result.rows.begin(), result.rows.end()));
    EXPECT_EQ(log_.count(alpine_.digest), 0);
}

}  // namespace
}  // namespace acedt::mirror_diff
