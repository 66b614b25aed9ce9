#include "traversal.hpp"

#include "mirror_artifact.hpp"
#include "prefetch.hpp"
#include "progress.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace acedt::mirror_diff {
namespace {

void throw_if_interrupted(const InterruptCheck &interrupted) {
    if (interrupted && interrupted()) {
        throw oci::InterruptedError();
    }
}

void check_depth(int depth, const std::string &trail) {
    if (depth > kMaxNestingDepth) {
        throw oci::Error("indexes are nested more than " + std::to_string(kMaxNestingDepth) +
                         " levels deep at " + trail);
    }
}

// Fetches an entry, adding the path from the root to any error.
oci::FetchedManifest fetch_entry(oci::ManifestSource &source, const oci::Descriptor &entry,
                                 const std::string &trail) {
    try {
        return source.fetch(entry);
    } catch (const oci::InterruptedError &) {
        throw;
    } catch (const oci::Error &e) {
        throw oci::Error(std::string(e.what()) + " (reached through " + trail + ")");
    }
}

class RowCollector {
public:
    RowCollector(oci::ManifestSource &mirror, const ExistingSet &existing, const ListOptions &options,
                 const InterruptCheck &interrupted)
        : mirror_(mirror), existing_(existing), options_(options), interrupted_(interrupted) {}

    void collect(const oci::Manifest &artifact, const oci::Digest &digest, const std::string &trail,
                 int depth) {
        check_depth(depth, trail);
        expanded_.insert(digest);

        for_each_entry(artifact, trail, [&](const oci::Descriptor &entry) {
            throw_if_interrupted(interrupted_);
            if (existing_.contains(entry.digest)) {
                return;
            }
            if (options_.expand && expand_nested(entry, trail, depth)) {
                return;
            }
            rows_.insert(Row{entry_reference(entry), entry.digest.str()});
        });
    }

    // The entry rows in order, each followed by its referrer rows when
    // referrers are requested. Call once: the rows are moved out of the
    // collector, so that they are not held twice.
    std::vector<Row> rows() {
        std::vector<Row> result;
        result.reserve(rows_.size());
        while (!rows_.empty()) {
            Row row = std::move(rows_.extract(rows_.begin()).value());
            if (!options_.referrers) {
                result.push_back(std::move(row));
                continue;
            }

            const std::string reference = row.reference;
            const oci::Digest digest = oci::Digest::parse(row.digest);
            result.push_back(std::move(row));
            std::unordered_set<oci::Digest> chain{digest};
            append_referrers(reference, digest, reference, 1, chain, result);
        }
        return result;
    }

private:
    // Appends the rows of the referrers of `subject`, then of their
    // referrers, skipping those in the existing set and any digest already
    // on the chain from the listed entry (a hand-made cycle).
    void append_referrers(const std::string &reference, const oci::Digest &subject, const std::string &trail,
                          int depth, std::unordered_set<oci::Digest> &chain, std::vector<Row> &out) {
        for (const oci::Descriptor &referrer : referrers_of(subject, trail)) {
            throw_if_interrupted(interrupted_);
            if (existing_.contains(referrer.digest) || chain.count(referrer.digest) != 0) {
                continue;
            }
            if (depth > kMaxReferrerDepth) {
                throw oci::Error("referrers are chained more than " + std::to_string(kMaxReferrerDepth) +
                                 " levels deep below " + trail);
            }
            out.push_back(Row{reference, referrer.digest.str(), subject.str(), referrer.artifact_type});

            chain.insert(referrer.digest);
            append_referrers(reference, referrer.digest, trail + " > referrer " + referrer.digest.str(), depth + 1,
                             chain, out);
            chain.erase(referrer.digest);
        }
    }

    // The referrers of `subject` in the mirror's repository, looked up once,
    // each with its artifact type, sorted by artifact type and digest.
    const std::vector<oci::Descriptor> &referrers_of(const oci::Digest &subject, const std::string &trail) {
        const auto cached = referrers_.find(subject);
        if (cached != referrers_.end()) {
            return cached->second;
        }

        std::vector<oci::Descriptor> found;
        try {
            found = mirror_.referrers(subject, "");
        } catch (const oci::InterruptedError &) {
            throw;
        } catch (const oci::Error &e) {
            throw oci::Error(std::string(e.what()) + " (referrers of " + trail + ")");
        }

        std::vector<oci::Descriptor> unique;
        std::unordered_set<oci::Digest> seen;
        for (oci::Descriptor &referrer : found) {
            if (!seen.insert(referrer.digest).second) {
                continue;
            }
            if (referrer.artifact_type.empty()) {
                referrer.artifact_type = artifact_type_from_manifest(referrer, trail);
            }
            unique.push_back(std::move(referrer));
        }
        std::sort(unique.begin(), unique.end(), [](const oci::Descriptor &a, const oci::Descriptor &b) {
            return std::tie(a.artifact_type, a.digest) < std::tie(b.artifact_type, b.digest);
        });
        return referrers_.emplace(subject, std::move(unique)).first->second;
    }

    // The artifact type a referrers list leaves out: the manifest's own
    // artifactType, else for an image manifest its config media type, as
    // the referrers API reports it.
    std::string artifact_type_from_manifest(const oci::Descriptor &referrer, const std::string &trail) {
        if (!oci::media_type::is_index(referrer.media_type) && !oci::media_type::is_image_manifest(referrer.media_type)) {
            return {};
        }
        const oci::FetchedManifest fetched = fetch_entry(mirror_, referrer, trail + " > referrer " + referrer.digest.str());
        if (!fetched.manifest.artifact_type.empty() || fetched.manifest.is_index() || !fetched.manifest.config) {
            return fetched.manifest.artifact_type;
        }
        return fetched.manifest.config->media_type;
    }

    // Collects the entries of a nested mirror artifact in its place and
    // returns true. Returns false for any other entry, which becomes a row.
    // Only index descriptors are fetched.
    bool expand_nested(const oci::Descriptor &entry, const std::string &trail, int depth) {
        if (!oci::media_type::is_index(entry.media_type)) {
            return false;
        }
        // A descriptor that states another artifactType needs no fetch.
        if (!entry.artifact_type.empty() && entry.artifact_type != kGatherArtifactType) {
            return false;
        }
        if (expanded_.count(entry.digest) != 0) {
            return true;  // shared by several parents, or a hand-made cycle
        }

        const std::string child_trail = extend_trail(trail, entry);
        const oci::FetchedManifest child = fetch_entry(mirror_, entry, child_trail);
        if (!is_mirror_artifact(child.manifest)) {
            return false;
        }
        collect(child.manifest, entry.digest, child_trail, depth + 1);
        return true;
    }

    oci::ManifestSource &mirror_;
    const ExistingSet &existing_;
    const ListOptions &options_;
    const InterruptCheck &interrupted_;
    std::set<Row> rows_;
    std::unordered_set<oci::Digest> expanded_;
    std::map<oci::Digest, std::vector<oci::Descriptor>> referrers_;
};

}  // namespace

ExistingSet::ExistingSet(InterruptCheck interrupted, bool include_referrers)
    : interrupted_(std::move(interrupted)), include_referrers_(include_referrers) {}

void ExistingSet::add(oci::ManifestSource &source) {
    throw_if_interrupted(interrupted_);
    const oci::FetchedManifest root = source.fetch_root();
    const oci::Digest &digest = root.descriptor.digest;

    if (!digests_.insert(digest).second) {
        return;
    }
    std::vector<oci::Digest> added{digest};
    if (root.manifest.is_index()) {
        // Depth 0, as for the mirror artifact, so that the same nesting is
        // accepted on both sides.
        add_children(source, root.manifest, source.display_name(), 0, added);
    }
    if (include_referrers_) {
        add_referrers(source, std::move(added));
    }
}

void ExistingSet::add_children(oci::ManifestSource &source, const oci::Manifest &index,
                               const std::string &trail, int depth, std::vector<oci::Digest> &added) {
    check_depth(depth, trail);

    for_each_entry(index, trail, [&](const oci::Descriptor &entry) {
        throw_if_interrupted(interrupted_);
        if (!digests_.insert(entry.digest).second) {
            return;
        }
        if (include_referrers_) {
            added.push_back(entry.digest);  // only add_referrers reads the list
        }
        if (!oci::media_type::is_index(entry.media_type)) {
            return;
        }

        const std::string child_trail = extend_trail(trail, entry);
        const oci::FetchedManifest child = fetch_entry(source, entry, child_trail);
        add_children(source, child.manifest, child_trail, depth + 1, added);
    });
}

// Adds referrers level by level. A digest already in the set is not looked
// up again, so shared referrers and cycles end the walk.
void ExistingSet::add_referrers(oci::ManifestSource &source, std::vector<oci::Digest> subjects) {
    for (int depth = 1; depth <= kMaxReferrerDepth && !subjects.empty(); ++depth) {
        std::vector<oci::Digest> next;
        for (const oci::Digest &subject : subjects) {
            throw_if_interrupted(interrupted_);
            std::vector<oci::Descriptor> referrers;
            try {
                referrers = source.referrers(subject, "");
            } catch (const oci::InterruptedError &) {
                throw;
            } catch (const oci::Error &e) {
                throw oci::Error(std::string(e.what()) + " (referrers of " + subject.str() + " in " +
                                 source.display_name() + ")");
            }
            for (const oci::Descriptor &referrer : referrers) {
                if (digests_.insert(referrer.digest).second) {
                    next.push_back(referrer.digest);
                }
            }
        }
        subjects = std::move(next);
    }
}

std::vector<Row> list_rows(oci::ManifestSource &mirror, const ExistingSet &existing,
                           const ListOptions &options, const InterruptCheck &interrupted) {
    throw_if_interrupted(interrupted);
    const oci::FetchedManifest root = mirror.fetch_root();
    if (!is_mirror_artifact(root.manifest)) {
        throw oci::Error(mirror.display_name() + " is not a mirror artifact: expected an index with artifactType \"" +
                         std::string(kGatherArtifactType) + "\", found " + describe_manifest(root.manifest));
    }

    RowCollector collector(mirror, existing, options, interrupted);
    collector.collect(root.manifest, root.descriptor.digest, mirror.display_name(), 0);
    return collector.rows();
}

DiffResult diff(oci::ManifestSource &mirror, const std::vector<oci::ManifestSource *> &existing,
                const ListOptions &options, const TraversalSettings &settings) {
    throw_if_interrupted(settings.interrupted);
    Prefetcher prefetcher(settings.concurrency, settings.interrupted, settings.cancel, mirror, existing,
                          PrefetchOptions{options.expand, options.referrers});
    {
        const ProgressLine progress(settings.show_progress, [&prefetcher] {
            return ProgressCounts{prefetcher.completed(), prefetcher.requested()};
        });
        prefetcher.run();
    }

    // The manifests needed are in memory now. What remains for the network
    // are the referrer lookups of -r and the manifests of referrers listed
    // without an artifactType.
    ExistingSet existing_set(settings.interrupted, options.referrers);
    for (std::size_t i = 0; i < existing.size(); ++i) {
        existing_set.add(*prefetcher.replay_existing(i));
    }

    DiffResult result;
    result.existing_manifests = existing_set.size();
    result.rows = list_rows(*prefetcher.replay_mirror(), existing_set, options, settings.interrupted);
    return result;
}

}  // namespace acedt::mirror_diff
