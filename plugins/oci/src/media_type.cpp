#include <acedt/oci/media_type.hpp>

namespace acedt::oci::media_type {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

}  // namespace

bool is_index(std::string_view media_type) {
    const std::string_view type = strip_parameters(media_type);
    return type == kOciIndex || type == kDockerManifestList;
}

bool is_image_manifest(std::string_view media_type) {
    const std::string_view type = strip_parameters(media_type);
    return type == kOciManifest || type == kDockerManifest;
}

bool is_schema1(std::string_view media_type) {
    const std::string_view type = strip_parameters(media_type);
    return type == kDockerSchema1 || type == kDockerSchema1Signed;
}

std::string_view strip_parameters(std::string_view content_type) {
    std::string_view type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && is_space(type.front())) {
        type.remove_prefix(1);
    }
    while (!type.empty() && is_space(type.back())) {
        type.remove_suffix(1);
    }
    return type;
}

}  // namespace acedt::oci::media_type
