// Checks and assembly shared by every ManifestSource.
#pragma once

#include <acedt/oci/source.hpp>

#include <string>
#include <string_view>

namespace acedt::oci {

// Throws Error when the descriptor announces a manifest larger than
// kMaxManifestBytes, before anything is downloaded.
void check_manifest_size_limit(std::string_view source_name, const Descriptor &descriptor);

// Throws Error naming the source, both digests and both sizes when `body`
// does not match `expected`.
void check_against_descriptor(std::string_view source_name, const Descriptor &expected, std::string_view body);

// Parses `body` and returns it with `descriptor`, whose media type is
// replaced by the one the manifest turned out to have. Parse errors are
// rethrown with the source and digest in front.
FetchedManifest make_fetched_manifest(std::string_view source_name, Descriptor descriptor, std::string body,
                                      std::string_view fallback_media_type);

}  // namespace acedt::oci
