// Media types of manifests and indexes, OCI and Docker schema 2.
#pragma once

#include <string_view>

namespace acedt::oci::media_type {

inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// The value of the Accept header for manifest requests: both index types
// and both image manifest types.
inline constexpr std::string_view kManifestAccept =
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

// True for OCI indexes and Docker manifest lists.
bool is_index(std::string_view media_type);

// True for OCI image manifests and Docker schema 2 manifests.
bool is_image_manifest(std::string_view media_type);

// True for Docker schema 1 manifests, which this library does not read.
bool is_schema1(std::string_view media_type);

// Removes parameters and surrounding white space from a Content-Type value:
// "application/json; charset=utf-8" becomes "application/json".
std::string_view strip_parameters(std::string_view content_type);

}  // namespace acedt::oci::media_type
