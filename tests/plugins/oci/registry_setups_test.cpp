// The registry client against the real docker-registry in the set-ups of
// acedt_test::RegistrySetupServer. TLS uses a CA the test makes, with and
// without client certificates. Token authentication goes through a token
// service the test runs. Plain HTTP serves the referrers tag and the scheme
// mismatches.
#include <acedt/oci/error.hpp>
#include <acedt/oci/referrers.hpp>
#include <acedt/oci/source.hpp>

#include <acedt_test/layout_builder.hpp>
#include <acedt_test/push.hpp>
#include <acedt_test/registry_setups.hpp>

#include "support/opener_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace acedt::oci {
namespace {

namespace fs = std::filesystem;
using acedt_test::RegistrySetup;
using acedt_test::RegistrySetupServer;
using testing::contains;

constexpr const char *kRepository = "mirror/app";
constexpr const char *kSignatureType = "application/vnd.dev.cosign.artifact.sig.v1+json";

// A mirror artifact with one image, whose signature is listed under the
// image's referrers tag.
struct Content {
    acedt_test::TempDir dir{"ace-dt-content-"};
    acedt_test::LayoutBuilder builder{dir.path() / "layout"};
    acedt_test::Blob image;
    acedt_test::Blob signature;
    acedt_test::Blob artifact;

    Content() {
        image = builder.add_image("app");
        signature = builder.add_referrer(image, "app signature", kSignatureType);
        builder.tag_referrers(image, {{signature, kSignatureType}});
        artifact = builder.add_mirror_artifact({acedt_test::sourced(image, "reg.example.com/app:1")});
        builder.tag(artifact, "v1");
        builder.tag(image, "image");
    }

    void push(const std::string &host_port) const {
        for (const std::string &tag : {std::string("v1"), std::string("image"), referrers_tag(Digest::parse(image.digest))}) {
            acedt_test::push_layout_tag(builder.dir(), tag, host_port, kRepository, tag);
        }
    }
};

class RegistrySetupsTest : public testing::OpenerFixture {
protected:
    void SetUp() override {
        if (access("/usr/bin/docker-registry", X_OK) != 0) {
            GTEST_SKIP() << "/usr/bin/docker-registry is not installed (Debian package docker-registry)";
        }
    }

    void start(RegistrySetup setup) {
        server_ = RegistrySetupServer::start(setup, [this](const std::string &host) { content_.push(host); });
    }

    std::string spec() const { return server_->host_port() + "/" + kRepository + ":v1"; }

    // ROOT/HOST:PORT in the fixture's certs.d root.
    fs::path certs_directory() const {
        const fs::path directory = fs::path(config_.certificate_directories->front()) / server_->host_port();
        fs::create_directories(directory);
        return directory;
    }

    void install(const fs::path &from, const std::string &name) const {
        fs::copy_file(from, certs_directory() / name, fs::copy_options::overwrite_existing);
    }

    bool tried_plain_http() const {
        return count_log_lines("GET http://" + server_->host_port()) > 0;
    }

    Content content_;
    std::unique_ptr<RegistrySetupServer> server_;
};

TEST_F(RegistrySetupsTest, TlsTrustsTheCaInCertsD) {
    start(RegistrySetup::kTls);
    install(server_->pki()->ca_certificate, "ca.crt");

    const FetchedManifest root = opener().open(spec())->fetch_root();
    EXPECT_EQ(root.descriptor.digest.str(), content_.artifact.digest);
    EXPECT_FALSE(tried_plain_http()) << log_text();
}

TEST_F(RegistrySetupsTest, TlsAcceptsCaPemToo) {
    start(RegistrySetup::kTls);
    install(server_->pki()->ca_certificate, "ca.pem");
    EXPECT_EQ(opener().open(spec())->fetch_root().descriptor.digest.str(), content_.artifact.digest);
}

TEST_F(RegistrySetupsTest, TlsWithoutTheCaFailsWithoutFallingBack) {
    start(RegistrySetup::kTls);

    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, "~/.docker/certs.d/" + server_->host_port() + "/ca.crt")) << message;
    EXPECT_TRUE(contains(message, "registryConfig.endpointConfig[\"https://" + server_->host_port() +
                                      "\"].tls.insecureSkipVerify"))
        << message;
    EXPECT_FALSE(tried_plain_http()) << "a certificate problem is no reason for plain HTTP: " << log_text();
}

TEST_F(RegistrySetupsTest, InsecureSkipVerifyAcceptsTheCertificate) {
    start(RegistrySetup::kTls);
    config_.endpoints["https://" + server_->host_port()].insecure_skip_verify = true;
    EXPECT_EQ(opener().open(spec())->fetch_root().descriptor.digest.str(), content_.artifact.digest);
}

TEST_F(RegistrySetupsTest, MutualTlsUsesTheClientCertificate) {
    start(RegistrySetup::kMutualTls);
    install(server_->pki()->ca_certificate, "ca.crt");

    // Plain HTTP is tried after the failed TLS attempt, but the error
    // explains the TLS failure.
    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, "if the server requires a client certificate, save it as client.cert and "
                                  "client.key in ~/.docker/certs.d/" + server_->host_port()))
        << message;
    EXPECT_FALSE(contains(message, "plain HTTP")) << message;

    for (const auto &[certificate, key] : {std::pair{"client.cert", "client.key"}, std::pair{"cert.pem", "key.pem"}}) {
        SCOPED_TRACE(certificate);
        fs::remove_all(certs_directory());
        install(server_->pki()->ca_certificate, "ca.crt");
        install(server_->pki()->client_certificate, certificate);
        install(server_->pki()->client_key, key);
        opener_.reset();
        EXPECT_EQ(opener().open(spec())->fetch_root().descriptor.digest.str(), content_.artifact.digest);
    }
}

TEST_F(RegistrySetupsTest, ClientCertificateWithoutKeyIsNamed) {
    start(RegistrySetup::kMutualTls);
    install(server_->pki()->ca_certificate, "ca.crt");
    install(server_->pki()->client_certificate, "client.cert");

    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, certs_directory().string() + " has client.cert but no client.key")) << message;
}

TEST_F(RegistrySetupsTest, PlainHttpEndpointOfATlsRegistry) {
    start(RegistrySetup::kTls);
    config_.registries[server_->host_port()].endpoints = {"http://" + server_->host_port()};

    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, "this client spoke plain HTTP and " + server_->host_port() +
                                      " responded as an HTTPS (TLS) server; use the endpoint https://" +
                                      server_->host_port()))
        << message;
}

TEST_F(RegistrySetupsTest, HttpsEndpointOfAPlainRegistry) {
    start(RegistrySetup::kPlainHttp);
    config_.registries[server_->host_port()].endpoints = {"https://" + server_->host_port()};

    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, "this client spoke HTTPS to " + server_->host_port() +
                                      " and the server responded in plain HTTP"))
        << message;
}

TEST_F(RegistrySetupsTest, TokenAuthWithBasicCredentials) {
    start(RegistrySetup::kTokenAuth);
    write_auth_file(R"({"auths": {")" + server_->host_port() + R"(": {"username": "tester", "password": ")" +
                    acedt_test::kRegistryPassword + R"("}}})");

    const auto source = opener().open(spec());
    const FetchedManifest root = source->fetch_root();
    const FetchedManifest child = source->fetch(root.manifest.manifests.at(0));
    EXPECT_EQ(child.descriptor.digest.str(), content_.image.digest);

    const auto requests = server_->issuer()->requests();
    ASSERT_EQ(requests.size(), 1u) << "one token for the repository, reused";
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].scopes, std::vector<std::string>{"repository:mirror/app:pull"});
    EXPECT_TRUE(requests[0].authorization.starts_with("Basic ")) << requests[0].authorization;
    for (const std::string &line : log_) {
        EXPECT_FALSE(contains(line, acedt_test::kRegistryPassword)) << line;
    }
}

TEST_F(RegistrySetupsTest, TokenAuthAnonymousIsDeniedWithoutLooping) {
    start(RegistrySetup::kTokenAuth);

    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, "access denied to mirror/app at " + server_->host_port() + " (HTTP 401)")) << message;
    EXPECT_TRUE(contains(message, "no credentials for " + server_->host_port() + " were found in " + auth_file_))
        << message;
    EXPECT_EQ(server_->issuer()->requests().size(), 1u);
}

TEST_F(RegistrySetupsTest, TokenAuthWrongPasswordNamesTheTokenService) {
    start(RegistrySetup::kTokenAuth);
    write_auth_file(R"({"auths": {")" + server_->host_port() + R"(": {"username": "tester", "password": "not-it"}}})");

    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, "the token service http://127.0.0.1:")) << message;
    EXPECT_TRUE(contains(message, "returned HTTP 401; check the credentials for " + server_->host_port())) << message;
    EXPECT_FALSE(contains(message, "not-it")) << message;
}

TEST_F(RegistrySetupsTest, TokenAuthWithIdentityToken) {
    start(RegistrySetup::kTokenAuth);
    write_auth_file(R"({"auths": {")" + server_->host_port() + R"(": {"username": "tester", "identitytoken": ")" +
                    acedt_test::kRefreshToken + R"("}}})");

    EXPECT_EQ(opener().open(spec())->fetch_root().descriptor.digest.str(), content_.artifact.digest);
    const auto requests = server_->issuer()->requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].grant_type, "refresh_token");
    EXPECT_EQ(requests[0].authorization, "") << "the identity token is never a password";
    for (const std::string &line : log_) {
        EXPECT_FALSE(contains(line, acedt_test::kRefreshToken)) << line;
    }
}

TEST_F(RegistrySetupsTest, TokenAuthIdentityTokenFromAHelper) {
    start(RegistrySetup::kTokenAuth);
    testing::TempDir helpers;
    testing::write_credential_helper(helpers, "tokens",
                                     testing::answering_helper_script(helpers.path() / "record", "<token>",
                                                                      acedt_test::kRefreshToken));
    const testing::ScopedEnvironmentVariable path("PATH", helpers.path().string() + ":" + std::getenv("PATH"));
    write_auth_file(R"({"credHelpers": {")" + server_->host_port() + R"(": "tokens"}})");

    EXPECT_EQ(opener().open(spec())->fetch_root().descriptor.digest.str(), content_.artifact.digest);
    ASSERT_EQ(server_->issuer()->requests().size(), 1u);
    EXPECT_EQ(server_->issuer()->requests()[0].grant_type, "refresh_token");
}

TEST_F(RegistrySetupsTest, RejectedTokenIsNotKept) {
    start(RegistrySetup::kTokenAuth);
    write_auth_file(R"({"auths": {")" + server_->host_port() + R"(": {"username": "tester", "password": ")" +
                    acedt_test::kRegistryPassword + R"("}}})");
    server_->issuer()->issue_expired_tokens(1);

    const std::string message = error_of_root(spec());
    EXPECT_TRUE(contains(message, "access denied to mirror/app at " + server_->host_port() + " (HTTP 401)")) << message;
    EXPECT_EQ(server_->issuer()->requests().size(), 1u) << "a refused fresh token is not requested again";

    EXPECT_EQ(opener().open(spec())->fetch_root().descriptor.digest.str(), content_.artifact.digest)
        << "the next request starts over with a new token";
    EXPECT_EQ(server_->issuer()->requests().size(), 2u);
}

TEST_F(RegistrySetupsTest, ReferrersTagOnARegistryWithoutTheApi) {
    start(RegistrySetup::kPlainHttp);
    const auto source = opener().open(spec());
    const Digest image = Digest::parse(content_.image.digest);

    for (int round = 0; round < 2; ++round) {
        const std::vector<Descriptor> referrers = source->referrers(image, "");
        ASSERT_EQ(referrers.size(), 1u);
        EXPECT_EQ(referrers[0].digest.str(), content_.signature.digest);
        EXPECT_EQ(referrers[0].artifact_type, kSignatureType);
    }
    EXPECT_EQ(count_log_lines("/referrers/" + content_.image.digest + " -> HTTP 404"), 1u)
        << "the missing API is remembered: " << log_text();
    EXPECT_EQ(count_log_lines("has no referrers API (HTTP 404); using referrers tags from now on"), 1u) << log_text();

    EXPECT_TRUE(source->referrers(image, "application/vnd.example.other").empty()) << "artifactType filter";
    EXPECT_TRUE(source->referrers(Digest::parse(content_.signature.digest), "").empty()) << "no tag, no referrers";
}

TEST_F(RegistrySetupsTest, ReferrersTagThatIsNotAListMeansNone) {
    start(RegistrySetup::kPlainHttp);
    const auto bytes_of = [&](const acedt_test::Blob &blob) {
        std::ifstream in(content_.builder.blob_path(blob), std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const Digest artifact = Digest::parse(content_.artifact.digest);
    const Digest signature = Digest::parse(content_.signature.digest);
    // The artifact's referrers tag names the artifact itself, and the
    // signature's names an image manifest.
    acedt_test::push_manifest_bytes(server_->host_port(), kRepository, referrers_tag(artifact),
                                    bytes_of(content_.artifact), content_.artifact.media_type);
    acedt_test::push_manifest_bytes(server_->host_port(), kRepository, referrers_tag(signature),
                                    bytes_of(content_.image), content_.image.media_type);

    const auto source = opener().open(spec());
    EXPECT_TRUE(source->referrers(artifact, "").empty());
    EXPECT_TRUE(source->referrers(signature, "").empty());
    EXPECT_EQ(count_log_lines("names the subject itself; it has no referrers"), 1u) << log_text();
}

}  // namespace
}  // namespace acedt::oci
