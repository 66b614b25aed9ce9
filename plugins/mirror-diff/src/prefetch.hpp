// Concurrent fetching of every manifest a `mirror diff` run needs, before
// the sequential traversal in traversal.cpp reads them back from memory.
//
// Splitting the work this way keeps the results (rows, order, errors for
// bad input) exactly those of the sequential traversal. The network round
// trips still overlap, because the existing images and the mirror artifact
// are fetched at the same time and each index is requested as soon as its
// parent arrives.
#pragma once

#include "manifest_cache.hpp"
#include "task_pool.hpp"

#include <acedt/oci/source.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace acedt::mirror_diff {

struct PrefetchOptions {
    // --expand: nested mirror artifacts are fetched too.
    bool expand = false;
    // -r/--recursive: the existing set also gains referrers, which the
    // prefetch does not look up, so the mirror side waits for the existing
    // side before fetching nested artifacts.
    bool referrers = false;
};

// Fetches, through `pool`, the roots of the mirror artifact and of the
// existing images, every index reachable from the existing images, and
// with `expand` the nested mirror artifacts that are not reachable from
// the existing images. Image manifests are never fetched, and index
// descriptors of the mirror artifact whose artifactType is set to another
// type than the gather type are not fetched either.
//
// Which digests are existing is known for sure only when the existing side
// is complete. The mirror side fetches a nested artifact before then only
// when every existing source reads the same store as the mirror
// (ManifestSource::store_key). In that case an index it fetches that turns
// out to be existing is one the existing side fetches anyway, through the
// same cache, so no request is added. Otherwise it waits for the existing
// side to complete.
class Prefetcher {
public:
    // Fetches on `concurrency` threads (at least 1), or on the calling
    // thread when no source is thread-safe. `interrupted` and `on_cancel`
    // are passed to the TaskPool. The sources must outlive the
    // Prefetcher and the sources it returns.
    Prefetcher(int concurrency, std::function<bool()> interrupted, std::function<void()> on_cancel,
               oci::ManifestSource &mirror, const std::vector<oci::ManifestSource *> &existing,
               PrefetchOptions options);
    ~Prefetcher();

    // Submits the root fetches and waits until everything they lead to is
    // fetched. Rethrows the first error; a fetch error names the path from
    // the root to the manifest. Throws oci::InterruptedError on Ctrl-C.
    void run();

    // Sources that return the fetched manifests from memory and fetch
    // anything else from the wrapped source: the mirror, and the existing
    // sources in the order given. The manifests keep only what
    // ExistingSet::add and list_rows read: the mirror's replay returns an
    // index that is not a mirror artifact without its entries, and entries
    // keep only the annotation entry_reference reads.
    std::unique_ptr<oci::ManifestSource> replay_mirror();
    std::unique_ptr<oci::ManifestSource> replay_existing(std::size_t index);

    // Fetches submitted so far, and those of them that completed.
    std::size_t requested() const { return cache_.requested(); }
    std::size_t completed() const { return cache_.completed(); }

private:
    struct Slot;
    class ReplaySource;

    void on_existing_root(Slot &slot, const CachedManifestPtr &root);
    void visit_existing(Slot &slot, const oci::Descriptor &entry, const std::string &trail, int depth);
    void expand_existing(Slot &slot, const CachedManifestPtr &index, const std::string &trail, int depth);
    void finish_existing_work();

    void on_mirror_root(const CachedManifestPtr &root);
    void expand_mirror(const CachedManifest &artifact, const std::string &trail, int depth);
    void consider_mirror_entry(const oci::Descriptor &entry, const std::string &trail, int depth);
    void release_waiting_mirror_entries();
    bool mirror_may_fetch_locked() const;

    void request(Slot &slot, const oci::Descriptor &entry, const std::string &trail,
                 ManifestCache::Continuation then);
    void request_root(Slot &slot, ManifestCache::Continuation then);

    // Stopped by the destructor, so that its threads end before the members
    // they use are destroyed.
    TaskPool pool_;
    ManifestCache cache_;
    PrefetchOptions options_;
    std::unique_ptr<Slot> mirror_;
    std::vector<std::unique_ptr<Slot>> existing_;
    bool same_store_ = false;
    // An existing source reads the mirror's store, so the two sides share
    // cached indexes.
    bool mirror_store_shared_ = false;

    struct WaitingEntry {
        oci::Descriptor entry;
        std::string trail;
        int depth;
    };

    std::mutex mutex_;  // guards the members below
    // Smallest nesting depth at which each index digest was reached. Image
    // digests are left out because the mirror side asks only about indexes.
    // NOTE: a digest listed as an image on the existing side and as an
    // index in the mirror is therefore fetched by the mirror side.
    std::unordered_map<oci::Digest, int> existing_depth_;
    std::unordered_map<oci::Digest, int> mirror_depth_;
    std::size_t existing_roots_pending_ = 0;
    // Existing roots and indexes requested whose children are not visited yet.
    std::size_t existing_work_pending_ = 0;
    bool existing_complete_ = false;
    std::vector<WaitingEntry> waiting_;
};

// "TRAIL > REF@DIGEST": how an entry was reached, for error messages.
std::string extend_trail(const std::string &trail, const oci::Descriptor &entry);

}  // namespace acedt::mirror_diff
