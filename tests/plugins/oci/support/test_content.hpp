// Small images and indexes built in memory, for layouts and registries that
// the tests fill themselves.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci::testing {

inline constexpr std::string_view kOciIndexType = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifestType = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciConfigType = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kGatherArtifactType = "application/vnd.act3-ace.data.gather+json";
inline constexpr std::string_view kRefNameAnnotation = "org.opencontainers.image.ref.name";

// Bytes with their media type, digest and size.
struct Blob {
    std::string media_type;
    std::string data;
    std::string digest;  // "sha256:<hex>"
    std::int64_t size = 0;
};

Blob make_blob(std::string_view media_type, std::string data);

// The descriptor of `blob` as a JSON object, with optional annotations.
boost::json::object descriptor_of(const Blob &blob, const std::map<std::string, std::string> &annotations = {});

// An image: config, one layer and the OCI manifest naming them. `name`
// makes the content, and so every digest, distinct.
struct SampleImage {
    Blob config;
    Blob layer;
    Blob manifest;
};
SampleImage make_sample_image(std::string_view name);

// An OCI index with the given entries, artifactType (omitted when empty)
// and annotations.
Blob make_index(const std::vector<boost::json::object> &entries, std::string_view artifact_type = {},
                const std::map<std::string, std::string> &annotations = {});

}  // namespace acedt::oci::testing
