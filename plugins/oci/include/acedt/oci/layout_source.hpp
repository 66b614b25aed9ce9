// Manifests read from an OCI image layout directory: an oci-layout file,
// index.json, and blobs/<algorithm>/<hex>.
#pragma once

#include <acedt/oci/digest.hpp>
#include <acedt/oci/source.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace acedt::oci {

struct LayoutSpec {
    std::string path;
    std::string tag;  // empty when absent
    std::optional<Digest> digest;
};

// Splits "oci:PATH", "oci:PATH:TAG" or "oci:PATH@DIGEST". A digest is split
// off at the last '@' when the text after it parses as a digest. Otherwise a
// tag is split off at the last ':' when the text after it contains no '/'.
// Throws Error for a spec without the "oci:" prefix, an empty path or an
// empty tag.
// NOTE: a ref.name that contains '/' (such as a full image reference) cannot
// be selected as a tag by these rules; such a manifest needs @DIGEST.
LayoutSpec parse_layout_spec(std::string_view spec);

// Opens the layout that `spec` names: checks its oci-layout file and reads
// index.json. Blobs are read only on fetch. Throws Error when the directory
// is not a readable OCI layout.
std::unique_ptr<ManifestSource> open_layout_source(std::string_view spec);

}  // namespace acedt::oci
