#include <acedt_test/layout_builder.hpp>
#include <acedt_test/push.hpp>
#include <acedt_test/registry_server.hpp>
#include <acedt_test/temp_dir.hpp>

#include "test_helpers.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <set>

namespace json = boost::json;

namespace acedt_test {
namespace {

using testing::read_file;
using testing::run;
using testing::skopeo_raw;

// Manifests and blobs below a root, found by reading the layout's JSON.
struct Tree {
    std::set<std::string> manifests;
    std::set<std::string> blobs;
};

void walk(const LayoutBuilder &layout, const std::string &digest, Tree &tree) {
    if (!tree.manifests.insert(digest).second) {
        return;
    }
    json::object manifest = json::parse(read_file(layout.blob_path(Blob{"", digest, 0}))).as_object();
    std::vector<json::value> children;
    if (const json::value *entries = manifest.if_contains("manifests")) {
        children.insert(children.end(), entries->as_array().begin(), entries->as_array().end());
    }
    if (const json::value *annotations = manifest.if_contains("annotations")) {
        if (const json::value *extra = annotations->as_object().if_contains(kExtraManifestsAnnotation)) {
            json::array descriptors = json::parse(extra->as_string()).as_array();
            children.insert(children.end(), descriptors.begin(), descriptors.end());
        }
    }
    for (const json::value &child : children) {
        walk(layout, std::string(child.at("digest").as_string()), tree);
    }
    if (const json::value *config = manifest.if_contains("config")) {
        tree.blobs.insert(std::string(config->at("digest").as_string()));
    }
    if (const json::value *layers = manifest.if_contains("layers")) {
        for (const json::value &layer : layers->as_array()) {
            tree.blobs.insert(std::string(layer.at("digest").as_string()));
        }
    }
}

std::string head_status(const std::string &url, const std::vector<std::string> &extra_arguments = {}) {
    std::vector<std::string> argv = {"curl", "--silent",   "--noproxy",   "*", "--head", "--output",
                                     "/dev/null", "--write-out", "%{http_code}"};
    argv.insert(argv.end(), extra_arguments.begin(), extra_arguments.end());
    argv.push_back(url);
    return run(argv).out;
}

class Push : public ::testing::Test {
protected:
    static void SetUpTestSuite() { registry_ = RegistryServer::start().release(); }
    static void TearDownTestSuite() {
        delete registry_;
        registry_ = nullptr;
    }

    static RegistryServer *registry_;
};

RegistryServer *Push::registry_ = nullptr;

TEST_F(Push, NestedMirrorArtifactKeepsBytes) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob oci_image = layout.add_image("push oci image");
    Blob docker_image = layout.add_image("push docker image", Flavor::Docker);
    Blob docker_list = layout.add_multi_platform("push docker list", {{"linux", "amd64"}, {"linux", "arm64"}}, Flavor::Docker);
    Blob oci_multi = layout.add_multi_platform("push oci multi");

    MirrorOptions fallback;
    fallback.index_fallback = true;
    Blob inner = layout.add_mirror_artifact(
        {sourced(oci_image, "example.com/oci:1"), sourced(docker_list, "example.com/list:1")}, fallback);
    Blob outer = layout.add_mirror_artifact({sourced(docker_image, "example.com/docker:1"),
                                             sourced(docker_list, "example.com/list:1"),
                                             sourced(oci_multi, "example.com/multi:1"),
                                             sourced(inner, "example.com/mirror:inner"),
                                             sourced(oci_image, "example.com/oci:again")},
                                            fallback);
    layout.tag(outer, "outer");

    std::string digest = push_layout_tag(dir.path(), "outer", registry_->host_port(), "nested/mirror", "sync-1");
    EXPECT_EQ(digest, outer.digest);

    std::string repository = "docker://" + registry_->host_port() + "/nested/mirror";
    EXPECT_EQ(skopeo_raw(repository + ":sync-1"), read_file(layout.blob_path(outer)));

    Tree tree;
    walk(layout, outer.digest, tree);
    EXPECT_EQ(tree.manifests.size(), 10u);  // outer, inner, 2 images, 2 indexes with 2 images each
    for (const std::string &manifest : tree.manifests) {
        EXPECT_EQ(skopeo_raw(repository + "@" + manifest), read_file(layout.blob_path(Blob{"", manifest, 0})))
            << manifest;
    }
    for (const std::string &blob : tree.blobs) {
        EXPECT_EQ(head_status(registry_->url() + "/v2/nested/mirror/blobs/" + blob), "200") << blob;
    }
}

TEST_F(Push, PushingTwiceReusesBlobs) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("pushed twice");
    layout.tag(image, "v1");

    EXPECT_EQ(push_layout_tag(dir.path(), "v1", registry_->host_port(), "twice", "first"), image.digest);
    EXPECT_EQ(push_layout_tag(dir.path(), "v1", registry_->host_port(), "twice", "second"), image.digest);
    EXPECT_EQ(skopeo_raw("docker://" + registry_->host_port() + "/twice:second"), read_file(layout.blob_path(image)));
}

TEST_F(Push, UnknownTagNamesTagsFound) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    layout.tag(layout.add_image("tagged"), "present");
    try {
        push_layout_tag(dir.path(), "absent", registry_->host_port(), "unknown", "latest");
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error &error) {
        std::string message = error.what();
        EXPECT_NE(message.find("'absent'"), std::string::npos) << message;
        EXPECT_NE(message.find("present"), std::string::npos) << message;
    }
}

TEST_F(Push, MissingBlobNamesDigest) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("missing layer");
    json::object manifest = json::parse(read_file(layout.blob_path(image))).as_object();
    std::string layer = std::string(manifest.at("layers").as_array().at(0).at("digest").as_string());
    std::filesystem::remove(layout.blob_path(Blob{"", layer, 0}));
    layout.tag(image, "v1");

    try {
        push_layout_tag(dir.path(), "v1", registry_->host_port(), "missing", "v1");
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error &error) {
        EXPECT_NE(std::string(error.what()).find(layer), std::string::npos) << error.what();
    }
}

TEST_F(Push, ManifestBytesByTagAndDigest) {
    std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    std::string config_digest = push_blob_bytes(registry_->host_port(), "handmade", config);
    EXPECT_EQ(push_blob_bytes(registry_->host_port(), "handmade", config), config_digest);

    // Whitespace and key order that no serializer would produce.
    std::string manifest = "{\n  \"layers\": [],\n  \"config\": {\"size\": " + std::to_string(config.size()) +
                           ", \"digest\": \"" + config_digest + "\", \"mediaType\": \"" + std::string(kOciConfigType) +
                           "\"},\n  \"mediaType\": \"" + std::string(kOciManifestType) + "\",\n  \"schemaVersion\": 2\n}\n";
    std::string by_tag = push_manifest_bytes(registry_->host_port(), "handmade", "odd", manifest, std::string(kOciManifestType));
    std::string by_digest =
        push_manifest_bytes(registry_->host_port(), "handmade", by_tag, manifest, std::string(kOciManifestType));
    EXPECT_EQ(by_tag, by_digest);

    std::string repository = "docker://" + registry_->host_port() + "/handmade";
    EXPECT_EQ(skopeo_raw(repository + ":odd"), manifest);
    EXPECT_EQ(skopeo_raw(repository + "@" + by_tag), manifest);
}

TEST_F(Push, RejectedManifestRaisesHttpError) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    std::string missing = "sha256:" + std::string(64, '1');
    std::string manifest = R"({"schemaVersion":2,"mediaType":")" + std::string(kOciManifestType) +
                           R"(","config":{"mediaType":")" + std::string(kOciConfigType) + R"(","digest":")" + missing +
                           R"(","size":2},"layers":[]})";
    try {
        push_manifest_bytes(registry_->host_port(), "rejected", "v1", manifest, std::string(kOciManifestType));
        FAIL() << "expected HttpError";
    } catch (const HttpError &error) {
        EXPECT_EQ(error.status(), 400);
        std::string message = error.what();
        EXPECT_NE(message.find("PUT http://" + registry_->host_port() + "/v2/rejected/manifests/v1"), std::string::npos)
            << message;
        EXPECT_NE(message.find("400"), std::string::npos) << message;
        EXPECT_NE(error.body().find("MANIFEST_BLOB_UNKNOWN"), std::string::npos) << error.body();
    }
}

TEST(PushAuth, BasicCredentialsAreSent) {
    TempDir dir;
    ProcessResult entry = run({"htpasswd", "-Bbn", "pusher", "push-password"});
    ASSERT_EQ(entry.exit_code, 0) << entry.err;
    std::filesystem::path htpasswd = dir.path() / "htpasswd";
    std::ofstream(htpasswd) << entry.out;
    RegistryOptions options;
    options.htpasswd_file = htpasswd.string();
    std::unique_ptr<RegistryServer> registry = RegistryServer::start(options);

    LayoutBuilder layout(dir.path() / "layout");
    Blob image = layout.add_image("authenticated");
    layout.tag(image, "v1");

    try {
        push_layout_tag(dir.path() / "layout", "v1", registry->host_port(), "private", "v1");
        FAIL() << "expected HttpError";
    } catch (const HttpError &error) {
        EXPECT_EQ(error.status(), 401);
    }

    PushAuth auth{"pusher", "push-password"};
    EXPECT_EQ(push_layout_tag(dir.path() / "layout", "v1", registry->host_port(), "private", "v1", auth), image.digest);
    ProcessResult inspected = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "--creds", "pusher:push-password",
                                   "docker://" + registry->host_port() + "/private:v1"});
    ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
    EXPECT_EQ(inspected.out, read_file(layout.blob_path(image)));
}

}  // namespace
}  // namespace acedt_test
