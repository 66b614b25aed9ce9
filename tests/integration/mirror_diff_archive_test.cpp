// `ace-dt mirror diff` with oci-archive: sources through the real binary.
// The archives are written from the sync fixture in the order `ace-dt
// mirror serialize` writes them, plain and compressed. Their rows are
// compared with those of the same content in a registry (Debian's
// docker-registry on 127.0.0.1) and in an OCI layout directory.
#include "ace_dt_runner.hpp"
#include "sync_fixture.hpp"

#include <acedt_test/archive_writer.hpp>
#include <acedt_test/digest.hpp>
#include <acedt_test/layout_builder.hpp>
#include <acedt_test/process.hpp>
#include <acedt_test/push.hpp>
#include <acedt_test/registry_server.hpp>
#include <acedt_test/temp_dir.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace acedt_test {
namespace {

namespace fs = std::filesystem;

const std::string kRepository = "mirror/archive";
const Compression kCompressions[] = {Compression::None, Compression::Gzip, Compression::Zstd};
const char *const kTags[] = {"sync-45", "sync-44", "fallback", "busybox", "alpine"};

std::string read_file(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

std::string blob_entry(const Blob &blob) {
    return "blobs/sha256/" + blob.digest.substr(7);
}

// One registry, one layout and the archives made from it, for the whole
// suite.
class MirrorDiffArchiveTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        shared_ = new Shared();
        shared_->registry = RegistryServer::start();
        shared_->builder = std::make_unique<LayoutBuilder>(shared_->dir.path() / "layout");
        shared_->fixture = build_sync_fixture(*shared_->builder);
        for (const char *tag : kTags) {
            push_layout_tag(shared_->builder->dir(), tag, shared_->registry->host_port(), kRepository, tag);
        }
        for (const Compression compression : kCompressions) {
            for (const char *tag : kTags) {
                SerializeOptions options;
                options.compression = compression;
                write_serialized_archive(shared_->builder->dir(), tag, archive_path(tag, compression), options);
            }
        }
    }

    static void TearDownTestSuite() {
        delete shared_;
        shared_ = nullptr;
    }

    MirrorDiffArchiveTest() : runner_(home_.path()) {}

    static fs::path archive_path(const std::string &tag, Compression compression) {
        return shared_->dir.path() / (tag + archive_suffix(compression));
    }
    static std::string archive(const std::string &tag, Compression compression = Compression::Zstd) {
        return "oci-archive:" + archive_path(tag, compression).string();
    }
    static std::string remote(const std::string &tag) {
        return shared_->registry->host_port() + "/" + kRepository + ":" + tag;
    }
    static std::string layout(const std::string &tag) { return "oci:" + shared_->builder->dir().string() + ":" + tag; }
    static const SyncFixture &fixture() { return shared_->fixture; }
    static fs::path work_dir() { return shared_->dir.path(); }

    // Rows of sync-45 that sync-44 (alpine, busybox, app) does not hold.
    static std::vector<ExpectedRow> rows_new_since_sync44() {
        std::vector<ExpectedRow> rows;
        for (const ExpectedRow &row : fixture().sync45_rows()) {
            if (row.second != fixture().alpine.digest && row.second != fixture().busybox.digest &&
                row.second != fixture().app.digest) {
                rows.push_back(row);
            }
        }
        return rows;
    }

    ProcessResult run_ok(const std::vector<std::string> &arguments) {
        ProcessResult result = runner_.run(arguments);
        EXPECT_EQ(result.exit_code, 0) << "stderr: " << result.err;
        return result;
    }

    // Runs ace-dt like AceDtRunner::run does, with `input` on standard input.
    ProcessResult run_with_input(const std::vector<std::string> &arguments, const std::string &input) {
        std::vector<std::string> argv = {ACE_DT_BINARY};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        const std::map<std::string, std::string> env = {
            {"HOME", home_.path().string()},
            {"XDG_CONFIG_HOME", (home_.path() / ".config").string()},
            {"XDG_CACHE_HOME", (home_.path() / ".cache").string()},
            {"ACE_DT_CONFIG", runner_.config_path().string()},
        };
        const std::vector<std::string> unset = {"ACE_DT_VERBOSITY", "ACE_DT_PLUGIN_PATH", "DOCKER_CONFIG",
                                                "REGISTRY_AUTH_FILE", "ACE_DT_REGISTRY_AUTH_FILE"};
        return run_process(argv, env, unset, std::chrono::seconds(120), input);
    }

    // Runs ace-dt and expects `exit_code`, nothing on standard output, and
    // an error that names the source `spec`.
    std::string run_failing(const std::vector<std::string> &arguments, const std::string &spec, int exit_code = 1) {
        const ProcessResult result = runner_.run(arguments);
        EXPECT_EQ(result.exit_code, exit_code) << result.err;
        EXPECT_EQ(result.out, "");
        EXPECT_TRUE(contains(result.err, spec)) << result.err;
        return result.err;
    }

    struct Shared {
        TempDir dir;
        std::unique_ptr<RegistryServer> registry;
        std::unique_ptr<LayoutBuilder> builder;
        SyncFixture fixture;
    };
    static Shared *shared_;

    TempDir home_;
    AceDtRunner runner_;
};

MirrorDiffArchiveTest::Shared *MirrorDiffArchiveTest::shared_ = nullptr;

TEST_F(MirrorDiffArchiveTest, EveryKindGivesIdenticalRows) {
    for (const std::string tag : {"sync-45", "fallback"}) {
        for (const bool expand : {false, true}) {
            SCOPED_TRACE(tag + (expand ? " --expand" : ""));
            auto args_for = [expand](const std::string &source) {
                std::vector<std::string> arguments = {"mirror", "diff", source, "-o", "json"};
                if (expand) {
                    arguments.push_back("--expand");
                }
                return arguments;
            };
            const ProcessResult from_registry = run_ok(args_for(remote(tag)));
            EXPECT_EQ(parse_json_rows(from_registry.out),
                      expand ? fixture().sync45_expanded_rows() : fixture().sync45_rows());
            EXPECT_EQ(run_ok(args_for(layout(tag))).out, from_registry.out);
            for (const Compression compression : kCompressions) {
                EXPECT_EQ(run_ok(args_for(archive(tag, compression))).out, from_registry.out)
                    << archive(tag, compression);
            }
        }
    }
}

TEST_F(MirrorDiffArchiveTest, ArchiveOnTapeAgainstRegistry) {
    const ProcessResult result = run_ok({"mirror", "diff", archive("sync-45"), remote("sync-44"), "-o", "json"});
    EXPECT_EQ(parse_json_rows(result.out), rows_new_since_sync44());
}

TEST_F(MirrorDiffArchiveTest, ArchivesMixWithEveryOtherKind) {
    const std::string expected = run_ok({"mirror", "diff", remote("sync-45"), remote("sync-44"), "-o", "json"}).out;
    const std::pair<std::string, std::string> pairs[] = {
        {archive("sync-45", Compression::Zstd), remote("sync-44")},
        {remote("sync-45"), archive("sync-44", Compression::Gzip)},
        {layout("sync-45"), archive("sync-44", Compression::None)},
        {archive("sync-45", Compression::None), layout("sync-44")},
        {archive("sync-45", Compression::Gzip), archive("sync-44", Compression::Zstd)},
    };
    for (const auto &[mirror, existing] : pairs) {
        EXPECT_EQ(run_ok({"mirror", "diff", mirror, existing, "-o", "json"}).out, expected) << mirror << " " << existing;
    }

    // Several EXISTING-IMAGE arguments of different kinds at once.
    const ProcessResult several = run_ok({"mirror", "diff", archive("sync-45"), archive("busybox", Compression::None),
                                          layout("alpine"), remote("sync-44"), "-o", "json"});
    EXPECT_EQ(several.out, expected);
}

TEST_F(MirrorDiffArchiveTest, MultiPlatformArchiveFiltersItsImage) {
    const ProcessResult result = run_ok({"mirror", "diff", archive("sync-45"), archive("busybox"), "-o", "json"});
    std::vector<ExpectedRow> expected;
    for (const ExpectedRow &row : fixture().sync45_rows()) {
        if (row.second != fixture().busybox.digest) {
            expected.push_back(row);
        }
    }
    EXPECT_EQ(parse_json_rows(result.out), expected);
}

TEST_F(MirrorDiffArchiveTest, CompressionIsDetectedFromContent) {
    // A zstd archive named .tar.gz and a gzip archive named .tar.
    const fs::path misnamed_zstd = work_dir() / "misnamed-zstd.tar.gz";
    const fs::path misnamed_gzip = work_dir() / "misnamed-gzip.tar";
    fs::copy_file(archive_path("sync-45", Compression::Zstd), misnamed_zstd, fs::copy_options::overwrite_existing);
    fs::copy_file(archive_path("sync-45", Compression::Gzip), misnamed_gzip, fs::copy_options::overwrite_existing);

    for (const fs::path &file : {misnamed_zstd, misnamed_gzip}) {
        const ProcessResult result = run_ok({"mirror", "diff", "oci-archive:" + file.string(), "-o", "json"});
        EXPECT_EQ(parse_json_rows(result.out), fixture().sync45_rows()) << file;
    }
}

TEST_F(MirrorDiffArchiveTest, StandardInput) {
    for (const Compression compression : kCompressions) {
        SCOPED_TRACE(archive_suffix(compression));
        const ProcessResult result = run_with_input({"mirror", "diff", "oci-archive:-", remote("sync-44"), "-o", "json"},
                                                    read_file(archive_path("sync-45", compression)));
        EXPECT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(parse_json_rows(result.out), rows_new_since_sync44());
    }
}

TEST_F(MirrorDiffArchiveTest, StandardInputNamedTwiceIsReadOnce) {
    // One archive of the whole layout, with every tag in its index.json.
    const fs::path file = work_dir() / "whole-layout.tar.gz";
    write_layout_archive(shared_->builder->dir(), file, Compression::Gzip, LayoutOrder::IndexLast);

    const ProcessResult result = run_with_input(
        {"mirror", "diff", "oci-archive:-:sync-45", "oci-archive:-:sync-44", "-o", "json", "-v", "info"},
        read_file(file));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(parse_json_rows(result.out), rows_new_since_sync44());

    std::size_t passes = 0;
    for (std::size_t at = result.err.find("read oci-archive:-"); at != std::string::npos;
         at = result.err.find("read oci-archive:-", at + 1)) {
        ++passes;
    }
    EXPECT_EQ(passes, 1u) << result.err;
}

TEST_F(MirrorDiffArchiveTest, SeveralTagsNeedATag) {
    for (const LayoutOrder order : {LayoutOrder::IndexFirst, LayoutOrder::IndexLast}) {
        const fs::path file = work_dir() / (order == LayoutOrder::IndexFirst ? "first.tar" : "last.tar.zst");
        write_layout_archive(shared_->builder->dir(), file, order == LayoutOrder::IndexFirst ? Compression::None
                                                                                          : Compression::Zstd,
                             order);
        const std::string spec = "oci-archive:" + file.string();

        const std::string error = run_failing({"mirror", "diff", spec}, spec);
        EXPECT_TRUE(contains(error, "index.json lists 5 manifests; add :TAG or @DIGEST")) << error;
        EXPECT_TRUE(contains(error, "sync-45 (" + fixture().sync45.digest + ")")) << error;
        EXPECT_TRUE(contains(error, "sync-44 (" + fixture().sync44.digest + ")")) << error;

        const ProcessResult tagged = run_ok({"mirror", "diff", spec + ":sync-45", spec + ":sync-44", "-o", "json"});
        EXPECT_EQ(parse_json_rows(tagged.out), rows_new_since_sync44());

        const ProcessResult by_digest = run_ok({"mirror", "diff", spec + "@" + fixture().fallback.digest, "-o", "json"});
        EXPECT_EQ(parse_json_rows(by_digest.out), fixture().sync45_rows());
    }
}

TEST_F(MirrorDiffArchiveTest, TagNotInArchive) {
    const std::string spec = archive("sync-45", Compression::None) + ":sync-99";
    const std::string error = run_failing({"mirror", "diff", spec}, spec);
    EXPECT_TRUE(contains(error, "no manifest tagged \"sync-99\" in index.json; available tags: sync-45")) << error;
}

TEST_F(MirrorDiffArchiveTest, TruncatedArchiveListsMissingManifests) {
    // Cut inside the nested mirror artifact's manifest. sync-45 lists it
    // and, after it in serialize order, the app image: both are missing.
    SerializeOptions options;
    const std::vector<WrittenEntry> entries =
        write_serialized_archive(shared_->builder->dir(), "sync-45", work_dir() / "whole.tar", options);
    std::int64_t cut = 0;
    for (const WrittenEntry &entry : entries) {
        if (entry.path == blob_entry(fixture().outer)) {
            cut = entry.data_offset + 100;
        }
    }
    ASSERT_GT(cut, 0);
    const fs::path file = work_dir() / "cut.tar";
    write_truncated_copy(work_dir() / "whole.tar", file, cut);
    const std::string spec = "oci-archive:" + file.string();
    const fs::path out = home_.path() / "rows.json";

    const std::string error = run_failing({"mirror", "diff", spec, remote("sync-44"), "-o", "json=" + out.string()},
                                          spec + " is truncated");
    EXPECT_TRUE(contains(error, "the input ended after " + std::to_string(cut) + " bytes of input")) << error;
    EXPECT_TRUE(contains(error, blob_entry(fixture().outer))) << error;
    EXPECT_TRUE(contains(error, "2 referenced manifests are missing")) << error;
    EXPECT_TRUE(contains(error, fixture().outer.digest + " (referenced by " + fixture().sync45.digest + ")")) << error;
    EXPECT_TRUE(contains(error, fixture().app.digest + " (referenced by " + fixture().sync45.digest + ")")) << error;
    EXPECT_FALSE(fs::exists(out)) << "a failed run wrote its output";
}

TEST_F(MirrorDiffArchiveTest, TruncatedCompressedArchivesFail) {
    for (const Compression compression : {Compression::Gzip, Compression::Zstd}) {
        const fs::path whole = archive_path("sync-45", compression);
        const auto size = static_cast<std::int64_t>(fs::file_size(whole));
        const fs::path file = work_dir() / ("cut" + archive_suffix(compression));
        write_truncated_copy(whole, file, size * 2 / 3);
        const std::string spec = "oci-archive:" + file.string();

        const std::string error = run_failing({"mirror", "diff", spec}, spec + " is truncated");
        EXPECT_TRUE(contains(error, "the input ended after " + std::to_string(size * 2 / 3) + " bytes of input"))
            << error;
    }
}

TEST_F(MirrorDiffArchiveTest, CorruptedManifestFails) {
    std::string damaged = read_file(shared_->builder->blob_path(fixture().outer));
    damaged.replace(damaged.find("nginx"), 5, "NGINX");
    SerializeOptions options;
    options.compression = Compression::Zstd;
    options.replace_blobs[fixture().outer.digest] = damaged;
    const fs::path file = work_dir() / "corrupted.tar.zst";
    write_serialized_archive(shared_->builder->dir(), "sync-45", file, options);
    const std::string spec = "oci-archive:" + file.string();

    // The run fails even without --expand, which would not need the
    // damaged manifest: the archive on the tape is damaged.
    const std::string error = run_failing({"mirror", "diff", spec}, spec + " is damaged");
    EXPECT_TRUE(contains(error, "entry " + blob_entry(fixture().outer) + " does not match its name")) << error;
    EXPECT_TRUE(contains(error, "expected content with the digest " + fixture().outer.digest)) << error;
    EXPECT_TRUE(contains(error, "computed " + sha256_digest(damaged))) << error;
}

TEST_F(MirrorDiffArchiveTest, ArchiveWithoutIndexJson) {
    const fs::path file = work_dir() / "no-index.tar";
    TarWriter writer(file, Compression::Gzip);
    writer.add_file("oci-layout", read_file(shared_->builder->dir() / "oci-layout"));
    writer.add_file(blob_entry(fixture().sync45), read_file(shared_->builder->blob_path(fixture().sync45)));
    writer.close();
    const std::string spec = "oci-archive:" + file.string();

    const std::string error = run_failing({"mirror", "diff", spec}, spec);
    EXPECT_TRUE(contains(error, "is not an OCI image layout: it has no index.json entry")) << error;
}

TEST_F(MirrorDiffArchiveTest, MissingArchiveIsUsageError) {
    // A closed loopback port: reaching the network would give another error.
    const std::string spec = "oci-archive:" + (work_dir() / "absent.tar").string();
    const std::string error = run_failing({"mirror", "diff", "127.0.0.1:1/mirror/data:sync-45", spec}, spec, 2);
    EXPECT_TRUE(contains(error, "No such file or directory")) << error;
}

// skopeo 1.9.3 writes oci-archive: files with its own entry order (blobs
// first, index.json and oci-layout last). It drops the artifactType of an
// index, so a mirror artifact does not survive a copy, but images and
// multi-platform indexes do, with their digests.
TEST_F(MirrorDiffArchiveTest, SkopeoArchivesAsExistingImages) {
    const fs::path busybox = work_dir() / "skopeo-busybox.tar";
    const fs::path alpine = work_dir() / "skopeo-alpine.tar";
    const ProcessResult copy_index = run_process({"skopeo", "copy", "--all", "--preserve-digests",
                                                  "oci:" + shared_->builder->dir().string() + ":busybox",
                                                  "oci-archive:" + busybox.string() + ":busybox"});
    ASSERT_EQ(copy_index.exit_code, 0) << copy_index.err;
    const ProcessResult copy_image = run_process({"skopeo", "copy", "--preserve-digests",
                                                  "oci:" + shared_->builder->dir().string() + ":alpine",
                                                  "oci-archive:" + alpine.string()});
    ASSERT_EQ(copy_image.exit_code, 0) << copy_image.err;

    const ProcessResult from_skopeo = run_ok({"mirror", "diff", archive("sync-45"), "oci-archive:" + busybox.string(),
                                              "oci-archive:" + alpine.string(), "-o", "json"});
    const ProcessResult from_layout =
        run_ok({"mirror", "diff", archive("sync-45"), layout("busybox"), layout("alpine"), "-o", "json"});
    EXPECT_EQ(from_skopeo.out, from_layout.out);
    EXPECT_EQ(parse_json_rows(from_skopeo.out).size(), fixture().sync45_rows().size() - 2);

    // As MIRROR-ARTIFACT, the copied index is read, and rejected for what
    // it is.
    const std::string spec = "oci-archive:" + busybox.string();
    const std::string error = run_failing({"mirror", "diff", spec}, spec + " is not a mirror artifact");
    EXPECT_TRUE(contains(error, "an index without artifactType")) << error;
}

// A layout that umoci wrote, tarred up by the tar program.
TEST_F(MirrorDiffArchiveTest, UmociLayoutTarredUp) {
    const fs::path image = work_dir() / "umoci-layout";
    for (const std::vector<std::string> &step :
         {std::vector<std::string>{"umoci", "init", "--layout", image.string()},
          std::vector<std::string>{"umoci", "new", "--image", image.string() + ":base"}}) {
        const ProcessResult result = run_process(step);
        ASSERT_EQ(result.exit_code, 0) << result.err;
    }
    const fs::path file = work_dir() / "umoci.tar.gz";
    const ProcessResult tar = run_process({"tar", "-C", image.string(), "-czf", file.string(), "."});
    ASSERT_EQ(tar.exit_code, 0) << tar.err;

    const ProcessResult result =
        run_ok({"mirror", "diff", archive("sync-45"), "oci-archive:" + file.string() + ":base", "-o", "json"});
    EXPECT_EQ(parse_json_rows(result.out), fixture().sync45_rows());
}

// With -r, the referrers in an archive of a layout (listed under referrers
// tags, as for a registry without the referrers API) give the same rows as
// the layout itself.
TEST(MirrorDiffArchiveReferrersTest, RecursiveRowsMatchLayout) {
    constexpr const char *kSignature = "application/vnd.dev.cosign.artifact.sig.v1+json";
    constexpr const char *kAttestation = "application/vnd.in-toto+json";
    TempDir dir;
    LayoutBuilder builder(dir.path() / "layout");
    const Blob alpine = builder.add_image("alpine");
    const Blob busybox = builder.add_multi_platform("busybox");
    const Blob signature = builder.add_referrer(alpine, "alpine signature", kSignature);
    const Blob countersignature = builder.add_referrer(signature, "countersignature", kSignature);
    const Blob attestation = builder.add_referrer(busybox, "busybox attestation", kAttestation);
    builder.tag_referrers(alpine, {{signature, kSignature}});
    builder.tag_referrers(signature, {{countersignature, kSignature}});
    builder.tag_referrers(busybox, {{attestation, kAttestation}});
    builder.tag(builder.add_mirror_artifact({sourced(alpine, "docker.io/library/alpine:3.19"),
                                             sourced(busybox, "docker.io/library/busybox:1.36")}),
                "sync");
    const fs::path file = dir.path() / "layout.tar.zst";
    write_layout_archive(builder.dir(), file, Compression::Zstd, LayoutOrder::IndexLast);

    TempDir home;
    AceDtRunner runner(home.path());
    const ProcessResult from_layout =
        runner.run({"mirror", "diff", "-r", "oci:" + builder.dir().string() + ":sync", "-o", "json"});
    const ProcessResult from_archive =
        runner.run({"mirror", "diff", "-r", "oci-archive:" + file.string() + ":sync", "-o", "json"});
    ASSERT_EQ(from_layout.exit_code, 0) << from_layout.err;
    ASSERT_EQ(from_archive.exit_code, 0) << from_archive.err;
    EXPECT_EQ(from_archive.out, from_layout.out);
    for (const Blob *referrer : {&signature, &countersignature, &attestation}) {
        EXPECT_TRUE(contains(from_archive.out, referrer->digest)) << from_archive.out;
    }
}

}  // namespace
}  // namespace acedt_test
