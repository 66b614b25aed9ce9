// Mirror artifacts: the test that marks an OCI index as one, and access to
// its entries and their references.
#pragma once

#include <acedt/oci/descriptor.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace acedt::mirror_diff {

// artifactType of the indexes written by `ace-dt mirror gather`; this field
// alone marks an index as a mirror artifact.
inline constexpr std::string_view kGatherArtifactType = "application/vnd.act3-ace.data.gather+json";

// Entry annotation holding the reference an image was gathered from.
inline constexpr std::string_view kSourceAnnotation = "vnd.act3-ace.manifest.source";

// Index annotation holding, as a JSON array encoded in a string, the index
// descriptors that gather moved out of `manifests` for registries that
// reject nested indexes ("index fallback").
inline constexpr std::string_view kExtraManifestsAnnotation = "vnd.act3-ace.data.extra-manifests";

bool is_mirror_artifact(const oci::Manifest &manifest);

// Returns the descriptors of `manifests` followed by those of the
// extra-manifests annotation. `where` names the index in error messages.
// Throws oci::Error when the annotation is not a JSON array of descriptors.
std::vector<oci::Descriptor> index_entries(const oci::Manifest &index, const std::string &where);

// Returns the descriptors of the extra-manifests annotation only (none when
// it is absent), with the errors of index_entries.
std::vector<oci::Descriptor> extra_entries(const oci::Manifest &index, const std::string &where);

// Calls `visit` with each descriptor index_entries returns, in the same
// order, without copying the entries of `manifests`.
template <typename Visit>
void for_each_entry(const oci::Manifest &index, const std::string &where, Visit &&visit) {
    const std::vector<oci::Descriptor> extra = extra_entries(index, where);
    for (const oci::Descriptor &entry : index.manifests) {
        visit(entry);
    }
    for (const oci::Descriptor &entry : extra) {
        visit(entry);
    }
}

// Returns the reference an entry was gathered from: the source annotation,
// else org.opencontainers.image.ref.name, else the empty string.
std::string entry_reference(const oci::Descriptor &entry);

// Describes a manifest for an error message, such as "an image manifest
// (application/vnd.oci.image.manifest.v1+json)" or "an index without
// artifactType".
std::string describe_manifest(const oci::Manifest &manifest);

}  // namespace acedt::mirror_diff
