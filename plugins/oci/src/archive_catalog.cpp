#include "archive_catalog.hpp"

#include "archive_reader.hpp"
#include "json_fields.hpp"
#include "layout_common.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_set>

namespace acedt::oci {

namespace {

// The annotation in which `gather --index-fallback` lists index entries
// instead of `manifests`: a JSON array of descriptors in a string.
constexpr std::string_view kExtraManifestsAnnotation = "vnd.act3-ace.data.extra-manifests";

// Bytes read from a blob of unknown role before deciding whether it can be
// a manifest. Manifests are JSON objects, and layers are tar or compressed
// data.
constexpr std::size_t kSniffBytes = 256;

// Maximum number of missing manifests or damaged entries listed in one
// message.
constexpr std::size_t kMaxListed = 20;

// "./blobs/sha256/ab" and "/blobs/sha256/ab" name the same entry as
// "blobs/sha256/ab".
std::string_view normalize_entry_path(std::string_view path) {
    for (;;) {
        if (path.starts_with("./")) {
            path.remove_prefix(2);
        } else if (path.starts_with("/")) {
            path.remove_prefix(1);
        } else {
            return path;
        }
    }
}

// The digest a path of the form blobs/ALGORITHM/ENCODED names, or nothing.
std::optional<Digest> blob_digest(std::string_view path) {
    constexpr std::string_view kBlobs = "blobs/";
    if (!path.starts_with(kBlobs)) {
        return std::nullopt;
    }
    const std::string_view rest = path.substr(kBlobs.size());
    const std::size_t slash = rest.find('/');
    if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    try {
        return Digest::parse(std::string(rest.substr(0, slash)) + ":" + std::string(rest.substr(slash + 1)));
    } catch (const Error &) {
        return std::nullopt;
    }
}

std::string blob_path(const Digest &digest) {
    return "blobs/" + digest.algorithm() + "/" + digest.encoded();
}

bool starts_like_json_object(std::string_view head) {
    const std::size_t first = head.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && head[first] == '{';
}

// Entries of `manifests` and of the index-fallback annotation. An
// annotation that does not parse adds nothing here, because mirror diff
// reports it when it reads the index.
std::vector<Descriptor> child_manifests(const Manifest &manifest) {
    std::vector<Descriptor> children = manifest.manifests;
    const auto extra = manifest.annotations.find(std::string(kExtraManifestsAnnotation));
    if (extra == manifest.annotations.end()) {
        return children;
    }
    boost::system::error_code error;
    const boost::json::value parsed = boost::json::parse(extra->second, error);
    if (error || !parsed.is_array()) {
        return children;
    }
    for (const boost::json::value &item : parsed.as_array()) {
        try {
            children.push_back(parse_descriptor_json(boost::json::serialize(item)));
        } catch (const Error &) {
        }
    }
    return children;
}

Descriptor referrer_descriptor(const Digest &digest, const Manifest &manifest, std::int64_t size) {
    Descriptor descriptor;
    descriptor.media_type = manifest.media_type;
    descriptor.digest = digest;
    descriptor.size = size;
    descriptor.artifact_type = manifest.artifact_type;
    if (descriptor.artifact_type.empty() && manifest.config) {
        descriptor.artifact_type = manifest.config->media_type;
    }
    descriptor.annotations = manifest.annotations;
    return descriptor;
}

// Formats "1 manifest" or "2 manifests". `plural_noun` is for nouns whose
// plural does not just add "s".
std::string count_of(std::size_t count, std::string_view noun, std::string_view plural_noun = {}) {
    const std::string many = plural_noun.empty() ? std::string(noun) + "s" : std::string(plural_noun);
    return std::to_string(count) + " " + (count == 1 ? std::string(noun) : many);
}

}  // namespace

// Collects the catalog while the reader walks the archive.
class CatalogBuilder {
public:
    CatalogBuilder(std::string name, const ClientHooks &hooks) : name_(std::move(name)), hooks_(hooks) {
        catalog_.summary_.name = name_;
    }

    ArchiveCatalog build(const std::string &path) {
        ArchiveReader reader(path, hooks_.interrupted);
        ArchiveReader::Entry entry;
        try {
            while (reader.next(entry)) {
                ++catalog_.summary_.entries;
                add_entry(reader, entry);
            }
        } catch (const ArchiveReadError &error) {
            throw_read_error(reader, error);
        }

        if (!reader.saw_end_marker()) {
            throw_truncated(reader, ", right after entry " + entry.path +
                                        ", without the end-of-archive marker that tar writes last");
        }
        check_damaged_entries();
        check_layout();

        fill_counters(reader);
        log_summary();
        return std::move(catalog_);
    }

private:
    void add_entry(ArchiveReader &reader, const ArchiveReader::Entry &entry) {
        if (!entry.regular_file) {
            return;
        }
        const std::string_view path = normalize_entry_path(entry.path);
        if (path == "oci-layout") {
            read_layout_marker(reader, entry);
        } else if (path == "index.json") {
            read_index_file(reader, entry);
        } else if (const std::optional<Digest> digest = blob_digest(path)) {
            read_blob(reader, entry, *digest);
        } else {
            if (nested_index_.empty() && path.ends_with("/index.json")) {
                nested_index_ = std::string(path);
            }
            catalog_.summary_.skipped_data_bytes += entry.size;
        }
    }

    // Reads a whole entry that must be small: oci-layout or index.json.
    std::string read_small_entry(ArchiveReader &reader, const ArchiveReader::Entry &entry) {
        if (entry.size > kMaxManifestBytes) {
            throw Error(name_ + ": entry " + entry.path + " has " + std::to_string(entry.size) +
                        " bytes, more than the limit of " + std::to_string(kMaxManifestBytes) + " bytes");
        }
        return reader.read(static_cast<std::size_t>(entry.size));
    }

    void read_layout_marker(ArchiveReader &reader, const ArchiveReader::Entry &entry) {
        const std::string text = read_small_entry(reader, entry);
        try {
            layout_common::check_layout_marker(text);
        } catch (const Error &error) {
            throw Error(name_ + ": entry " + entry.path + ": " + error.what());
        }
        has_layout_marker_ = true;
    }

    void read_index_file(ArchiveReader &reader, const ArchiveReader::Entry &entry) {
        const std::string text = read_small_entry(reader, entry);
        ArchiveIndexFile file;
        file.entry_number = catalog_.summary_.entries;
        try {
            file.manifests = parse_manifest(text, media_type::kOciIndex).manifests;
        } catch (const Error &error) {
            throw Error(name_ + ": entry " + entry.path + " (entry " + std::to_string(file.entry_number) +
                        " of the archive): " + error.what());
        }
        for (const Descriptor &descriptor : file.manifests) {
            manifest_references_.emplace(descriptor.digest, entry.path);
        }
        catalog_.index_files_.push_back(std::move(file));
    }

    void read_blob(ArchiveReader &reader, const ArchiveReader::Entry &entry, const Digest &digest) {
        using Reason = ArchiveCatalog::UnusableBlob::Reason;
        if (catalog_.manifests_.contains(digest)) {
            return;  // a second entry with the same content, as in an archive that was appended to
        }
        if (data_references_.contains(digest) && !manifest_references_.contains(digest)) {
            skip_blob(digest, entry.size, Reason::SkippedAsData);
            return;
        }
        if (entry.size > kMaxManifestBytes) {
            skip_blob(digest, entry.size, Reason::TooLarge);
            return;
        }

        std::string body = reader.read(std::min(static_cast<std::size_t>(entry.size), kSniffBytes));
        if (!starts_like_json_object(body)) {
            skip_blob(digest, entry.size, Reason::NotJson);
            return;
        }
        body += reader.read(static_cast<std::size_t>(entry.size) - body.size());

        if (!digest.matches(body)) {
            damaged_.push_back(entry.path + " does not match its name: expected content with the digest " +
                               digest.str() + ", computed " + Digest::compute(digest.algorithm(), body).str() +
                               " from its " + std::to_string(body.size()) + " bytes");
            return;
        }

        Manifest manifest;
        try {
            manifest = parse_manifest(body);
        } catch (const Error &error) {
            // JSON that is not a manifest, such as an image config.
            catalog_.unusable_blobs_[digest] = {Reason::NotManifest, entry.size, error.what()};
            catalog_.summary_.skipped_data_bytes += entry.size;
            return;
        }
        note_references(digest, manifest);
        if (manifest.subject) {
            catalog_.by_subject_[manifest.subject->digest].push_back(
                referrer_descriptor(digest, manifest, static_cast<std::int64_t>(body.size())));
        }
        catalog_.summary_.manifest_bytes += static_cast<std::int64_t>(body.size());
        catalog_.manifests_.emplace(digest, std::move(body));
    }

    void skip_blob(const Digest &digest, std::int64_t size, ArchiveCatalog::UnusableBlob::Reason reason) {
        catalog_.unusable_blobs_.emplace(digest, ArchiveCatalog::UnusableBlob{reason, size, {}});
        catalog_.summary_.skipped_data_bytes += size;
    }

    // Records what a manifest names, so that later config and layer blobs
    // are skipped unread, and so that missing manifests can be listed.
    void note_references(const Digest &digest, const Manifest &manifest) {
        for (const Descriptor &child : child_manifests(manifest)) {
            manifest_references_.emplace(child.digest, digest.str());
        }
        if (manifest.config) {
            data_references_.insert(manifest.config->digest);
        }
        for (const Descriptor &layer : manifest.layers) {
            data_references_.insert(layer.digest);
        }
    }

    // Manifests that index.json or a manifest in the archive names but that
    // the archive does not contain, as "DIGEST (referenced by WHERE)".
    std::vector<std::string> missing_manifests() const {
        std::vector<std::string> missing;
        for (const auto &[digest, referrer] : manifest_references_) {
            if (!catalog_.manifests_.contains(digest) && !catalog_.unusable_blobs_.contains(digest)) {
                missing.push_back(digest.str() + " (referenced by " + referrer + ")");
            }
        }
        std::sort(missing.begin(), missing.end());
        return missing;
    }

    [[noreturn]] void throw_read_error(const ArchiveReader &reader, const ArchiveReadError &error) {
        if (error.input_ended() && reader.counters().input_bytes_read == 0) {
            throw Error(name_ + " is empty: the input ended before any byte was read");
        }
        if (error.format_unrecognized()) {
            throw Error(name_ + " is not a tar archive, plain or compressed with gzip, zstd, xz or bzip2: " +
                        error.what() + " (after " + reader.describe_position() + ")");
        }
        if (catalog_.summary_.entries == 0 && !error.input_ended()) {
            throw Error(name_ + ": " + error.what() + " (after " + reader.describe_position() + ")");
        }
        if (error.input_ended()) {
            throw_truncated(reader, std::string(": ") + error.what());
        }
        throw Error(name_ + " is damaged: " + error.what() + " (after " + reader.describe_position() +
                    "); the entries before it were readable");
    }

    // `detail` follows "the input ended after N bytes of input", with its
    // own leading punctuation.
    [[noreturn]] void throw_truncated(const ArchiveReader &reader, const std::string &detail) {
        std::string message = name_ + " is truncated: the input ended after " + reader.describe_position() +
                              detail + ". " + count_of(catalog_.manifests_.size(), "manifest") +
                              " had been read by then";

        const std::vector<std::string> missing = missing_manifests();
        if (manifest_references_.empty()) {
            message += "; no index.json or index had been read, so which manifests are missing is unknown";
        } else if (missing.empty()) {
            message += "; no referenced manifest is missing, but the entries after the cut are lost";
        } else {
            message += "; " + count_of(missing.size(), "referenced manifest") + (missing.size() == 1 ? " is" : " are") +
                       " missing: ";
            for (std::size_t i = 0; i < missing.size() && i < kMaxListed; ++i) {
                message += (i == 0 ? "" : ", ") + missing[i];
            }
            if (missing.size() > kMaxListed) {
                message += ", and " + std::to_string(missing.size() - kMaxListed) + " more";
            }
        }
        throw Error(message + ". Read the archive again from a complete copy");
    }

    void check_damaged_entries() const {
        if (damaged_.empty()) {
            return;
        }
        std::string message = name_ + " is damaged: entry " + damaged_.front();
        if (damaged_.size() > 1) {
            message += "; " + count_of(damaged_.size() - 1, "more entry", "more entries") +
                       " did not match their names either: ";
            for (std::size_t i = 1; i < damaged_.size() && i <= kMaxListed; ++i) {
                message += (i == 1 ? "" : "; ") + damaged_[i];
            }
        }
        throw Error(message);
    }

    void check_layout() const {
        if (catalog_.index_files_.empty()) {
            std::string message = name_ + " is not an OCI image layout: it has no index.json entry at its root";
            if (!nested_index_.empty()) {
                message += " (it has " + nested_index_ + "; the layout must be at the root of the archive)";
            }
            throw Error(message);
        }
        if (!has_layout_marker_) {
            throw Error(name_ + " is not an OCI image layout: it has no oci-layout entry at its root");
        }
    }

    void fill_counters(const ArchiveReader &reader) {
        const ArchiveReadCounters counters = reader.counters();
        ArchiveSummary &summary = catalog_.summary_;
        summary.compression = reader.compression();
        summary.manifests = catalog_.manifests_.size();
        summary.input_bytes_read = counters.input_bytes_read;
        summary.input_bytes_seeked = counters.input_bytes_seeked;
        summary.tar_bytes = counters.tar_position;
    }

    void log_summary() const {
        const ArchiveSummary &summary = catalog_.summary_;
        hooks_.log(8, "read " + name_ + " (compression: " + summary.compression + "): " +
                          count_of(summary.entries, "entry", "entries") + ", " + count_of(summary.manifests, "manifest") + " (" +
                          std::to_string(summary.manifest_bytes) + " bytes) kept, " +
                          std::to_string(summary.skipped_data_bytes) + " bytes of blob data skipped; " +
                          std::to_string(summary.input_bytes_read) + " bytes read from the input and " +
                          std::to_string(summary.input_bytes_seeked) + " bytes passed over by seeking");

        const std::vector<std::string> missing = missing_manifests();
        if (!missing.empty()) {
            hooks_.log(8, name_ + ": " + count_of(missing.size(), "referenced manifest") +
                              " not in the archive, for example " + missing.front());
        }
    }

    std::string name_;
    const ClientHooks &hooks_;
    ArchiveCatalog catalog_;
    bool has_layout_marker_ = false;
    std::string nested_index_;
    std::vector<std::string> damaged_;
    // Manifest digests named by index.json or by a manifest, with the first
    // place that names each.
    std::map<Digest, std::string> manifest_references_;
    // Config and layer digests named by image manifests.
    std::unordered_set<Digest> data_references_;
};

ArchiveCatalog ArchiveCatalog::read(const std::string &path, const std::string &name, const ClientHooks &hooks) {
    return CatalogBuilder(name, hooks).build(path);
}

const std::vector<Descriptor> &ArchiveCatalog::manifests_with_subject(const Digest &subject) const {
    static const std::vector<Descriptor> kNone;
    const auto found = by_subject_.find(subject);
    return found == by_subject_.end() ? kNone : found->second;
}

const std::string &ArchiveCatalog::manifest_body(const Digest &digest, std::string_view source_name) const {
    if (const auto found = manifests_.find(digest); found != manifests_.end()) {
        return found->second;
    }

    const std::string entry = "entry " + blob_path(digest);
    const auto unusable = unusable_blobs_.find(digest);
    if (unusable == unusable_blobs_.end()) {
        throw NotFoundError(std::string(source_name) + ": manifest " + digest.str() +
                            " is not in the archive: it has no " + entry);
    }

    const UnusableBlob &blob = unusable->second;
    switch (blob.reason) {
    case UnusableBlob::Reason::NotJson:
        throw Error(std::string(source_name) + ": " + entry + " is not a manifest: its content is not JSON");
    case UnusableBlob::Reason::NotManifest:
        throw Error(std::string(source_name) + ": " + entry + " is not a manifest: " + blob.parse_error);
    case UnusableBlob::Reason::TooLarge:
        throw Error(std::string(source_name) + ": " + entry + " has " + std::to_string(blob.size) +
                    " bytes, more than the limit of " + std::to_string(kMaxManifestBytes) + " bytes for manifests");
    case UnusableBlob::Reason::SkippedAsData:
        break;
    }
    throw Error(std::string(source_name) + ": " + entry +
                " was skipped unread, because manifests before it in the archive name it as a config or layer");
}

}  // namespace acedt::oci
