// One interface over the places manifests come from: registries, OCI image
// layout directories and layouts in tar archives. Traversal code uses a
// ManifestSource without knowing which kind it reads.
#pragma once

#include <acedt/oci/client_config.hpp>
#include <acedt/oci/descriptor.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci {

// Largest manifest or index body read from any source, in bytes. It stops a
// broken source from filling memory. Registries built on the CNCF
// distribution code reject manifests over 4 MiB when they are pushed, but
// layouts and archives have no such limit, and a mirror artifact of 100,000
// entries in one index is about 23 MB. Each body is held whole while it is
// read, so with concurrentHTTP requests in flight the worst case is
// concurrentHTTP x 32 MiB of bodies at once.
inline constexpr std::int64_t kMaxManifestBytes = 32 * 1024 * 1024;

struct FetchedManifest {
    // Media type, digest and size of the body exactly as received.
    Descriptor descriptor;
    std::string body;
    Manifest manifest;
};

class ManifestSource {
public:
    virtual ~ManifestSource() = default;

    // The source as the user wrote it, for messages.
    virtual std::string display_name() const = 0;

    // Fetches the manifest the source names (by tag or digest). When the
    // source names a digest, the body is checked against it.
    virtual FetchedManifest fetch_root() = 0;

    // Fetches a manifest of the same repository or layout by descriptor.
    // The body is checked against the descriptor's digest and size; a
    // mismatch throws Error naming the source and both digests.
    virtual FetchedManifest fetch(const Descriptor &descriptor) = 0;

    // Lists the descriptors of the manifests in the same repository or
    // layout whose subject is `subject` (signatures, SBOMs, attestations),
    // keeping those of `artifact_type` unless it is empty. Registries use
    // the referrers API or the referrers tag (see referrers.hpp), layouts
    // their index.json. This default, for sources that cannot hold
    // referrers, returns none.
    virtual std::vector<Descriptor> referrers(const Digest &subject, std::string_view artifact_type);

    // Names the manifest store the source reads, such that two sources with
    // the same non-empty key return the same manifest for a digest. A
    // registry source returns "REGISTRY/REPOSITORY" as sent to the registry
    // (after rewritePull). This default, "", means "shares with no other
    // source".
    virtual std::string store_key() const;

    // True when fetch, fetch_root and referrers may be called from several
    // threads at once. This default is false, and callers then serialise
    // their calls.
    virtual bool is_thread_safe() const;
};

// Opens sources from user-written specs, sharing connections and tokens
// between sources of the same registry.
//   oci:PATH            OCI layout; the one manifest in index.json
//   oci:PATH:TAG        the index.json entry whose ref.name annotation is TAG
//   oci:PATH@DIGEST     the manifest with that digest
//   oci-archive:PATH[:TAG], oci-archive:PATH@DIGEST, oci-archive:-
//                       the same, read from an OCI layout in a tar archive
//                       (plain, gzip or zstd) or from standard input
//   anything else       a registry reference (see Reference::parse)
class SourceOpener {
public:
    SourceOpener(ClientConfig config, ClientHooks hooks);
    ~SourceOpener();
    SourceOpener(const SourceOpener &) = delete;
    SourceOpener &operator=(const SourceOpener &) = delete;

    // Parses the spec and returns a source. Throws Error for an invalid
    // spec or a layout directory that cannot be read; network access happens
    // only on fetch.
    std::unique_ptr<ManifestSource> open(std::string_view spec);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace acedt::oci
