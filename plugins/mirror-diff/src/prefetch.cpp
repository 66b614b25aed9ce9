#include "prefetch.hpp"

#include "mirror_artifact.hpp"
#include "traversal.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include <algorithm>
#include <optional>

namespace acedt::mirror_diff {

std::string extend_trail(const std::string &trail, const oci::Descriptor &entry) {
    const std::string reference = entry_reference(entry);
    const std::string name = reference.empty() ? entry.digest.str() : reference + "@" + entry.digest.str();
    return trail + " > " + name;
}

// One source and how its manifests are keyed in the cache.
struct Prefetcher::Slot {
    explicit Slot(oci::ManifestSource &manifest_source, std::size_t number) : source(manifest_source) {
        const std::string unique = "source " + std::to_string(number);
        const std::string store = source.store_key();
        key_prefix = store.empty() ? unique : "store " + store;
        root_key = "root of " + unique;
        if (!source.is_thread_safe()) {
            serial = std::make_unique<std::mutex>();
        }
    }

    std::string entry_key(const oci::Digest &digest) const { return key_prefix + "@" + digest.str(); }

    // Runs `call` on the source, one call at a time unless the source is
    // thread-safe.
    template <typename Call>
    auto call_source(Call call) {
        std::optional<std::lock_guard<std::mutex>> lock;
        if (serial) {
            lock.emplace(*serial);
        }
        return call(source);
    }

    oci::ManifestSource &source;
    std::string key_prefix;
    std::string root_key;
    std::unique_ptr<std::mutex> serial;
};

namespace {

CachedEntry compact_entry(oci::Descriptor &&entry) {
    CachedEntry kept;
    kept.media_type = std::move(entry.media_type);
    kept.digest = std::move(entry.digest);
    kept.size = entry.size;
    kept.artifact_type = std::move(entry.artifact_type);

    for (const std::string_view key : {kSourceAnnotation, oci::annotation::kRefName}) {
        const auto found = entry.annotations.find(std::string(key));
        if (found != entry.annotations.end()) {
            kept.reference_key = key;
            kept.reference = std::move(found->second);
            break;
        }
    }
    return kept;
}

oci::Descriptor to_descriptor(CachedEntry entry) {
    oci::Descriptor descriptor;
    descriptor.media_type = std::move(entry.media_type);
    descriptor.digest = std::move(entry.digest);
    descriptor.size = entry.size;
    descriptor.artifact_type = std::move(entry.artifact_type);
    if (!entry.reference_key.empty()) {
        descriptor.annotations.emplace(std::string(entry.reference_key), std::move(entry.reference));
    }
    return descriptor;
}

bool is_mirror_artifact(const CachedManifest &cached) {
    return oci::media_type::is_index(cached.media_type) && cached.artifact_type == kGatherArtifactType;
}

// Converts a fetched manifest to the cached form. Without `keep_entries`
// the entries are dropped too, for indexes only checked for their type.
TakenManifest compact_manifest(oci::FetchedManifest fetched, bool keep_entries) {
    auto cached = std::make_shared<CachedManifest>();
    cached->digest = std::move(fetched.descriptor.digest);
    cached->size = fetched.descriptor.size;
    cached->media_type = std::move(fetched.manifest.media_type);
    cached->artifact_type = std::move(fetched.manifest.artifact_type);
    if (!keep_entries) {
        return cached;
    }

    const auto extra = fetched.manifest.annotations.find(std::string(kExtraManifestsAnnotation));
    if (extra != fetched.manifest.annotations.end()) {
        cached->extra_manifests = std::move(extra->second);
    }
    cached->entries.reserve(fetched.manifest.manifests.size());
    for (oci::Descriptor &entry : fetched.manifest.manifests) {
        cached->entries.push_back(compact_entry(std::move(entry)));
    }
    return cached;
}

// The manifest without its entries, for indexes only checked for their type.
oci::FetchedManifest header_of(const CachedManifest &cached) {
    oci::FetchedManifest fetched;
    fetched.descriptor.media_type = cached.media_type;
    fetched.descriptor.digest = cached.digest;
    fetched.descriptor.size = cached.size;
    fetched.manifest.media_type = cached.media_type;
    fetched.manifest.artifact_type = cached.artifact_type;
    return fetched;
}

// Returns the whole manifest. When nothing else holds `taken`, its entries
// are moved out one by one, so that the cached and the returned form do not
// both exist in full.
oci::FetchedManifest move_out(const TakenManifest &taken) {
    oci::FetchedManifest fetched = header_of(*taken);
    if (taken->extra_manifests) {
        fetched.manifest.annotations.emplace(std::string(kExtraManifestsAnnotation), *taken->extra_manifests);
    }

    const bool shared = taken.use_count() != 1;
    fetched.manifest.manifests.reserve(taken->entries.size());
    for (CachedEntry &entry : taken->entries) {
        fetched.manifest.manifests.push_back(shared ? to_descriptor(entry) : to_descriptor(std::move(entry)));
    }
    if (!shared) {
        taken->entries = {};
    }
    return fetched;
}

// Returns the descriptors of the extra-manifests annotation of `index`.
// Throws as extra_entries does.
std::vector<oci::Descriptor> cached_extra_entries(const CachedManifest &index, const std::string &where) {
    if (!index.extra_manifests) {
        return {};
    }
    oci::Manifest annotation_only;
    annotation_only.annotations.emplace(std::string(kExtraManifestsAnnotation), *index.extra_manifests);
    return extra_entries(annotation_only, where);
}

// Calls `visit` with each entry of `index` whose media type is an index, in
// the order of for_each_entry. As there, an invalid extra-manifests
// annotation throws before any entry is visited.
template <typename Visit>
void for_each_index_entry(const CachedManifest &index, const std::string &trail, Visit visit) {
    const std::vector<oci::Descriptor> extra = cached_extra_entries(index, trail);
    for (const CachedEntry &entry : index.entries) {
        if (oci::media_type::is_index(entry.media_type)) {
            visit(to_descriptor(entry));
        }
    }
    for (const oci::Descriptor &entry : extra) {
        if (oci::media_type::is_index(entry.media_type)) {
            visit(entry);
        }
    }
}

}  // namespace

// Serves fetched manifests from the cache. Anything else, such as a
// referrer's manifest or a descriptor whose size differs from the one
// fetched, goes to the wrapped source, so that its checks and errors apply.
//
// Manifests read only once are moved out of the cache, so that the replay
// holds each large index once: roots, every manifest on the existing side
// (ExistingSet reads each digest once), and mirror artifacts on the mirror
// side (list_rows collects each once). Other indexes of the mirror side
// may be read several times, and only their type is returned.
class Prefetcher::ReplaySource : public oci::ManifestSource {
public:
    ReplaySource(Slot &slot, ManifestCache &cache, bool existing_side)
        : slot_(slot), cache_(cache), existing_side_(existing_side) {}

    std::string display_name() const override { return slot_.source.display_name(); }

    oci::FetchedManifest fetch_root() override {
        if (const TakenManifest root = cache_.take(slot_.root_key)) {
            return move_out(root);
        }
        return slot_.call_source([](oci::ManifestSource &source) { return source.fetch_root(); });
    }

    oci::FetchedManifest fetch(const oci::Descriptor &descriptor) override {
        const std::string key = slot_.entry_key(descriptor.digest);
        CachedManifestPtr cached = cache_.find(key);
        if (cached && cached->size == descriptor.size) {
            if (!existing_side_ && !is_mirror_artifact(*cached)) {
                return header_of(*cached);
            }
            cached.reset();
            if (const TakenManifest taken = cache_.take(key)) {
                return move_out(taken);
            }
        }
        return slot_.call_source([&](oci::ManifestSource &source) { return source.fetch(descriptor); });
    }

    std::vector<oci::Descriptor> referrers(const oci::Digest &subject, std::string_view artifact_type) override {
        return slot_.call_source(
            [&](oci::ManifestSource &source) { return source.referrers(subject, artifact_type); });
    }

    std::string store_key() const override { return slot_.source.store_key(); }

private:
    Slot &slot_;
    ManifestCache &cache_;
    bool existing_side_;
};

namespace {

// Sources that are not thread-safe (layouts and archives on local disk)
// gain nothing from threads, so a run that reads only such sources fetches
// on the calling thread. That also keeps the parsed manifests in the main
// thread's malloc arena, where the rows that replace them can reuse the
// memory. Memory freed in a worker's arena was not reused by the main thread
// in a measured run (glibc 2.36).
int worker_threads(int concurrency, const oci::ManifestSource &mirror,
                   const std::vector<oci::ManifestSource *> &existing) {
    const bool any_thread_safe =
        mirror.is_thread_safe() || std::any_of(existing.begin(), existing.end(), [](const oci::ManifestSource *source) {
            return source->is_thread_safe();
        });
    return any_thread_safe ? std::max(1, concurrency) : 0;
}

}  // namespace

Prefetcher::Prefetcher(int concurrency, std::function<bool()> interrupted, std::function<void()> on_cancel,
                       oci::ManifestSource &mirror, const std::vector<oci::ManifestSource *> &existing,
                       PrefetchOptions options)
    : pool_(worker_threads(concurrency, mirror, existing), std::move(interrupted), std::move(on_cancel)),
      cache_(pool_),
      options_(options),
      mirror_(std::make_unique<Slot>(mirror, 0)) {
    std::size_t number = 1;
    for (oci::ManifestSource *source : existing) {
        existing_.push_back(std::make_unique<Slot>(*source, number++));
    }

    mirror_store_shared_ = std::any_of(existing_.begin(), existing_.end(), [this](const std::unique_ptr<Slot> &slot) {
        return slot->key_prefix == mirror_->key_prefix;
    });

    const std::string mirror_store = mirror.store_key();
    same_store_ = !mirror_store.empty() &&
                  std::all_of(existing.begin(), existing.end(),
                              [&](const oci::ManifestSource *source) { return source->store_key() == mirror_store; });
}

Prefetcher::~Prefetcher() {
    pool_.stop();
}

void Prefetcher::run() {
    {
        std::lock_guard lock(mutex_);
        existing_roots_pending_ = existing_.size();
        existing_work_pending_ = existing_.size();
        existing_complete_ = existing_.empty();
    }

    request_root(*mirror_, [this](const CachedManifestPtr &root) { on_mirror_root(root); });
    for (const std::unique_ptr<Slot> &slot : existing_) {
        Slot *existing = slot.get();
        request_root(*existing, [this, existing](const CachedManifestPtr &root) { on_existing_root(*existing, root); });
    }
    pool_.wait();
}

std::unique_ptr<oci::ManifestSource> Prefetcher::replay_mirror() {
    return std::make_unique<ReplaySource>(*mirror_, cache_, false);
}

std::unique_ptr<oci::ManifestSource> Prefetcher::replay_existing(std::size_t index) {
    return std::make_unique<ReplaySource>(*existing_.at(index), cache_, true);
}

void Prefetcher::request_root(Slot &slot, ManifestCache::Continuation then) {
    cache_.request(
        slot.root_key,
        [&slot] {
            return compact_manifest(slot.call_source([](oci::ManifestSource &source) { return source.fetch_root(); }),
                                    true);
        },
        std::move(then));
}

// Errors get the path from the root, as the sequential traversal words them.
void Prefetcher::request(Slot &slot, const oci::Descriptor &entry, const std::string &trail,
                         ManifestCache::Continuation then) {
    // The mirror side reads the entries of mirror artifacts only, so other
    // indexes it alone reads are kept without theirs.
    const bool artifact_entries_only = &slot == mirror_.get() && !mirror_store_shared_;
    auto fetch = [&slot, entry, trail, artifact_entries_only] {
        try {
            oci::FetchedManifest fetched =
                slot.call_source([&](oci::ManifestSource &source) { return source.fetch(entry); });
            const bool keep_entries = !artifact_entries_only || is_mirror_artifact(fetched.manifest);
            return compact_manifest(std::move(fetched), keep_entries);
        } catch (const oci::InterruptedError &) {
            throw;
        } catch (const oci::Error &e) {
            throw oci::Error(std::string(e.what()) + " (reached through " + trail + ")");
        }
    };
    cache_.request(slot.entry_key(entry.digest), std::move(fetch), std::move(then));
}

// The existing side follows ExistingSet: a root is an index at depth 0, as
// on the mirror side, and
// the children of an index at depth d are visited at depth d + 1 as long as
// d is within kMaxNestingDepth. A digest reached again at a smaller depth is
// visited again, so the depth limit cuts what the sequential traversal would
// cut whatever order the responses arrive in.
void Prefetcher::on_existing_root(Slot &slot, const CachedManifestPtr &root) {
    bool expand = false;
    {
        std::lock_guard lock(mutex_);
        const auto [depth, inserted] = existing_depth_.try_emplace(root->digest, 0);
        expand = inserted || depth->second > 0;
        depth->second = 0;
    }
    if (expand && oci::media_type::is_index(root->media_type)) {
        expand_existing(slot, root, slot.source.display_name(), 0);
    }

    // Counted only now, so that the root's entries are in the existing set
    // before the mirror side may go ahead.
    {
        std::lock_guard lock(mutex_);
        --existing_roots_pending_;
    }
    release_waiting_mirror_entries();
    finish_existing_work();
}

void Prefetcher::expand_existing(Slot &slot, const CachedManifestPtr &index, const std::string &trail, int depth) {
    if (depth > kMaxNestingDepth) {
        return;  // the sequential traversal reports this
    }
    for_each_index_entry(*index, trail,
                         [&](const oci::Descriptor &entry) { visit_existing(slot, entry, trail, depth + 1); });
}

void Prefetcher::visit_existing(Slot &slot, const oci::Descriptor &entry, const std::string &trail, int depth) {
    {
        std::lock_guard lock(mutex_);
        const auto [known, inserted] = existing_depth_.try_emplace(entry.digest, depth);
        if (!inserted && known->second <= depth) {
            return;
        }
        known->second = depth;
        ++existing_work_pending_;
    }

    const std::string child_trail = extend_trail(trail, entry);
    request(slot, entry, child_trail, [this, &slot, child_trail, depth](const CachedManifestPtr &child) {
        expand_existing(slot, child, child_trail, depth);
        finish_existing_work();
    });
}

void Prefetcher::finish_existing_work() {
    {
        std::lock_guard lock(mutex_);
        if (--existing_work_pending_ != 0) {
            return;
        }
        existing_complete_ = true;
    }
    release_waiting_mirror_entries();
}

// The mirror side follows list_rows with --expand: the root is collected at
// depth 0, and the entries of an artifact at depth d are considered at
// depth d + 1.
void Prefetcher::on_mirror_root(const CachedManifestPtr &root) {
    if (!options_.expand || !is_mirror_artifact(*root)) {
        return;  // list_rows reports an artifact of the wrong kind
    }
    {
        std::lock_guard lock(mutex_);
        mirror_depth_[root->digest] = 0;
    }
    expand_mirror(*root, mirror_->source.display_name(), 0);
}

void Prefetcher::expand_mirror(const CachedManifest &artifact, const std::string &trail, int depth) {
    if (depth > kMaxNestingDepth) {
        return;
    }
    for_each_index_entry(artifact, trail,
                         [&](const oci::Descriptor &entry) { consider_mirror_entry(entry, trail, depth + 1); });
}

// TODO: with -r the existing set gains referrers only after the prefetch, so
// a nested index of the mirror that is existing only as a referrer of an
// existing image is fetched although the result skips it.
bool Prefetcher::mirror_may_fetch_locked() const {
    return existing_complete_ || (same_store_ && existing_roots_pending_ == 0 && !options_.referrers);
}

void Prefetcher::consider_mirror_entry(const oci::Descriptor &entry, const std::string &trail, int depth) {
    if (!entry.artifact_type.empty() && entry.artifact_type != kGatherArtifactType) {
        return;  // states another artifact type, so it is not a mirror artifact
    }
    {
        std::lock_guard lock(mutex_);
        if (existing_depth_.count(entry.digest) != 0) {
            return;
        }
        if (!mirror_may_fetch_locked()) {
            waiting_.push_back(WaitingEntry{entry, trail, depth});
            return;
        }
        const auto [known, inserted] = mirror_depth_.try_emplace(entry.digest, depth);
        if (!inserted && known->second <= depth) {
            return;
        }
        known->second = depth;
    }

    const std::string child_trail = extend_trail(trail, entry);
    request(*mirror_, entry, child_trail, [this, child_trail, depth](const CachedManifestPtr &child) {
        if (is_mirror_artifact(*child)) {
            expand_mirror(*child, child_trail, depth);
        }
    });
}

void Prefetcher::release_waiting_mirror_entries() {
    std::vector<WaitingEntry> released;
    {
        std::lock_guard lock(mutex_);
        if (!mirror_may_fetch_locked()) {
            return;
        }
        released.swap(waiting_);
    }
    for (const WaitingEntry &waiting : released) {
        consider_mirror_entry(waiting.entry, waiting.trail, waiting.depth);
    }
}

}  // namespace acedt::mirror_diff
