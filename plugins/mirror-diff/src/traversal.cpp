#include "traversal.hpp"

#include "mirror_artifact.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include <algorithm>
#include <set>

namespace acedt::mirror_diff {
namespace {

void throw_if_interrupted(const InterruptCheck &interrupted) {
    if (interrupted && interrupted()) {
        throw oci::InterruptedError();
    }
}

// "ROOT > REF@DIGEST": how an entry was reached, for error messages.
std::string extend_trail(const std::string &trail, const oci::Descriptor &entry) {
    const std::string reference = entry_reference(entry);
    const std::string name = reference.empty() ? entry.digest.str() : reference + "@" + entry.digest.str();
    return trail + " > " + name;
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

        for (const oci::Descriptor &entry : index_entries(artifact, trail)) {
            throw_if_interrupted(interrupted_);
            if (existing_.contains(entry.digest)) {
                continue;
            }
            if (options_.expand && expand_nested(entry, trail, depth)) {
                continue;
            }
            rows_.insert(Row{entry_reference(entry), entry.digest.str()});
        }
    }

    std::vector<Row> rows() const { return {rows_.begin(), rows_.end()}; }

private:
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
};

}  // namespace

ExistingSet::ExistingSet(InterruptCheck interrupted) : interrupted_(std::move(interrupted)) {}

void ExistingSet::add(oci::ManifestSource &source) {
    throw_if_interrupted(interrupted_);
    const oci::FetchedManifest root = source.fetch_root();
    const oci::Digest &digest = root.descriptor.digest;

    if (!digests_.insert(digest).second) {
        return;
    }
    if (root.manifest.is_index()) {
        add_children(source, root.manifest, source.display_name(), 1);
    }
}

void ExistingSet::add_children(oci::ManifestSource &source, const oci::Manifest &index,
                               const std::string &trail, int depth) {
    check_depth(depth, trail);

    for (const oci::Descriptor &entry : index_entries(index, trail)) {
        throw_if_interrupted(interrupted_);
        if (!digests_.insert(entry.digest).second) {
            continue;
        }
        if (!oci::media_type::is_index(entry.media_type)) {
            continue;
        }

        const std::string child_trail = extend_trail(trail, entry);
        const oci::FetchedManifest child = fetch_entry(source, entry, child_trail);
        add_children(source, child.manifest, child_trail, depth + 1);
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

}  // namespace acedt::mirror_diff
