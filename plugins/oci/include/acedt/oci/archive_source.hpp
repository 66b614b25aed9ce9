// Manifests read from an OCI image layout inside a tar archive, plain or
// compressed (the file `ace-dt mirror serialize` writes, or one from
// `skopeo copy ... oci-archive:`). The archive is read once, in one pass,
// the first time a source needs it. Manifests and indexes are kept in
// memory, and config and layer data is skipped without being stored.
#pragma once

#include <acedt/oci/client_config.hpp>
#include <acedt/oci/digest.hpp>
#include <acedt/oci/source.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci {

struct ArchiveSpec {
    std::string path;  // "-" for standard input
    std::string tag;   // empty when absent
    std::optional<Digest> digest;
};

// Splits "oci-archive:PATH", "oci-archive:PATH:TAG" or
// "oci-archive:PATH@DIGEST" with the rules of parse_layout_spec. A digest is
// split off at the last '@' when the text after it parses as a digest.
// Otherwise a tag is split off at the last ':' when the text after it
// contains no '/'. Throws Error for a spec without the prefix, an empty path
// or an empty tag.
ArchiveSpec parse_archive_spec(std::string_view spec);

// Entry and byte counts of one pass over an archive.
struct ArchiveSummary {
    std::string name;         // "oci-archive:PATH"
    std::string compression;  // "none", "gzip", "zstd", "xz" or "bzip2"
    std::size_t entries = 0;
    std::size_t manifests = 0;             // manifest and index blobs kept
    std::int64_t manifest_bytes = 0;       // their total size, held in memory
    std::int64_t skipped_data_bytes = 0;   // blob and file data not kept (layers, configs)
    std::int64_t input_bytes_read = 0;     // read from the file or pipe
    std::int64_t input_bytes_seeked = 0;   // passed over with lseek instead
    std::int64_t tar_bytes = 0;            // uncompressed tar stream
};

// Opens sources over archives. Sources that name the same archive (the
// same file, however it is spelled, or standard input) share one pass, so
// `oci-archive:-:sync-45 oci-archive:-:sync-44` reads standard input once.
class ArchiveOpener {
public:
    explicit ArchiveOpener(ClientHooks hooks);
    ~ArchiveOpener();
    ArchiveOpener(const ArchiveOpener &) = delete;
    ArchiveOpener &operator=(const ArchiveOpener &) = delete;

    // Parses the spec and checks that the file exists and is not a
    // directory, and throws Error when either fails. The archive is read on
    // the first fetch.
    std::unique_ptr<ManifestSource> open(std::string_view spec);

    // Summaries of the archives read so far, in the order they were read.
    std::vector<ArchiveSummary> summaries() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace acedt::oci
