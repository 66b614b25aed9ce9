// `ace-dt mirror diff` through the real binary against Debian's
// docker-registry started on 127.0.0.1 by the test.
#include "ace_dt_runner.hpp"
#include "sync_fixture.hpp"

#include <acedt_test/layout_builder.hpp>
#include <acedt_test/process.hpp>
#include <acedt_test/push.hpp>
#include <acedt_test/registry_server.hpp>
#include <acedt_test/temp_dir.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace acedt_test {
namespace {

namespace fs = std::filesystem;

const std::string kRepository = "mirror/data";

std::string read_file(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

void write_file(const fs::path &path, const std::string &content) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// One registry and one layout with the sync fixture for the whole suite:
// starting the registry and pushing dominate the suite's run time.
class MirrorDiffRegistryTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        shared_ = new Shared();
        shared_->registry = RegistryServer::start();
        shared_->builder = std::make_unique<LayoutBuilder>(shared_->dir.path() / "layout");
        shared_->fixture = build_sync_fixture(*shared_->builder);
        for (const char *tag : {"sync-45", "sync-44", "fallback", "busybox", "alpine"}) {
            push_layout_tag(shared_->builder->dir(), tag, shared_->registry->host_port(), kRepository, tag);
        }
    }

    static void TearDownTestSuite() {
        delete shared_;
        shared_ = nullptr;
    }

    MirrorDiffRegistryTest() : runner_(home_.path()) {}

    static std::string remote(const std::string &tag) {
        return shared_->registry->host_port() + "/" + kRepository + ":" + tag;
    }
    static std::string layout(const std::string &tag) { return "oci:" + shared_->builder->dir().string() + ":" + tag; }
    static const SyncFixture &fixture() { return shared_->fixture; }

    // Runs ace-dt and expects success.
    ProcessResult run_ok(const std::vector<std::string> &arguments) {
        ProcessResult result = runner_.run(arguments);
        EXPECT_EQ(result.exit_code, 0) << "stderr: " << result.err;
        return result;
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

MirrorDiffRegistryTest::Shared *MirrorDiffRegistryTest::shared_ = nullptr;

TEST_F(MirrorDiffRegistryTest, JsonRowsMatchFixture) {
    const ProcessResult result = run_ok({"mirror", "diff", remote("sync-45"), "-o", "json"});
    EXPECT_EQ(parse_json_rows(result.out), fixture().sync45_rows());
}

TEST_F(MirrorDiffRegistryTest, RegistryAndLayoutGiveSameRows) {
    for (const std::string tag : {"sync-45", "fallback"}) {
        for (const bool expand : {false, true}) {
            std::vector<std::string> remote_args = {"mirror", "diff", remote(tag), "-o", "json"};
            std::vector<std::string> layout_args = {"mirror", "diff", layout(tag), "-o", "json"};
            if (expand) {
                remote_args.push_back("--expand");
                layout_args.push_back("--expand");
            }
            const ProcessResult from_registry = run_ok(remote_args);
            const ProcessResult from_layout = run_ok(layout_args);
            EXPECT_EQ(from_registry.out, from_layout.out) << tag << (expand ? " --expand" : "");
            EXPECT_FALSE(parse_json_rows(from_registry.out).empty());
        }
    }
}

TEST_F(MirrorDiffRegistryTest, ExpandListsNestedImagesTwoLevelsDeep) {
    const ProcessResult result = run_ok({"mirror", "diff", remote("sync-45"), "--expand", "-o", "json"});
    EXPECT_EQ(parse_json_rows(result.out), fixture().sync45_expanded_rows());
}

TEST_F(MirrorDiffRegistryTest, IndexFallbackArtifactListsSameImages) {
    const ProcessResult plain = run_ok({"mirror", "diff", remote("fallback"), "-o", "json"});
    EXPECT_EQ(parse_json_rows(plain.out), fixture().sync45_rows());

    const ProcessResult expanded = run_ok({"mirror", "diff", remote("fallback"), "--expand", "-o", "json"});
    EXPECT_EQ(parse_json_rows(expanded.out), fixture().sync45_expanded_rows());
}

TEST_F(MirrorDiffRegistryTest, TableIsDefaultFormat) {
    const ProcessResult result = run_ok({"mirror", "diff", remote("sync-45")});
    std::istringstream lines(result.out);
    std::string header;
    std::getline(lines, header);
    EXPECT_EQ(header.rfind("REFERENCE", 0), 0u) << header;
    EXPECT_NE(header.find("DIGEST"), std::string::npos) << header;

    std::vector<std::string> body;
    for (std::string line; std::getline(lines, line);) body.push_back(line);
    ASSERT_EQ(body.size(), fixture().sync45_rows().size());
    EXPECT_EQ(body.front().rfind("<none>", 0), 0u) << "the empty reference sorts first: " << body.front();
    EXPECT_NE(body.front().find(fixture().unnamed.digest), std::string::npos);
}

TEST_F(MirrorDiffRegistryTest, CsvHasHeaderAndEveryRow) {
    const ProcessResult result = run_ok({"mirror", "diff", remote("sync-45"), "-o", "csv"});
    std::string expected = "reference,digest\r\n";
    for (const auto &[reference, digest] : fixture().sync45_rows()) {
        expected += reference + "," + digest + "\r\n";
    }
    EXPECT_EQ(result.out, expected);
}

TEST_F(MirrorDiffRegistryTest, OutputFilesMatchStandardOutput) {
    const fs::path json_file = home_.path() / "out.json";
    const fs::path csv_file = home_.path() / "a=b.csv";
    write_file(json_file, std::string(10000, 'x'));  // longer than the new content: must be replaced whole

    const ProcessResult to_files = run_ok({"mirror", "diff", remote("sync-45"), "-o",
                                           "json=" + json_file.string() + ",csv=" + csv_file.string(), "-o", "table"});
    const ProcessResult json = run_ok({"mirror", "diff", remote("sync-45"), "-o", "json"});
    const ProcessResult csv = run_ok({"mirror", "diff", remote("sync-45"), "-o", "csv"});
    const ProcessResult table = run_ok({"mirror", "diff", remote("sync-45")});

    EXPECT_EQ(read_file(json_file), json.out);
    EXPECT_EQ(read_file(csv_file), csv.out);
    EXPECT_EQ(to_files.out, table.out) << "only the table goes to standard output";
}

TEST_F(MirrorDiffRegistryTest, PreviousSyncFiltersSharedImages) {
    const ProcessResult result = run_ok({"mirror", "diff", remote("sync-45"), remote("sync-44"), "-o", "json"});
    std::vector<ExpectedRow> expected;
    for (const ExpectedRow &row : fixture().sync45_rows()) {
        if (row.second != fixture().alpine.digest && row.second != fixture().busybox.digest &&
            row.second != fixture().app.digest) {
            expected.push_back(row);
        }
    }
    EXPECT_EQ(parse_json_rows(result.out), expected);
}

TEST_F(MirrorDiffRegistryTest, PlainMultiPlatformIndexFiltersItsImage) {
    const ProcessResult result = run_ok({"mirror", "diff", remote("sync-45"), remote("busybox"), "-o", "json"});
    const auto rows = parse_json_rows(result.out);
    EXPECT_EQ(rows.size(), fixture().sync45_rows().size() - 1);
    for (const auto &row : rows) {
        EXPECT_NE(row.second, fixture().busybox.digest);
    }
}

TEST_F(MirrorDiffRegistryTest, MixedSourcesFilterTheSame) {
    const ProcessResult remote_existing = run_ok({"mirror", "diff", layout("sync-45"), remote("sync-44"), "-o", "json"});
    const ProcessResult layout_existing = run_ok({"mirror", "diff", remote("sync-45"), layout("sync-44"), "-o", "json"});
    EXPECT_EQ(remote_existing.out, layout_existing.out);
}

TEST_F(MirrorDiffRegistryTest, EmptyResultWritesEmptyDocuments) {
    const ProcessResult json = run_ok({"mirror", "diff", remote("sync-44"), remote("sync-44"), "-o", "json"});
    EXPECT_EQ(json.out, "[]\n");
    EXPECT_NE(json.err.find("no images left to list"), std::string::npos) << json.err;

    const ProcessResult csv = run_ok({"mirror", "diff", remote("sync-44"), remote("sync-44"), "-o", "csv"});
    EXPECT_EQ(csv.out, "reference,digest\r\n");
    const ProcessResult table = run_ok({"mirror", "diff", remote("sync-44"), remote("sync-44")});
    EXPECT_EQ(table.out, "REFERENCE   DIGEST\n");
}

TEST_F(MirrorDiffRegistryTest, DigestReferenceWorks) {
    const ProcessResult result = run_ok(
        {"mirror", "diff", shared_->registry->host_port() + "/" + kRepository + "@" + fixture().sync45.digest, "-o", "json"});
    EXPECT_EQ(parse_json_rows(result.out), fixture().sync45_rows());
}

TEST_F(MirrorDiffRegistryTest, DigestsMatchSkopeoInspectRaw) {
    const ProcessResult skopeo = run_process(
        {"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + remote("sync-45")});
    ASSERT_EQ(skopeo.exit_code, 0) << skopeo.err;

    std::vector<ExpectedRow> from_skopeo;
    const boost::json::value index = boost::json::parse(skopeo.out);
    for (const auto &entry : index.at("manifests").as_array()) {
        std::string reference;
        if (const auto *annotations = entry.as_object().if_contains("annotations")) {
            if (const auto *source = annotations->as_object().if_contains("vnd.act3-ace.manifest.source")) {
                reference = std::string(source->as_string());
            }
        }
        from_skopeo.emplace_back(reference, std::string(entry.at("digest").as_string()));
    }
    std::sort(from_skopeo.begin(), from_skopeo.end());

    const ProcessResult ace_dt = run_ok({"mirror", "diff", remote("sync-45"), "-o", "json"});
    EXPECT_EQ(parse_json_rows(ace_dt.out), from_skopeo);
}

TEST_F(MirrorDiffRegistryTest, NotMirrorArtifactFailsWithoutOutput) {
    const fs::path out = home_.path() / "out.json";
    const ProcessResult result = runner_.run({"mirror", "diff", remote("busybox"), "-o", "json=" + out.string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find(remote("busybox") + " is not a mirror artifact"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("an index without artifactType"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(MirrorDiffRegistryTest, FailedRunLeavesExistingFileUntouched) {
    const fs::path out = home_.path() / "out.json";
    write_file(out, "previous content\n");

    const ProcessResult result = runner_.run({"mirror", "diff", remote("no-such-tag"), "-o", "json=" + out.string()});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("no-such-tag"), std::string::npos) << result.err;
    EXPECT_EQ(read_file(out), "previous content\n");
    for (const auto &entry : fs::directory_iterator(home_.path())) {
        EXPECT_EQ(entry.path().filename().string().rfind(".out.json", 0), std::string::npos)
            << "temporary file left behind: " << entry.path();
    }
}

TEST_F(MirrorDiffRegistryTest, BadOutputRejectedBeforeNetwork) {
    // A closed loopback port: a run that reached the network would fail
    // with a connection error instead of the output error.
    const std::string unreachable = "127.0.0.1:1/mirror/data:sync-45";

    const ProcessResult unknown = runner_.run({"mirror", "diff", unreachable, "-o", "yaml"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("invalid output format \"yaml\""), std::string::npos) << unknown.err;

    const ProcessResult twice = runner_.run({"mirror", "diff", unreachable, "-o", "json=x.out,csv=x.out"});
    EXPECT_EQ(twice.exit_code, 2);
    EXPECT_NE(twice.err.find("x.out"), std::string::npos) << twice.err;

    const ProcessResult missing_dir =
        runner_.run({"mirror", "diff", unreachable, "-o", "json=" + (home_.path() / "nope" / "o.json").string()});
    EXPECT_EQ(missing_dir.exit_code, 2);
    EXPECT_NE(missing_dir.err.find("does not exist"), std::string::npos) << missing_dir.err;
}

TEST_F(MirrorDiffRegistryTest, DeviceOutputIsWrittenNotReplaced) {
    const ProcessResult json = run_ok({"mirror", "diff", remote("sync-45"), "-o", "json"});
    const ProcessResult to_device = run_ok({"mirror", "diff", remote("sync-45"), "-o", "json=/dev/stdout"});
    EXPECT_EQ(to_device.out, json.out);
    EXPECT_TRUE(fs::is_symlink("/dev/stdout") || fs::is_character_file("/dev/stdout"));

    const ProcessResult to_null = run_ok({"mirror", "diff", remote("sync-45"), "-o", "json=/dev/null"});
    EXPECT_EQ(to_null.out, "");
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(MirrorDiffRegistryTest, TwoOutputsToStdoutRejected) {
    const ProcessResult result = runner_.run({"mirror", "diff", remote("sync-45"), "-o", "json,csv"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("standard output"), std::string::npos) << result.err;
}

TEST_F(MirrorDiffRegistryTest, LayoutWithoutPrefixGetsHint) {
    // "layout:sync-45" parses as a Docker Hub reference. With a directory of
    // that name present, the run must stop before any request, with a
    // message that shows how to name the layout.
    const ProcessResult result = runner_.run_in(shared_->builder->dir().parent_path(),
                                                {"mirror", "diff", "layout:sync-45"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("write oci:layout:sync-45"), std::string::npos) << result.err;
}

TEST_F(MirrorDiffRegistryTest, VerbosityTypoMakesNoRequest) {
    const ProcessResult result = runner_.run({"mirror", "diff", layout("sync-45"), "-v", "infoo"});
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("infoo"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("docker.io"), std::string::npos) << result.err;
}

TEST_F(MirrorDiffRegistryTest, EndpointAndRewritePullFromConfig) {
    // 127.0.0.2 is the registry name the user writes; the configured
    // endpoint sends the requests to the test registry, and rewritePull maps
    // the repository.
    runner_.set_config("registryConfig:\n"
                       "  registries:\n"
                       "    127.0.0.2:5999:\n"
                       "      endpoints:\n"
                       "        - http://" + shared_->registry->host_port() + "\n"
                       "      rewritePull:\n"
                       "        \"^sync/(.*)$\": \"mirror/$1\"\n");

    const ProcessResult result = run_ok({"mirror", "diff", "127.0.0.2:5999/sync/data:sync-45", "-o", "json"});
    EXPECT_EQ(parse_json_rows(result.out), fixture().sync45_rows());
}

TEST_F(MirrorDiffRegistryTest, MissingRepositoryNamesTheReference) {
    const ProcessResult result = runner_.run({"mirror", "diff", shared_->registry->host_port() + "/absent/repo:v1"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("absent/repo"), std::string::npos) << result.err;
}

// A registry with htpasswd basic authentication, and credentials from a
// docker config.json named by ACE_DT_REGISTRY_AUTH_FILE.
TEST(MirrorDiffBasicAuthTest, CredentialsFromAuthFile) {
    TempDir dir;
    const fs::path htpasswd = dir.path() / "htpasswd";
    const ProcessResult hashed = run_process({"htpasswd", "-Bbn", "tester", "s3cret:with-colon"});
    ASSERT_EQ(hashed.exit_code, 0) << hashed.err;
    write_file(htpasswd, hashed.out);

    RegistryOptions options;
    options.htpasswd_file = htpasswd.string();
    const auto registry = RegistryServer::start(options);

    LayoutBuilder builder(dir.path() / "layout");
    const SyncFixture fixture = build_sync_fixture(builder);
    push_layout_tag(builder.dir(), "sync-45", registry->host_port(), kRepository, "sync-45",
                    PushAuth{"tester", "s3cret:with-colon"});

    TempDir home;
    AceDtRunner runner(home.path());
    const std::string reference = registry->host_port() + "/" + kRepository + ":sync-45";

    const ProcessResult anonymous = runner.run({"mirror", "diff", reference, "-o", "json"});
    EXPECT_NE(anonymous.exit_code, 0);
    EXPECT_EQ(anonymous.out, "");

    const fs::path auth_file = dir.path() / "auth.json";
    // base64("tester:s3cret:with-colon"): the password keeps its colon.
    write_file(auth_file, "{\"auths\": {\"http://" + registry->host_port() +
                              "/\": {\"auth\": \"dGVzdGVyOnMzY3JldDp3aXRoLWNvbG9u\"}}}");
    const ProcessResult authenticated =
        runner.run({"mirror", "diff", reference, "-o", "json", "-v", "debug"}, {{"ACE_DT_REGISTRY_AUTH_FILE", auth_file.string()}});
    EXPECT_EQ(authenticated.exit_code, 0) << authenticated.err;
    EXPECT_EQ(parse_json_rows(authenticated.out), fixture.sync45_rows());
    EXPECT_EQ(authenticated.err.find("s3cret"), std::string::npos) << "the password never reaches the logs";
    EXPECT_EQ(authenticated.err.find("dGVzdGVyOnMzY3JldDp3aXRoLWNvbG9u"), std::string::npos);
}

}  // namespace
}  // namespace acedt_test
