// Fuzzes manifest, index and descriptor parsing (plugins/oci descriptor.cpp)
// and the mirror artifact accessors of plugins/mirror-diff
// (mirror_artifact.cpp), which parse the extra-manifests annotation, a JSON
// array of descriptors stored in a string. All of them document oci::Error as
// their only exception.
#include "../common/fuzz_target.hpp"

#include "mirror_artifact.hpp"

#include <acedt/oci/descriptor.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include <string>
#include <string_view>

namespace {

namespace oci = acedt::oci;
namespace mirror_diff = acedt::mirror_diff;

void visit_index(const oci::Manifest &manifest) {
    (void)mirror_diff::is_mirror_artifact(manifest);
    (void)mirror_diff::describe_manifest(manifest);
    if (!manifest.is_index()) {
        return;
    }
    for (const oci::Descriptor &entry : mirror_diff::index_entries(manifest, "the fuzzed index")) {
        (void)mirror_diff::entry_reference(entry);
        (void)entry.annotation(oci::annotation::kRefName);
    }
}

void fuzz_manifest(std::string_view body, std::string_view fallback_media_type) {
    try {
        visit_index(oci::parse_manifest(body, fallback_media_type));
    } catch (const oci::Error &) {
        // Documented for malformed manifests and extra-manifests annotations.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const std::string_view body = acedt::fuzz::as_text(data, size);

    // The three ways callers pass the media type: none (decide from the
    // body), an index (index.json) and an image manifest (a descriptor).
    fuzz_manifest(body, "");
    fuzz_manifest(body, oci::media_type::kOciIndex);
    fuzz_manifest(body, oci::media_type::kOciManifest);

    try {
        (void)oci::parse_descriptor_json(body);
    } catch (const oci::Error &) {
        // Documented for a missing or malformed field.
    }
    return 0;
}
