// Writes OCI image layouts for tests: images, multi-platform indexes, mirror
// artifacts and hand-made manifests, byte for byte the same on every run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acedt_test {

// Media types the builder writes.
inline constexpr std::string_view kOciIndexType = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifestType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfigType = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kDockerManifestListType =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifestType =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerConfigType = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerType = "application/vnd.docker.image.rootfs.diff.tar.gzip";

// The empty JSON object {} as a config or layer of artifacts.
inline constexpr std::string_view kOciEmptyType = "application/vnd.oci.empty.v1+json";

// The artifactType that marks an index as a mirror artifact.
inline constexpr std::string_view kGatherArtifactType = "application/vnd.act3-ace.data.gather+json";

// Annotation keys of mirror artifacts and their entries.
inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";
inline constexpr std::string_view kSourceAnnotation = "vnd.act3-ace.manifest.source";
inline constexpr std::string_view kVersionAnnotation = "vnd.act3-ace.data.version";
inline constexpr std::string_view kSizeTotalAnnotation = "vnd.act3-ace.data.layer.size.total";
inline constexpr std::string_view kSizeDeduplicatedAnnotation = "vnd.act3-ace.data.layer.size.deduplicated";
inline constexpr std::string_view kExtraManifestsAnnotation = "vnd.act3-ace.data.extra-manifests";

// The vnd.act3-ace.data.version value of every mirror artifact the builder
// writes, unless MirrorOptions::annotations sets another one. It is a fixed
// test value, not the version of any real release.
inline constexpr std::string_view kTestGatherVersion = "0.0.0-test";

/// A blob stored in the layout and the fields of a descriptor that names it.
struct Blob {
    std::string media_type;
    std::string digest;  // "sha256:<hex>"
    std::int64_t size = 0;
};

/// One descriptor inside an index.
struct Entry {
    Blob blob;
    std::map<std::string, std::string> annotations;
    std::optional<std::pair<std::string, std::string>> platform;  // (os, architecture)
};

/// Makes an entry with the annotations gather writes: the source annotation
/// and org.opencontainers.image.ref.name, both set to `source`. An empty
/// `source` sets neither.
Entry sourced(const Blob &blob, const std::string &source);

/// The media types to write: OCI, or Docker schema 2 (manifest list,
/// manifest v2, container config, gzip layer).
enum class Flavor { Oci, Docker };

struct MirrorOptions {
    /// Index fallback: entries whose media type is an index go into the
    /// vnd.act3-ace.data.extra-manifests annotation instead of `manifests`.
    /// Without such entries the annotation is left out.
    bool index_fallback = false;

    /// A stable sort of the entries by their source annotation, as upstream
    /// gather does. False keeps the order given.
    bool sort_by_source = true;

    /// Index annotations added after the computed ones, so a key given here
    /// replaces the computed value (for example the version).
    std::map<std::string, std::string> annotations;
};

/// Writes an OCI image layout: `oci-layout`, `index.json` and
/// `blobs/sha256/<hex>`. JSON is written compactly with a fixed key order,
/// so the same calls produce the same bytes on every run. Methods throw
/// std::runtime_error or std::filesystem::filesystem_error when a file cannot
/// be written or read.
class LayoutBuilder {
public:
    /// Creates `dir` (and its parents), `oci-layout`, `blobs/sha256` and an
    /// index.json without entries. Content already in `dir` is kept.
    explicit LayoutBuilder(std::filesystem::path dir);

    /// Stores `bytes` as a blob. Adding the same bytes again keeps the
    /// existing file.
    Blob add_blob(std::string_view bytes, std::string media_type);

    /// Stores an image for linux/amd64: a config and one layer derived from
    /// `seed`, and the manifest naming them. Distinct seeds give distinct
    /// digests. The layer is a tar archive holding `content.txt` (the seed and
    /// a newline), wrapped in gzip without compression.
    Blob add_image(std::string_view seed, Flavor flavor = Flavor::Oci);

    /// Stores an index (Oci) or manifest list (Docker) of `entries`. Empty
    /// `artifact_type` and `annotations` leave those fields out.
    Blob add_index(const std::vector<Entry> &entries, Flavor flavor = Flavor::Oci,
                   std::string artifact_type = "", std::map<std::string, std::string> annotations = {});

    /// Stores one image per platform, each derived from `seed` and the
    /// platform, and an index of them with a platform on every entry.
    Blob add_multi_platform(std::string_view seed,
                            std::vector<std::pair<std::string, std::string>> platforms = {{"linux", "amd64"},
                                                                                           {"linux", "arm64"}},
                            Flavor flavor = Flavor::Oci);

    /// Stores a mirror artifact as upstream gather writes it: an OCI index
    /// with the gather artifactType and the annotations
    /// vnd.act3-ace.data.version (kTestGatherVersion),
    /// vnd.act3-ace.data.layer.size.total and
    /// vnd.act3-ace.data.layer.size.deduplicated, then options.annotations.
    ///
    /// The size total adds the layer sizes of every image manifest reached
    /// from the entries, through nested indexes at any depth and once per
    /// path that reaches it. The deduplicated size counts each layer digest
    /// once. Both are decimal strings. Entries whose blob is missing or is
    /// not JSON add nothing, so a test can list broken content.
    Blob add_mirror_artifact(const std::vector<Entry> &entries, const MirrorOptions &options = {});

    /// Stores `json` unchanged as a manifest of `media_type`, for malformed
    /// or hand-made content. Content addressing makes a cycle impossible
    /// here, but several indexes may share one child.
    Blob add_raw_manifest(std::string_view json, std::string media_type);

    /// Stores an artifact manifest that refers to `subject`, as a signature
    /// or SBOM does: an OCI image manifest with `subject`, artifactType
    /// `artifact_type` (left out when empty), a config of
    /// `config_media_type` and one layer, both the empty JSON object {}, and
    /// an annotation with `seed`, so that distinct seeds give distinct
    /// digests.
    Blob add_referrer(const Blob &subject, std::string_view seed, const std::string &artifact_type,
                      const std::string &config_media_type = std::string(kOciEmptyType));

    /// Stores an OCI index listing `referrers`, each descriptor with its
    /// artifactType (left out when empty), and tags it with the referrers
    /// tag of `subject` ("sha256-" and the hex digits), as clients do for
    /// registries without the referrers API. Returns the index.
    Blob tag_referrers(const Blob &subject, const std::vector<std::pair<Blob, std::string>> &referrers);

    /// Lists `manifest` in index.json under org.opencontainers.image.ref.name
    /// `name` and rewrites index.json. Tagging an existing name again
    /// replaces its entry, in place.
    void tag(const Blob &manifest, const std::string &name);

    /// Rewrites index.json from the tags recorded so far. tag() already
    /// does, so this is needed only after index.json was changed by hand.
    void write_index();

    /// The path of a stored blob, `dir/blobs/sha256/<hex>`.
    std::filesystem::path blob_path(const Blob &blob) const;

    const std::filesystem::path &dir() const { return dir_; }

private:
    Blob add_image_for(std::string_view seed, Flavor flavor, const std::string &os, const std::string &architecture);

    std::filesystem::path dir_;
    std::vector<std::pair<std::string, Blob>> tags_;  // (name, manifest), in tagging order
};

}  // namespace acedt_test
