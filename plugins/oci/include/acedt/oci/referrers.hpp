// Referrers: manifests whose `subject` names another manifest, such as
// signatures, SBOMs and attestations (OCI distribution specification 1.1).
#pragma once

#include <acedt/oci/descriptor.hpp>
#include <acedt/oci/digest.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci {

// The tag of the referrers tag schema, for registries without the referrers
// API: the digest's algorithm cut to 32 characters, '-', and its encoded
// part cut to 64 characters, with characters a tag cannot hold replaced by
// '-'. sha256:abc... becomes sha256-abc....
std::string referrers_tag(const Digest &subject);

// The referrers an index lists for `subject` (the response of the referrers
// API, or the index under the referrers tag), keeping only those of
// `artifact_type` unless it is empty. An index that is the subject itself,
// or a manifest that is not an index, lists none: it is what a registry
// without referrers returns under that name, not a list of referrers.
// `body` is the index as received and `fallback_media_type` its
// Content-Type. Throws Error when the body is not a valid manifest.
std::vector<Descriptor> referrers_from_index(const Digest &subject, std::string_view body,
                                             std::string_view fallback_media_type, std::string_view artifact_type);

// Keeps the descriptors whose artifactType is `artifact_type`; all of them
// when it is empty.
std::vector<Descriptor> filter_by_artifact_type(std::vector<Descriptor> descriptors, std::string_view artifact_type);

}  // namespace acedt::oci
