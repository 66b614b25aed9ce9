#include "output.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace acedt::mirror_diff {
namespace {

namespace fs = std::filesystem;

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');

std::string read_file(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "mirror-diff-test.XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path_, ec);
    }
    const fs::path &path() const { return path_; }

private:
    fs::path path_;
};

TEST(ParseOutputSpecs, EmptyMeansTableOnStdout) {
    const auto specs = parse_output_specs({});
    ASSERT_EQ(specs.size(), 1u);
    EXPECT_EQ(specs[0].format, Format::Table);
    EXPECT_FALSE(specs[0].path.has_value());
}

TEST(ParseOutputSpecs, FormatsAndFiles) {
    const auto specs = parse_output_specs({"json", "csv=out.csv", "table=a=b.txt"});
    ASSERT_EQ(specs.size(), 3u);
    EXPECT_EQ(specs[0].format, Format::Json);
    EXPECT_FALSE(specs[0].path.has_value());
    EXPECT_EQ(specs[1].format, Format::Csv);
    EXPECT_EQ(specs[1].path, fs::path("out.csv"));
    EXPECT_EQ(specs[2].format, Format::Table);
    EXPECT_EQ(specs[2].path, fs::path("a=b.txt")) << "split at the first '=' only";
}

TEST(ParseOutputSpecs, RejectsUnknownFormat) {
    try {
        parse_output_specs({"yaml=out.yaml"});
        FAIL() << "expected OutputSpecError";
    } catch (const OutputSpecError &e) {
        EXPECT_NE(std::string(e.what()).find("\"yaml\""), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("table, json or csv"), std::string::npos) << e.what();
    }
}

TEST(ParseOutputSpecs, RejectsEmptyPath) {
    EXPECT_THROW(parse_output_specs({"json="}), OutputSpecError);
}

TEST(ParseOutputSpecs, RejectsSameFileTwice) {
    EXPECT_THROW(parse_output_specs({"json=out.txt", "csv=out.txt"}), OutputSpecError);
    EXPECT_THROW(parse_output_specs({"json=out.txt", "csv=./out.txt"}), OutputSpecError);
}

TEST(CheckOutputPaths, MissingDirectory) {
    TempDir dir;
    const auto specs = parse_output_specs({"json=" + (dir.path() / "missing" / "out.json").string()});
    try {
        check_output_paths(specs);
        FAIL() << "expected OutputSpecError";
    } catch (const OutputSpecError &e) {
        EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
    }
}

TEST(CheckOutputPaths, PathIsDirectory) {
    TempDir dir;
    EXPECT_THROW(check_output_paths(parse_output_specs({"json=" + dir.path().string()})), OutputSpecError);
}

TEST(CheckOutputPaths, ReadOnlyDirectory) {
    if (::geteuid() == 0) {
        GTEST_SKIP() << "root may write to any directory, so a read-only directory cannot be made";
    }
    TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec);
    EXPECT_THROW(check_output_paths(parse_output_specs({"json=" + (dir.path() / "o.json").string()})),
                 OutputSpecError);
}

TEST(CheckOutputPaths, WritableDirectoryPasses) {
    TempDir dir;
    EXPECT_NO_THROW(check_output_paths(parse_output_specs({"json=" + (dir.path() / "o.json").string(), "csv"})));
}

TEST(Render, TableAlignsColumnsAndShowsNone) {
    const std::string table = render(Format::Table, {{"", kDigestB}, {"docker.io/library/busybox:1.36", kDigestA}});
    const std::string expected =
        "REFERENCE                        DIGEST\n"
        "<none>                           " + kDigestB + "\n"
        "docker.io/library/busybox:1.36   " + kDigestA + "\n";
    EXPECT_EQ(table, expected);
}

TEST(Render, TableEscapesControlCharactersAndInvalidUtf8) {
    const std::string table = render(Format::Table, {{std::string("bad\x1b[31mref\xff", 13), kDigestA}});
    EXPECT_EQ(table.find('\x1b'), std::string::npos);
    EXPECT_NE(table.find("bad\\x1B[31mref\\xFF"), std::string::npos) << table;
}

TEST(Render, TableKeepsValidUtf8) {
    const std::string table = render(Format::Table, {{"reg.example.com/caf\xc3\xa9:1", kDigestA}});
    EXPECT_NE(table.find("caf\xc3\xa9"), std::string::npos);
}

TEST(Render, TableHeaderOnlyWhenEmpty) {
    EXPECT_EQ(render(Format::Table, {}), "REFERENCE   DIGEST\n");
}

TEST(Render, JsonIsArrayOfDigestAndReference) {
    const std::string json = render(Format::Json, {{"a\"b", kDigestA}, {"", kDigestB}});
    const boost::json::value parsed = boost::json::parse(json);
    ASSERT_TRUE(parsed.is_array());
    const auto &array = parsed.as_array();
    ASSERT_EQ(array.size(), 2u);
    EXPECT_EQ(array[0].at("digest").as_string(), kDigestA);
    EXPECT_EQ(array[0].at("reference").as_string(), "a\"b");
    EXPECT_EQ(array[1].at("reference").as_string(), "");
    EXPECT_EQ(array[0].as_object().size(), 2u);
}

TEST(Render, JsonEmptyIsEmptyArray) {
    EXPECT_EQ(render(Format::Json, {}), "[]\n");
}

TEST(Render, CsvQuotesAsRfc4180) {
    const std::string csv = render(Format::Csv, {{"plain", kDigestA}, {"with,comma \"quoted\"", kDigestB}});
    EXPECT_EQ(csv, "reference,digest\r\nplain," + kDigestA + "\r\n\"with,comma \"\"quoted\"\"\"," + kDigestB +
                       "\r\n");
}

TEST(Render, CsvHeaderOnlyWhenEmpty) {
    EXPECT_EQ(render(Format::Csv, {}), "reference,digest\r\n");
}

TEST(WriteFileAtomically, ReplacesLongerFileWhole) {
    TempDir dir;
    const fs::path path = dir.path() / "out.json";
    std::ofstream(path) << std::string(1000, 'x');

    write_file_atomically(path, "[]\n");

    EXPECT_EQ(read_file(path), "[]\n");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1)
        << "no temporary file is left behind";
}

TEST(WriteFileAtomically, NewFileGetsUmaskMode) {
    TempDir dir;
    const fs::path path = dir.path() / "new.csv";
    const mode_t old_mask = ::umask(022);
    write_file_atomically(path, "reference,digest\r\n");
    ::umask(old_mask);

    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST(WriteFileAtomically, FailureLeavesNoFile) {
    TempDir dir;
    EXPECT_THROW(write_file_atomically(dir.path() / "missing" / "out.json", "[]\n"), std::runtime_error);
    EXPECT_FALSE(fs::exists(dir.path() / "missing"));
}

}  // namespace
}  // namespace acedt::mirror_diff
