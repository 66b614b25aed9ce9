// Manifests fetched during one traversal, each at most once.
#pragma once

#include "task_pool.hpp"

#include <acedt/oci/descriptor.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace acedt::mirror_diff {

// One entry of a cached index: the fields of a descriptor the traversal
// reads.
struct CachedEntry {
    std::string media_type;
    oci::Digest digest;
    std::int64_t size = 0;
    std::string artifact_type;  // empty when absent
    // The annotation entry_reference reads (the source annotation, else
    // org.opencontainers.image.ref.name): its key, a constant with static
    // storage, and its value. Both are empty when the entry has neither.
    std::string_view reference_key;
    std::string reference;
};

// A fetched manifest in the compact form the traversal reads, without its
// body, the other annotations, platforms, config and layers. A run can hold
// thousands of indexes at once, so this form is a fraction of the size of
// oci::Manifest.
struct CachedManifest {
    oci::Digest digest;
    std::int64_t size = 0;
    std::string media_type;
    std::string artifact_type;  // empty when absent
    // The value of the extra-manifests annotation, when present.
    std::optional<std::string> extra_manifests;
    // Empty for image manifests, and for indexes kept only for their type.
    std::vector<CachedEntry> entries;
};
using CachedManifestPtr = std::shared_ptr<const CachedManifest>;

// A manifest moved out of the cache (see ManifestCache::take).
using TakenManifest = std::shared_ptr<CachedManifest>;

// Single flight per key: the first request for a key submits its fetch to
// the pool, requests made while that fetch runs wait for it, and later
// requests get the stored result. Nothing is fetched twice, and no thread
// blocks waiting: each request passes a continuation. Thread-safe.
class ManifestCache {
public:
    using Fetch = std::function<TakenManifest()>;
    using Continuation = std::function<void(const CachedManifestPtr &)>;

    explicit ManifestCache(TaskPool &pool) : pool_(pool) {}

    // Calls `then` with the manifest stored under `key`: at once on this
    // thread when it is stored, else on the pool thread that fetched it,
    // right after the fetch. When the fetch throws, the pool reports the
    // exception and no continuation of that key runs.
    void request(const std::string &key, Fetch fetch, Continuation then);

    // The manifest stored under `key`, or null when it was not fetched
    // (yet).
    CachedManifestPtr find(const std::string &key) const;

    // Removes the manifest stored under `key` and returns it, or null when
    // none is stored. Call only after the pool is idle. Later requests for
    // the key fetch it again, so take only what is read once.
    TakenManifest take(const std::string &key);

    // Fetches submitted so far, and those of them that completed.
    std::size_t requested() const { return requested_; }
    std::size_t completed() const { return completed_; }

private:
    struct Slot {
        TakenManifest manifest;  // null while the fetch runs
        std::vector<Continuation> waiting;
    };

    void run_fetch(const std::string &key, const Fetch &fetch);

    TaskPool &pool_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Slot> slots_;
    std::atomic<std::size_t> requested_ = 0;
    std::atomic<std::size_t> completed_ = 0;
};

}  // namespace acedt::mirror_diff
