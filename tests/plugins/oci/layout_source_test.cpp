#include <acedt/oci/error.hpp>
#include <acedt/oci/layout_source.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/source.hpp>

#include "support/temp_dir.hpp"
#include "support/test_content.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace acedt::oci {
namespace {

using testing::Blob;
using testing::SampleImage;
using testing::TempDir;

constexpr std::string_view kLayoutMarker = R"({"imageLayoutVersion": "1.0.0"})";

std::filesystem::path blob_path(const std::filesystem::path &root, const Blob &blob) {
    const std::string algorithm = blob.digest.substr(0, blob.digest.find(':'));
    const std::string hex = blob.digest.substr(blob.digest.find(':') + 1);
    return root / "blobs" / algorithm / hex;
}

// Writes an OCI layout into a temporary directory: oci-layout, blobs and an
// index.json with the given entries.
class LayoutFixture {
public:
    LayoutFixture() { directory_.write("oci-layout", kLayoutMarker); }

    void add_blob(const Blob &blob) const {
        directory_.write(std::filesystem::relative(blob_path(root(), blob), root()), blob.data);
    }

    void add_image(const SampleImage &image) const {
        add_blob(image.config);
        add_blob(image.layer);
        add_blob(image.manifest);
    }

    void write_index(const std::vector<boost::json::object> &entries) const {
        directory_.write("index.json", testing::make_index(entries).data);
    }

    const std::filesystem::path &root() const { return directory_.path(); }
    std::string spec(std::string_view suffix = {}) const { return "oci:" + root().string() + std::string(suffix); }
    const TempDir &directory() const { return directory_; }

private:
    TempDir directory_;
};

boost::json::object tagged(const Blob &blob, const std::string &tag) {
    return testing::descriptor_of(blob, {{std::string(testing::kRefNameAnnotation), tag}});
}

std::string error_of_root(const std::string &spec) {
    try {
        open_layout_source(spec)->fetch_root();
    } catch (const Error &error) {
        return error.what();
    }
    return "(no error)";
}

TEST(ParseLayoutSpec, SplitsPathTagAndDigest) {
    const std::string digest = "sha256:" + std::string(64, 'a');
    struct Case {
        std::string spec;
        std::string path;
        std::string tag;
        std::string digest;
    };
    const Case cases[] = {
        {"oci:/tmp/layout", "/tmp/layout", "", ""},
        {"oci:/tmp/layout:v1", "/tmp/layout", "v1", ""},
        {"oci:relative/dir:sync-45", "relative/dir", "sync-45", ""},
        {"oci:/tmp/layout@" + digest, "/tmp/layout", "", digest},
        {"oci:/tmp/a:b/layout", "/tmp/a:b/layout", "", ""},
        {"oci:/tmp/a:b/layout:v2", "/tmp/a:b/layout", "v2", ""},
        {"oci:/tmp/user@host/layout", "/tmp/user@host/layout", "", ""},
        {"oci:/tmp/x@notadigest", "/tmp/x@notadigest", "", ""},
        {"oci:/tmp/x@y:tag", "/tmp/x@y", "tag", ""},
    };

    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.spec);
        const LayoutSpec spec = parse_layout_spec(test_case.spec);
        EXPECT_EQ(spec.path, test_case.path);
        EXPECT_EQ(spec.tag, test_case.tag);
        EXPECT_EQ(spec.digest ? spec.digest->str() : "", test_case.digest);
    }
}

TEST(ParseLayoutSpec, RejectsInvalidSpecs) {
    EXPECT_THROW(parse_layout_spec("/tmp/layout"), Error);
    EXPECT_THROW(parse_layout_spec("oci:"), Error);
    EXPECT_THROW(parse_layout_spec("oci::v1"), Error);
    EXPECT_THROW(parse_layout_spec("oci:/tmp/layout:"), Error);
}

TEST(LayoutSource, FetchesRootByTag) {
    LayoutFixture layout;
    const SampleImage first = testing::make_sample_image("first");
    const SampleImage second = testing::make_sample_image("second");
    layout.add_image(first);
    layout.add_image(second);
    layout.write_index({tagged(first.manifest, "v1"), tagged(second.manifest, "v2")});

    const auto source = open_layout_source(layout.spec(":v2"));
    EXPECT_EQ(source->display_name(), layout.spec(":v2"));
    const FetchedManifest fetched = source->fetch_root();
    EXPECT_EQ(fetched.descriptor.digest.str(), second.manifest.digest);
    EXPECT_EQ(fetched.descriptor.size, second.manifest.size);
    EXPECT_EQ(fetched.descriptor.media_type, media_type::kOciManifest);
    EXPECT_EQ(fetched.body, second.manifest.data);
    ASSERT_TRUE(fetched.manifest.config.has_value());
    EXPECT_EQ(fetched.manifest.config->digest.str(), second.config.digest);
}

TEST(LayoutSource, FetchesRootByDigestNotListedInIndex) {
    LayoutFixture layout;
    const SampleImage listed = testing::make_sample_image("listed");
    const SampleImage unlisted = testing::make_sample_image("unlisted");
    layout.add_image(listed);
    layout.add_image(unlisted);
    layout.write_index({tagged(listed.manifest, "v1")});

    const FetchedManifest fetched = open_layout_source(layout.spec("@" + unlisted.manifest.digest))->fetch_root();
    EXPECT_EQ(fetched.descriptor.digest.str(), unlisted.manifest.digest);
    EXPECT_EQ(fetched.descriptor.size, unlisted.manifest.size);
    EXPECT_EQ(fetched.descriptor.media_type, media_type::kOciManifest);
}

TEST(LayoutSource, FetchesTheSingleEntryWithoutTag) {
    LayoutFixture layout;
    const SampleImage image = testing::make_sample_image("only");
    layout.add_image(image);
    const Blob index = testing::make_index({testing::descriptor_of(image.manifest)}, testing::kGatherArtifactType);
    layout.add_blob(index);
    // The same root listed twice (tagged and untagged) is still one manifest.
    layout.write_index({testing::descriptor_of(index), tagged(index, "latest")});

    const FetchedManifest fetched = open_layout_source(layout.spec())->fetch_root();
    EXPECT_EQ(fetched.descriptor.digest.str(), index.digest);
    EXPECT_TRUE(fetched.manifest.is_index());
    EXPECT_EQ(fetched.manifest.artifact_type, testing::kGatherArtifactType);
    ASSERT_EQ(fetched.manifest.manifests.size(), 1u);

    // Children are fetched by descriptor from the same layout.
    const auto source = open_layout_source(layout.spec());
    const FetchedManifest child = source->fetch(fetched.manifest.manifests[0]);
    EXPECT_EQ(child.descriptor.digest.str(), image.manifest.digest);
    EXPECT_EQ(child.body, image.manifest.data);
}

TEST(LayoutSource, AmbiguousIndexListsCandidates) {
    LayoutFixture layout;
    const SampleImage first = testing::make_sample_image("first");
    const SampleImage second = testing::make_sample_image("second");
    layout.add_image(first);
    layout.add_image(second);
    layout.write_index({tagged(first.manifest, "v1"), testing::descriptor_of(second.manifest)});

    const std::string message = error_of_root(layout.spec());
    EXPECT_NE(message.find("index.json lists 2 manifests"), std::string::npos) << message;
    EXPECT_NE(message.find("add :TAG or @DIGEST"), std::string::npos) << message;
    EXPECT_NE(message.find("v1 (" + first.manifest.digest + ")"), std::string::npos) << message;
    EXPECT_NE(message.find(second.manifest.digest), std::string::npos) << message;
}

TEST(LayoutSource, TagOnTwoDigestsIsAnError) {
    LayoutFixture layout;
    const SampleImage first = testing::make_sample_image("first");
    const SampleImage second = testing::make_sample_image("second");
    layout.add_image(first);
    layout.add_image(second);
    layout.write_index({tagged(first.manifest, "v1"), tagged(second.manifest, "v1")});

    const std::string message = error_of_root(layout.spec(":v1"));
    EXPECT_NE(message.find("the tag \"v1\" names 2 different manifests"), std::string::npos) << message;
}

TEST(LayoutSource, UnknownTagListsAvailableTags) {
    LayoutFixture layout;
    const SampleImage image = testing::make_sample_image("image");
    layout.add_image(image);
    layout.write_index({tagged(image.manifest, "v1"), tagged(image.manifest, "v2")});

    try {
        open_layout_source(layout.spec(":v3"))->fetch_root();
        FAIL() << "found a tag that does not exist";
    } catch (const NotFoundError &error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("no manifest tagged \"v3\""), std::string::npos) << message;
        EXPECT_NE(message.find("available tags: v1, v2"), std::string::npos) << message;
    }
}

TEST(LayoutSource, MissingBlobIsNotFound) {
    LayoutFixture layout;
    const SampleImage image = testing::make_sample_image("image");
    layout.write_index({tagged(image.manifest, "v1")});

    try {
        open_layout_source(layout.spec(":v1"))->fetch_root();
        FAIL() << "read a blob that does not exist";
    } catch (const NotFoundError &error) {
        const std::string message = error.what();
        EXPECT_NE(message.find(layout.spec(":v1")), std::string::npos) << message;
        EXPECT_NE(message.find("blob " + image.manifest.digest + " not found"), std::string::npos) << message;
    }
}

TEST(LayoutSource, CorruptedBlobFailsDigestCheck) {
    LayoutFixture layout;
    const SampleImage image = testing::make_sample_image("image");
    layout.add_image(image);
    layout.write_index({tagged(image.manifest, "v1")});

    std::string corrupted = image.manifest.data;
    corrupted[corrupted.size() / 2] ^= 0x01;
    layout.directory().write(std::filesystem::relative(blob_path(layout.root(), image.manifest), layout.root()),
                             corrupted);

    const std::string message = error_of_root(layout.spec(":v1"));
    EXPECT_NE(message.find(layout.spec(":v1")), std::string::npos) << message;
    EXPECT_NE(message.find("does not match its descriptor"), std::string::npos) << message;
    EXPECT_NE(message.find("expected " + image.manifest.digest), std::string::npos) << message;
    EXPECT_NE(message.find("got " + testing::sha256_digest(corrupted)), std::string::npos) << message;
    EXPECT_NE(message.find("(" + std::to_string(image.manifest.size) + " bytes)"), std::string::npos) << message;
}

TEST(LayoutSource, SizeMismatchFailsDescriptorCheck) {
    LayoutFixture layout;
    const SampleImage image = testing::make_sample_image("image");
    layout.add_image(image);
    boost::json::object entry = tagged(image.manifest, "v1");
    entry["size"] = image.manifest.size + 1;
    layout.write_index({entry});

    const std::string message = error_of_root(layout.spec(":v1"));
    EXPECT_NE(message.find("(" + std::to_string(image.manifest.size + 1) + " bytes), got"), std::string::npos)
        << message;
}

TEST(LayoutSource, RejectsOversizedManifests) {
    LayoutFixture layout;
    Blob huge = testing::make_blob(testing::kOciManifestType, std::string(kMaxManifestBytes + 1, ' '));
    layout.add_blob(huge);

    // Announced by the descriptor: rejected before reading.
    layout.write_index({tagged(huge, "huge")});
    std::string message = error_of_root(layout.spec(":huge"));
    EXPECT_NE(message.find("has " + std::to_string(kMaxManifestBytes + 1) + " bytes"), std::string::npos) << message;
    EXPECT_NE(message.find("limit of " + std::to_string(kMaxManifestBytes)), std::string::npos) << message;

    // Named by digest only: rejected by the file size.
    message = error_of_root(layout.spec("@" + huge.digest));
    EXPECT_NE(message.find("limit of " + std::to_string(kMaxManifestBytes)), std::string::npos) << message;
}

TEST(LayoutSource, RejectsDirectoriesThatAreNotLayouts) {
    const TempDir empty;
    std::string message;
    try {
        open_layout_source("oci:" + empty.path().string());
    } catch (const Error &error) {
        message = error.what();
    }
    EXPECT_NE(message.find("is not an OCI image layout: it has no oci-layout file"), std::string::npos) << message;

    try {
        open_layout_source("oci:" + (empty.path() / "missing").string());
        message = "(no error)";
    } catch (const Error &error) {
        message = error.what();
    }
    EXPECT_NE(message.find("does not exist"), std::string::npos) << message;

    empty.write("oci-layout", "{}");
    try {
        open_layout_source("oci:" + empty.path().string());
        message = "(no error)";
    } catch (const Error &error) {
        message = error.what();
    }
    EXPECT_NE(message.find("imageLayoutVersion: missing"), std::string::npos) << message;

    empty.write("oci-layout", kLayoutMarker);
    empty.write("index.json", R"({"schemaVersion": 2, "manifests": [{"mediaType": "x", "digest": "sha256:1", "size": 1}]})");
    try {
        open_layout_source("oci:" + empty.path().string());
        message = "(no error)";
    } catch (const Error &error) {
        message = error.what();
    }
    EXPECT_NE(message.find("index.json: manifests[0].digest: invalid digest"), std::string::npos) << message;
}

TEST(LayoutSource, EmptyIndexHasNoRoot) {
    LayoutFixture layout;
    layout.write_index({});
    const std::string message = error_of_root(layout.spec());
    EXPECT_NE(message.find("index.json lists no manifests"), std::string::npos) << message;
}

}  // namespace
}  // namespace acedt::oci
