#include <acedt_test/layout_builder.hpp>

#include <acedt_test/digest.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

namespace json = boost::json;

namespace acedt_test {
namespace {

constexpr std::size_t kTarBlockSize = 512;

// Formats `value` as `width` octal digits with leading zeros, as tar headers
// store numbers.
std::string octal(std::uint64_t value, std::size_t width) {
    std::string digits(width, '0');
    for (std::size_t i = width; i > 0 && value != 0; --i) {
        digits[i - 1] = static_cast<char>('0' + (value & 7));
        value >>= 3;
    }
    return digits;
}

// Builds a ustar archive with one regular file. Owner, group and mtime are
// fixed, so the archive depends only on `name` and `content`.
std::string make_tar(std::string_view name, std::string_view content) {
    std::string header(kTarBlockSize, '\0');
    auto put = [&header](std::size_t offset, std::string_view field) {
        header.replace(offset, field.size(), field);
    };
    put(0, name);
    put(100, "0000644");
    put(108, "0000000");
    put(116, "0000000");
    put(124, octal(content.size(), 11));
    put(136, octal(0, 11));
    put(148, "        ");  // the checksum is computed with its own field as spaces
    header[156] = '0';     // regular file
    put(257, "ustar");
    put(263, "00");
    put(265, "root");
    put(297, "root");

    unsigned int checksum = 0;
    for (char c : header) {
        checksum += static_cast<unsigned char>(c);
    }
    put(148, octal(checksum, 6));
    header[154] = '\0';
    header[155] = ' ';

    std::string archive = header;
    archive += content;
    archive.append((kTarBlockSize - content.size() % kTarBlockSize) % kTarBlockSize, '\0');
    archive.append(2 * kTarBlockSize, '\0');  // end-of-archive marker
    return archive;
}

std::uint32_t crc32(std::string_view bytes) {
    std::uint32_t crc = 0xffffffffu;
    for (char c : bytes) {
        crc ^= static_cast<unsigned char>(c);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

void append_le(std::string &out, std::uint32_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out += static_cast<char>((value >> (8 * i)) & 0xff);
    }
}

// Wraps `bytes` in a gzip member made of stored (uncompressed) deflate
// blocks. The header has no mtime or name, so the output is deterministic
// and any gzip reader accepts it.
std::string gzip_stored(std::string_view bytes) {
    static constexpr std::size_t kMaxStoredBlock = 65535;

    std::string out = {'\x1f', '\x8b', '\x08', '\x00', '\x00', '\x00', '\x00', '\x00', '\x00', '\xff'};
    std::size_t offset = 0;
    do {
        std::size_t length = std::min(kMaxStoredBlock, bytes.size() - offset);
        bool final_block = offset + length == bytes.size();
        out += static_cast<char>(final_block ? 1 : 0);  // BFINAL, BTYPE 00 (stored)
        append_le(out, static_cast<std::uint32_t>(length), 2);
        append_le(out, static_cast<std::uint32_t>(~length & 0xffff), 2);
        out.append(bytes.substr(offset, length));
        offset += length;
    } while (offset < bytes.size());

    append_le(out, crc32(bytes), 4);
    append_le(out, static_cast<std::uint32_t>(bytes.size()), 4);
    return out;
}

json::object descriptor_json(const Blob &blob) {
    json::object object;
    object["mediaType"] = blob.media_type;
    object["digest"] = blob.digest;
    object["size"] = blob.size;
    return object;
}

json::object annotations_json(const std::map<std::string, std::string> &annotations) {
    json::object object;
    for (const auto &[key, value] : annotations) {
        object[key] = value;
    }
    return object;
}

json::object entry_json(const Entry &entry) {
    json::object object = descriptor_json(entry.blob);
    if (!entry.annotations.empty()) {
        object["annotations"] = annotations_json(entry.annotations);
    }
    if (entry.platform) {
        json::object platform;
        platform["architecture"] = entry.platform->second;
        platform["os"] = entry.platform->first;
        object["platform"] = std::move(platform);
    }
    return object;
}

json::array entries_json(const std::vector<Entry> &entries) {
    json::array array;
    for (const Entry &entry : entries) {
        array.push_back(entry_json(entry));
    }
    return array;
}

bool is_index_type(std::string_view media_type) {
    return media_type == kOciIndexType || media_type == kDockerManifestListType;
}

std::string source_of(const Entry &entry) {
    auto found = entry.annotations.find(std::string(kSourceAnnotation));
    return found == entry.annotations.end() ? std::string() : found->second;
}

std::optional<std::string> read_file(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

bool is_sha256_digest(std::string_view digest) {
    constexpr std::string_view kPrefix = "sha256:";
    if (digest.size() != kPrefix.size() + 64 || digest.substr(0, kPrefix.size()) != kPrefix) {
        return false;
    }
    return std::all_of(digest.begin() + kPrefix.size(), digest.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::filesystem::path sha256_blob_path(const std::filesystem::path &layout, const std::string &digest) {
    if (!is_sha256_digest(digest)) {
        throw std::runtime_error("invalid digest '" + digest + "': the layout builder stores only sha256 blobs");
    }
    return layout / "blobs" / "sha256" / digest.substr(7);
}

struct LayerSizes {
    std::int64_t total = 0;
    std::map<std::string, std::int64_t> unique;  // layer digest to size

    std::int64_t deduplicated() const {
        std::int64_t sum = 0;
        for (const auto &[digest, size] : unique) {
            sum += size;
        }
        return sum;
    }
};

// Adds the layers of the manifest `digest` and of every manifest below it,
// through `manifests` and the extra-manifests annotation. A missing blob, a
// blob that is not a JSON object, or a digest that is not sha256 adds
// nothing, so hand-made broken content can still be listed. `path` contains
// the digests being visited: a blob file written by hand under another
// file's name can form a cycle, which is walked once.
void add_layer_sizes(const std::filesystem::path &layout, const std::string &digest, LayerSizes &sizes,
                     std::set<std::string> &path) {
    if (!is_sha256_digest(digest) || path.count(digest) != 0) {
        return;
    }
    std::optional<std::string> bytes = read_file(sha256_blob_path(layout, digest));
    if (!bytes) {
        return;
    }
    boost::system::error_code error;
    json::value parsed = json::parse(*bytes, error);
    if (error || !parsed.is_object()) {
        return;
    }
    const json::object &manifest = parsed.as_object();

    auto children = [](const json::value *descriptors) {
        std::vector<std::string> digests;
        if (descriptors != nullptr && descriptors->is_array()) {
            for (const json::value &descriptor : descriptors->as_array()) {
                const json::value *child = descriptor.is_object() ? descriptor.as_object().if_contains("digest") : nullptr;
                if (child != nullptr && child->is_string()) {
                    digests.emplace_back(child->as_string());
                }
            }
        }
        return digests;
    };

    if (const json::value *layers = manifest.if_contains("layers"); layers != nullptr && layers->is_array()) {
        for (const json::value &layer : layers->as_array()) {
            const json::value *layer_digest = layer.is_object() ? layer.as_object().if_contains("digest") : nullptr;
            const json::value *size = layer.is_object() ? layer.as_object().if_contains("size") : nullptr;
            if (layer_digest == nullptr || !layer_digest->is_string() || size == nullptr || !size->is_int64()) {
                continue;
            }
            sizes.total += size->as_int64();
            sizes.unique[std::string(layer_digest->as_string())] = size->as_int64();
        }
    }

    path.insert(digest);
    for (const std::string &child : children(manifest.if_contains("manifests"))) {
        add_layer_sizes(layout, child, sizes, path);
    }

    const json::value *annotations = manifest.if_contains("annotations");
    if (annotations != nullptr && annotations->is_object()) {
        const json::value *extra = annotations->as_object().if_contains(kExtraManifestsAnnotation);
        if (extra != nullptr && extra->is_string()) {
            json::value extra_descriptors = json::parse(extra->as_string(), error);
            for (const std::string &child : children(&extra_descriptors)) {
                add_layer_sizes(layout, child, sizes, path);
            }
        }
    }
    path.erase(digest);
}

void write_file(const std::filesystem::path &path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
        throw std::runtime_error("failed to write " + path.string());
    }
}

}  // namespace

Entry sourced(const Blob &blob, const std::string &source) {
    Entry entry{blob, {}, std::nullopt};
    if (!source.empty()) {
        entry.annotations[std::string(kSourceAnnotation)] = source;
        entry.annotations[std::string(kRefNameAnnotation)] = source;
    }
    return entry;
}

LayoutBuilder::LayoutBuilder(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_ / "blobs" / "sha256");
    write_file(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    write_index();
}

Blob LayoutBuilder::add_blob(std::string_view bytes, std::string media_type) {
    Blob blob{std::move(media_type), sha256_digest(bytes), static_cast<std::int64_t>(bytes.size())};
    std::filesystem::path path = blob_path(blob);
    if (!std::filesystem::exists(path)) {
        write_file(path, bytes);
    }
    return blob;
}

Blob LayoutBuilder::add_image(std::string_view seed, Flavor flavor) {
    return add_image_for(seed, flavor, "linux", "amd64");
}

Blob LayoutBuilder::add_image_for(std::string_view seed, Flavor flavor, const std::string &os,
                                  const std::string &architecture) {
    bool docker = flavor == Flavor::Docker;

    std::string tar = make_tar("content.txt", std::string(seed) + "\n");
    Blob layer = add_blob(gzip_stored(tar), std::string(docker ? kDockerLayerType : kOciLayerType));

    json::object rootfs;
    rootfs["type"] = "layers";
    rootfs["diff_ids"] = json::array{json::value(sha256_digest(tar))};
    json::object config;
    config["architecture"] = architecture;
    config["os"] = os;
    config["config"] = json::object();
    config["rootfs"] = std::move(rootfs);
    Blob config_blob = add_blob(json::serialize(config), std::string(docker ? kDockerConfigType : kOciConfigType));

    json::object manifest;
    manifest["schemaVersion"] = 2;
    manifest["mediaType"] = docker ? kDockerManifestType : kOciManifestType;
    manifest["config"] = descriptor_json(config_blob);
    manifest["layers"] = json::array{descriptor_json(layer)};
    return add_blob(json::serialize(manifest), std::string(docker ? kDockerManifestType : kOciManifestType));
}

Blob LayoutBuilder::add_index(const std::vector<Entry> &entries, Flavor flavor, std::string artifact_type,
                              std::map<std::string, std::string> annotations) {
    std::string media_type(flavor == Flavor::Docker ? kDockerManifestListType : kOciIndexType);

    json::object index;
    index["schemaVersion"] = 2;
    index["mediaType"] = media_type;
    if (!artifact_type.empty()) {
        index["artifactType"] = artifact_type;
    }
    index["manifests"] = entries_json(entries);
    if (!annotations.empty()) {
        index["annotations"] = annotations_json(annotations);
    }
    return add_blob(json::serialize(index), media_type);
}

Blob LayoutBuilder::add_multi_platform(std::string_view seed,
                                       std::vector<std::pair<std::string, std::string>> platforms, Flavor flavor) {
    std::vector<Entry> entries;
    for (const auto &[os, architecture] : platforms) {
        std::string image_seed = std::string(seed) + " " + os + "/" + architecture;
        Blob image = add_image_for(image_seed, flavor, os, architecture);
        entries.push_back(Entry{image, {}, std::make_pair(os, architecture)});
    }
    return add_index(entries, flavor);
}

Blob LayoutBuilder::add_mirror_artifact(const std::vector<Entry> &entries, const MirrorOptions &options) {
    std::vector<Entry> sorted = entries;
    if (options.sort_by_source) {
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const Entry &a, const Entry &b) { return source_of(a) < source_of(b); });
    }

    LayerSizes sizes;
    std::set<std::string> path;
    for (const Entry &entry : sorted) {
        add_layer_sizes(dir_, entry.blob.digest, sizes, path);
    }

    std::vector<Entry> listed;
    std::vector<Entry> moved;
    for (const Entry &entry : sorted) {
        if (options.index_fallback && is_index_type(entry.blob.media_type)) {
            moved.push_back(entry);
        } else {
            listed.push_back(entry);
        }
    }

    std::map<std::string, std::string> annotations;
    annotations[std::string(kVersionAnnotation)] = std::string(kTestGatherVersion);
    annotations[std::string(kSizeTotalAnnotation)] = std::to_string(sizes.total);
    annotations[std::string(kSizeDeduplicatedAnnotation)] = std::to_string(sizes.deduplicated());
    if (!moved.empty()) {
        annotations[std::string(kExtraManifestsAnnotation)] = json::serialize(entries_json(moved));
    }
    for (const auto &[key, value] : options.annotations) {
        annotations[key] = value;
    }

    return add_index(listed, Flavor::Oci, std::string(kGatherArtifactType), annotations);
}

Blob LayoutBuilder::add_referrer(const Blob &subject, std::string_view seed, const std::string &artifact_type,
                                 const std::string &config_media_type) {
    const Blob config = add_blob("{}", config_media_type);
    const Blob layer = add_blob("{}", std::string(kOciEmptyType));

    json::object manifest;
    manifest["schemaVersion"] = 2;
    manifest["mediaType"] = kOciManifestType;
    if (!artifact_type.empty()) {
        manifest["artifactType"] = artifact_type;
    }
    manifest["config"] = descriptor_json(config);
    manifest["layers"] = json::array{descriptor_json(layer)};
    manifest["subject"] = descriptor_json(subject);
    manifest["annotations"] = json::object{{"org.example.seed", std::string(seed)}};
    return add_blob(json::serialize(manifest), std::string(kOciManifestType));
}

Blob LayoutBuilder::tag_referrers(const Blob &subject, const std::vector<std::pair<Blob, std::string>> &referrers) {
    json::array manifests;
    for (const auto &[referrer, artifact_type] : referrers) {
        json::object descriptor = descriptor_json(referrer);
        if (!artifact_type.empty()) {
            descriptor["artifactType"] = artifact_type;
        }
        manifests.push_back(std::move(descriptor));
    }
    json::object index;
    index["schemaVersion"] = 2;
    index["mediaType"] = kOciIndexType;
    index["manifests"] = std::move(manifests);
    const Blob blob = add_blob(json::serialize(index), std::string(kOciIndexType));

    std::string tag = subject.digest;
    tag[tag.find(':')] = '-';
    this->tag(blob, tag);
    return blob;
}

Blob LayoutBuilder::add_raw_manifest(std::string_view json, std::string media_type) {
    return add_blob(json, std::move(media_type));
}

void LayoutBuilder::tag(const Blob &manifest, const std::string &name) {
    auto existing = std::find_if(tags_.begin(), tags_.end(), [&name](const auto &tag) { return tag.first == name; });
    if (existing != tags_.end()) {
        existing->second = manifest;
    } else {
        tags_.emplace_back(name, manifest);
    }
    write_index();
}

void LayoutBuilder::write_index() {
    json::array manifests;
    for (const auto &[name, manifest] : tags_) {
        Entry entry{manifest, {{std::string(kRefNameAnnotation), name}}, std::nullopt};
        manifests.push_back(entry_json(entry));
    }

    json::object index;
    index["schemaVersion"] = 2;
    index["mediaType"] = kOciIndexType;
    index["manifests"] = std::move(manifests);
    write_file(dir_ / "index.json", json::serialize(index));
}

std::filesystem::path LayoutBuilder::blob_path(const Blob &blob) const {
    return sha256_blob_path(dir_, blob.digest);
}

}  // namespace acedt_test
