#include "manifest_cache.hpp"

namespace acedt::mirror_diff {

void ManifestCache::request(const std::string &key, Fetch fetch, Continuation then) {
    // Either the manifest is stored and `ready` runs at once, outside the
    // lock, or `then` waits in the slot, and the first asker starts the fetch.
    TakenManifest stored;
    Continuation ready;
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        const auto [slot, inserted] = slots_.try_emplace(key);
        if (!inserted && slot->second.manifest) {
            stored = slot->second.manifest;
            ready = std::move(then);
        } else {
            slot->second.waiting.push_back(std::move(then));
            first = inserted;
        }
    }

    if (ready) {
        ready(stored);
        return;
    }
    if (!first) {
        return;
    }
    ++requested_;
    pool_.submit([this, key, fetch = std::move(fetch)] { run_fetch(key, fetch); });
}

TakenManifest ManifestCache::take(const std::string &key) {
    std::lock_guard lock(mutex_);
    const auto slot = slots_.find(key);
    if (slot == slots_.end()) {
        return nullptr;
    }
    TakenManifest manifest = std::move(slot->second.manifest);
    slots_.erase(slot);
    return manifest;
}

CachedManifestPtr ManifestCache::find(const std::string &key) const {
    std::lock_guard lock(mutex_);
    const auto slot = slots_.find(key);
    return slot == slots_.end() ? nullptr : slot->second.manifest;
}

// Once the manifest is stored, later requests run their continuation
// themselves, so the list taken here under the lock is complete.
void ManifestCache::run_fetch(const std::string &key, const Fetch &fetch) {
    TakenManifest manifest = fetch();
    ++completed_;

    std::vector<Continuation> waiting;
    {
        std::lock_guard lock(mutex_);
        Slot &slot = slots_.at(key);
        slot.manifest = manifest;
        waiting.swap(slot.waiting);
    }
    for (const Continuation &then : waiting) {
        then(manifest);
    }
}

}  // namespace acedt::mirror_diff
