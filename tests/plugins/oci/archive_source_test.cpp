#include <acedt/oci/archive_source.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/source.hpp>

#include <acedt_test/archive_writer.hpp>

#include "support/temp_dir.hpp"
#include "support/test_content.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace acedt::oci {
namespace {

using acedt_test::Compression;
using acedt_test::TarWriter;
using acedt_test::WrittenEntry;
using testing::Blob;
using testing::SampleImage;
using testing::TempDir;

namespace fs = std::filesystem;

constexpr std::string_view kLayoutMarker = R"({"imageLayoutVersion": "1.0.0"})";

std::string blob_entry(const Blob &blob) {
    return "blobs/sha256/" + blob.digest.substr(7);
}

std::string index_json(const std::vector<boost::json::object> &entries) {
    return testing::make_index(entries).data;
}

boost::json::object tagged(const Blob &blob, const std::string &tag) {
    return testing::descriptor_of(blob, {{std::string(testing::kRefNameAnnotation), tag}});
}

// Entries of an archive, written to files in a temporary directory with
// any compression.
class ArchiveFixture {
public:
    void add(std::string path, std::string data) { entries_.emplace_back(std::move(path), std::move(data)); }
    void add_marker() { add("oci-layout", std::string(kLayoutMarker)); }
    void add_blob(const Blob &blob) { add(blob_entry(blob), blob.data); }
    // As serialize writes an image: the manifest, then its config and layer.
    void add_image(const SampleImage &image) {
        add_blob(image.manifest);
        add_blob(image.config);
        add_blob(image.layer);
    }
    void add_index(const std::vector<boost::json::object> &entries) { add("index.json", index_json(entries)); }

    fs::path write(const std::string &name, Compression compression = Compression::None) {
        const fs::path file = directory_.path() / name;
        TarWriter writer(file, compression);
        for (const auto &[path, data] : entries_) {
            writer.add_file(path, data);
        }
        writer.close();
        written_ = writer.entries();
        return file;
    }

    // Where the last write() put `path` (its first occurrence).
    const WrittenEntry &entry(const std::string &path) const {
        for (const WrittenEntry &entry : written_) {
            if (entry.path == path) {
                return entry;
            }
        }
        throw std::runtime_error(path + " was not written");
    }

    const fs::path &directory() const { return directory_.path(); }

private:
    TempDir directory_;
    std::vector<std::pair<std::string, std::string>> entries_;
    std::vector<WrittenEntry> written_;
};

std::string spec_of(const fs::path &file, std::string_view suffix = {}) {
    return "oci-archive:" + file.string() + std::string(suffix);
}

std::string error_of_root(const std::string &spec, ClientHooks hooks = {}) {
    ArchiveOpener opener(std::move(hooks));
    try {
        opener.open(spec)->fetch_root();
    } catch (const Error &error) {
        return error.what();
    }
    return "(no error)";
}

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

// A mirror artifact with two images, written as serialize writes it.
struct SerializedSample {
    SampleImage first = testing::make_sample_image("first");
    SampleImage second = testing::make_sample_image("second");
    Blob root = testing::make_index({testing::descriptor_of(first.manifest), testing::descriptor_of(second.manifest)},
                                    testing::kGatherArtifactType);

    void fill(ArchiveFixture &archive) const {
        archive.add_marker();
        archive.add_index({tagged(root, "sync-45")});
        archive.add_blob(root);
        archive.add_image(first);
        archive.add_image(second);
        archive.add_index({tagged(root, "sync-45"), testing::descriptor_of(first.manifest),
                           testing::descriptor_of(second.manifest)});
    }
};

TEST(ParseArchiveSpec, SplitsPathTagAndDigest) {
    const std::string digest = "sha256:" + std::string(64, 'a');
    struct Case {
        std::string spec;
        std::string path;
        std::string tag;
        std::string digest;
    };
    const Case cases[] = {
        {"oci-archive:sync-45.tar.zst", "sync-45.tar.zst", "", ""},
        {"oci-archive:/tapes/sync-45.tar:sync-45", "/tapes/sync-45.tar", "sync-45", ""},
        {"oci-archive:-", "-", "", ""},
        {"oci-archive:-:sync-44", "-", "sync-44", ""},
        {"oci-archive:a.tar@" + digest, "a.tar", "", digest},
        {"oci-archive:/mnt/a:b/x.tar", "/mnt/a:b/x.tar", "", ""},
        {"oci-archive:/mnt/user@host.tar", "/mnt/user@host.tar", "", ""},
    };
    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.spec);
        const ArchiveSpec spec = parse_archive_spec(test_case.spec);
        EXPECT_EQ(spec.path, test_case.path);
        EXPECT_EQ(spec.tag, test_case.tag);
        EXPECT_EQ(spec.digest ? spec.digest->str() : "", test_case.digest);
    }
}

TEST(ParseArchiveSpec, RejectsInvalidSpecs) {
    EXPECT_THROW(parse_archive_spec("oci:layout"), Error);
    EXPECT_THROW(parse_archive_spec("oci-archive:"), Error);
    EXPECT_THROW(parse_archive_spec("oci-archive::v1"), Error);
    EXPECT_THROW(parse_archive_spec("oci-archive:a.tar:"), Error);
}

TEST(ArchiveSource, RootIsTheEntryOfTheFirstIndex) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar");

    ArchiveOpener opener({});
    const auto source = opener.open(spec_of(file));
    EXPECT_EQ(source->display_name(), spec_of(file));
    const FetchedManifest root = source->fetch_root();
    EXPECT_EQ(root.descriptor.digest.str(), sample.root.digest);
    EXPECT_EQ(root.body, sample.root.data);
    EXPECT_EQ(root.manifest.artifact_type, testing::kGatherArtifactType);
    ASSERT_EQ(root.manifest.manifests.size(), 2u);

    const FetchedManifest child = source->fetch(root.manifest.manifests[1]);
    EXPECT_EQ(child.descriptor.digest.str(), sample.second.manifest.digest);
    EXPECT_EQ(child.descriptor.media_type, media_type::kOciManifest);
    EXPECT_EQ(child.body, sample.second.manifest.data);
}

TEST(ArchiveSource, TagAndDigestSelectTheRoot) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar");

    ArchiveOpener opener({});
    EXPECT_EQ(opener.open(spec_of(file, ":sync-45"))->fetch_root().descriptor.digest.str(), sample.root.digest);

    // A digest need not be listed in index.json.
    const FetchedManifest by_digest = opener.open(spec_of(file, "@" + sample.first.manifest.digest))->fetch_root();
    EXPECT_EQ(by_digest.descriptor.digest.str(), sample.first.manifest.digest);
    EXPECT_EQ(by_digest.descriptor.media_type, media_type::kOciManifest);

    const std::string absent = "sha256:" + std::string(64, 'e');
    EXPECT_THROW(opener.open(spec_of(file, "@" + absent))->fetch_root(), NotFoundError);
}

TEST(ArchiveSource, SeveralTagsNeedATag) {
    ArchiveFixture archive;
    const SampleImage first = testing::make_sample_image("first");
    const SampleImage second = testing::make_sample_image("second");
    archive.add_marker();
    archive.add_image(first);
    archive.add_image(second);
    archive.add_index({tagged(first.manifest, "v1"), tagged(second.manifest, "v2")});
    const fs::path file = archive.write("two-tags.tar");

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "index.json lists 2 manifests")) << message;
    EXPECT_TRUE(contains(message, "add :TAG or @DIGEST")) << message;
    EXPECT_TRUE(contains(message, "v1 (" + first.manifest.digest + ")")) << message;
    EXPECT_TRUE(contains(message, "v2 (" + second.manifest.digest + ")")) << message;

    ArchiveOpener opener({});
    EXPECT_EQ(opener.open(spec_of(file, ":v2"))->fetch_root().descriptor.digest.str(), second.manifest.digest);
}

TEST(ArchiveSource, UnknownTagListsAvailableTags) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar");

    ArchiveOpener opener({});
    try {
        opener.open(spec_of(file, ":sync-99"))->fetch_root();
        FAIL() << "found a tag that does not exist";
    } catch (const NotFoundError &error) {
        const std::string message = error.what();
        EXPECT_TRUE(contains(message, spec_of(file, ":sync-99"))) << message;
        EXPECT_TRUE(contains(message, "no manifest tagged \"sync-99\"")) << message;
        EXPECT_TRUE(contains(message, "available tags: sync-45")) << message;
    }
}

TEST(ArchiveSource, TagOnTwoDigestsIsAnError) {
    ArchiveFixture archive;
    const SampleImage first = testing::make_sample_image("first");
    const SampleImage second = testing::make_sample_image("second");
    archive.add_marker();
    archive.add_index({tagged(first.manifest, "v1"), tagged(second.manifest, "v1")});
    archive.add_image(first);
    archive.add_image(second);
    const fs::path file = archive.write("twice.tar");

    const std::string message = error_of_root(spec_of(file, ":v1"));
    EXPECT_TRUE(contains(message, "the tag \"v1\" names 2 different manifests")) << message;
}

TEST(ArchiveSource, IndexJsonLastAndDotSlashPaths) {
    // The order skopeo writes: directories and blobs, then index.json and
    // oci-layout, with the paths `tar -C DIR .` gives.
    ArchiveFixture archive;
    const SampleImage image = testing::make_sample_image("image");
    archive.add("./" + blob_entry(image.config), image.config.data);
    archive.add("./" + blob_entry(image.layer), image.layer.data);
    archive.add("./" + blob_entry(image.manifest), image.manifest.data);
    archive.add("./index.json", index_json({tagged(image.manifest, "v1")}));
    archive.add("./oci-layout", std::string(kLayoutMarker));
    const fs::path file = archive.write("skopeo-order.tar");

    ArchiveOpener opener({});
    const FetchedManifest root = opener.open(spec_of(file))->fetch_root();
    EXPECT_EQ(root.descriptor.digest.str(), image.manifest.digest);
}

TEST(ArchiveSource, CompressionIsDetectedFromContent) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const std::pair<Compression, std::string> cases[] = {
        {Compression::None, "none"}, {Compression::Gzip, "gzip"}, {Compression::Zstd, "zstd"}, {Compression::Xz, "xz"}};
    for (const auto &[compression, name] : cases) {
        SCOPED_TRACE(name);
        // The file name says nothing about the compression.
        const fs::path file = archive.write("archive-" + name + ".bin", compression);
        ArchiveOpener opener({});
        const auto source = opener.open(spec_of(file));
        const FetchedManifest root = source->fetch_root();
        EXPECT_EQ(root.descriptor.digest.str(), sample.root.digest);
        EXPECT_EQ(source->fetch(root.manifest.manifests[0]).body, sample.first.manifest.data);

        const std::vector<ArchiveSummary> summaries = opener.summaries();
        ASSERT_EQ(summaries.size(), 1u);
        EXPECT_EQ(summaries[0].compression, name);
        EXPECT_EQ(summaries[0].manifests, 3u);
        EXPECT_EQ(summaries[0].entries, 10u);
    }
}

TEST(ArchiveSource, ChildIsCheckedAgainstItsDescriptor) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar");

    ArchiveOpener opener({});
    const auto source = opener.open(spec_of(file));
    Descriptor wrong_size = source->fetch_root().manifest.manifests[0];
    wrong_size.size += 1;
    try {
        source->fetch(wrong_size);
        FAIL() << "accepted a manifest whose size differs from its descriptor";
    } catch (const Error &error) {
        EXPECT_TRUE(contains(error.what(), "does not match its descriptor")) << error.what();
    }
}

TEST(ArchiveSource, ConfigBlobIsNotAManifest) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar");

    ArchiveOpener opener({});
    const auto source = opener.open(spec_of(file));
    source->fetch_root();

    Descriptor config;
    config.digest = Digest::parse(sample.first.config.digest);
    config.size = sample.first.config.size;
    try {
        source->fetch(config);
        FAIL() << "returned a config blob as a manifest";
    } catch (const NotFoundError &error) {
        FAIL() << "a blob that is in the archive was reported missing: " << error.what();
    } catch (const Error &error) {
        EXPECT_TRUE(contains(error.what(), blob_entry(sample.first.config))) << error.what();
    }
}

TEST(ArchiveSource, MissingChildIsNotFound) {
    ArchiveFixture archive;
    const SerializedSample sample;
    archive.add_marker();
    archive.add_index({tagged(sample.root, "sync-45")});
    archive.add_blob(sample.root);
    archive.add_image(sample.first);  // the second image is left out
    const fs::path file = archive.write("partial.tar");

    ArchiveOpener opener({});
    const auto source = opener.open(spec_of(file));
    const FetchedManifest root = source->fetch_root();
    try {
        source->fetch(root.manifest.manifests[1]);
        FAIL() << "found a manifest that is not in the archive";
    } catch (const NotFoundError &error) {
        EXPECT_TRUE(contains(error.what(), "manifest " + sample.second.manifest.digest + " is not in the archive"))
            << error.what();
        EXPECT_TRUE(contains(error.what(), blob_entry(sample.second.manifest))) << error.what();
    }
}

TEST(ArchiveSource, DamagedManifestNamesEntryAndDigests) {
    ArchiveFixture archive;
    const SerializedSample sample;
    archive.add_marker();
    archive.add_index({tagged(sample.root, "sync-45")});
    archive.add_blob(sample.root);
    std::string damaged = sample.first.manifest.data;
    damaged.replace(damaged.find("layers"), 6, "Layers");
    archive.add(blob_entry(sample.first.manifest), damaged);
    archive.add_image(sample.second);
    const fs::path file = archive.write("damaged.tar");

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "oci-archive:" + file.string() + " is damaged")) << message;
    EXPECT_TRUE(contains(message, "entry " + blob_entry(sample.first.manifest))) << message;
    EXPECT_TRUE(contains(message, "expected content with the digest " + sample.first.manifest.digest)) << message;
    EXPECT_TRUE(contains(message, "computed " + testing::sha256_digest(damaged))) << message;
}

TEST(ArchiveSource, TruncatedInsideEntryListsMissingManifests) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path whole = archive.write("sync-45.tar");

    // Cut inside the second image's manifest: the root and the first image
    // were read, the second image's manifest was not.
    const WrittenEntry &cut_entry = archive.entry(blob_entry(sample.second.manifest));
    const std::int64_t cut = cut_entry.data_offset + 10;
    const fs::path file = archive.directory() / "cut.tar";
    acedt_test::write_truncated_copy(whole, file, cut);

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "oci-archive:" + file.string() + " is truncated")) << message;
    EXPECT_TRUE(contains(message, "after " + std::to_string(cut) + " bytes of input")) << message;
    EXPECT_TRUE(contains(message, blob_entry(sample.second.manifest))) << message;
    EXPECT_TRUE(contains(message, "2 manifests had been read")) << message;
    EXPECT_TRUE(contains(message, "1 referenced manifest is missing: " + sample.second.manifest.digest +
                                      " (referenced by " + sample.root.digest + ")"))
        << message;
}

TEST(ArchiveSource, TruncatedAfterEveryManifestStillFails) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path whole = archive.write("sync-45.tar");

    // Cut inside the last layer: every manifest was read, but the layer and
    // the closing index.json are gone.
    const std::int64_t cut = archive.entry(blob_entry(sample.second.layer)).data_offset + 3;
    const fs::path file = archive.directory() / "cut.tar";
    acedt_test::write_truncated_copy(whole, file, cut);

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "is truncated")) << message;
    EXPECT_TRUE(contains(message, "no referenced manifest is missing")) << message;
}

TEST(ArchiveSource, TruncatedAtEntryBoundaryIsDetected) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path whole = archive.write("sync-45.tar");

    // Cut exactly before the header of the second image's manifest: tar
    // readers see a clean end there, but the end-of-archive marker is
    // missing.
    const std::int64_t cut = archive.entry(blob_entry(sample.second.manifest)).header_offset;
    const fs::path file = archive.directory() / "cut.tar";
    acedt_test::write_truncated_copy(whole, file, cut);

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "is truncated")) << message;
    EXPECT_TRUE(contains(message, "end-of-archive marker")) << message;
    EXPECT_TRUE(contains(message, "after " + std::to_string(cut) + " bytes of input")) << message;
    EXPECT_TRUE(contains(message, sample.second.manifest.digest)) << message;
}

TEST(ArchiveSource, TruncatedCompressedArchives) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    for (const Compression compression : {Compression::Gzip, Compression::Zstd}) {
        const fs::path whole = archive.write("sync-45" + acedt_test::archive_suffix(compression), compression);
        const auto size = static_cast<std::int64_t>(fs::file_size(whole));
        const fs::path file = archive.directory() / ("cut" + acedt_test::archive_suffix(compression));
        acedt_test::write_truncated_copy(whole, file, size / 2);

        const std::string message = error_of_root(spec_of(file));
        EXPECT_TRUE(contains(message, "is truncated")) << message;
        EXPECT_TRUE(contains(message, "after " + std::to_string(size / 2) + " bytes of input")) << message;
    }
}

// The manifests before the cut of a compressed archive are still listed:
// a 512 KiB incompressible layer separates the first image from the second,
// and the cut falls after that layer.
TEST(ArchiveSource, TruncatedCompressedArchiveListsMissingManifests) {
    std::mt19937 random(45);
    std::string noise(512 * 1024, '\0');
    for (char &byte : noise) {
        byte = static_cast<char>(random() & 0xff);
    }
    const Blob filler = testing::make_blob(testing::kOciLayerType, noise);
    const SerializedSample sample;

    for (const Compression compression : {Compression::Gzip, Compression::Zstd}) {
        SCOPED_TRACE(acedt_test::archive_suffix(compression));
        ArchiveFixture archive;
        archive.add_marker();
        archive.add_index({tagged(sample.root, "sync-45")});
        archive.add_blob(sample.root);
        archive.add_image(sample.first);
        archive.add_blob(filler);
        archive.add_image(sample.second);
        archive.add_index({tagged(sample.root, "sync-45")});
        const fs::path whole = archive.write("sync-45" + acedt_test::archive_suffix(compression), compression);
        const fs::path file = archive.directory() / "cut.bin";
        acedt_test::write_truncated_copy(whole, file, static_cast<std::int64_t>(fs::file_size(whole)) - 100);

        const std::string message = error_of_root(spec_of(file));
        EXPECT_TRUE(contains(message, "is truncated")) << message;
        EXPECT_TRUE(contains(message, "2 manifests had been read")) << message;
        EXPECT_TRUE(contains(message, "1 referenced manifest is missing: " + sample.second.manifest.digest)) << message;
    }
}

TEST(ArchiveSource, MissingIndexJsonIsAnError) {
    ArchiveFixture archive;
    const SampleImage image = testing::make_sample_image("image");
    archive.add_marker();
    archive.add_image(image);
    archive.add("layout/index.json", index_json({tagged(image.manifest, "v1")}));
    const fs::path file = archive.write("no-index.tar");

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "is not an OCI image layout: it has no index.json entry")) << message;
    EXPECT_TRUE(contains(message, "it has layout/index.json")) << message;
}

TEST(ArchiveSource, MissingLayoutMarkerIsAnError) {
    ArchiveFixture archive;
    const SampleImage image = testing::make_sample_image("image");
    archive.add_index({tagged(image.manifest, "v1")});
    archive.add_image(image);
    const fs::path file = archive.write("no-marker.tar");

    EXPECT_TRUE(contains(error_of_root(spec_of(file)), "it has no oci-layout entry"));
}

TEST(ArchiveSource, InvalidIndexJsonNamesTheEntry) {
    ArchiveFixture archive;
    archive.add_marker();
    archive.add("index.json", R"({"schemaVersion": 2, "manifests": [{"digest": "sha256:nothex"}]})");
    const fs::path file = archive.write("bad-index.tar");

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "entry index.json (entry 2 of the archive)")) << message;
    EXPECT_TRUE(contains(message, "manifests[0]")) << message;
}

TEST(ArchiveSource, InputThatIsNotAnArchive) {
    TempDir directory;
    const fs::path json = directory.write("index.json", R"({"schemaVersion": 2, "manifests": []})");
    const std::string message = error_of_root(spec_of(json));
    EXPECT_TRUE(contains(message, "is not a tar archive, plain or compressed with gzip, zstd, xz or bzip2")) << message;

    const fs::path empty = directory.write("empty.tar", "");
    EXPECT_TRUE(contains(error_of_root(spec_of(empty)), "is empty"));
}

TEST(ArchiveSource, OpenRejectsMissingFileAndDirectory) {
    TempDir directory;
    ArchiveOpener opener({});
    try {
        opener.open(spec_of(directory.path() / "absent.tar"));
        FAIL() << "opened a file that does not exist";
    } catch (const Error &error) {
        EXPECT_TRUE(contains(error.what(), "absent.tar")) << error.what();
        EXPECT_TRUE(contains(error.what(), "No such file")) << error.what();
    }
    try {
        opener.open(spec_of(directory.path()));
        FAIL() << "opened a directory as an archive";
    } catch (const Error &error) {
        EXPECT_TRUE(contains(error.what(), "is a directory; oci:PATH reads")) << error.what();
    }
}

// A 16 MiB layer between the manifests: a seekable plain tar passes over
// it with lseek, and no archive keeps it in memory.
TEST(ArchiveSource, LayerDataIsSkippedBySeeking) {
    constexpr std::int64_t kLayerBytes = 16 * 1024 * 1024;
    const std::string chunk(1024 * 1024, '\0');
    const Blob layer = testing::make_blob(testing::kOciLayerType, std::string(kLayerBytes, '\0'));
    const Blob config = testing::make_blob(testing::kOciConfigType, R"({"architecture":"amd64","os":"linux"})");
    const std::string manifest_json = R"({"schemaVersion":2,"mediaType":")" + std::string(testing::kOciManifestType) +
                                      R"(","config":)" + boost::json::serialize(testing::descriptor_of(config)) +
                                      R"(,"layers":[)" + boost::json::serialize(testing::descriptor_of(layer)) + "]}";
    const Blob manifest = testing::make_blob(testing::kOciManifestType, manifest_json);

    TempDir directory;
    for (const Compression compression : {Compression::None, Compression::Gzip}) {
        SCOPED_TRACE(acedt_test::archive_suffix(compression));
        const fs::path file = directory.path() / ("big" + acedt_test::archive_suffix(compression));
        {
            TarWriter writer(file, compression);
            writer.add_file("oci-layout", std::string(kLayoutMarker));
            writer.add_file("index.json", index_json({tagged(manifest, "v1")}));
            writer.add_file(blob_entry(manifest), manifest.data);
            writer.add_file(blob_entry(config), config.data);
            writer.add_streamed_file(blob_entry(layer), kLayerBytes, [&chunk] { return std::string_view(chunk); });
            writer.close();
        }

        ArchiveOpener opener({});
        EXPECT_EQ(opener.open(spec_of(file))->fetch_root().descriptor.digest.str(), manifest.digest);
        const ArchiveSummary summary = opener.summaries().at(0);
        EXPECT_LT(summary.manifest_bytes, 4096);
        EXPECT_GE(summary.skipped_data_bytes, kLayerBytes);
        if (compression == Compression::None) {
            EXPECT_GE(summary.input_bytes_seeked, kLayerBytes - 1024 * 1024);
            EXPECT_LT(summary.input_bytes_read, 1024 * 1024);
        } else {
            EXPECT_EQ(summary.input_bytes_seeked, 0);
            EXPECT_EQ(summary.input_bytes_read, static_cast<std::int64_t>(fs::file_size(file)));
        }
    }
}

// lseek(2) succeeds past the end of a file, so skipping a layer by seeking
// must not pass over the point where a truncated file ends.
TEST(ArchiveSource, TruncatedInsideSkippedLayer) {
    constexpr std::int64_t kLayerBytes = 4 * 1024 * 1024;
    const std::string chunk(64 * 1024, 'x');
    const Blob layer = testing::make_blob(testing::kOciLayerType, std::string(kLayerBytes, 'x'));

    TempDir directory;
    const fs::path whole = directory.path() / "big.tar";
    const SampleImage image = testing::make_sample_image("image");
    std::int64_t layer_offset = 0;
    {
        TarWriter writer(whole, Compression::None);
        writer.add_file("oci-layout", std::string(kLayoutMarker));
        writer.add_file("index.json", index_json({tagged(image.manifest, "v1")}));
        writer.add_file(blob_entry(image.manifest), image.manifest.data);
        writer.add_streamed_file(blob_entry(layer), kLayerBytes, [&chunk] { return std::string_view(chunk); });
        writer.close();
        layer_offset = writer.entries().back().data_offset;
    }
    const std::int64_t cut = layer_offset + kLayerBytes / 2;
    const fs::path file = directory.path() / "cut.tar";
    acedt_test::write_truncated_copy(whole, file, cut);

    const std::string message = error_of_root(spec_of(file));
    EXPECT_TRUE(contains(message, "is truncated: the input ended after " + std::to_string(cut) + " bytes of input"))
        << message;
    EXPECT_TRUE(contains(message, "reading the data of " + blob_entry(layer) + " failed")) << message;
}

TEST(ArchiveSource, SharedArchiveIsReadOnce) {
    ArchiveFixture archive;
    const SampleImage first = testing::make_sample_image("first");
    const SampleImage second = testing::make_sample_image("second");
    archive.add_marker();
    archive.add_image(first);
    archive.add_image(second);
    archive.add_index({tagged(first.manifest, "v1"), tagged(second.manifest, "v2")});
    const fs::path file = archive.write("two-tags.tar");
    fs::create_directory(archive.directory() / "sub");
    const fs::path other_spelling = archive.directory() / "sub" / ".." / "two-tags.tar";

    ArchiveOpener opener({});
    const auto v1 = opener.open(spec_of(file, ":v1"));
    const auto v2 = opener.open(spec_of(other_spelling, ":v2"));
    EXPECT_EQ(v1->fetch_root().descriptor.digest.str(), first.manifest.digest);
    fs::remove(file);  // the second source must not need the file again
    EXPECT_EQ(v2->fetch_root().descriptor.digest.str(), second.manifest.digest);
    EXPECT_EQ(opener.summaries().size(), 1u);
}

TEST(ArchiveSource, FailedPassIsNotRepeated) {
    ArchiveFixture archive;
    archive.add_marker();
    const fs::path file = archive.write("no-index.tar");

    ArchiveOpener opener({});
    const auto first = opener.open(spec_of(file, ":a"));
    const auto second = opener.open(spec_of(file, ":b"));
    EXPECT_THROW(first->fetch_root(), Error);
    fs::remove(file);
    try {
        second->fetch_root();
        FAIL() << "the second source read an archive whose pass had failed";
    } catch (const Error &error) {
        EXPECT_TRUE(contains(error.what(), "has no index.json entry")) << error.what();
    }
}

TEST(ArchiveSource, InterruptStopsThePass) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar");

    ClientHooks hooks;
    hooks.interrupted = [] { return true; };
    ArchiveOpener opener(hooks);
    EXPECT_THROW(opener.open(spec_of(file))->fetch_root(), InterruptedError);
}

// Ctrl-C is noticed while a pipe has no data, not only when the writer
// goes on: the writer stalls for up to 10 s after the first bytes.
TEST(ArchiveSource, InterruptWhileInputStalls) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const std::string bytes = testing::read_file(archive.write("sync-45.tar"));
    const fs::path fifo = archive.directory() / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0) << std::strerror(errno);

    std::atomic<bool> interrupt{false};
    std::atomic<bool> stop{false};
    std::atomic<bool> writer_went_on{false};
    std::thread writer([&] {
        const int fd = ::open(fifo.c_str(), O_WRONLY);
        if (fd < 0) {
            return;
        }
        const ssize_t written = ::write(fd, bytes.data(), 1024);
        (void)written;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        interrupt = true;
        for (int i = 0; i < 100 && !stop; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        writer_went_on = !stop;
        ::close(fd);
    });

    ClientHooks hooks;
    hooks.interrupted = [&interrupt] { return interrupt.load(); };
    ArchiveOpener opener(hooks);
    EXPECT_THROW(opener.open(spec_of(fifo))->fetch_root(), InterruptedError);
    EXPECT_FALSE(writer_went_on) << "the interrupt was noticed only when the writer closed the pipe";
    stop = true;
    writer.join();
}

TEST(ArchiveSource, Sha512BlobNames) {
    const SampleImage image = testing::make_sample_image("image");
    const Digest sha512 = Digest::compute("sha512", image.manifest.data);
    boost::json::object descriptor = tagged(image.manifest, "v1");
    descriptor["digest"] = sha512.str();

    ArchiveFixture archive;
    archive.add_marker();
    archive.add_index({descriptor});
    archive.add("blobs/sha512/" + sha512.encoded(), image.manifest.data);
    const fs::path file = archive.write("sha512.tar");

    ArchiveOpener opener({});
    const FetchedManifest root = opener.open(spec_of(file))->fetch_root();
    EXPECT_EQ(root.descriptor.digest, sha512);
    EXPECT_EQ(root.body, image.manifest.data);
}

TEST(ArchiveSource, LogsWhatThePassRead) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar.gz", Compression::Gzip);

    std::vector<std::string> messages;
    ClientHooks hooks;
    hooks.log = [&messages](int, const std::string &message) { messages.push_back(message); };
    ArchiveOpener opener(hooks);
    opener.open(spec_of(file))->fetch_root();
    ASSERT_FALSE(messages.empty());
    EXPECT_TRUE(contains(messages.front(), "read " + spec_of(file) + " (compression: gzip): 10 entries, 3 manifests"))
        << messages.front();
}

// Builds an OCI artifact manifest that refers to `subject`.
Blob make_referrer(const Blob &subject, std::string_view artifact_type, std::string_view config_type,
                   std::string_view seed) {
    const Blob empty = testing::make_blob(config_type, "{}");
    boost::json::object manifest;
    manifest["schemaVersion"] = 2;
    manifest["mediaType"] = testing::kOciManifestType;
    if (!artifact_type.empty()) {
        manifest["artifactType"] = artifact_type;
    }
    manifest["config"] = testing::descriptor_of(empty);
    manifest["layers"] = boost::json::array{testing::descriptor_of(testing::make_blob("application/vnd.oci.empty.v1+json", "{}"))};
    manifest["subject"] = testing::descriptor_of(subject);
    manifest["annotations"] = boost::json::object{{"seed", std::string(seed)}};
    return testing::make_blob(testing::kOciManifestType, boost::json::serialize(manifest));
}

TEST(ArchiveSource, ReferrersFromEveryPlace) {
    constexpr std::string_view kSignature = "application/vnd.example.signature";
    constexpr std::string_view kSbomConfig = "application/vnd.example.sbom.config";
    constexpr std::string_view kAttestation = "application/vnd.example.attestation";
    const SampleImage image = testing::make_sample_image("image");
    const SampleImage other = testing::make_sample_image("other");
    // Only a blob in the archive.
    const Blob signature = make_referrer(image.manifest, kSignature, "application/vnd.oci.empty.v1+json", "sig");
    // Listed in index.json, without artifactType, so its config's media type
    // is used instead.
    const Blob sbom = make_referrer(image.manifest, "", kSbomConfig, "sbom");
    // Only listed by the referrers tag index; its blob is not in the archive.
    const Blob attestation = make_referrer(image.manifest, kAttestation, "application/vnd.oci.empty.v1+json", "att");
    // The referrer of another image.
    const Blob unrelated = make_referrer(other.manifest, kSignature, "application/vnd.oci.empty.v1+json", "other");

    boost::json::object attestation_descriptor = testing::descriptor_of(attestation);
    attestation_descriptor["artifactType"] = kAttestation;
    const Blob tag_index = testing::make_index({attestation_descriptor});
    std::string referrers_tag = image.manifest.digest;
    referrers_tag[referrers_tag.find(':')] = '-';

    ArchiveFixture archive;
    archive.add_marker();
    archive.add_image(image);
    archive.add_image(other);
    archive.add_blob(signature);
    archive.add_blob(sbom);
    archive.add_blob(unrelated);
    archive.add_blob(tag_index);
    archive.add_index({tagged(image.manifest, "v1"),
                       testing::descriptor_of(sbom, {{"org.example.note", "listed"}}),
                       tagged(tag_index, referrers_tag)});
    const fs::path file = archive.write("referrers.tar");

    ArchiveOpener opener({});
    const auto source = opener.open(spec_of(file, ":v1"));
    const Digest subject = Digest::parse(image.manifest.digest);

    std::map<std::string, Descriptor> found;
    for (const Descriptor &descriptor : source->referrers(subject, "")) {
        found.emplace(descriptor.digest.str(), descriptor);
    }
    ASSERT_EQ(found.size(), 3u);
    ASSERT_TRUE(found.contains(signature.digest));
    EXPECT_EQ(found.at(signature.digest).artifact_type, kSignature);
    EXPECT_EQ(found.at(signature.digest).size, signature.size);
    ASSERT_TRUE(found.contains(sbom.digest));
    const std::string *note = found.at(sbom.digest).annotation("org.example.note");
    ASSERT_NE(note, nullptr) << "the index.json entry was not used";
    EXPECT_EQ(*note, "listed");
    ASSERT_TRUE(found.contains(attestation.digest));
    EXPECT_EQ(found.at(attestation.digest).artifact_type, kAttestation);

    const std::vector<Descriptor> signatures = source->referrers(subject, kSignature);
    ASSERT_EQ(signatures.size(), 1u);
    EXPECT_EQ(signatures[0].digest.str(), signature.digest);

    const std::vector<Descriptor> of_other = source->referrers(Digest::parse(other.manifest.digest), "");
    ASSERT_EQ(of_other.size(), 1u);
    EXPECT_EQ(of_other[0].digest.str(), unrelated.digest);
    EXPECT_TRUE(source->referrers(Digest::parse(signature.digest), "").empty());
}

TEST(SourceOpener, OpensArchives) {
    ArchiveFixture archive;
    const SerializedSample sample;
    sample.fill(archive);
    const fs::path file = archive.write("sync-45.tar.zst", Compression::Zstd);

    SourceOpener opener(ClientConfig{}, ClientHooks{});
    const auto source = opener.open(spec_of(file, ":sync-45"));
    EXPECT_EQ(source->fetch_root().descriptor.digest.str(), sample.root.digest);
}

}  // namespace
}  // namespace acedt::oci
