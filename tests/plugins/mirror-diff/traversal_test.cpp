// Traversal of mirror artifacts stored in OCI layouts written by the test.
#include "mirror_artifact.hpp"
#include "traversal.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/source.hpp>
#include <acedt_test/layout_builder.hpp>
#include <acedt_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <map>

namespace acedt::mirror_diff {
namespace {

using acedt_test::Blob;
using acedt_test::Entry;
using acedt_test::Flavor;
using acedt_test::LayoutBuilder;
using acedt_test::MirrorOptions;
using acedt_test::sourced;

// Options of a gather run with --index-fallback.
MirrorOptions index_fallback() {
    MirrorOptions options;
    options.index_fallback = true;
    return options;
}

// Counts fetches per digest, to check that nothing is fetched twice and
// image manifests are never fetched.
class CountingSource : public oci::ManifestSource {
public:
    explicit CountingSource(std::unique_ptr<oci::ManifestSource> inner) : inner_(std::move(inner)) {}

    std::string display_name() const override { return inner_->display_name(); }
    oci::FetchedManifest fetch_root() override { return inner_->fetch_root(); }
    oci::FetchedManifest fetch(const oci::Descriptor &descriptor) override {
        ++fetches[descriptor.digest.str()];
        return inner_->fetch(descriptor);
    }
    std::vector<oci::Descriptor> referrers(const oci::Digest &subject, std::string_view artifact_type) override {
        ++referrer_lookups[subject.str()];
        return inner_->referrers(subject, artifact_type);
    }

    std::map<std::string, int> fetches;
    std::map<std::string, int> referrer_lookups;

private:
    std::unique_ptr<oci::ManifestSource> inner_;
};

class TraversalTest : public ::testing::Test {
protected:
    TraversalTest() : builder_(dir_.path() / "layout"), opener_(oci::ClientConfig{}, oci::ClientHooks{}) {}

    std::unique_ptr<CountingSource> open(const std::string &tag) {
        builder_.write_index();
        return std::make_unique<CountingSource>(opener_.open("oci:" + builder_.dir().string() + ":" + tag));
    }

    std::vector<Row> list(const std::string &tag, const std::vector<std::string> &existing_tags = {},
                          bool expand = false) {
        ExistingSet existing;
        for (const std::string &existing_tag : existing_tags) {
            existing.add(*open(existing_tag));
        }
        auto mirror = open(tag);
        return list_rows(*mirror, existing, ListOptions{expand}, [] { return false; });
    }

    // As with `mirror diff -r`: referrers on both sides.
    std::vector<Row> list_recursive(const std::string &tag, const std::vector<std::string> &existing_tags = {},
                                    bool expand = false) {
        ExistingSet existing([] { return false; }, true);
        for (const std::string &existing_tag : existing_tags) {
            existing.add(*open(existing_tag));
        }
        auto mirror = open(tag);
        return list_rows(*mirror, existing, ListOptions{expand, true}, [] { return false; });
    }

    acedt_test::TempDir dir_;
    LayoutBuilder builder_;
    oci::SourceOpener opener_;
};

TEST_F(TraversalTest, ListsEveryEntrySorted) {
    const Blob busybox = builder_.add_multi_platform("busybox");
    const Blob alpine = builder_.add_image("alpine");
    const Blob app = builder_.add_image("app", Flavor::Docker);
    builder_.tag(builder_.add_mirror_artifact({sourced(alpine, "docker.io/library/alpine:3.19"),
                                               sourced(busybox, "docker.io/library/busybox:1.36"),
                                               sourced(app, "reg.example.com/team/app:2.3.1")}),
                 "sync");

    const std::vector<Row> expected = {{"docker.io/library/alpine:3.19", alpine.digest},
                                       {"docker.io/library/busybox:1.36", busybox.digest},
                                       {"reg.example.com/team/app:2.3.1", app.digest}};
    EXPECT_EQ(list("sync"), expected);
}

TEST_F(TraversalTest, SortsFirstRowToo) {
    const Blob b = builder_.add_image("b");
    const Blob a = builder_.add_image("a");
    builder_.tag(builder_.add_mirror_artifact({sourced(b, "z.example.com/b:1"), sourced(a, "a.example.com/a:1")}),
                 "sync");

    const std::vector<Row> rows = list("sync");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].reference, "a.example.com/a:1");
    EXPECT_EQ(rows[1].reference, "z.example.com/b:1");
}

TEST_F(TraversalTest, NestedArtifactIsOneRowWithoutExpand) {
    const Blob inner_image = builder_.add_image("inner");
    const Blob nested = builder_.add_mirror_artifact({sourced(inner_image, "docker.io/library/inner:1")});
    const Blob top_image = builder_.add_image("top");
    builder_.tag(builder_.add_mirror_artifact({sourced(nested, "reg.example.com/mirror/base:sync-12"),
                                               sourced(top_image, "docker.io/library/top:1")}),
                 "sync");

    const auto mirror = open("sync");
    const std::vector<Row> rows = list_rows(*mirror, ExistingSet{}, ListOptions{false}, {});
    const std::vector<Row> expected = {{"docker.io/library/top:1", top_image.digest},
                                       {"reg.example.com/mirror/base:sync-12", nested.digest}};
    EXPECT_EQ(rows, expected);
    EXPECT_TRUE(mirror->fetches.empty()) << "nothing below the root is fetched without --expand";
}

TEST_F(TraversalTest, ExpandReplacesNestedArtifactsAtAnyDepth) {
    const Blob deepest = builder_.add_image("deepest");
    const Blob level2 = builder_.add_mirror_artifact({sourced(deepest, "docker.io/library/deepest:1")});
    const Blob middle = builder_.add_multi_platform("middle");
    const Blob level1 = builder_.add_mirror_artifact(
        {sourced(level2, "reg.example.com/mirror/l2:1"), sourced(middle, "docker.io/library/middle:1")});
    const Blob top = builder_.add_image("top");
    builder_.tag(builder_.add_mirror_artifact(
                     {sourced(level1, "reg.example.com/mirror/l1:1"), sourced(top, "docker.io/library/top:1")}),
                 "sync");

    const std::vector<Row> expected = {{"docker.io/library/deepest:1", deepest.digest},
                                       {"docker.io/library/middle:1", middle.digest},
                                       {"docker.io/library/top:1", top.digest}};
    EXPECT_EQ(list("sync", {}, true), expected);
}

TEST_F(TraversalTest, IndexFallbackEntriesCountAsEntries) {
    const Blob multi = builder_.add_multi_platform("multi");
    const Blob image = builder_.add_image("image");
    const Blob nested_image = builder_.add_image("nested-image");
    const Blob nested = builder_.add_mirror_artifact({sourced(nested_image, "docker.io/library/n:1")},
                                                     index_fallback());
    builder_.tag(builder_.add_mirror_artifact({sourced(multi, "docker.io/library/multi:1"),
                                               sourced(image, "docker.io/library/image:1"),
                                               sourced(nested, "reg.example.com/mirror/n:1")},
                                              index_fallback()),
                 "sync");

    const std::vector<Row> plain = {{"docker.io/library/image:1", image.digest},
                                    {"docker.io/library/multi:1", multi.digest},
                                    {"reg.example.com/mirror/n:1", nested.digest}};
    EXPECT_EQ(list("sync"), plain);

    const std::vector<Row> expanded = {{"docker.io/library/image:1", image.digest},
                                       {"docker.io/library/multi:1", multi.digest},
                                       {"docker.io/library/n:1", nested_image.digest}};
    EXPECT_EQ(list("sync", {}, true), expanded);
}

TEST_F(TraversalTest, ReferenceFallsBackToRefNameThenEmpty) {
    const Blob with_ref_name = builder_.add_image("ref-name");
    const Blob bare = builder_.add_image("bare");
    Entry ref_name_only{with_ref_name, {{"org.opencontainers.image.ref.name", "docker.io/library/r:1"}}, {}};
    Entry no_annotations{bare, {}, {}};
    builder_.tag(builder_.add_mirror_artifact({ref_name_only, no_annotations}), "sync");

    const std::vector<Row> expected = {{"", bare.digest}, {"docker.io/library/r:1", with_ref_name.digest}};
    EXPECT_EQ(list("sync"), expected);
}

TEST_F(TraversalTest, TwoReferencesToOneDigestAreTwoRows) {
    const Blob tool = builder_.add_image("tool");
    builder_.tag(builder_.add_mirror_artifact({sourced(tool, "ghcr.io/org/tool:v1"),
                                               sourced(tool, "ghcr.io/org/tool:latest"),
                                               sourced(tool, "ghcr.io/org/tool:v1")}),
                 "sync");

    const std::vector<Row> expected = {{"ghcr.io/org/tool:latest", tool.digest}, {"ghcr.io/org/tool:v1", tool.digest}};
    EXPECT_EQ(list("sync"), expected);
}

TEST_F(TraversalTest, PreviousSyncRemovesSharedEntries) {
    const Blob kept = builder_.add_image("kept");
    const Blob added = builder_.add_image("added");
    const Blob shared_multi = builder_.add_multi_platform("shared");
    builder_.tag(builder_.add_mirror_artifact({sourced(kept, "docker.io/library/kept:1"),
                                               sourced(shared_multi, "docker.io/library/shared:1")}),
                 "sync-44");
    builder_.tag(builder_.add_mirror_artifact({sourced(kept, "docker.io/library/kept:1"),
                                               sourced(shared_multi, "docker.io/library/shared:1"),
                                               sourced(added, "docker.io/library/added:1")}),
                 "sync-45");

    const std::vector<Row> expected = {{"docker.io/library/added:1", added.digest}};
    EXPECT_EQ(list("sync-45", {"sync-44"}), expected);
}

TEST_F(TraversalTest, PlatformManifestExistsWhenWholeIndexExists) {
    // The mirror contains one platform's manifest taken out of an index,
    // and the destination contains the whole multi-platform index.
    const Blob amd64 = builder_.add_image("amd64");
    const Blob arm64 = builder_.add_image("arm64");
    Entry amd64_entry{amd64, {}, std::make_pair(std::string("linux"), std::string("amd64"))};
    Entry arm64_entry{arm64, {}, std::make_pair(std::string("linux"), std::string("arm64"))};
    builder_.tag(builder_.add_index({amd64_entry, arm64_entry}), "destination");
    const Blob other = builder_.add_image("other");
    builder_.tag(builder_.add_mirror_artifact({sourced(amd64, "docker.io/library/busybox:1.36"),
                                               sourced(other, "docker.io/library/other:1")}),
                 "sync");

    const std::vector<Row> expected = {{"docker.io/library/other:1", other.digest}};
    EXPECT_EQ(list("sync", {"destination"}), expected);
}

TEST_F(TraversalTest, ExpandFiltersNestedEntriesAgainstExisting) {
    const Blob old_image = builder_.add_image("old");
    const Blob new_image = builder_.add_image("new");
    const Blob nested = builder_.add_mirror_artifact(
        {sourced(old_image, "docker.io/library/old:1"), sourced(new_image, "docker.io/library/new:1")});
    builder_.tag(builder_.add_mirror_artifact({sourced(old_image, "docker.io/library/old:1")}), "previous");
    builder_.tag(builder_.add_mirror_artifact({sourced(nested, "reg.example.com/mirror/n:1")}), "sync");

    const std::vector<Row> expected = {{"docker.io/library/new:1", new_image.digest}};
    EXPECT_EQ(list("sync", {"previous"}, true), expected);
}

TEST_F(TraversalTest, ExistingSetDescendsThroughNestedAndFallbackIndexes) {
    const Blob deep = builder_.add_image("deep");
    const Blob nested = builder_.add_mirror_artifact({sourced(deep, "docker.io/library/deep:1")});
    builder_.tag(builder_.add_mirror_artifact({sourced(nested, "reg.example.com/mirror/n:1")}, index_fallback()),
                 "previous");
    const Blob fresh = builder_.add_image("fresh");
    builder_.tag(builder_.add_mirror_artifact(
                     {sourced(deep, "docker.io/library/deep:1"), sourced(fresh, "docker.io/library/fresh:1")}),
                 "sync");

    const std::vector<Row> expected = {{"docker.io/library/fresh:1", fresh.digest}};
    EXPECT_EQ(list("sync", {"previous"}), expected);
}

TEST_F(TraversalTest, SharedNestedArtifactFetchedOnce) {
    const Blob image = builder_.add_image("image");
    const Blob shared = builder_.add_mirror_artifact({sourced(image, "docker.io/library/image:1")});
    const Blob parent_a = builder_.add_mirror_artifact({sourced(shared, "reg.example.com/mirror/shared:1")});
    const Blob parent_b = builder_.add_mirror_artifact({sourced(shared, "reg.example.com/mirror/shared:2")});
    const Blob plain = builder_.add_image("plain");
    builder_.tag(builder_.add_mirror_artifact({sourced(parent_a, "reg.example.com/mirror/a:1"),
                                               sourced(parent_b, "reg.example.com/mirror/b:1"),
                                               sourced(plain, "docker.io/library/plain:1")}),
                 "sync");

    const auto mirror = open("sync");
    const std::vector<Row> rows = list_rows(*mirror, ExistingSet{}, ListOptions{true}, {});
    EXPECT_EQ(rows.size(), 2u);
    EXPECT_EQ(mirror->fetches[shared.digest], 1);
    EXPECT_EQ(mirror->fetches.count(image.digest), 0u) << "image manifests are never fetched";
    EXPECT_EQ(mirror->fetches.count(plain.digest), 0u) << "image manifests are never fetched";
}

TEST_F(TraversalTest, RootThatIsAnImageIsRejected) {
    builder_.tag(builder_.add_image("lonely"), "image");
    try {
        list("image");
        FAIL() << "expected an error";
    } catch (const oci::Error &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(":image is not a mirror artifact"), std::string::npos) << message;
        EXPECT_NE(message.find("an image manifest"), std::string::npos) << message;
    }
}

TEST_F(TraversalTest, RootThatIsPlainIndexIsRejected) {
    builder_.tag(builder_.add_multi_platform("plain"), "plain");
    try {
        list("plain");
        FAIL() << "expected an error";
    } catch (const oci::Error &e) {
        EXPECT_NE(std::string(e.what()).find("an index without artifactType"), std::string::npos) << e.what();
    }
}

TEST_F(TraversalTest, CorruptedNestedManifestFailsWithBothDigests) {
    const Blob image = builder_.add_image("image");
    const Blob nested = builder_.add_mirror_artifact({sourced(image, "docker.io/library/image:1")});
    builder_.tag(builder_.add_mirror_artifact({sourced(nested, "reg.example.com/mirror/n:1")}), "sync");

    const std::string hex = nested.digest.substr(std::string("sha256:").size());
    const std::filesystem::path blob = builder_.dir() / "blobs" / "sha256" / hex;
    std::string content;
    {
        std::ifstream in(blob, std::ios::binary);
        content.assign(std::istreambuf_iterator<char>(in), {});
    }
    content[content.size() / 2] = content[content.size() / 2] == 'a' ? 'b' : 'a';
    std::ofstream(blob, std::ios::binary | std::ios::trunc) << content;

    try {
        list("sync", {}, true);
        FAIL() << "expected a digest mismatch";
    } catch (const oci::Error &e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(nested.digest), std::string::npos) << message;
        EXPECT_NE(message.find(oci::Digest::sha256_of(content).str()), std::string::npos) << message;
        EXPECT_NE(message.find("reg.example.com/mirror/n:1"), std::string::npos) << "names the path: " << message;
    }
}

TEST_F(TraversalTest, NestingDeeperThanLimitIsRejected) {
    // The root plus kMaxNestingDepth + 1 nested levels.
    Blob current = builder_.add_image("bottom");
    for (int level = 0; level <= kMaxNestingDepth + 1; ++level) {
        current = builder_.add_mirror_artifact({sourced(current, "reg.example.com/level:" + std::to_string(level))});
    }
    builder_.tag(current, "deep");

    try {
        list("deep", {}, true);
        FAIL() << "expected a nesting error";
    } catch (const oci::Error &e) {
        EXPECT_NE(std::string(e.what()).find("nested more than 8 levels"), std::string::npos) << e.what();
    }
}

TEST_F(TraversalTest, NestingAtLimitIsAccepted) {
    // The root plus kMaxNestingDepth nested levels.
    Blob current = builder_.add_image("bottom");
    for (int level = 0; level <= kMaxNestingDepth; ++level) {
        current = builder_.add_mirror_artifact({sourced(current, "reg.example.com/level:" + std::to_string(level))});
    }
    builder_.tag(current, "deep");

    const std::vector<Row> rows = list("deep", {}, true);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].reference, "reg.example.com/level:0");
}

TEST_F(TraversalTest, NestingAtLimitIsAcceptedAsExistingImage) {
    // The same chain as above, as the previous sync: accepted on both sides.
    Blob current = builder_.add_image("bottom");
    for (int level = 0; level <= kMaxNestingDepth; ++level) {
        current = builder_.add_mirror_artifact({sourced(current, "reg.example.com/level:" + std::to_string(level))});
    }
    builder_.tag(current, "deep");
    builder_.tag(builder_.add_mirror_artifact({sourced(builder_.add_image("new"), "reg.example.com/new:1")}), "mirror");

    const std::vector<Row> rows = list("mirror", {"deep"}, true);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].reference, "reg.example.com/new:1");
}

constexpr const char *kSignatureType = "application/vnd.dev.cosign.artifact.sig.v1+json";
constexpr const char *kSbomType = "application/spdx+json";

TEST_F(TraversalTest, RecursiveListsReferrersAfterTheirImage) {
    const Blob alpine = builder_.add_image("alpine");
    const Blob busybox = builder_.add_multi_platform("busybox");
    const Blob plain = builder_.add_image("plain");
    // alpine: a signature and an SBOM through the referrers tag, and a
    // signature of the signature listed in index.json with its subject.
    const Blob signature = builder_.add_referrer(alpine, "alpine sig", kSignatureType);
    const Blob sbom = builder_.add_referrer(alpine, "alpine sbom", kSbomType);
    builder_.tag_referrers(alpine, {{signature, kSignatureType}, {sbom, kSbomType}});
    const Blob countersignature = builder_.add_referrer(signature, "countersign", kSignatureType);
    builder_.tag(countersignature, "countersignature");
    // busybox: one referrer without artifactType in the list; the manifest's
    // own artifactType fills it in.
    const Blob attestation = builder_.add_referrer(busybox, "busybox att", "application/vnd.in-toto+json");
    builder_.tag_referrers(busybox, {{attestation, ""}});
    builder_.tag(builder_.add_mirror_artifact({sourced(alpine, "docker.io/library/alpine:3.19"),
                                               sourced(busybox, "docker.io/library/busybox:1.36"),
                                               sourced(plain, "docker.io/library/plain:1")}),
                 "sync");

    const std::string alpine_ref = "docker.io/library/alpine:3.19";
    const std::string busybox_ref = "docker.io/library/busybox:1.36";
    const std::vector<Row> expected = {
        {alpine_ref, alpine.digest},
        {alpine_ref, sbom.digest, alpine.digest, kSbomType},
        {alpine_ref, signature.digest, alpine.digest, kSignatureType},
        {alpine_ref, countersignature.digest, signature.digest, kSignatureType},
        {busybox_ref, busybox.digest},
        {busybox_ref, attestation.digest, busybox.digest, "application/vnd.in-toto+json"},
        {"docker.io/library/plain:1", plain.digest},
    };
    EXPECT_EQ(list_recursive("sync"), expected);
}

TEST_F(TraversalTest, WithoutRecursiveNoReferrersAreLookedUp) {
    const Blob alpine = builder_.add_image("alpine");
    builder_.tag_referrers(alpine, {{builder_.add_referrer(alpine, "sig", kSignatureType), kSignatureType}});
    builder_.tag(builder_.add_mirror_artifact({sourced(alpine, "docker.io/library/alpine:3.19")}), "sync");

    const auto mirror = open("sync");
    const std::vector<Row> rows = list_rows(*mirror, ExistingSet{}, ListOptions{}, {});
    EXPECT_EQ(rows, (std::vector<Row>{{"docker.io/library/alpine:3.19", alpine.digest}}));
    EXPECT_TRUE(mirror->referrer_lookups.empty());
}

TEST_F(TraversalTest, ArtifactTypeFallsBackToConfigMediaType) {
    const Blob image = builder_.add_image("image");
    const Blob legacy = builder_.add_referrer(image, "legacy", "", "application/vnd.example.legacy.config");
    builder_.tag_referrers(image, {{legacy, ""}});
    builder_.tag(builder_.add_mirror_artifact({sourced(image, "reg.example.com/app:1")}), "sync");

    const std::vector<Row> rows = list_recursive("sync");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1].artifact_type, "application/vnd.example.legacy.config");
}

TEST_F(TraversalTest, ReferrersOfExistingImagesCountAsExisting) {
    // The previous sync contains app with its signature. The new sync
    // gathered that signature by itself, and a new image whose SBOM the
    // previous sync also contains (gathered as an entry there).
    const Blob app = builder_.add_image("app");
    const Blob signature = builder_.add_referrer(app, "app sig", kSignatureType);
    builder_.tag_referrers(app, {{signature, kSignatureType}});
    const Blob fresh = builder_.add_image("fresh");
    const Blob fresh_sbom = builder_.add_referrer(fresh, "fresh sbom", kSbomType);
    const Blob fresh_signature = builder_.add_referrer(fresh, "fresh sig", kSignatureType);
    builder_.tag_referrers(fresh, {{fresh_sbom, kSbomType}, {fresh_signature, kSignatureType}});
    builder_.tag(builder_.add_mirror_artifact({sourced(app, "reg.example.com/app:1"),
                                               sourced(fresh_sbom, "reg.example.com/fresh:sbom")}),
                 "previous");
    builder_.tag(builder_.add_mirror_artifact({sourced(signature, "reg.example.com/app:sha256-sig"),
                                               sourced(fresh, "reg.example.com/fresh:1")}),
                 "sync");

    const std::vector<Row> expected = {
        {"reg.example.com/fresh:1", fresh.digest},
        {"reg.example.com/fresh:1", fresh_signature.digest, fresh.digest, kSignatureType},
    };
    EXPECT_EQ(list_recursive("sync", {"previous"}), expected);

    const std::vector<Row> without_referrers = list("sync", {"previous"});
    EXPECT_EQ(without_referrers.size(), 2u) << "without -r the signature entry is not known to exist";
}

TEST_F(TraversalTest, ReferrerCyclesEnd) {
    // Hand-made referrers tags that point at each other: the image's tag
    // lists the signature, and the signature's tag lists the image.
    const Blob image = builder_.add_image("image");
    const Blob signature = builder_.add_referrer(image, "sig", kSignatureType);
    builder_.tag_referrers(image, {{signature, kSignatureType}});
    builder_.tag_referrers(signature, {{image, "application/vnd.example.loop"}, {signature, kSignatureType}});
    builder_.tag(builder_.add_mirror_artifact({sourced(image, "reg.example.com/app:1")}), "sync");

    const std::vector<Row> expected = {
        {"reg.example.com/app:1", image.digest},
        {"reg.example.com/app:1", signature.digest, image.digest, kSignatureType},
    };
    EXPECT_EQ(list_recursive("sync"), expected);
}

TEST_F(TraversalTest, NonIndexReferrersTagMeansNone) {
    const Blob image = builder_.add_image("image");
    const Blob other = builder_.add_image("other");
    std::string tag = image.digest;
    tag[tag.find(':')] = '-';
    builder_.tag(other, tag);
    const Blob second = builder_.add_image("second");
    std::string second_tag = second.digest;
    second_tag[second_tag.find(':')] = '-';
    builder_.tag(second, second_tag);  // the tag names the subject itself
    builder_.tag(builder_.add_mirror_artifact({sourced(image, "reg.example.com/app:1"),
                                               sourced(second, "reg.example.com/app:2")}),
                 "sync");

    EXPECT_EQ(list_recursive("sync").size(), 2u);
}

TEST_F(TraversalTest, ExpandedEntriesGetTheirReferrers) {
    const Blob inner = builder_.add_image("inner");
    builder_.tag_referrers(inner, {{builder_.add_referrer(inner, "sig", kSignatureType), kSignatureType}});
    const Blob nested = builder_.add_mirror_artifact({sourced(inner, "docker.io/library/inner:1")});
    builder_.tag(builder_.add_mirror_artifact({sourced(nested, "reg.example.com/mirror/base:1")}), "sync");

    const std::vector<Row> rows = list_recursive("sync", {}, true);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].digest, inner.digest);
    EXPECT_EQ(rows[1].subject, inner.digest);
    EXPECT_EQ(rows[1].reference, "docker.io/library/inner:1");
}

TEST_F(TraversalTest, InterruptStopsTraversal) {
    builder_.tag(builder_.add_mirror_artifact({sourced(builder_.add_image("x"), "docker.io/library/x:1")}), "sync");
    const auto mirror = open("sync");
    EXPECT_THROW(list_rows(*mirror, ExistingSet{}, ListOptions{}, [] { return true; }), oci::InterruptedError);
}

}  // namespace
}  // namespace acedt::mirror_diff
