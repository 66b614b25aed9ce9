#include "archive_reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace acedt::oci {

namespace {

// Size of one read(2) from the input. A seekable plain tar reads at most one
// block of each skipped entry before seeking past the rest, so the block is
// kept small. Compressed input goes through libarchive's own buffers.
constexpr std::size_t kReadBlockBytes = 128 * 1024;

constexpr std::int64_t kTarBlockBytes = 512;

// How long a read from a pipe or device waits for data before checking for
// Ctrl-C again, in milliseconds.
constexpr int kInterruptPollMilliseconds = 200;

}  // namespace

struct ArchiveReader::Input {
    Input() = default;
    Input(const Input &) = delete;
    Input &operator=(const Input &) = delete;
    ~Input() {
        if (owns_fd) {
            ::close(fd);
        }
    }

    int fd = -1;
    bool owns_fd = false;
    // A regular file: skipping may seek, up to `size`.
    bool seekable = false;
    std::int64_t size = 0;

    std::function<bool()> interrupted;
    bool was_interrupted = false;
    // read(2) returned 0.
    bool ended = false;
    ArchiveReadCounters counters;
    std::vector<char> buffer = std::vector<char>(kReadBlockBytes);

    bool check_interrupted(struct archive *archive) {
        if (interrupted && interrupted()) {
            was_interrupted = true;
            archive_set_error(archive, EINTR, "interrupted");
            return true;
        }
        return false;
    }
};

namespace {

// Waits until a pipe or device has data, so that Ctrl-C is noticed while a
// writer or a tape drive stalls. Returns false when interrupted.
bool wait_for_data(struct archive *archive, ArchiveReader::Input &input) {
    pollfd request{input.fd, POLLIN, 0};
    for (;;) {
        if (input.check_interrupted(archive)) {
            return false;
        }
        const int ready = ::poll(&request, 1, kInterruptPollMilliseconds);
        if (ready != 0 && !(ready < 0 && errno == EINTR)) {
            return true;  // data, end of input or an error, which read(2) reports
        }
    }
}

la_ssize_t read_input(struct archive *archive, void *data, const void **block) {
    auto *input = static_cast<ArchiveReader::Input *>(data);
    for (;;) {
        if (input->check_interrupted(archive)) {
            return ARCHIVE_FATAL;
        }
        if (!input->seekable && !wait_for_data(archive, *input)) {
            return ARCHIVE_FATAL;
        }
        const ssize_t count = ::read(input->fd, input->buffer.data(), input->buffer.size());
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            archive_set_error(archive, errno, "read failed: %s", std::strerror(errno));
            return ARCHIVE_FATAL;
        }
        if (count == 0) {
            input->ended = true;
        }
        input->counters.input_bytes_read += count;
        *block = input->buffer.data();
        return count;
    }
}

// Moves the file offset forward by up to `request` bytes, but not past the
// end of the file, because lseek(2) would succeed there and hide a truncated
// file. libarchive reads what is not skipped here, and so detects the end.
la_int64_t seek_input(struct archive *archive, void *data, la_int64_t request) {
    auto *input = static_cast<ArchiveReader::Input *>(data);
    if (input->check_interrupted(archive)) {
        return ARCHIVE_FATAL;
    }

    const off_t position = ::lseek(input->fd, 0, SEEK_CUR);
    if (position < 0) {
        return 0;
    }
    const std::int64_t amount = std::min<std::int64_t>(request, input->size - position);
    if (amount <= 0 || ::lseek(input->fd, static_cast<off_t>(amount), SEEK_CUR) < 0) {
        return 0;
    }
    input->counters.input_bytes_seeked += amount;
    return amount;
}

}  // namespace

ArchiveReader::ArchiveReader(const std::string &path, std::function<bool()> interrupted)
    : input_(std::make_unique<Input>()) {
    input_->interrupted = std::move(interrupted);
    if (path == "-") {
        input_->fd = STDIN_FILENO;
    } else {
        input_->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (input_->fd < 0) {
            throw Error("cannot open " + path + ": " + std::strerror(errno));
        }
        input_->owns_fd = true;
    }

    struct stat status {};
    if (::fstat(input_->fd, &status) == 0 && S_ISREG(status.st_mode)) {
        input_->seekable = true;
        input_->size = status.st_size;
    }

    archive_ = archive_read_new();
    if (archive_ == nullptr) {
        throw Error("libarchive could not allocate a reader");
    }
    archive_read_support_format_tar(archive_);
    // Each filter recognises its own magic bytes. A stream that none of
    // them claims is read as a plain tar.
    archive_read_support_filter_gzip(archive_);
    archive_read_support_filter_zstd(archive_);
    archive_read_support_filter_xz(archive_);
    archive_read_support_filter_bzip2(archive_);

    archive_read_set_callback_data(archive_, input_.get());
    archive_read_set_read_callback(archive_, read_input);
    if (input_->seekable) {
        archive_read_set_skip_callback(archive_, seek_input);
    }
}

ArchiveReader::~ArchiveReader() {
    archive_read_free(archive_);
}

bool ArchiveReader::next(Entry &entry) {
    if (at_end_) {
        return false;
    }

    std::int64_t data_end = 0;
    if (!opened_) {
        if (archive_read_open1(archive_) != ARCHIVE_OK) {
            fail("reading the start of the archive failed");
        }
        opened_ = true;
    } else {
        if (archive_read_data_skip(archive_) != ARCHIVE_OK) {
            fail("reading the data of " + current_path_ + " failed");
        }
        data_end = archive_filter_bytes(archive_, 0);
    }

    struct archive_entry *header = nullptr;
    const int status = archive_read_next_header(archive_, &header);
    if (status == ARCHIVE_EOF) {
        at_end_ = true;
        // libarchive reports a clean end both after the zero blocks of the
        // end-of-archive marker and when the input stops right after an
        // entry. Only the first consumed at least one zero block.
        end_marker_ = archive_filter_bytes(archive_, 0) >= data_end + kTarBlockBytes;
        return false;
    }
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
        fail(current_path_.empty() ? "reading the first entry failed"
                                   : "reading the entry after " + current_path_ + " failed");
    }

    const char *path = archive_entry_pathname(header);
    entry.path = path != nullptr ? path : "";
    entry.size = archive_entry_size_is_set(header) != 0 ? archive_entry_size(header) : 0;
    entry.regular_file = archive_entry_filetype(header) == AE_IFREG && archive_entry_hardlink(header) == nullptr;
    current_path_ = entry.path;
    return true;
}

std::string ArchiveReader::read(std::size_t max_bytes) {
    std::string data(max_bytes, '\0');
    std::size_t filled = 0;
    while (filled < max_bytes) {
        const la_ssize_t count = archive_read_data(archive_, data.data() + filled, max_bytes - filled);
        if (count < 0) {
            fail("reading the data of " + current_path_ + " failed");
        }
        if (count == 0) {
            break;
        }
        filled += static_cast<std::size_t>(count);
    }
    data.resize(filled);
    return data;
}

bool ArchiveReader::saw_end_marker() const {
    return end_marker_;
}

std::string ArchiveReader::compression() const {
    if (!opened_ || archive_filter_count(archive_) <= 1) {
        return "none";
    }
    const char *name = archive_filter_name(archive_, 0);
    return name != nullptr ? name : "unknown";
}

ArchiveReadCounters ArchiveReader::counters() const {
    ArchiveReadCounters counters = input_->counters;
    counters.tar_position = opened_ ? archive_filter_bytes(archive_, 0) : 0;
    return counters;
}

std::string ArchiveReader::describe_position() const {
    const ArchiveReadCounters now = counters();
    const std::int64_t input_bytes = now.input_bytes_read + now.input_bytes_seeked;
    std::string text = std::to_string(input_bytes) + " bytes of input";
    if (compression() != "none") {
        text += " (" + std::to_string(now.tar_position) + " bytes of tar data after " + compression() +
                " decompression)";
    }
    return text;
}

void ArchiveReader::fail(const std::string &context) {
    if (input_->was_interrupted) {
        throw InterruptedError();
    }
    const char *reason = archive_error_string(archive_);
    // When no decompressor claimed the stream and the tar reader rejected
    // it, libarchive has only the stage that reads the input itself.
    const bool unrecognized = !opened_ && archive_filter_count(archive_) == 1;
    throw ArchiveReadError(context + ": " + (reason != nullptr ? reason : "unknown libarchive error"), input_->ended,
                           unrecognized);
}

}  // namespace acedt::oci
