// Descriptors and the parsed form of manifests and indexes.
#pragma once

#include <acedt/oci/digest.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci {

// Annotation keys used across the project.
namespace annotation {
inline constexpr std::string_view kRefName = "org.opencontainers.image.ref.name";
}  // namespace annotation

struct Platform {
    std::string architecture;
    std::string os;
    std::string variant;
};

// An OCI content descriptor.
struct Descriptor {
    std::string media_type;
    Digest digest;
    std::int64_t size = 0;
    std::string artifact_type;  // empty when absent
    std::map<std::string, std::string> annotations;
    std::optional<Platform> platform;

    // The annotation's value, or nullptr when the descriptor has none.
    const std::string *annotation(std::string_view key) const;
};

// Parses one descriptor from JSON text (an object). Throws Error naming the
// field that is missing or malformed.
Descriptor parse_descriptor_json(std::string_view json);

// The parts of a manifest or index that traversal needs.
struct Manifest {
    // mediaType from the body; when the body has none, the media type the
    // caller supplied (from the descriptor or the Content-Type header).
    std::string media_type;
    std::string artifact_type;  // empty when absent
    std::map<std::string, std::string> annotations;
    // Entries of `manifests` (indexes only), in document order.
    std::vector<Descriptor> manifests;
    // Config and layers (image manifests only).
    std::optional<Descriptor> config;
    std::vector<Descriptor> layers;
    std::optional<Descriptor> subject;

    bool is_index() const;
};

// Parses a manifest or index body. `fallback_media_type` is used when the
// body has no mediaType field (both OCI types allow that); an empty value
// means "decide from the body's shape": a `manifests` array makes an index.
// Checks schemaVersion 2 and the shape of every descriptor; rejects Docker
// schema 1. Throws Error with a message that says what is wrong.
Manifest parse_manifest(std::string_view body, std::string_view fallback_media_type = {});

}  // namespace acedt::oci
