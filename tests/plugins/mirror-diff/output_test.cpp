#include "output.hpp"

#include <acedt_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
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

using acedt_test::TempDir;

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

TEST(ParseOutputSpecs, RejectsTwoStandardOutputs) {
    try {
        parse_output_specs({"json", "csv"});
        FAIL() << "expected OutputSpecError";
    } catch (const OutputSpecError &e) {
        EXPECT_NE(std::string(e.what()).find("standard output"), std::string::npos) << e.what();
    }
}

TEST(ParseOutputSpecs, RejectsSameFileThroughLink) {
    TempDir dir;
    const fs::path file = dir.path() / "out.json";
    std::ofstream(file) << "old";
    fs::create_symlink(file, dir.path() / "link.json");

    EXPECT_THROW(parse_output_specs({"json=" + file.string(), "csv=" + (dir.path() / "link.json").string()}),
                 OutputSpecError);
}

TEST(ParseOutputSpecs, AcceptsDeviceNames) {
    EXPECT_NO_THROW(parse_output_specs({"json=/dev/null"}));
    EXPECT_NO_THROW(check_output_paths(parse_output_specs({"json=/dev/null"})));
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

// Runs check_output_paths for a file in a read-only directory. Root may
// write anywhere, so as root the check runs in a child process that drops
// to the unprivileged user "nobody" (uid 65534) first.
TEST(CheckOutputPaths, ReadOnlyDirectory) {
    TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                    fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    const auto specs = parse_output_specs({"json=" + (dir.path() / "o.json").string()});

    if (::geteuid() != 0) {
        EXPECT_THROW(check_output_paths(specs), OutputSpecError);
        return;
    }

    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
        try {
            check_output_paths(specs);
        } catch (const OutputSpecError &e) {
            ::_exit(std::string(e.what()).find("not writable") != std::string::npos ? 0 : 2);
        }
        ::_exit(1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no error, 2: another error, 3: could not drop privileges";
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
    const std::string table = render(Format::Table, {{"bad\x1b[31mref\xff", kDigestA}});
    EXPECT_EQ(table.find('\x1b'), std::string::npos);
    EXPECT_NE(table.find("bad\\x1B[31mref\\xFF   "), std::string::npos) << table;
}

TEST(Render, TableEscapesNulByte) {
    const std::string table = render(Format::Table, {{std::string("a\0b", 3), kDigestA}});
    EXPECT_EQ(table.find('\0'), std::string::npos);
    EXPECT_NE(table.find("a\\x00b"), std::string::npos) << table;
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

TEST(Render, CsvEscapesControlCharactersAndInvalidUtf8) {
    const std::string reference = std::string("line\r\nbreak nul") + '\0' + "byte \x1b[2J bad\xff back\\slash";
    const std::string csv = render(Format::Csv, {{reference, kDigestA}});
    EXPECT_EQ(csv, "reference,digest\r\nline\\x0D\\x0Abreak nul\\x00byte \\x1B[2J bad\\xFF back\\\\slash," +
                       kDigestA + "\r\n");
}

TEST(Render, JsonReplacesInvalidUtf8) {
    const std::string json = render(Format::Json, {{std::string("bad\xff\xc3 caf\xc3\xa9 nul") + '\0', kDigestA}});
    const boost::json::value parsed = boost::json::parse(json);
    EXPECT_EQ(parsed.as_array().at(0).at("reference").as_string(),
              std::string("bad\xef\xbf\xbd\xef\xbf\xbd caf\xc3\xa9 nul") + '\0');
}

TEST(Render, CsvHeaderOnlyWhenEmpty) {
    EXPECT_EQ(render(Format::Csv, {}), "reference,digest\r\n");
}

const std::string kDigestC = "sha256:" + std::string(64, 'c');

// An image, its signature, a referrer without artifact type, and a
// signature of the signature.
std::vector<Row> rows_with_referrers() {
    return {{"reg.example.com/app:1", kDigestA},
            {"reg.example.com/app:1", kDigestB, kDigestA, "application/vnd.example.sig"},
            {"reg.example.com/app:1", kDigestC, kDigestB, ""}};
}

TEST(Render, TableWithReferrersAddsTypeAndSubject) {
    const std::string expected =
        "REFERENCE               DIGEST" + std::string(68, ' ') + "ARTIFACT TYPE                 SUBJECT\n"
        "reg.example.com/app:1   " + kDigestA + "\n"
        "reg.example.com/app:1   " + kDigestB + "   application/vnd.example.sig   " + kDigestA + "\n"
        "reg.example.com/app:1   " + kDigestC + "   <none>                        " + kDigestB + "\n";
    EXPECT_EQ(render(Format::Table, rows_with_referrers(), true), expected);
    EXPECT_EQ(render(Format::Table, {}, true), "REFERENCE   DIGEST   ARTIFACT TYPE   SUBJECT\n");
}

TEST(Render, JsonWithReferrersKeepsDigestAndReference) {
    const boost::json::value parsed = boost::json::parse(render(Format::Json, rows_with_referrers(), true));
    const auto &array = parsed.as_array();
    ASSERT_EQ(array.size(), 3u);
    EXPECT_EQ(array[0].as_object().size(), 2u) << "image rows keep exactly digest and reference";
    EXPECT_EQ(array[1].at("digest").as_string(), kDigestB);
    EXPECT_EQ(array[1].at("reference").as_string(), "reg.example.com/app:1");
    EXPECT_EQ(array[1].at("subject").as_string(), kDigestA);
    EXPECT_EQ(array[1].at("artifactType").as_string(), "application/vnd.example.sig");
    EXPECT_EQ(array[2].at("artifactType").as_string(), "");
    EXPECT_EQ(render(Format::Json, rows_with_referrers(), true), render(Format::Json, rows_with_referrers(), false))
        << "JSON rows describe themselves, so -r adds no other change";
}

TEST(Render, CsvWithReferrersHasFourColumns) {
    EXPECT_EQ(render(Format::Csv, rows_with_referrers(), true),
              "reference,digest,artifactType,subject\r\n"
              "reg.example.com/app:1," + kDigestA + ",,\r\n"
              "reg.example.com/app:1," + kDigestB + ",application/vnd.example.sig," + kDigestA + "\r\n"
              "reg.example.com/app:1," + kDigestC + ",," + kDigestB + "\r\n");
    EXPECT_EQ(render(Format::Csv, {}, true), "reference,digest,artifactType,subject\r\n");
}

TEST(WriteOutputFile, ReplacesLongerFileWhole) {
    TempDir dir;
    const fs::path path = dir.path() / "out.json";
    std::ofstream(path) << std::string(1000, 'x');

    write_output_file(path, "[]\n");

    EXPECT_EQ(read_file(path), "[]\n");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1)
        << "no temporary file is left behind";
}

TEST(WriteOutputFile, NewFileGetsUmaskMode) {
    TempDir dir;
    const fs::path path = dir.path() / "new.csv";
    const mode_t old_mask = ::umask(022);
    write_output_file(path, "reference,digest\r\n");
    ::umask(old_mask);

    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST(WriteOutputFile, KeepsModeOfReplacedFile) {
    TempDir dir;
    const fs::path path = dir.path() / "private.json";
    std::ofstream(path) << "old";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);

    write_output_file(path, "[]\n");

    EXPECT_EQ(read_file(path), "[]\n");
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

TEST(WriteOutputFile, FollowsSymbolicLink) {
    TempDir dir;
    const fs::path target = dir.path() / "target.json";
    const fs::path link = dir.path() / "link.json";
    std::ofstream(target) << "old";
    fs::create_symlink("target.json", link);

    write_output_file(link, "[]\n");

    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(read_file(target), "[]\n");
}

TEST(WriteOutputFile, DanglingLinkCreatesTarget) {
    TempDir dir;
    const fs::path link = dir.path() / "link.json";
    fs::create_symlink("new.json", link);

    write_output_file(link, "[]\n");

    EXPECT_TRUE(fs::is_symlink(link));
    EXPECT_EQ(read_file(dir.path() / "new.json"), "[]\n");
}

TEST(WriteOutputFile, WritesIntoDeviceWithoutReplacingIt) {
    write_output_file("/dev/null", "[]\n");
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST(WriteOutputFile, WritesIntoFifo) {
    TempDir dir;
    const fs::path fifo = dir.path() / "fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);

    std::string received;
    std::thread reader([&] { received = read_file(fifo); });
    write_output_file(fifo, "reference,digest\r\n");
    reader.join();

    EXPECT_EQ(received, "reference,digest\r\n");
    EXPECT_TRUE(fs::is_fifo(fifo));
}

TEST(WriteOutputFile, FailureLeavesNoFile) {
    TempDir dir;
    EXPECT_THROW(write_output_file(dir.path() / "missing" / "out.json", "[]\n"), std::runtime_error);
    EXPECT_FALSE(fs::exists(dir.path() / "missing"));
}

}  // namespace
}  // namespace acedt::mirror_diff
