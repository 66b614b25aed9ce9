// The OCI image layout inside a tar archive, read in one pass: every
// index.json and every manifest or index blob, held in memory. Config and
// layer data is skipped without being stored.
#pragma once

#include <acedt/oci/archive_source.hpp>
#include <acedt/oci/client_config.hpp>
#include <acedt/oci/descriptor.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace acedt::oci {

// One index.json entry of the archive. An archive may contain several, for
// example `ace-dt mirror serialize` writes one listing only the root before
// the blobs and another listing every manifest after them.
struct ArchiveIndexFile {
    std::size_t entry_number = 0;  // 1 for the first entry of the archive
    std::vector<Descriptor> manifests;
};

class ArchiveCatalog {
public:
    // Reads the archive at `path` ("-" for standard input) from start to
    // end. `name` starts every message. Throws Error when the input is not a
    // tar archive or is damaged or truncated. The message then names the
    // entry, the bytes read and the manifests that are missing. Also throws
    // Error when a blob's content does not match its name, and when the
    // archive is not an OCI image layout (no oci-layout or index.json entry,
    // or an invalid one). Throws InterruptedError when
    // hooks.interrupted returns true during the pass.
    static ArchiveCatalog read(const std::string &path, const std::string &name, const ClientHooks &hooks);

    // Every index.json entry, in archive order.
    const std::vector<ArchiveIndexFile> &index_files() const { return index_files_; }

    // Returns the body of the manifest stored under `digest`, already checked
    // against it. Throws NotFoundError when the archive has no such blob, and
    // Error when the blob is there but is not a manifest or is too large.
    // Messages start with `source_name`.
    const std::string &manifest_body(const Digest &digest, std::string_view source_name) const;

    // Returns descriptors of the manifests in the archive whose `subject` is
    // `subject`, in archive order. As the referrers API of a registry does,
    // each descriptor's artifactType is the manifest's artifactType, else
    // its config's media type, and its annotations are the manifest's.
    const std::vector<Descriptor> &manifests_with_subject(const Digest &subject) const;

    const ArchiveSummary &summary() const { return summary_; }

    // A blob that is in the archive but cannot be returned as a manifest.
    struct UnusableBlob {
        enum class Reason { NotJson, NotManifest, TooLarge, SkippedAsData };
        Reason reason = Reason::NotJson;
        std::int64_t size = 0;
        std::string parse_error;  // NotManifest only
    };

private:
    friend class CatalogBuilder;

    std::vector<ArchiveIndexFile> index_files_;
    std::unordered_map<Digest, std::string> manifests_;
    std::unordered_map<Digest, UnusableBlob> unusable_blobs_;
    std::unordered_map<Digest, std::vector<Descriptor>> by_subject_;
    ArchiveSummary summary_;
};

}  // namespace acedt::oci
