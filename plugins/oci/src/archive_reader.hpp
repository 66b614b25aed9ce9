// One pass over a tar stream with libarchive, from a file, a device or
// standard input. Compression is detected from the content. Entry data that
// the caller does not read is skipped: by seeking when the input is a
// regular file and the stream is not compressed, otherwise by reading and
// discarding it.
#pragma once

#include <acedt/oci/error.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

// libarchive's reader handle, from <archive.h>.
struct archive;

namespace acedt::oci {

// libarchive failed to read the stream.
class ArchiveReadError : public Error {
public:
    ArchiveReadError(const std::string &message, bool input_ended, bool format_unrecognized)
        : Error(message), input_ended_(input_ended), format_unrecognized_(format_unrecognized) {}

    // The input had reached its end by then, so a stream that was readable
    // so far is truncated.
    bool input_ended() const { return input_ended_; }
    // No filter or tar reader recognised the start of the stream.
    bool format_unrecognized() const { return format_unrecognized_; }

private:
    bool input_ended_;
    bool format_unrecognized_;
};

// Byte counts of a pass, for messages and the benchmark.
struct ArchiveReadCounters {
    // Bytes read from the input with read(2).
    std::int64_t input_bytes_read = 0;
    // Bytes of the input passed over with lseek(2) instead of being read.
    std::int64_t input_bytes_seeked = 0;
    // Position in the uncompressed tar stream.
    std::int64_t tar_position = 0;
};

class ArchiveReader {
public:
    struct Entry {
        // The path as stored, for example "./blobs/sha256/ab12...".
        std::string path;
        std::int64_t size = 0;
        bool regular_file = false;
    };

    // Opens `path`, or standard input when `path` is "-". Nothing is read
    // yet. `interrupted` is polled before each read and seek; when it returns
    // true, the pending call throws InterruptedError. Throws Error when the
    // file cannot be opened.
    ArchiveReader(const std::string &path, std::function<bool()> interrupted);
    ~ArchiveReader();
    ArchiveReader(const ArchiveReader &) = delete;
    ArchiveReader &operator=(const ArchiveReader &) = delete;

    // Advances to the next entry, skipping what is left of the current one.
    // Returns false at the end of the archive. Throws ArchiveReadError when
    // the stream is not a tar archive, is damaged or ends early.
    bool next(Entry &entry);

    // Reads at most `max_bytes` more bytes of the current entry's data.
    // Returns fewer only at the end of the entry.
    std::string read(std::size_t max_bytes);

    // True when the last entry ended where the tar end-of-archive marker
    // (zero blocks) followed it. False after next() returned false means the
    // stream stopped at an entry boundary without the marker, so it may have
    // been cut there. Valid only after next() returned false.
    bool saw_end_marker() const;

    // The compression libarchive detected: "none", "gzip", "zstd", "xz" or
    // "bzip2". Valid after the first call to next().
    std::string compression() const;

    ArchiveReadCounters counters() const;

    // A human-readable description of how far the pass got, such as
    // "1048576 bytes of input (4194304 bytes of tar data)".
    std::string describe_position() const;

    // The input's state, shared with libarchive's callbacks.
    struct Input;

private:
    [[noreturn]] void fail(const std::string &context);

    std::unique_ptr<Input> input_;
    ::archive *archive_ = nullptr;
    bool opened_ = false;
    bool at_end_ = false;
    bool end_marker_ = false;
    std::string current_path_;
};

}  // namespace acedt::oci
