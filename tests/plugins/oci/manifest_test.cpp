#include <acedt/oci/descriptor.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include <gtest/gtest.h>

#include <string>

namespace acedt::oci {
namespace {

const std::string kDigestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string kDigestB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const std::string kDigestC = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

// Replaces every "{A}", "{B}" and "{C}" in `text` with the digests above,
// which keeps the JSON below readable.
std::string with_digests(std::string text) {
    const std::pair<std::string, std::string> replacements[] = {{"{A}", kDigestA}, {"{B}", kDigestB}, {"{C}", kDigestC}};
    for (const auto &[placeholder, digest] : replacements) {
        for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder)) {
            text.replace(at, placeholder.size(), digest);
        }
    }
    return text;
}

std::string error_of(std::string_view body, std::string_view fallback = {}) {
    try {
        parse_manifest(body, fallback);
    } catch (const Error &error) {
        return error.what();
    }
    return "(no error)";
}

TEST(ParseManifest, ReadsOciIndex) {
    const std::string body = with_digests(R"({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "artifactType": "application/vnd.act3-ace.data.gather+json",
        "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{A}", "size": 523,
             "annotations": {"vnd.act3-ace.manifest.source": "docker.io/library/busybox:1.36"},
             "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
            {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "{B}", "size": 0,
             "artifactType": "application/example"}
        ],
        "annotations": {"vnd.act3-ace.data.version": "1.2.3"},
        "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{C}", "size": 7}
    })");

    const Manifest manifest = parse_manifest(body);
    EXPECT_EQ(manifest.media_type, media_type::kOciIndex);
    EXPECT_TRUE(manifest.is_index());
    EXPECT_EQ(manifest.artifact_type, "application/vnd.act3-ace.data.gather+json");
    EXPECT_EQ(manifest.annotations.at("vnd.act3-ace.data.version"), "1.2.3");
    ASSERT_EQ(manifest.manifests.size(), 2u);

    const Descriptor &first = manifest.manifests[0];
    EXPECT_EQ(first.media_type, media_type::kOciManifest);
    EXPECT_EQ(first.digest.str(), kDigestA);
    EXPECT_EQ(first.size, 523);
    ASSERT_NE(first.annotation("vnd.act3-ace.manifest.source"), nullptr);
    EXPECT_EQ(*first.annotation("vnd.act3-ace.manifest.source"), "docker.io/library/busybox:1.36");
    EXPECT_EQ(first.annotation("missing"), nullptr);
    ASSERT_TRUE(first.platform.has_value());
    EXPECT_EQ(first.platform->architecture, "arm64");
    EXPECT_EQ(first.platform->os, "linux");
    EXPECT_EQ(first.platform->variant, "v8");

    const Descriptor &second = manifest.manifests[1];
    EXPECT_EQ(second.size, 0);
    EXPECT_EQ(second.artifact_type, "application/example");
    EXPECT_FALSE(second.platform.has_value());

    ASSERT_TRUE(manifest.subject.has_value());
    EXPECT_EQ(manifest.subject->digest.str(), kDigestC);
    EXPECT_FALSE(manifest.config.has_value());
}

TEST(ParseManifest, ReadsDockerManifestList) {
    const std::string body = with_digests(R"({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [
            {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "digest": "{A}", "size": 528,
             "platform": {"architecture": "amd64", "os": "linux"}}
        ]
    })");

    const Manifest manifest = parse_manifest(body);
    EXPECT_EQ(manifest.media_type, media_type::kDockerManifestList);
    EXPECT_TRUE(manifest.is_index());
    ASSERT_EQ(manifest.manifests.size(), 1u);
    EXPECT_EQ(manifest.manifests[0].platform->variant, "");
}

TEST(ParseManifest, ReadsOciImageManifest) {
    const std::string body = with_digests(R"({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "{A}", "size": 100},
        "layers": [
            {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "{B}", "size": 2000},
            {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "{C}", "size": 3000}
        ]
    })");

    const Manifest manifest = parse_manifest(body);
    EXPECT_EQ(manifest.media_type, media_type::kOciManifest);
    EXPECT_FALSE(manifest.is_index());
    ASSERT_TRUE(manifest.config.has_value());
    EXPECT_EQ(manifest.config->digest.str(), kDigestA);
    ASSERT_EQ(manifest.layers.size(), 2u);
    EXPECT_EQ(manifest.layers[1].size, 3000);
    EXPECT_TRUE(manifest.manifests.empty());
}

TEST(ParseManifest, ReadsDockerSchema2Manifest) {
    const std::string body = with_digests(R"({
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "{A}", "size": 1469},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "digest": "{B}", "size": 2}]
    })");

    const Manifest manifest = parse_manifest(body);
    EXPECT_EQ(manifest.media_type, media_type::kDockerManifest);
    EXPECT_EQ(manifest.layers.size(), 1u);
}

TEST(ParseManifest, MediaTypePrecedence) {
    const std::string index_without_type = with_digests(R"({"schemaVersion": 2, "manifests": []})");
    const std::string manifest_without_type = with_digests(R"({"schemaVersion": 2,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "{A}", "size": 1},
        "layers": []})");
    const std::string index_with_type =
        R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []})";

    EXPECT_EQ(parse_manifest(index_without_type).media_type, media_type::kOciIndex);
    EXPECT_EQ(parse_manifest(manifest_without_type).media_type, media_type::kOciManifest);
    EXPECT_EQ(parse_manifest(index_without_type, media_type::kDockerManifestList).media_type,
              media_type::kDockerManifestList);
    EXPECT_EQ(parse_manifest(index_without_type, "application/vnd.docker.distribution.manifest.list.v2+json; q=1")
                  .media_type,
              media_type::kDockerManifestList);
    EXPECT_EQ(parse_manifest(index_with_type, media_type::kDockerManifestList).media_type, media_type::kOciIndex);
}

TEST(ParseManifest, NullOptionalMembersCountAsAbsent) {
    const std::string body = with_digests(R"({"schemaVersion": 2, "mediaType": null,
        "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{A}", "size": 1,
                       "annotations": null, "platform": null}],
        "annotations": null, "artifactType": null, "subject": null})");

    const Manifest manifest = parse_manifest(body);
    EXPECT_EQ(manifest.media_type, media_type::kOciIndex);
    EXPECT_TRUE(manifest.annotations.empty());
    EXPECT_FALSE(manifest.manifests[0].platform.has_value());
}

struct MalformedCase {
    std::string name;
    std::string body;
    std::string expected_message_part;
};

TEST(ParseManifest, RejectsMalformedDocumentsNamingTheField) {
    const std::string descriptor_a =
        R"({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "{A}", "size": 1})";
    const MalformedCase cases[] = {
        {"not JSON", "this is not json", "not valid JSON at byte 0"},
        {"truncated JSON", R"({"schemaVersion": 2, "manifests": [)", "not valid JSON"},
        {"trailing garbage", R"({"schemaVersion": 2, "manifests": []} x)", "not valid JSON"},
        {"array document", "[]", "expected a JSON object, found []"},
        {"schema 1 media type",
         R"({"schemaVersion": 1, "mediaType": "application/vnd.docker.distribution.manifest.v1+prettyjws"})",
         "Docker schema 1 manifests are not supported"},
        {"schema 1 version", R"({"schemaVersion": 1, "name": "library/busybox", "fsLayers": []})",
         "Docker schema 1 manifests are not supported"},
        {"schemaVersion missing", R"({"manifests": []})", "schemaVersion: missing; expected 2"},
        {"schemaVersion string", R"({"schemaVersion": "2", "manifests": []})", "schemaVersion: expected 2, found \"2\""},
        {"schemaVersion 3", R"({"schemaVersion": 3, "manifests": []})", "schemaVersion: expected 2, found 3"},
        {"mediaType number", R"({"schemaVersion": 2, "mediaType": 5, "manifests": []})",
         "mediaType: expected a string, found 5"},
        {"artifactType object", R"({"schemaVersion": 2, "artifactType": {}, "manifests": []})",
         "artifactType: expected a string"},
        {"manifests object", R"({"schemaVersion": 2, "manifests": {}})", "manifests: expected a JSON array"},
        {"index without manifests", R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json"})",
         "manifests: missing, but the media type application/vnd.oci.image.index.v1+json requires it"},
        {"image manifest without config",
         R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "layers": []})",
         "config: missing"},
        {"no type and no shape", R"({"schemaVersion": 2})", "cannot determine the document type"},
        {"entry not an object", R"({"schemaVersion": 2, "manifests": ["x"]})",
         "manifests[0]: expected a JSON object, found \"x\""},
        {"entry mediaType missing", R"({"schemaVersion": 2, "manifests": [{"digest": "{A}", "size": 1}]})",
         "manifests[0].mediaType: missing"},
        {"entry mediaType null",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": null, "digest": "{A}", "size": 1}]})",
         "manifests[0].mediaType: expected a string, found null"},
        {"entry digest missing", R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "size": 1}]})",
         "manifests[0].digest: missing"},
        {"entry digest invalid",
         R"({"schemaVersion": 2, "manifests": [)" + descriptor_a + "," + descriptor_a + "," + descriptor_a +
             R"(, {"mediaType": "x", "digest": "sha256:xyz", "size": 1}]})",
         "manifests[3].digest: invalid digest \"sha256:xyz\""},
        {"entry digest algorithm",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "md5:abc", "size": 1}]})",
         "manifests[0].digest: invalid digest \"md5:abc\": unsupported algorithm \"md5\""},
        {"entry size missing", R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}"}]})",
         "manifests[0].size: missing"},
        {"entry size negative",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": -1}]})",
         "manifests[0].size: must not be negative, found -1"},
        {"entry size fraction",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 1.5}]})",
         "manifests[0].size: expected an integer"},
        {"entry size exponent",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 1e3}]})",
         "manifests[0].size: expected an integer"},
        {"entry size string",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": "12"}]})",
         "manifests[0].size: expected an integer, found \"12\""},
        {"entry size beyond int64",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 9223372036854775808}]})",
         "manifests[0].size: 9223372036854775808 does not fit in a signed 64-bit integer"},
        {"entry annotation value",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 1,
             "annotations": {"org.example.key": 5}}]})",
         "manifests[0].annotations[\"org.example.key\"]: expected a string, found 5"},
        {"entry annotations array",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 1, "annotations": []}]})",
         "manifests[0].annotations: expected a JSON object"},
        {"entry platform string",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 1, "platform": "linux"}]})",
         "manifests[0].platform: expected a JSON object"},
        {"entry platform os number",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 1,
             "platform": {"architecture": "amd64", "os": 1}}]})",
         "manifests[0].platform.os: expected a string"},
        {"entry artifactType number",
         R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "{A}", "size": 1, "artifactType": 1}]})",
         "manifests[0].artifactType: expected a string"},
        {"top-level annotation value", R"({"schemaVersion": 2, "manifests": [], "annotations": {"a": true}})",
         "annotations.a: expected a string, found true"},
        {"config digest invalid",
         R"({"schemaVersion": 2, "config": {"mediaType": "x", "digest": "sha256:ABC", "size": 1}, "layers": []})",
         "config.digest: invalid digest \"sha256:ABC\""},
        {"layer size missing",
         R"({"schemaVersion": 2, "config": )" + descriptor_a +
             R"(, "layers": [)" + descriptor_a + "," + descriptor_a + R"(, {"mediaType": "x", "digest": "{B}"}]})",
         "layers[2].size: missing"},
        {"subject digest missing",
         R"({"schemaVersion": 2, "manifests": [], "subject": {"mediaType": "x", "size": 1}})",
         "subject.digest: missing"},
    };

    for (const MalformedCase &test_case : cases) {
        SCOPED_TRACE(test_case.name);
        const std::string message = error_of(with_digests(test_case.body));
        EXPECT_NE(message.find(test_case.expected_message_part), std::string::npos) << message;
    }
}

TEST(ParseManifest, RejectsSchema1ByFallbackMediaType) {
    const std::string message = error_of(R"({"schemaVersion": 2, "manifests": []})",
                                         "application/vnd.docker.distribution.manifest.v1+prettyjws");
    EXPECT_NE(message.find("Docker schema 1 manifests are not supported"), std::string::npos) << message;
}

TEST(ParseDescriptorJson, ReadsOneDescriptor) {
    const Descriptor descriptor = parse_descriptor_json(with_digests(
        R"({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "{B}", "size": 9,
            "annotations": {"org.opencontainers.image.ref.name": "v1"}, "urls": ["https://example.com/blob"]})"));
    EXPECT_EQ(descriptor.media_type, media_type::kOciIndex);
    EXPECT_EQ(descriptor.digest.str(), kDigestB);
    EXPECT_EQ(descriptor.size, 9);
    ASSERT_NE(descriptor.annotation(annotation::kRefName), nullptr);
    EXPECT_EQ(*descriptor.annotation(annotation::kRefName), "v1");
}

TEST(ParseDescriptorJson, NamesTheBadFieldWithoutPrefix) {
    try {
        parse_descriptor_json(R"({"mediaType": "x", "digest": "sha256:1", "size": 1})");
        FAIL() << "accepted an invalid digest";
    } catch (const Error &error) {
        EXPECT_EQ(std::string(error.what()).rfind("digest: invalid digest \"sha256:1\"", 0), 0u) << error.what();
    }
    EXPECT_THROW(parse_descriptor_json("{"), Error);
    EXPECT_THROW(parse_descriptor_json("[]"), Error);
}

}  // namespace
}  // namespace acedt::oci
