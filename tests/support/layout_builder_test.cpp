#include <acedt_test/layout_builder.hpp>
#include <acedt_test/registry_server.hpp>
#include <acedt_test/temp_dir.hpp>

#include "test_helpers.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <unistd.h>

#include <set>
#include <sstream>

namespace json = boost::json;

namespace acedt_test {
namespace {

using testing::read_file;
using testing::read_tree;
using testing::run;
using testing::skopeo_raw;

json::object parse_blob(const LayoutBuilder &layout, const Blob &blob) {
    return json::parse(read_file(layout.blob_path(blob))).as_object();
}

std::string text_of(const json::value &value) { return std::string(value.as_string()); }

// Writes a layout that uses every kind of content the builder makes.
void build_sample(LayoutBuilder &layout) {
    Blob image = layout.add_image("sample image");
    Blob docker_image = layout.add_image("sample docker image", Flavor::Docker);
    Blob multi = layout.add_multi_platform("sample multi");
    Blob docker_list = layout.add_multi_platform("sample list", {{"linux", "amd64"}, {"linux", "s390x"}}, Flavor::Docker);
    Blob inner = layout.add_mirror_artifact({sourced(image, "example.com/inner:1"), sourced(multi, "example.com/multi:1")});
    MirrorOptions options;
    options.index_fallback = true;
    Blob outer = layout.add_mirror_artifact({sourced(docker_image, "example.com/docker:1"),
                                             sourced(docker_list, "example.com/list:1"),
                                             sourced(inner, "example.com/mirror:inner")},
                                            options);
    layout.add_raw_manifest(R"({"schemaVersion": 2, "manifests": []})", std::string(kOciIndexType));
    layout.tag(outer, "outer");
    layout.tag(image, "image");
}

TEST(LayoutBuilder, CreatesLayoutSkeleton) {
    TempDir dir;
    LayoutBuilder layout(dir.path() / "layout");

    EXPECT_EQ(read_file(dir.path() / "layout" / "oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
    EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "layout" / "blobs" / "sha256"));
    json::object index = json::parse(read_file(dir.path() / "layout" / "index.json")).as_object();
    EXPECT_EQ(index.at("schemaVersion").as_int64(), 2);
    EXPECT_EQ(text_of(index.at("mediaType")), kOciIndexType);
    EXPECT_TRUE(index.at("manifests").as_array().empty());
}

TEST(LayoutBuilder, BlobNamesMatchSha256sum) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    build_sample(layout);

    std::vector<std::string> argv = {"sha256sum"};
    for (const auto &entry : std::filesystem::directory_iterator(dir.path() / "blobs" / "sha256")) {
        argv.push_back(entry.path().string());
    }
    ASSERT_GT(argv.size(), 10u);
    ProcessResult result = run(argv);
    ASSERT_EQ(result.exit_code, 0) << result.err;

    std::istringstream lines(result.out);
    std::string hash;
    std::string path;
    std::size_t checked = 0;
    while (lines >> hash >> path) {
        EXPECT_EQ(std::filesystem::path(path).filename().string(), hash);
        ++checked;
    }
    EXPECT_EQ(checked, argv.size() - 1);
}

TEST(LayoutBuilder, BlobSizeMatchesFile) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    std::vector<Blob> blobs = {layout.add_blob("twelve bytes", "application/octet-stream"),
                               layout.add_image("size"), layout.add_multi_platform("size"),
                               layout.add_mirror_artifact({sourced(layout.add_image("size"), "a")})};
    for (const Blob &blob : blobs) {
        EXPECT_EQ(static_cast<std::uintmax_t>(blob.size), std::filesystem::file_size(layout.blob_path(blob)))
            << blob.digest;
    }
    EXPECT_EQ(blobs[0].size, 12);
    EXPECT_EQ(blobs[0].media_type, "application/octet-stream");
}

TEST(LayoutBuilder, SameCallsWriteSameBytes) {
    TempDir first;
    TempDir second;
    LayoutBuilder first_layout(first.path());
    LayoutBuilder second_layout(second.path());
    build_sample(first_layout);
    build_sample(second_layout);

    std::map<std::string, std::string> first_files = read_tree(first.path());
    std::map<std::string, std::string> second_files = read_tree(second.path());
    EXPECT_GT(first_files.size(), 10u);
    EXPECT_EQ(first_files, second_files);
}

TEST(LayoutBuilder, DistinctSeedsGiveDistinctDigests) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    std::set<std::string> digests;
    for (const char *seed : {"a", "b", "c", "a b", "ab"}) {
        digests.insert(layout.add_image(seed).digest);
        digests.insert(layout.add_image(seed, Flavor::Docker).digest);
        digests.insert(layout.add_multi_platform(seed).digest);
    }
    EXPECT_EQ(digests.size(), 15u);
    EXPECT_EQ(layout.add_image("a").digest, layout.add_image("a").digest);
}

TEST(LayoutBuilder, ImageHasConfigAndTarLayer) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("layer seed");
    EXPECT_EQ(image.media_type, kOciManifestType);

    json::object manifest = parse_blob(layout, image);
    EXPECT_EQ(manifest.at("schemaVersion").as_int64(), 2);
    EXPECT_EQ(text_of(manifest.at("mediaType")), kOciManifestType);
    EXPECT_EQ(text_of(manifest.at("config").at("mediaType")), kOciConfigType);
    ASSERT_EQ(manifest.at("layers").as_array().size(), 1u);
    const json::value &layer_descriptor = manifest.at("layers").as_array().at(0);
    EXPECT_EQ(text_of(layer_descriptor.at("mediaType")), kOciLayerType);

    Blob layer{"", text_of(layer_descriptor.at("digest")), layer_descriptor.at("size").as_int64()};
    Blob config{"", text_of(manifest.at("config").at("digest")), manifest.at("config").at("size").as_int64()};
    std::string layer_path = layout.blob_path(layer).string();

    ProcessResult content = run({"tar", "-xzOf", layer_path, "content.txt"});
    ASSERT_EQ(content.exit_code, 0) << content.err;
    EXPECT_EQ(content.out, "layer seed\n");

    ProcessResult diff_id = run({"sh", "-c", "gzip -dc \"$0\" | sha256sum", layer_path});
    ASSERT_EQ(diff_id.exit_code, 0) << diff_id.err;
    json::object config_json = parse_blob(layout, config);
    EXPECT_EQ(text_of(config_json.at("rootfs").at("diff_ids").as_array().at(0)), "sha256:" + diff_id.out.substr(0, 64));
    EXPECT_EQ(text_of(config_json.at("os")), "linux");
    EXPECT_EQ(text_of(config_json.at("architecture")), "amd64");
}

TEST(LayoutBuilder, DockerFlavorUsesSchema2Types) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("docker", Flavor::Docker);
    Blob list = layout.add_multi_platform("docker", {{"linux", "amd64"}}, Flavor::Docker);

    EXPECT_EQ(image.media_type, kDockerManifestType);
    json::object manifest = parse_blob(layout, image);
    EXPECT_EQ(text_of(manifest.at("mediaType")), kDockerManifestType);
    EXPECT_EQ(text_of(manifest.at("config").at("mediaType")), kDockerConfigType);
    EXPECT_EQ(text_of(manifest.at("layers").as_array().at(0).at("mediaType")), kDockerLayerType);

    EXPECT_EQ(list.media_type, kDockerManifestListType);
    json::object index = parse_blob(layout, list);
    EXPECT_EQ(text_of(index.at("mediaType")), kDockerManifestListType);
    EXPECT_EQ(text_of(index.at("manifests").as_array().at(0).at("mediaType")), kDockerManifestType);
}

TEST(LayoutBuilder, MultiPlatformListsEachPlatform) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob index_blob = layout.add_multi_platform("multi", {{"linux", "amd64"}, {"linux", "arm64"}, {"windows", "amd64"}});
    EXPECT_EQ(index_blob.media_type, kOciIndexType);

    json::array entries = parse_blob(layout, index_blob).at("manifests").as_array();
    ASSERT_EQ(entries.size(), 3u);
    std::vector<std::pair<std::string, std::string>> expected = {
        {"linux", "amd64"}, {"linux", "arm64"}, {"windows", "amd64"}};
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const json::value &platform = entries[i].at("platform");
        EXPECT_EQ(text_of(platform.at("os")), expected[i].first);
        EXPECT_EQ(text_of(platform.at("architecture")), expected[i].second);

        Blob child{"", text_of(entries[i].at("digest")), 0};
        json::object manifest = parse_blob(layout, child);
        Blob config{"", text_of(manifest.at("config").at("digest")), 0};
        json::object config_json = parse_blob(layout, config);
        EXPECT_EQ(text_of(config_json.at("os")), expected[i].first);
        EXPECT_EQ(text_of(config_json.at("architecture")), expected[i].second);
    }
}

TEST(LayoutBuilder, IndexWritesFieldsInOrder) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_blob("{}", std::string(kOciManifestType));
    Entry entry{image, {{"b", "2"}, {"a", "1"}}, std::make_pair(std::string("linux"), std::string("arm64"))};
    Blob index = layout.add_index({entry}, Flavor::Oci, "application/example", {{"z", "last"}, {"k", "v"}});

    std::string expected = std::string(R"({"schemaVersion":2,"mediaType":")") + std::string(kOciIndexType) +
                           R"(","artifactType":"application/example","manifests":[{"mediaType":")" +
                           std::string(kOciManifestType) + R"(","digest":")" + image.digest +
                           R"(","size":2,"annotations":{"a":"1","b":"2"},"platform":{"architecture":"arm64","os":"linux"}}],)" +
                           R"("annotations":{"k":"v","z":"last"}})";
    EXPECT_EQ(read_file(layout.blob_path(index)), expected);

    Blob plain = layout.add_index({});
    EXPECT_EQ(read_file(layout.blob_path(plain)),
              std::string(R"({"schemaVersion":2,"mediaType":")") + std::string(kOciIndexType) + R"(","manifests":[]})");
}

TEST(LayoutBuilder, SourcedSetsBothAnnotations) {
    Blob blob{std::string(kOciManifestType), "sha256:" + std::string(64, 'a'), 10};
    Entry entry = sourced(blob, "docker.io/library/busybox:1.36");
    EXPECT_EQ(entry.annotations.size(), 2u);
    EXPECT_EQ(entry.annotations.at(std::string(kSourceAnnotation)), "docker.io/library/busybox:1.36");
    EXPECT_EQ(entry.annotations.at(std::string(kRefNameAnnotation)), "docker.io/library/busybox:1.36");
    EXPECT_FALSE(entry.platform.has_value());
    EXPECT_EQ(entry.blob.digest, blob.digest);

    EXPECT_TRUE(sourced(blob, "").annotations.empty());
}

TEST(LayoutBuilder, MirrorArtifactHasGatherFields) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("mirror image");
    Blob mirror = layout.add_mirror_artifact({sourced(image, "example.com/a:1")});
    EXPECT_EQ(mirror.media_type, kOciIndexType);

    json::object index = parse_blob(layout, mirror);
    EXPECT_EQ(text_of(index.at("mediaType")), kOciIndexType);
    EXPECT_EQ(text_of(index.at("artifactType")), kGatherArtifactType);
    const json::object &annotations = index.at("annotations").as_object();
    EXPECT_EQ(text_of(annotations.at(kVersionAnnotation)), kTestGatherVersion);
    EXPECT_TRUE(annotations.at(kSizeTotalAnnotation).is_string());
    EXPECT_TRUE(annotations.at(kSizeDeduplicatedAnnotation).is_string());
    EXPECT_FALSE(annotations.contains(kExtraManifestsAnnotation));
    EXPECT_EQ(annotations.size(), 3u);
}

TEST(LayoutBuilder, MirrorArtifactCountsLayerSizes) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("sizes image");
    Blob multi = layout.add_multi_platform("sizes multi");
    Blob inner = layout.add_mirror_artifact({sourced(image, "example.com/inner:1")});

    // The test reads the layer sizes back from the manifests itself.
    auto layer_sizes = [&](const Blob &manifest_blob) {
        std::map<std::string, std::int64_t> sizes;
        json::object manifest = parse_blob(layout, manifest_blob);
        for (const json::value &layer : manifest.at("layers").as_array()) {
            sizes[text_of(layer.at("digest"))] = layer.at("size").as_int64();
        }
        return sizes;
    };
    std::int64_t image_size = 0;
    for (const auto &[digest, size] : layer_sizes(image)) {
        image_size += size;
    }
    std::int64_t multi_size = 0;
    json::object multi_index = parse_blob(layout, multi);
    for (const json::value &child : multi_index.at("manifests").as_array()) {
        for (const auto &[digest, size] : layer_sizes(Blob{"", text_of(child.at("digest")), 0})) {
            multi_size += size;
        }
    }
    ASSERT_GT(image_size, 0);
    ASSERT_GT(multi_size, image_size);

    // `image` is reached three times: two sources and the nested artifact.
    Blob mirror = layout.add_mirror_artifact({sourced(image, "example.com/a:1"), sourced(image, "example.com/a:latest"),
                                              sourced(multi, "example.com/m:1"), sourced(inner, "example.com/mirror:1")});
    json::object annotations = parse_blob(layout, mirror).at("annotations").as_object();
    EXPECT_EQ(text_of(annotations.at(kSizeTotalAnnotation)), std::to_string(3 * image_size + multi_size));
    EXPECT_EQ(text_of(annotations.at(kSizeDeduplicatedAnnotation)), std::to_string(image_size + multi_size));
}

TEST(LayoutBuilder, MirrorArtifactSortsBySource) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob a = layout.add_image("a");
    Blob b = layout.add_image("b");
    Blob c = layout.add_image("c");
    std::vector<Entry> entries = {sourced(c, "quay.io/c:1"), sourced(a, "docker.io/a:1"), sourced(b, "ghcr.io/b:1")};

    json::array sorted = parse_blob(layout, layout.add_mirror_artifact(entries)).at("manifests").as_array();
    ASSERT_EQ(sorted.size(), 3u);
    EXPECT_EQ(text_of(sorted[0].at("digest")), a.digest);
    EXPECT_EQ(text_of(sorted[1].at("digest")), b.digest);
    EXPECT_EQ(text_of(sorted[2].at("digest")), c.digest);

    MirrorOptions keep_order;
    keep_order.sort_by_source = false;
    json::array unsorted = parse_blob(layout, layout.add_mirror_artifact(entries, keep_order)).at("manifests").as_array();
    ASSERT_EQ(unsorted.size(), 3u);
    EXPECT_EQ(text_of(unsorted[0].at("digest")), c.digest);
    EXPECT_EQ(text_of(unsorted[1].at("digest")), a.digest);
    EXPECT_EQ(text_of(unsorted[2].at("digest")), b.digest);
}

TEST(LayoutBuilder, IndexFallbackMovesOnlyIndexes) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("fallback image");
    Blob docker_image = layout.add_image("fallback docker", Flavor::Docker);
    Blob multi = layout.add_multi_platform("fallback multi");
    Blob docker_list = layout.add_multi_platform("fallback list", {{"linux", "amd64"}}, Flavor::Docker);
    Blob nested = layout.add_mirror_artifact({sourced(image, "example.com/nested:1")});
    std::vector<Entry> entries = {sourced(image, "a.example/image:1"), sourced(docker_image, "b.example/docker:1"),
                                  sourced(multi, "c.example/multi:1"), sourced(docker_list, "d.example/list:1"),
                                  sourced(nested, "e.example/mirror:1")};

    MirrorOptions options;
    options.index_fallback = true;
    json::object index = parse_blob(layout, layout.add_mirror_artifact(entries, options));

    const json::array &manifests = index.at("manifests").as_array();
    ASSERT_EQ(manifests.size(), 2u);
    EXPECT_EQ(text_of(manifests[0].at("digest")), image.digest);
    EXPECT_EQ(text_of(manifests[1].at("digest")), docker_image.digest);

    const json::value &extra_text = index.at("annotations").at(kExtraManifestsAnnotation);
    ASSERT_TRUE(extra_text.is_string());
    json::array extra = json::parse(extra_text.as_string()).as_array();
    ASSERT_EQ(extra.size(), 3u);
    std::vector<Blob> moved = {multi, docker_list, nested};
    for (std::size_t i = 0; i < moved.size(); ++i) {
        EXPECT_EQ(text_of(extra[i].at("digest")), moved[i].digest);
        EXPECT_EQ(text_of(extra[i].at("mediaType")), moved[i].media_type);
        EXPECT_EQ(extra[i].at("size").as_int64(), moved[i].size);
        EXPECT_EQ(text_of(extra[i].at("annotations").at(kSourceAnnotation)), entries[i + 2].annotations.at(std::string(kSourceAnnotation)));
    }
}

TEST(LayoutBuilder, IndexFallbackWithoutIndexesAddsNothing) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("only image");
    MirrorOptions options;
    options.index_fallback = true;
    json::object index = parse_blob(layout, layout.add_mirror_artifact({sourced(image, "example.com/i:1")}, options));
    EXPECT_EQ(index.at("manifests").as_array().size(), 1u);
    EXPECT_FALSE(index.at("annotations").as_object().contains(kExtraManifestsAnnotation));
}

TEST(LayoutBuilder, WithoutFallbackIndexesStayListed) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob multi = layout.add_multi_platform("listed multi");
    Blob nested = layout.add_mirror_artifact({});
    json::object index =
        parse_blob(layout, layout.add_mirror_artifact({sourced(multi, "a.example/m:1"), sourced(nested, "b.example/n:1")}));
    EXPECT_EQ(index.at("manifests").as_array().size(), 2u);
    EXPECT_FALSE(index.at("annotations").as_object().contains(kExtraManifestsAnnotation));
}

TEST(LayoutBuilder, MirrorOptionsAnnotationsOverride) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    MirrorOptions options;
    options.annotations = {{std::string(kVersionAnnotation), "v9.9.9"}, {"org.example.user", "value"}};
    json::object index = parse_blob(layout, layout.add_mirror_artifact({}, options));
    const json::object &annotations = index.at("annotations").as_object();
    EXPECT_EQ(text_of(annotations.at(kVersionAnnotation)), "v9.9.9");
    EXPECT_EQ(text_of(annotations.at("org.example.user")), "value");
    EXPECT_EQ(text_of(annotations.at(kSizeTotalAnnotation)), "0");
}

TEST(LayoutBuilder, MirrorArtifactToleratesBrokenEntries) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob not_json = layout.add_raw_manifest("not json", std::string(kOciManifestType));
    Blob missing{std::string(kOciManifestType), "sha256:" + std::string(64, '0'), 3};
    Blob mirror = layout.add_mirror_artifact({sourced(not_json, "a.example/x:1"), sourced(missing, "b.example/y:1")});
    json::object index = parse_blob(layout, mirror);
    EXPECT_EQ(index.at("manifests").as_array().size(), 2u);
    EXPECT_EQ(text_of(index.at("annotations").at(kSizeTotalAnnotation)), "0");
}

TEST(LayoutBuilder, RawManifestKeepsBytes) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    std::string text = "{ \"schemaVersion\" : 2,\n  \"manifests\": [] }\n";
    Blob blob = layout.add_raw_manifest(text, std::string(kOciIndexType));
    EXPECT_EQ(read_file(layout.blob_path(blob)), text);
    EXPECT_EQ(blob.media_type, kOciIndexType);
    EXPECT_EQ(blob.size, static_cast<std::int64_t>(text.size()));
}

TEST(LayoutBuilder, TagReplacesExistingName) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob first = layout.add_image("first");
    Blob second = layout.add_image("second");
    layout.tag(first, "a");
    layout.tag(first, "b");
    layout.tag(second, "a");

    json::array entries = json::parse(read_file(dir.path() / "index.json")).at("manifests").as_array();
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(text_of(entries[0].at("annotations").at(kRefNameAnnotation)), "a");
    EXPECT_EQ(text_of(entries[0].at("digest")), second.digest);
    EXPECT_EQ(text_of(entries[1].at("annotations").at(kRefNameAnnotation)), "b");
    EXPECT_EQ(text_of(entries[1].at("digest")), first.digest);
    EXPECT_EQ(text_of(entries[1].at("mediaType")), kOciManifestType);
}

TEST(LayoutBuilder, SkopeoReadsExactBytes) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("skopeo image");
    Blob docker_image = layout.add_image("skopeo docker", Flavor::Docker);
    Blob multi = layout.add_multi_platform("skopeo multi");
    MirrorOptions options;
    options.index_fallback = true;
    Blob nested = layout.add_mirror_artifact({sourced(image, "example.com/i:1")});
    Blob mirror = layout.add_mirror_artifact(
        {sourced(docker_image, "example.com/d:1"), sourced(multi, "example.com/m:1"), sourced(nested, "example.com/n:1")},
        options);
    // No tag names the Docker image: skopeo 1.9.3 reports "no descriptor
    // found" for an index.json entry of a Docker schema 2 media type. The
    // mirror artifact lists it, and the push tests read it back by digest.
    std::vector<std::pair<std::string, Blob>> tags = {{"image", image}, {"multi", multi}, {"mirror", mirror}};
    for (const auto &[name, blob] : tags) {
        layout.tag(blob, name);
    }

    for (const auto &[name, blob] : tags) {
        EXPECT_EQ(skopeo_raw("oci:" + dir.path().string() + ":" + name), read_file(layout.blob_path(blob))) << name;
    }
}

TEST(LayoutBuilder, UmociUnpacksImage) {
    TempDir dir;
    LayoutBuilder layout(dir.path() / "layout");
    layout.tag(layout.add_image("umoci seed"), "image");
    layout.tag(layout.add_multi_platform("umoci multi"), "multi");

    ProcessResult list = run({"umoci", "ls", "--layout", (dir.path() / "layout").string()});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(list.out, "image\nmulti\n");

    std::vector<std::string> unpack = {"umoci", "unpack"};
    if (::geteuid() != 0) {
        unpack.push_back("--rootless");
    }
    unpack.insert(unpack.end(), {"--image", (dir.path() / "layout").string() + ":image", (dir.path() / "bundle").string()});
    ProcessResult unpacked = run(unpack);
    ASSERT_EQ(unpacked.exit_code, 0) << unpacked.err;
    EXPECT_EQ(read_file(dir.path() / "bundle" / "rootfs" / "content.txt"), "umoci seed\n");
}

TEST(LayoutBuilder, SkopeoCopiesImageToRegistry) {
    TempDir dir;
    LayoutBuilder layout(dir.path());
    Blob image = layout.add_image("copied image");
    layout.tag(image, "v1");
    std::unique_ptr<RegistryServer> registry = RegistryServer::start();

    std::string destination = "docker://" + registry->host_port() + "/copied/image:v1";
    ProcessResult copy = run({"skopeo", "copy", "--dest-tls-verify=false", "oci:" + dir.path().string() + ":v1", destination});
    ASSERT_EQ(copy.exit_code, 0) << copy.err;
    EXPECT_EQ(skopeo_raw(destination), read_file(layout.blob_path(image)));
}

}  // namespace
}  // namespace acedt_test
