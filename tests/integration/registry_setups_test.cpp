// `ace-dt mirror diff` through the real binary against docker-registry in
// four set-ups started by the tests. Plain HTTP serves referrers and -r. TLS
// uses a CA the test makes. htpasswd Basic authentication takes credentials
// from every source, and token authentication goes through a token service
// the test runs.
#include "ace_dt_runner.hpp"

#include <acedt_test/layout_builder.hpp>
#include <acedt_test/process.hpp>
#include <acedt_test/push.hpp>
#include <acedt_test/registry_setups.hpp>
#include <acedt_test/temp_dir.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace acedt_test {
namespace {

namespace fs = std::filesystem;

constexpr const char *kRepository = "mirror/data";
constexpr const char *kSignatureType = "application/vnd.dev.cosign.artifact.sig.v1+json";
constexpr const char *kSbomType = "application/spdx+json";
constexpr const char *kAttestationType = "application/vnd.in-toto+json";
// base64 of "tester:s3cret:with-colon".
constexpr const char *kAuthField = "dGVzdGVyOnMzY3JldDp3aXRoLWNvbG9u";

std::string referrers_tag_of(const Blob &blob) {
    std::string tag = blob.digest;
    tag[tag.find(':')] = '-';
    return tag;
}

void write_file(const fs::path &path, const std::string &content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

// Two mirror artifacts with referrers:
//   sync-1: alpine
//   sync-2: alpine, busybox, app, and alpine's signature gathered as an entry
// alpine has a signature and an SBOM, the signature a countersignature, and
// busybox an attestation, all listed under referrers tags.
struct Content {
    TempDir dir{"ace-dt-content-"};
    LayoutBuilder builder{dir.path() / "layout"};
    Blob alpine, busybox, app;
    Blob signature, sbom, countersignature, attestation;
    std::vector<std::string> tags = {"sync-1", "sync-2"};

    static constexpr const char *kAlpine = "docker.io/library/alpine:3.19";
    static constexpr const char *kBusybox = "docker.io/library/busybox:1.36";
    static constexpr const char *kApp = "reg.example.com/team/app:2.3.1";
    static constexpr const char *kSignatureEntry = "docker.io/library/alpine:sha256-signature.sig";

    Content() {
        alpine = builder.add_image("alpine");
        busybox = builder.add_multi_platform("busybox");
        app = builder.add_image("app", Flavor::Docker);
        signature = builder.add_referrer(alpine, "alpine signature", kSignatureType);
        sbom = builder.add_referrer(alpine, "alpine sbom", kSbomType);
        countersignature = builder.add_referrer(signature, "countersignature", kSignatureType);
        attestation = builder.add_referrer(busybox, "busybox attestation", kAttestationType);
        builder.tag_referrers(alpine, {{signature, kSignatureType}, {sbom, kSbomType}});
        builder.tag_referrers(signature, {{countersignature, kSignatureType}});
        builder.tag_referrers(busybox, {{attestation, kAttestationType}});
        for (const Blob *subject : {&alpine, &signature, &busybox}) {
            tags.push_back(referrers_tag_of(*subject));
        }

        builder.tag(builder.add_mirror_artifact({sourced(alpine, kAlpine)}), "sync-1");
        builder.tag(builder.add_mirror_artifact({sourced(alpine, kAlpine), sourced(busybox, kBusybox),
                                                 sourced(app, kApp), sourced(signature, kSignatureEntry)}),
                    "sync-2");
    }

    void push(const std::string &host_port) const {
        for (const std::string &tag : tags) {
            push_layout_tag(builder.dir(), tag, host_port, kRepository, tag);
        }
    }

    // The rows of `mirror diff -r sync-2` in output order, as JSON objects.
    boost::json::array recursive_rows() const {
        boost::json::array rows;
        const auto entry = [&](const char *reference, const Blob &blob) {
            rows.push_back({{"digest", blob.digest}, {"reference", reference}});
        };
        const auto referrer = [&](const char *reference, const Blob &blob, const Blob &subject, const char *type) {
            rows.push_back({{"digest", blob.digest}, {"reference", reference}, {"subject", subject.digest},
                            {"artifactType", type}});
        };
        entry(kAlpine, alpine);
        referrer(kAlpine, sbom, alpine, kSbomType);
        referrer(kAlpine, signature, alpine, kSignatureType);
        referrer(kAlpine, countersignature, signature, kSignatureType);
        entry(kSignatureEntry, signature);
        referrer(kSignatureEntry, countersignature, signature, kSignatureType);
        entry(kBusybox, busybox);
        referrer(kBusybox, attestation, busybox, kAttestationType);
        entry(kApp, app);
        return rows;
    }
};

class RegistrySetupsTest : public ::testing::Test {
protected:
    RegistrySetupsTest() : runner_(home_.path()) {}

    void start(RegistrySetup setup) {
        server_ = RegistrySetupServer::start(setup, [this](const std::string &host) { content_.push(host); });
    }

    std::string remote(const std::string &tag) const {
        return server_->host_port() + "/" + kRepository + ":" + tag;
    }

    // Runs ace-dt with `bin/` of the home directory first in PATH, where the
    // tests put credential helpers.
    ProcessResult run(const std::vector<std::string> &arguments, std::map<std::string, std::string> env = {}) const {
        const char *path = std::getenv("PATH");
        env.emplace("PATH", (home_.path() / "bin").string() + ":" + (path != nullptr ? path : "/usr/bin:/bin"));
        return runner_.run(arguments, env);
    }

    // Writes home/bin/docker-credential-NAME, a helper that returns
    // `username` and `secret` and appends the server it was asked for to
    // home/NAME.asked.
    void write_helper(const std::string &name, const std::string &username, const std::string &secret) const {
        const fs::path path = home_.path() / "bin" / ("docker-credential-" + name);
        write_file(path, "#!/bin/sh\n"
                         "server=$(cat)\n"
                         "echo \"$1 $server\" >> '" + (home_.path() / (name + ".asked")).string() + "'\n"
                         "printf '{\"ServerURL\":\"%s\",\"Username\":\"" + username + "\",\"Secret\":\"" + secret +
                             "\"}' \"$server\"\n");
        fs::permissions(path, fs::perms::owner_all);
    }

    std::string asked(const std::string &name) const {
        std::ifstream in(home_.path() / (name + ".asked"));
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    static boost::json::array parse_array(const std::string &text) {
        boost::system::error_code error;
        const boost::json::value value = boost::json::parse(text, error);
        EXPECT_FALSE(error) << text;
        return value.is_array() ? value.as_array() : boost::json::array{};
    }

    Content content_;
    TempDir home_;
    AceDtRunner runner_;
    std::unique_ptr<RegistrySetupServer> server_;
};

// --- Plain HTTP and referrers ------------------------------------------

TEST_F(RegistrySetupsTest, PlainHttpRecursiveListsReferrers) {
    start(RegistrySetup::kPlainHttp);

    const ProcessResult plain = run({"mirror", "diff", remote("sync-2"), "-o", "json"});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_EQ(parse_array(plain.out).size(), 4u) << "without -r only the entries";

    const ProcessResult recursive = run({"mirror", "diff", "-r", remote("sync-2"), "-o", "json"});
    ASSERT_EQ(recursive.exit_code, 0) << recursive.err;
    EXPECT_EQ(parse_array(recursive.out), content_.recursive_rows()) << recursive.out;

    const std::string layout = "oci:" + content_.builder.dir().string() + ":sync-2";
    const ProcessResult from_layout = run({"mirror", "diff", "--recursive", layout, "-o", "json"});
    ASSERT_EQ(from_layout.exit_code, 0) << from_layout.err;
    EXPECT_EQ(from_layout.out, recursive.out) << "a layout lists the same referrers";
}

TEST_F(RegistrySetupsTest, PlainHttpRecursiveCountsReferrersOfExistingImages) {
    start(RegistrySetup::kPlainHttp);

    const ProcessResult result = run({"mirror", "diff", "-r", remote("sync-2"), remote("sync-1"), "-o", "json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const boost::json::array expected = {
        {{"digest", content_.busybox.digest}, {"reference", Content::kBusybox}},
        {{"digest", content_.attestation.digest}, {"reference", Content::kBusybox},
         {"subject", content_.busybox.digest}, {"artifactType", kAttestationType}},
        {{"digest", content_.app.digest}, {"reference", Content::kApp}},
    };
    EXPECT_EQ(parse_array(result.out), expected)
        << "alpine's signature, gathered as an entry, exists as a referrer of sync-1's alpine: " << result.out;

    const ProcessResult without = run({"mirror", "diff", remote("sync-2"), remote("sync-1"), "-o", "json"});
    EXPECT_EQ(parse_array(without.out).size(), 3u) << "without -r the signature entry is listed";
}

TEST_F(RegistrySetupsTest, PlainHttpRecursiveTableAndCsv) {
    start(RegistrySetup::kPlainHttp);

    const ProcessResult table = run({"mirror", "diff", "-r", remote("sync-2")});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    std::istringstream lines(table.out);
    std::string header;
    std::getline(lines, header);
    EXPECT_EQ(header.rfind("REFERENCE", 0), 0u) << header;
    EXPECT_NE(header.find("ARTIFACT TYPE"), std::string::npos) << header;
    EXPECT_TRUE(header.ends_with("SUBJECT")) << header;
    std::string alpine_line, sbom_line;
    std::getline(lines, alpine_line);
    std::getline(lines, sbom_line);
    EXPECT_TRUE(alpine_line.ends_with(content_.alpine.digest)) << alpine_line;
    EXPECT_NE(sbom_line.find(std::string(kSbomType)), std::string::npos) << sbom_line;
    EXPECT_TRUE(sbom_line.ends_with(content_.alpine.digest)) << sbom_line;

    const ProcessResult csv = run({"mirror", "diff", "-r", remote("sync-2"), "-o", "csv"});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_EQ(csv.out.substr(0, csv.out.find("\r\n")), "reference,digest,artifactType,subject");
    EXPECT_NE(csv.out.find(std::string(Content::kAlpine) + "," + content_.sbom.digest + "," + kSbomType + "," +
                           content_.alpine.digest + "\r\n"),
              std::string::npos)
        << csv.out;
}

// --- TLS -----------------------------------------------------------------

TEST_F(RegistrySetupsTest, TlsWithTheCaInCertsD) {
    start(RegistrySetup::kTls);

    const ProcessResult untrusted = run({"mirror", "diff", remote("sync-2"), "-o", "json"});
    EXPECT_EQ(untrusted.exit_code, 1);
    EXPECT_EQ(untrusted.out, "");
    EXPECT_NE(untrusted.err.find("~/.docker/certs.d/" + server_->host_port() + "/ca.crt"), std::string::npos)
        << untrusted.err;

    fs::create_directories(home_.path() / ".docker/certs.d" / server_->host_port());
    fs::copy_file(server_->pki()->ca_certificate, home_.path() / ".docker/certs.d" / server_->host_port() / "ca.crt");
    const ProcessResult trusted = run({"mirror", "diff", remote("sync-2"), "-o", "json", "-v", "debug"});
    ASSERT_EQ(trusted.exit_code, 0) << trusted.err;
    EXPECT_EQ(parse_json_rows(trusted.out).size(), 4u);
    EXPECT_EQ(trusted.err.find("GET http://"), std::string::npos) << "TLS worked, so no plain HTTP: " << trusted.err;
}

// --- Basic authentication --------------------------------------------------

TEST_F(RegistrySetupsTest, BasicAuthFromEveryCredentialSource) {
    start(RegistrySetup::kBasicAuth);
    const std::string host = server_->host_port();
    const std::string inline_entry = R"({"auth": ")" + std::string(kAuthField) + R"("})";
    write_helper("store", kRegistryUser, kRegistryPassword);
    write_helper("specific", kRegistryUser, kRegistryPassword);

    struct Case {
        std::string name;
        fs::path file;  // relative to home
        std::string json;
        std::map<std::string, std::string> env;
        std::string config;
    };
    const Case cases[] = {
        {"containers auth.json, key with path", "run/containers/auth.json",
         R"({"auths": {"https://)" + host + R"(/v2/": )" + inline_entry + "}}", {}, ""},
        {"docker config.json, key with scheme", ".docker/config.json",
         R"({"auths": {"http://)" + host + R"(/": {"username": "tester", "password": ")" + kRegistryPassword +
             R"("}}})",
         {}, ""},
        {"credsStore with an empty auths entry", ".docker/config.json",
         R"({"credsStore": "store", "auths": {")" + host + R"(": {}}})", {}, ""},
        {"credHelpers", ".docker/config.json", R"({"credHelpers": {")" + host + R"(": "specific"}})", {}, ""},
        {"registryAuthFile", "elsewhere/auth.json", R"({"auths": {")" + host + R"(": )" + inline_entry + "}}", {},
         "registryAuthFile: " + (home_.path() / "elsewhere/auth.json").string() + "\n"},
        {"DOCKER_CONFIG", "dockerdir/config.json", R"({"auths": {")" + host + R"(": )" + inline_entry + "}}",
         {{"DOCKER_CONFIG", (home_.path() / "dockerdir").string()}}, ""},
    };

    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.name);
        fs::remove_all(home_.path() / "run");
        fs::remove_all(home_.path() / ".docker");
        write_file(home_.path() / test_case.file, test_case.json);
        runner_.set_config(test_case.config);

        const ProcessResult result = run({"mirror", "diff", remote("sync-2"), "-o", "json", "-v", "debug"},
                                         test_case.env);
        ASSERT_EQ(result.exit_code, 0) << result.err;
        EXPECT_EQ(parse_json_rows(result.out).size(), 4u);
        EXPECT_EQ(result.err.find("s3cret"), std::string::npos) << "the password reached the log";
        EXPECT_EQ(result.err.find(kAuthField), std::string::npos) << "the encoded password reached the log";
    }
    EXPECT_EQ(asked("store"), "get " + host + "\n");
    EXPECT_EQ(asked("specific"), "get " + host + "\n");
}

TEST_F(RegistrySetupsTest, BasicAuthFileOrder) {
    start(RegistrySetup::kBasicAuth);
    const std::string host = server_->host_port();
    const std::string right = R"({"auths": {")" + host + R"(": {"auth": ")" + kAuthField + R"("}}})";
    const std::string wrong = R"({"auths": {")" + host + R"(": {"username": "tester", "password": "wrong"}}})";

    write_file(home_.path() / "run/containers/auth.json", right);
    write_file(home_.path() / ".docker/config.json", wrong);
    const ProcessResult containers_first = run({"mirror", "diff", remote("sync-2"), "-o", "json"});
    EXPECT_EQ(containers_first.exit_code, 0) << containers_first.err;

    write_file(home_.path() / "auth.json", wrong);
    runner_.set_config("registryAuthFile: " + (home_.path() / "auth.json").string() + "\n");
    const ProcessResult configured_first = run({"mirror", "diff", remote("sync-2"), "-o", "json"});
    EXPECT_EQ(configured_first.exit_code, 1);
    EXPECT_NE(configured_first.err.find("check the credentials for " + host + " from the auths entry in " +
                                        (home_.path() / "auth.json").string()),
              std::string::npos)
        << configured_first.err;
    EXPECT_EQ(configured_first.err.find("wrong"), std::string::npos) << configured_first.err;
}

TEST_F(RegistrySetupsTest, BasicAuthMissingHelperWarnsOnce) {
    start(RegistrySetup::kBasicAuth);
    write_file(home_.path() / ".docker/config.json", R"({"credsStore": "absent"})");

    const ProcessResult result = run({"mirror", "diff", remote("sync-2"), remote("sync-1")});
    EXPECT_EQ(result.exit_code, 1);
    std::size_t warnings = 0;
    for (std::size_t at = result.err.find("docker-credential-absent was not found in PATH"); at != std::string::npos;
         at = result.err.find("docker-credential-absent was not found in PATH", at + 1)) {
        ++warnings;
    }
    EXPECT_EQ(warnings, 1u) << result.err;
    EXPECT_NE(result.err.find(server_->host_port() + " requires credentials"), std::string::npos) << result.err;
}

// --- Token authentication --------------------------------------------------

TEST_F(RegistrySetupsTest, TokenAuthWithPasswordAndIdentityToken) {
    start(RegistrySetup::kTokenAuth);
    const std::string host = server_->host_port();

    const ProcessResult anonymous = run({"mirror", "diff", remote("sync-2")});
    EXPECT_EQ(anonymous.exit_code, 1);
    EXPECT_NE(anonymous.err.find("access denied to mirror/data at " + host + " (HTTP 401)"), std::string::npos)
        << anonymous.err;

    write_file(home_.path() / ".docker/config.json",
               R"({"auths": {")" + host + R"(": {"username": "tester", "password": ")" + kRegistryPassword + R"("}}})");
    const ProcessResult password = run({"mirror", "diff", "-r", remote("sync-2"), "-o", "json", "-v", "debug"});
    ASSERT_EQ(password.exit_code, 0) << password.err;
    EXPECT_EQ(parse_array(password.out), content_.recursive_rows());
    EXPECT_EQ(password.err.find("s3cret"), std::string::npos) << "the password reached the log";
    EXPECT_EQ(password.err.find("eyJ"), std::string::npos) << "a token reached the log";

    write_helper("tokens", "<token>", kRefreshToken);
    write_file(home_.path() / ".docker/config.json", R"({"credHelpers": {")" + host + R"(": "tokens"}})");
    const std::size_t before = server_->issuer()->requests().size();
    const ProcessResult identity = run({"mirror", "diff", remote("sync-2"), "-o", "json", "-v", "debug"});
    ASSERT_EQ(identity.exit_code, 0) << identity.err;
    EXPECT_EQ(parse_json_rows(identity.out).size(), 4u);
    EXPECT_EQ(identity.err.find(kRefreshToken), std::string::npos) << "the identity token reached the log";
    const auto requests = server_->issuer()->requests();
    ASSERT_GT(requests.size(), before);
    EXPECT_EQ(requests[before].method, "POST");
    EXPECT_EQ(requests[before].grant_type, "refresh_token");
    EXPECT_EQ(requests[before].authorization, "");
}

}  // namespace
}  // namespace acedt_test
