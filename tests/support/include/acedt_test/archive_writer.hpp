// Writes tar archives of OCI image layouts with libarchive, plain or
// compressed, for the tests of oci-archive: sources.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// libarchive's writer handle, from <archive.h>.
struct archive;

namespace acedt_test {

enum class Compression { None, Gzip, Zstd, Xz };

/// The file name suffix for a compression: ".tar", ".tar.gz", ".tar.zst" or
/// ".tar.xz".
std::string archive_suffix(Compression compression);

/// Where an entry landed in the uncompressed tar stream.
struct WrittenEntry {
    std::string path;
    std::int64_t header_offset = 0;  // first byte of its header (or pax header)
    std::int64_t data_offset = 0;    // first byte of its data
    std::int64_t size = 0;
};

/// A tar stream in pax format (ustar headers, with pax headers only where
/// ustar cannot hold a value), written to a file with libarchive. Owner,
/// mode and time are fixed, so equal input gives equal bytes. Methods throw
/// std::runtime_error with libarchive's message when a write fails.
class TarWriter {
public:
    TarWriter(const std::filesystem::path &file, Compression compression);
    /// Closes the archive when close() was not called, ignoring errors.
    ~TarWriter();
    TarWriter(const TarWriter &) = delete;
    TarWriter &operator=(const TarWriter &) = delete;

    void add_file(const std::string &path, std::string_view data);

    /// Adds a file of `size` bytes whose data `next_chunk` returns piece by
    /// piece, so that large entries never sit in memory. `next_chunk` is
    /// called until `size` bytes were written; it must not return an empty
    /// piece before that.
    void add_streamed_file(const std::string &path, std::int64_t size,
                           const std::function<std::string_view()> &next_chunk);

    void add_directory(const std::string &path);

    /// Writes the end-of-archive marker and closes the file.
    void close();

    const std::vector<WrittenEntry> &entries() const { return entries_; }

private:
    void begin_entry(const std::string &path, std::int64_t size, bool directory);
    void write_data(std::string_view data);

    ::archive *archive_ = nullptr;
    std::vector<WrittenEntry> entries_;
};

struct SerializeOptions {
    Compression compression = Compression::None;
    /// Config and layer blobs (by digest) to leave out, as serialize leaves
    /// out blobs the destination already has.
    std::set<std::string> omit_blobs;
    /// Bytes written in place of a blob's content, under the blob's own
    /// name, to make a damaged archive (by digest).
    std::map<std::string, std::string> replace_blobs;
    /// The org.opencontainers.image.ref.name of the root in the first
    /// index.json. Empty: the tag.
    std::string ref_name;
};

/// Writes the manifest tagged `tag` in the layout at `layout`, and every
/// blob below it, in the order `ace-dt mirror serialize` writes them. First
/// comes `oci-layout`, then an index.json listing only the root, with
/// ref.name. The blobs follow depth first, each manifest before its children
/// and an image manifest before its config and layers. Last comes an
/// index.json listing every manifest written. A blob reached twice is written
/// once. Children are found through `manifests` and the extra-manifests
/// annotation.
/// Returns the entries written. Throws std::runtime_error when the tag or a
/// manifest is missing.
std::vector<WrittenEntry> write_serialized_archive(const std::filesystem::path &layout, const std::string &tag,
                                                   const std::filesystem::path &file,
                                                   const SerializeOptions &options = {});

/// The order in which write_layout_archive puts the layout's top-level files.
enum class LayoutOrder {
    IndexFirst,  // oci-layout, index.json, then blobs/
    IndexLast,   // blobs/, then index.json and oci-layout, as skopeo writes
};

/// Writes every file of the layout directory, with "./" in front of each
/// path as `tar -C LAYOUT .` does, and directory entries for blobs/ and
/// blobs/ALGORITHM/. Blobs are sorted by name. Returns the entries written.
std::vector<WrittenEntry> write_layout_archive(const std::filesystem::path &layout, const std::filesystem::path &file,
                                               Compression compression, LayoutOrder order);

/// The first `bytes` bytes of `from`, written to `to`: a copy cut short.
void write_truncated_copy(const std::filesystem::path &from, const std::filesystem::path &to, std::int64_t bytes);

}  // namespace acedt_test
