#include <acedt_test/archive_writer.hpp>

#include <acedt_test/layout_builder.hpp>

#include <archive.h>
#include <archive_entry.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_set>

namespace json = boost::json;

namespace acedt_test {
namespace {

constexpr std::int64_t kTarBlockBytes = 512;
// A fixed modification time (2024-01-01T00:00:00Z), so archives are
// reproducible.
constexpr time_t kFixedTime = 1704067200;

std::int64_t round_up_to_block(std::int64_t offset) {
    return (offset + kTarBlockBytes - 1) / kTarBlockBytes * kTarBlockBytes;
}

std::string read_whole_file(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

std::string blob_entry_path(const std::string &digest) {
    const std::size_t colon = digest.find(':');
    if (colon == std::string::npos) {
        throw std::runtime_error("invalid digest '" + digest + "'");
    }
    return "blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

json::object descriptor_of(const json::object &source) {
    json::object descriptor;
    for (const char *key : {"mediaType", "digest", "size"}) {
        if (const json::value *value = source.if_contains(key)) {
            descriptor[key] = *value;
        }
    }
    return descriptor;
}

// Descriptors in `manifests` and in the extra-manifests annotation.
std::vector<json::object> child_manifests(const json::object &manifest) {
    std::vector<json::object> children;
    if (const json::value *entries = manifest.if_contains("manifests"); entries != nullptr && entries->is_array()) {
        for (const json::value &entry : entries->as_array()) {
            children.push_back(entry.as_object());
        }
    }
    const json::value *annotations = manifest.if_contains("annotations");
    if (annotations != nullptr && annotations->is_object()) {
        const json::value *extra = annotations->as_object().if_contains(kExtraManifestsAnnotation);
        if (extra != nullptr && extra->is_string()) {
            const json::value parsed = json::parse(extra->as_string());
            for (const json::value &entry : parsed.as_array()) {
                children.push_back(entry.as_object());
            }
        }
    }
    return children;
}

// Writes blobs depth first, each manifest before its children.
class SerializeWalk {
public:
    SerializeWalk(const std::filesystem::path &layout, TarWriter &writer, const SerializeOptions &options)
        : layout_(layout), writer_(writer), options_(options) {}

    void write_manifest(const json::object &descriptor) {
        const std::string digest(descriptor.at("digest").as_string());
        if (!written_.insert(digest).second) {
            return;
        }
        const std::string bytes = read_blob(digest);
        write_blob(digest, bytes);
        written_manifests_.push_back(descriptor_of(descriptor));

        const json::object manifest = json::parse(bytes).as_object();
        for (const json::object &child : child_manifests(manifest)) {
            write_manifest(child);
        }
        if (const json::value *config = manifest.if_contains("config")) {
            write_data_blob(std::string(config->at("digest").as_string()));
        }
        if (const json::value *layers = manifest.if_contains("layers")) {
            for (const json::value &layer : layers->as_array()) {
                write_data_blob(std::string(layer.at("digest").as_string()));
            }
        }
    }

    const std::vector<json::object> &written_manifests() const { return written_manifests_; }

private:
    void write_data_blob(const std::string &digest) {
        if (options_.omit_blobs.count(digest) != 0 || !written_.insert(digest).second) {
            return;
        }
        write_blob(digest, read_blob(digest));
    }

    void write_blob(const std::string &digest, const std::string &bytes) {
        const auto replacement = options_.replace_blobs.find(digest);
        writer_.add_file(blob_entry_path(digest), replacement == options_.replace_blobs.end() ? bytes : replacement->second);
    }

    std::string read_blob(const std::string &digest) const {
        return read_whole_file(layout_ / blob_entry_path(digest));
    }

    std::filesystem::path layout_;
    TarWriter &writer_;
    const SerializeOptions &options_;
    std::unordered_set<std::string> written_;
    std::vector<json::object> written_manifests_;
};

std::string index_json(const std::vector<json::object> &descriptors) {
    json::array manifests;
    for (const json::object &descriptor : descriptors) {
        manifests.push_back(descriptor);
    }
    json::object index;
    index["schemaVersion"] = 2;
    index["mediaType"] = kOciIndexType;
    index["manifests"] = std::move(manifests);
    return json::serialize(index);
}

json::object tagged_entry(const std::filesystem::path &layout, const std::string &tag) {
    const json::value index = json::parse(read_whole_file(layout / "index.json"));
    for (const json::value &entry : index.at("manifests").as_array()) {
        const json::value *annotations = entry.as_object().if_contains("annotations");
        if (annotations == nullptr) {
            continue;
        }
        const json::value *name = annotations->as_object().if_contains(kRefNameAnnotation);
        if (name != nullptr && name->as_string() == tag) {
            return entry.as_object();
        }
    }
    throw std::runtime_error("no manifest tagged '" + tag + "' in " + (layout / "index.json").string());
}

}  // namespace

std::string archive_suffix(Compression compression) {
    switch (compression) {
    case Compression::None:
        return ".tar";
    case Compression::Gzip:
        return ".tar.gz";
    case Compression::Zstd:
        return ".tar.zst";
    case Compression::Xz:
        return ".tar.xz";
    }
    return ".tar";
}

TarWriter::TarWriter(const std::filesystem::path &file, Compression compression) : archive_(archive_write_new()) {
    if (archive_ == nullptr) {
        throw std::runtime_error("libarchive could not allocate a writer");
    }
    int status = ARCHIVE_OK;
    switch (compression) {
    case Compression::None:
        break;
    case Compression::Gzip:
        status = archive_write_add_filter_gzip(archive_);
        break;
    case Compression::Zstd:
        status = archive_write_add_filter_zstd(archive_);
        break;
    case Compression::Xz:
        status = archive_write_add_filter_xz(archive_);
        break;
    }
    if (status != ARCHIVE_OK) {
        const std::string reason = archive_error_string(archive_) != nullptr ? archive_error_string(archive_) : "";
        archive_write_free(archive_);
        throw std::runtime_error("libarchive cannot write this compression: " + reason);
    }
    archive_write_set_format_pax_restricted(archive_);
    // No padding after the end-of-archive marker, so the file ends where
    // the tar stream does.
    archive_write_set_bytes_in_last_block(archive_, 1);
    if (archive_write_open_filename(archive_, file.c_str()) != ARCHIVE_OK) {
        const std::string reason = archive_error_string(archive_);
        archive_write_free(archive_);
        throw std::runtime_error("cannot create " + file.string() + ": " + reason);
    }
}

TarWriter::~TarWriter() {
    if (archive_ != nullptr) {
        archive_write_free(archive_);  // closes the archive first
    }
}

void TarWriter::begin_entry(const std::string &path, std::int64_t size, bool directory) {
    WrittenEntry written;
    written.path = path;
    written.size = size;
    // libarchive writes the previous entry's padding with the next header.
    written.header_offset = round_up_to_block(archive_filter_bytes(archive_, 0));

    archive_entry *entry = archive_entry_new();
    archive_entry_set_pathname(entry, path.c_str());
    archive_entry_set_filetype(entry, directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry, directory ? 0755 : 0644);
    archive_entry_set_size(entry, size);
    archive_entry_set_mtime(entry, kFixedTime, 0);
    archive_entry_set_uname(entry, "root");
    archive_entry_set_gname(entry, "root");
    const int status = archive_write_header(archive_, entry);
    archive_entry_free(entry);
    if (status != ARCHIVE_OK) {
        throw std::runtime_error("writing the header of " + path + " failed: " + archive_error_string(archive_));
    }
    written.data_offset = archive_filter_bytes(archive_, 0);
    entries_.push_back(written);
}

void TarWriter::write_data(std::string_view data) {
    while (!data.empty()) {
        const la_ssize_t count = archive_write_data(archive_, data.data(), data.size());
        if (count <= 0) {
            throw std::runtime_error("writing data failed: " + std::string(archive_error_string(archive_)));
        }
        data.remove_prefix(static_cast<std::size_t>(count));
    }
}

void TarWriter::add_file(const std::string &path, std::string_view data) {
    begin_entry(path, static_cast<std::int64_t>(data.size()), false);
    write_data(data);
}

void TarWriter::add_streamed_file(const std::string &path, std::int64_t size,
                                  const std::function<std::string_view()> &next_chunk) {
    begin_entry(path, size, false);
    std::int64_t left = size;
    while (left > 0) {
        std::string_view chunk = next_chunk();
        if (chunk.empty()) {
            throw std::runtime_error("the data of " + path + " ended " + std::to_string(left) + " bytes early");
        }
        chunk = chunk.substr(0, static_cast<std::size_t>(std::min<std::int64_t>(left, chunk.size())));
        write_data(chunk);
        left -= static_cast<std::int64_t>(chunk.size());
    }
}

void TarWriter::add_directory(const std::string &path) {
    begin_entry(path, 0, true);
}

void TarWriter::close() {
    if (archive_write_close(archive_) != ARCHIVE_OK) {
        throw std::runtime_error("closing the archive failed: " + std::string(archive_error_string(archive_)));
    }
}

std::vector<WrittenEntry> write_serialized_archive(const std::filesystem::path &layout, const std::string &tag,
                                                   const std::filesystem::path &file,
                                                   const SerializeOptions &options) {
    json::object root = tagged_entry(layout, tag);
    json::object root_descriptor = descriptor_of(root);
    json::object annotations;
    annotations[kRefNameAnnotation] = options.ref_name.empty() ? tag : options.ref_name;
    root_descriptor["annotations"] = annotations;

    TarWriter writer(file, options.compression);
    writer.add_file("oci-layout", read_whole_file(layout / "oci-layout"));
    writer.add_file("index.json", index_json({root_descriptor}));

    SerializeWalk walk(layout, writer, options);
    walk.write_manifest(root);

    std::vector<json::object> listed = walk.written_manifests();
    listed.front() = root_descriptor;
    writer.add_file("index.json", index_json(listed));
    writer.close();
    return writer.entries();
}

std::vector<WrittenEntry> write_layout_archive(const std::filesystem::path &layout, const std::filesystem::path &file,
                                               Compression compression, LayoutOrder order) {
    TarWriter writer(file, compression);
    auto write_top_files = [&] {
        writer.add_file("./oci-layout", read_whole_file(layout / "oci-layout"));
        writer.add_file("./index.json", read_whole_file(layout / "index.json"));
    };
    auto write_blobs = [&] {
        writer.add_directory("./blobs/");
        std::vector<std::filesystem::path> algorithms;
        for (const auto &entry : std::filesystem::directory_iterator(layout / "blobs")) {
            algorithms.push_back(entry.path());
        }
        std::sort(algorithms.begin(), algorithms.end());
        for (const std::filesystem::path &algorithm : algorithms) {
            const std::string prefix = "./blobs/" + algorithm.filename().string() + "/";
            writer.add_directory(prefix);
            std::vector<std::filesystem::path> blobs;
            for (const auto &entry : std::filesystem::directory_iterator(algorithm)) {
                blobs.push_back(entry.path());
            }
            std::sort(blobs.begin(), blobs.end());
            for (const std::filesystem::path &blob : blobs) {
                writer.add_file(prefix + blob.filename().string(), read_whole_file(blob));
            }
        }
    };

    if (order == LayoutOrder::IndexFirst) {
        write_top_files();
        write_blobs();
    } else {
        write_blobs();
        writer.add_file("./index.json", read_whole_file(layout / "index.json"));
        writer.add_file("./oci-layout", read_whole_file(layout / "oci-layout"));
    }
    writer.close();
    return writer.entries();
}

void write_truncated_copy(const std::filesystem::path &from, const std::filesystem::path &to, std::int64_t bytes) {
    const std::string content = read_whole_file(from);
    if (bytes < 0 || bytes > static_cast<std::int64_t>(content.size())) {
        throw std::runtime_error("cannot cut " + from.string() + " at " + std::to_string(bytes) + " bytes: it has " +
                                 std::to_string(content.size()));
    }
    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(bytes));
    if (!out) {
        throw std::runtime_error("cannot write " + to.string());
    }
}

}  // namespace acedt_test
