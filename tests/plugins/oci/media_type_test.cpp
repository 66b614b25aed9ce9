#include <acedt/oci/media_type.hpp>

#include <gtest/gtest.h>

#include <string>

namespace acedt::oci::media_type {
namespace {

struct KindCase {
    std::string media_type;
    bool index;
    bool image_manifest;
    bool schema1;
};

TEST(MediaType, ClassifiesManifestKinds) {
    const KindCase cases[] = {
        {"application/vnd.oci.image.index.v1+json", true, false, false},
        {"application/vnd.docker.distribution.manifest.list.v2+json", true, false, false},
        {"application/vnd.oci.image.manifest.v1+json", false, true, false},
        {"application/vnd.docker.distribution.manifest.v2+json", false, true, false},
        {"application/vnd.docker.distribution.manifest.v1+json", false, false, true},
        {"application/vnd.docker.distribution.manifest.v1+prettyjws", false, false, true},
        {"application/vnd.oci.image.index.v1+json; charset=utf-8", true, false, false},
        {" application/vnd.oci.image.manifest.v1+json ", false, true, false},
        {"application/json", false, false, false},
        {"application/vnd.oci.image.config.v1+json", false, false, false},
        {"", false, false, false},
    };

    for (const KindCase &test_case : cases) {
        SCOPED_TRACE(test_case.media_type);
        EXPECT_EQ(is_index(test_case.media_type), test_case.index);
        EXPECT_EQ(is_image_manifest(test_case.media_type), test_case.image_manifest);
        EXPECT_EQ(is_schema1(test_case.media_type), test_case.schema1);
    }
}

TEST(MediaType, StripParametersKeepsOnlyTheType) {
    const std::pair<std::string, std::string> cases[] = {
        {"application/json", "application/json"},
        {"application/json; charset=utf-8", "application/json"},
        {"application/json;charset=utf-8;q=1", "application/json"},
        {"  application/json  ", "application/json"},
        {"\tapplication/json\t; x=y", "application/json"},
        {"", ""},
        {"; charset=utf-8", ""},
    };

    for (const auto &[input, expected] : cases) {
        SCOPED_TRACE(input);
        EXPECT_EQ(strip_parameters(input), expected);
    }
}

TEST(MediaType, AcceptHeaderListsAllFourTypes) {
    for (std::string_view type : {kOciIndex, kOciManifest, kDockerManifestList, kDockerManifest}) {
        EXPECT_NE(kManifestAccept.find(type), std::string_view::npos) << type;
    }
}

}  // namespace
}  // namespace acedt::oci::media_type
