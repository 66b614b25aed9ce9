// Pieces shared by the two readers of OCI image layouts: directories
// (layout_source.cpp) and tar archives (archive_source.cpp).
#pragma once

#include <acedt/oci/descriptor.hpp>
#include <acedt/oci/layout_source.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci::layout_common {

std::string in_quotes(std::string_view text);

// Splits "PREFIXPATH", "PREFIXPATH:TAG" or "PREFIXPATH@DIGEST". A digest is
// split off at the last '@' when the text after it parses as a digest.
// Otherwise a tag is split off at the last ':' when the text after it
// contains no '/'. `kind` ("layout", "archive") and `forms` (the accepted
// forms) go into error messages, and `empty_path_hint` follows the message
// for an empty path. Throws Error naming `spec`.
LayoutSpec split_spec(std::string_view spec, std::string_view prefix, std::string_view kind,
                      std::string_view forms, std::string_view empty_path_hint);

// Checks the content of an oci-layout file: a JSON object with a string
// imageLayoutVersion. Throws Error naming the field.
void check_layout_marker(std::string_view text);

// Lists index.json entries for an error message, "TAG (DIGEST)" or "DIGEST",
// at most 20 of them.
std::string describe_candidates(const std::vector<const Descriptor *> &entries);

}  // namespace acedt::oci::layout_common
