// The traversal behind `ace-dt mirror diff`: which images a mirror
// artifact holds, less those reachable from existing images.
#pragma once

#include <acedt/oci/digest.hpp>
#include <acedt/oci/source.hpp>

#include <compare>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

namespace acedt::mirror_diff {

// Maximum nesting of indexes below a root. Gather adds one level each time
// an artifact is gathered again, so real artifacts stay far below this.
// Deeper input is hand-made and is rejected rather than risking unbounded
// recursion.
inline constexpr int kMaxNestingDepth = 8;

// One output row: the reference an image was gathered from (possibly
// empty) and its manifest digest. A referrer row (with --recursive) also
// names the manifest it refers to and its artifact type, and carries the
// reference of the listed image it belongs to.
struct Row {
    std::string reference;
    std::string digest;
    std::string subject{};        // empty for entries of the mirror artifact
    std::string artifact_type{};  // referrers only; empty when they have none

    bool is_referrer() const { return !subject.empty(); }

    // Byte-wise on reference, then digest, subject and artifact type.
    auto operator<=>(const Row &) const = default;
};

// Maximum length of a chain of referrers (a signature of a signature, and
// so on) below a listed image. Real chains have one or two links.
inline constexpr int kMaxReferrerDepth = 8;

using InterruptCheck = std::function<bool()>;

// Manifest digests reachable from the existing images: each image's own
// digest plus everything below it through `manifests` and the
// extra-manifests annotation of every index, mirror artifact or not.
class ExistingSet {
public:
    // With `include_referrers`, the referrers of every manifest added, and
    // their referrers in turn, are added too.
    explicit ExistingSet(InterruptCheck interrupted = [] { return false; }, bool include_referrers = false);

    // Fetches the source's root and every index below it, adding their
    // digests. Image manifests are never fetched: their descriptors
    // suffice. An index already in the set is not fetched again. With
    // referrers, each new digest costs one referrers lookup at the source.
    void add(oci::ManifestSource &source);

    bool contains(const oci::Digest &digest) const { return digests_.count(digest) != 0; }
    std::size_t size() const { return digests_.size(); }

private:
    void add_children(oci::ManifestSource &source, const oci::Manifest &index, const std::string &trail,
                      int depth, std::vector<oci::Digest> &added);
    void add_referrers(oci::ManifestSource &source, std::vector<oci::Digest> subjects);

    InterruptCheck interrupted_;
    bool include_referrers_;
    std::unordered_set<oci::Digest> digests_;
};

struct ListOptions {
    // Replace nested mirror artifacts by their entries, at any depth.
    bool expand = false;
    // List the referrers of every listed entry after it, and their
    // referrers in turn (-r/--recursive).
    bool referrers = false;
};

// Fetches the root of `mirror`, checks that it is a mirror artifact, and
// returns the rows of its entries that are not in `existing`, each distinct
// (reference, digest) pair once, sorted. With referrers, each entry row is
// followed by the rows of its referrers that are not in `existing`, depth
// first, each level sorted by artifact type and digest. A referrer in
// `existing` is left out with its own referrers. Throws oci::Error when the
// root is not a mirror artifact or any manifest cannot be read or verified.
std::vector<Row> list_rows(oci::ManifestSource &mirror, const ExistingSet &existing,
                           const ListOptions &options, const InterruptCheck &interrupted);

struct TraversalSettings {
    // Maximum number of manifest requests in flight (concurrentHTTP).
    int concurrency = 1;
    // Ctrl-C: polled while requests are in flight, and between steps.
    InterruptCheck interrupted = [] { return false; };
    // Called once, from any thread, when the first error ends the run, so
    // that requests in flight can stop early (the sources' ClientHooks
    // should then report an interrupt).
    std::function<void()> cancel = [] {};
    // Show a progress line on standard error after one second.
    bool show_progress = false;
};

struct DiffResult {
    std::vector<Row> rows;
    // Digests in the existing set, for the log.
    std::size_t existing_manifests = 0;
};

// The whole `mirror diff`: adds every source of `existing` to an
// ExistingSet in order, then lists the rows of `mirror`, with the same
// results and error messages as those two steps. The manifests are first
// fetched concurrently (see prefetch.hpp), each at most once, except that
// a descriptor whose size differs from the one first fetched is fetched
// again to report the mismatch. When several manifests fail, the error
// reported is the first to fail in time, which can differ between runs.
// Referrers are looked up afterwards, one at a time.
DiffResult diff(oci::ManifestSource &mirror, const std::vector<oci::ManifestSource *> &existing,
                const ListOptions &options, const TraversalSettings &settings);

}  // namespace acedt::mirror_diff
