#include <acedt_test/archive_writer.hpp>
#include <acedt_test/layout_builder.hpp>
#include <acedt_test/temp_dir.hpp>

#include "test_helpers.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace json = boost::json;

namespace acedt_test {
namespace {

using testing::read_file;

struct ReadEntry {
    std::string path;
    std::string data;
};

// Reads every entry back with libarchive, whatever the compression.
std::vector<ReadEntry> read_archive(const std::filesystem::path &file) {
    archive *reader = archive_read_new();
    archive_read_support_filter_all(reader);
    archive_read_support_format_tar(reader);
    if (archive_read_open_filename(reader, file.c_str(), 65536) != ARCHIVE_OK) {
        const std::string reason = archive_error_string(reader);
        archive_read_free(reader);
        throw std::runtime_error("cannot read " + file.string() + ": " + reason);
    }
    std::vector<ReadEntry> entries;
    archive_entry *entry = nullptr;
    while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
        ReadEntry read{archive_entry_pathname(entry), std::string(archive_entry_size(entry), '\0')};
        if (!read.data.empty()) {
            archive_read_data(reader, read.data.data(), read.data.size());
        }
        entries.push_back(std::move(read));
    }
    archive_read_free(reader);
    return entries;
}

std::string blob_entry(const Blob &blob) {
    return "blobs/sha256/" + blob.digest.substr(7);
}

std::size_t position_of(const std::vector<ReadEntry> &entries, const std::string &path) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].path == path) {
            return i;
        }
    }
    ADD_FAILURE() << path << " is not in the archive";
    return entries.size();
}

json::array listed_manifests(const std::string &index_json) {
    return json::parse(index_json).at("manifests").as_array();
}

class ArchiveWriterTest : public ::testing::Test {
protected:
    ArchiveWriterTest() : builder_(dir_.path() / "layout") {
        image_ = builder_.add_image("image");
        multi_ = builder_.add_multi_platform("multi");
        nested_ = builder_.add_mirror_artifact({sourced(image_, "example.com/image:1")});
        root_ = builder_.add_mirror_artifact({sourced(multi_, "example.com/multi:1"),
                                              sourced(nested_, "example.com/mirror:nested")});
        builder_.tag(root_, "root");
        builder_.tag(image_, "image");
    }

    json::object manifest_json(const Blob &blob) const {
        return json::parse(read_file(builder_.blob_path(blob))).as_object();
    }

    TempDir dir_;
    LayoutBuilder builder_;
    Blob image_;
    Blob multi_;
    Blob nested_;
    Blob root_;
};

TEST_F(ArchiveWriterTest, SerializedArchiveHasSerializeOrder) {
    const auto file = dir_.path() / "root.tar";
    write_serialized_archive(builder_.dir(), "root", file);
    const std::vector<ReadEntry> entries = read_archive(file);

    ASSERT_GE(entries.size(), 4u);
    EXPECT_EQ(entries[0].path, "oci-layout");
    EXPECT_EQ(entries[1].path, "index.json");
    EXPECT_EQ(entries[2].path, blob_entry(root_));
    EXPECT_EQ(entries.back().path, "index.json");

    const json::array first = listed_manifests(entries[1].data);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].at("digest").as_string(), root_.digest);
    EXPECT_EQ(first[0].at("annotations").at(kRefNameAnnotation).as_string(), "root");

    // Each manifest comes before its children, and an image manifest before
    // its config and layers.
    EXPECT_LT(position_of(entries, blob_entry(root_)), position_of(entries, blob_entry(multi_)));
    EXPECT_LT(position_of(entries, blob_entry(root_)), position_of(entries, blob_entry(nested_)));
    EXPECT_LT(position_of(entries, blob_entry(nested_)), position_of(entries, blob_entry(image_)));
    const json::object image = manifest_json(image_);
    const std::string config = "blobs/sha256/" + std::string(image.at("config").at("digest").as_string()).substr(7);
    EXPECT_LT(position_of(entries, blob_entry(image_)), position_of(entries, config));

    // The last index.json lists the root and every manifest below it:
    // root, multi and its two platform images, nested, image.
    EXPECT_EQ(listed_manifests(entries.back().data).size(), 6u);
}

TEST_F(ArchiveWriterTest, EveryBlobOnceAndOmittedBlobsLeftOut) {
    const json::object image = manifest_json(image_);
    const std::string layer(image.at("layers").at(0).at("digest").as_string());
    SerializeOptions options;
    options.omit_blobs = {layer};

    const auto file = dir_.path() / "root.tar";
    write_serialized_archive(builder_.dir(), "root", file, options);
    const std::vector<ReadEntry> entries = read_archive(file);

    std::map<std::string, int> counts;
    for (const ReadEntry &entry : entries) {
        ++counts[entry.path];
    }
    for (const auto &[path, count] : counts) {
        EXPECT_EQ(count, path == "index.json" ? 2 : 1) << path;
    }
    EXPECT_EQ(counts.count("blobs/sha256/" + layer.substr(7)), 0u);
}

TEST_F(ArchiveWriterTest, ReplacedBlobKeepsItsName) {
    SerializeOptions options;
    options.replace_blobs[nested_.digest] = "{}";
    const auto file = dir_.path() / "root.tar";
    write_serialized_archive(builder_.dir(), "root", file, options);

    const std::vector<ReadEntry> entries = read_archive(file);
    EXPECT_EQ(entries[position_of(entries, blob_entry(nested_))].data, "{}");
}

TEST_F(ArchiveWriterTest, OffsetsPointAtDataInPlainArchive) {
    const auto file = dir_.path() / "root.tar";
    const std::vector<WrittenEntry> written = write_serialized_archive(builder_.dir(), "root", file);
    const std::string bytes = read_file(file);
    const std::vector<ReadEntry> entries = read_archive(file);

    ASSERT_EQ(written.size(), entries.size());
    for (std::size_t i = 0; i < written.size(); ++i) {
        EXPECT_EQ(written[i].path, entries[i].path);
        EXPECT_EQ(bytes.substr(static_cast<std::size_t>(written[i].data_offset), entries[i].data.size()),
                  entries[i].data)
            << written[i].path;
        EXPECT_EQ(written[i].header_offset % 512, 0);
        EXPECT_LT(written[i].header_offset, written[i].data_offset);
    }
    // The file ends with the two zero blocks of the end-of-archive marker.
    EXPECT_EQ(bytes.substr(bytes.size() - 1024), std::string(1024, '\0'));
}

TEST_F(ArchiveWriterTest, CompressedArchivesReadBack) {
    const auto plain = dir_.path() / "root.tar";
    write_serialized_archive(builder_.dir(), "root", plain);
    for (const Compression compression : {Compression::Gzip, Compression::Zstd, Compression::Xz}) {
        const auto file = dir_.path() / ("root" + archive_suffix(compression));
        SerializeOptions options;
        options.compression = compression;
        write_serialized_archive(builder_.dir(), "root", file, options);

        EXPECT_NE(read_file(file), read_file(plain)) << file;
        const std::vector<ReadEntry> entries = read_archive(file);
        const std::vector<ReadEntry> expected = read_archive(plain);
        ASSERT_EQ(entries.size(), expected.size()) << file;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            EXPECT_EQ(entries[i].path, expected[i].path);
            EXPECT_EQ(entries[i].data, expected[i].data);
        }
    }
}

TEST_F(ArchiveWriterTest, LayoutArchiveOrders) {
    const auto first = dir_.path() / "first.tar";
    const auto last = dir_.path() / "last.tar";
    write_layout_archive(builder_.dir(), first, Compression::None, LayoutOrder::IndexFirst);
    write_layout_archive(builder_.dir(), last, Compression::None, LayoutOrder::IndexLast);

    const std::vector<ReadEntry> first_entries = read_archive(first);
    ASSERT_GE(first_entries.size(), 3u);
    EXPECT_EQ(first_entries[0].path, "./oci-layout");
    EXPECT_EQ(first_entries[1].path, "./index.json");
    EXPECT_EQ(first_entries[1].data, read_file(builder_.dir() / "index.json"));
    EXPECT_EQ(first_entries[2].path, "./blobs/");

    const std::vector<ReadEntry> last_entries = read_archive(last);
    ASSERT_EQ(last_entries.size(), first_entries.size());
    EXPECT_EQ(last_entries[0].path, "./blobs/");
    EXPECT_EQ(last_entries[last_entries.size() - 2].path, "./index.json");
    EXPECT_EQ(last_entries.back().path, "./oci-layout");
    EXPECT_NO_THROW(position_of(last_entries, "./" + blob_entry(root_)));
}

TEST(ArchiveWriter, TruncatedCopyKeepsPrefix) {
    TempDir dir;
    const auto file = dir.path() / "a.tar";
    TarWriter writer(file, Compression::None);
    writer.add_file("a", std::string(3000, 'a'));
    writer.close();

    write_truncated_copy(file, dir.path() / "cut.tar", 700);
    EXPECT_EQ(read_file(dir.path() / "cut.tar"), read_file(file).substr(0, 700));
    EXPECT_THROW(write_truncated_copy(file, dir.path() / "cut.tar", 1 << 20), std::runtime_error);
}

TEST(ArchiveWriter, StreamedFileWritesEveryChunk) {
    TempDir dir;
    const auto file = dir.path() / "big.tar.gz";
    TarWriter writer(file, Compression::Gzip);
    const std::string chunk(1000, 'z');
    writer.add_streamed_file("big", 2500, [&chunk] { return std::string_view(chunk); });
    writer.close();

    const std::vector<ReadEntry> entries = read_archive(file);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].data, std::string(2500, 'z'));
}

}  // namespace
}  // namespace acedt_test
