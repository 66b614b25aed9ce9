// The registry client against a real CNCF Distribution registry
// (/usr/bin/docker-registry) that each test starts on 127.0.0.1 and fills
// over the distribution API.
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/source.hpp>

#include "support/registry_process.hpp"
#include "support/registry_push.hpp"
#include "support/temp_dir.hpp"
#include "support/test_content.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

namespace acedt::oci {
namespace {

using testing::Blob;
using testing::RegistryProcess;
using testing::RegistryPusher;
using testing::SampleImage;

constexpr const char *kUser = "tester";
constexpr const char *kPassword = "pass:word";  // contains a colon on purpose
// base64 of "tester:pass:word".
constexpr const char *kAuthField = "dGVzdGVyOnBhc3M6d29yZA==";

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

// Runs `skopeo inspect --raw` against the test registry, as a client
// independent of this library. Returns "" when skopeo is not installed.
std::string skopeo_raw_manifest(const std::string &reference) {
    if (std::system("command -v skopeo > /dev/null 2>&1") != 0) {
        return {};
    }
    const std::string command = "skopeo inspect --tls-verify=false --raw docker://" + reference + " 2>&1";
    FILE *pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    if (pipe != nullptr) {
        pclose(pipe);
    }
    return output;
}

// A mirror artifact with two images, pushed to REGISTRY/mirror/app:v1.
struct PushedArtifact {
    SampleImage first = testing::make_sample_image("first");
    SampleImage second = testing::make_sample_image("second");
    Blob index;
    std::string reported_digest;  // Docker-Content-Digest from the registry
};

PushedArtifact push_artifact(RegistryPusher &pusher) {
    PushedArtifact artifact;
    pusher.push_image("mirror/app", artifact.first);
    pusher.push_image("mirror/app", artifact.second);
    artifact.index = testing::make_index(
        {testing::descriptor_of(artifact.first.manifest, {{"vnd.act3-ace.manifest.source", "docker.io/library/a:1"}}),
         testing::descriptor_of(artifact.second.manifest, {{"vnd.act3-ace.manifest.source", "docker.io/library/b:2"}})},
        testing::kGatherArtifactType, {{"vnd.act3-ace.data.version", "test"}});
    artifact.reported_digest = pusher.push_manifest("mirror/app", "v1", artifact.index);
    return artifact;
}

class RegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!testing::registry_available()) {
            GTEST_SKIP() << testing::kRegistryBinary << " is not installed (Debian package docker-registry)";
        }
    }

    void start_registry(const testing::RegistryOptions &options = {}) {
        registry_ = std::make_unique<RegistryProcess>(options);
    }

    SourceOpener &opener() {
        if (!opener_) {
            // Only the test's own files, so that the credentials and
            // certificates of the user running the tests play no part.
            config_.credential_files = config_.registry_auth_file.empty()
                                           ? std::vector<std::string>{}
                                           : std::vector<std::string>{config_.registry_auth_file};
            config_.certificate_directories = std::vector<std::string>{};
            ClientHooks hooks;
            hooks.log = [this](int, const std::string &message) { log_.push_back(message); };
            opener_ = std::make_unique<SourceOpener>(config_, hooks);
        }
        return *opener_;
    }

    std::string error_of_root(const std::string &spec) {
        try {
            opener().open(spec)->fetch_root();
        } catch (const Error &error) {
            return error.what();
        }
        return "(no error)";
    }

    testing::TempDir files_;
    std::unique_ptr<RegistryProcess> registry_;
    ClientConfig config_;
    std::vector<std::string> log_;
    std::unique_ptr<SourceOpener> opener_;
};

TEST_F(RegistryTest, FetchesIndexByTagAndChildrenByDescriptor) {
    start_registry();
    RegistryPusher pusher(registry_->url());
    const PushedArtifact artifact = push_artifact(pusher);
    ASSERT_EQ(artifact.reported_digest, artifact.index.digest);

    const std::string spec = registry_->host() + "/mirror/app:v1";
    const auto source = opener().open(spec);
    EXPECT_EQ(source->display_name(), spec);

    const FetchedManifest root = source->fetch_root();
    EXPECT_EQ(root.descriptor.digest.str(), artifact.reported_digest);
    EXPECT_EQ(root.descriptor.size, artifact.index.size);
    EXPECT_EQ(root.descriptor.media_type, media_type::kOciIndex);
    EXPECT_EQ(root.body, artifact.index.data);
    EXPECT_EQ(root.manifest.artifact_type, testing::kGatherArtifactType);
    EXPECT_EQ(root.manifest.annotations.at("vnd.act3-ace.data.version"), "test");
    ASSERT_EQ(root.manifest.manifests.size(), 2u);

    const FetchedManifest child = source->fetch(root.manifest.manifests[1]);
    EXPECT_EQ(child.descriptor.digest.str(), artifact.second.manifest.digest);
    EXPECT_EQ(child.descriptor.media_type, media_type::kOciManifest);
    ASSERT_TRUE(child.manifest.config.has_value());
    EXPECT_EQ(child.manifest.config->digest.str(), artifact.second.config.digest);

    const std::string skopeo_body = skopeo_raw_manifest(spec);
    if (!skopeo_body.empty()) {
        EXPECT_EQ(skopeo_body, artifact.index.data);
    }
}

TEST_F(RegistryTest, FetchesRootByDigest) {
    start_registry();
    RegistryPusher pusher(registry_->url());
    const PushedArtifact artifact = push_artifact(pusher);

    const FetchedManifest root =
        opener().open(registry_->host() + "/mirror/app@" + artifact.index.digest)->fetch_root();
    EXPECT_EQ(root.descriptor.digest.str(), artifact.index.digest);
    EXPECT_TRUE(root.manifest.is_index());

    const FetchedManifest image =
        opener().open(registry_->host() + "/mirror/app:v1@" + artifact.first.manifest.digest)->fetch_root();
    EXPECT_EQ(image.descriptor.digest.str(), artifact.first.manifest.digest);
    EXPECT_FALSE(image.manifest.is_index());
}

TEST_F(RegistryTest, MissingTagAndRepositoryAreNotFound) {
    start_registry();
    RegistryPusher pusher(registry_->url());
    push_artifact(pusher);

    for (const std::string &spec : {registry_->host() + "/mirror/app:nope", registry_->host() + "/absent/repo:v1"}) {
        SCOPED_TRACE(spec);
        EXPECT_THROW(opener().open(spec)->fetch_root(), NotFoundError);
    }
    try {
        opener().open(registry_->host() + "/mirror/app:nope")->fetch_root();
    } catch (const NotFoundError &error) {
        EXPECT_EQ(std::string(error.what()), "manifest nope not found in mirror/app at " + registry_->host());
    }
}

TEST_F(RegistryTest, SourcesOfOneRegistryShareTheClient) {
    start_registry();
    RegistryPusher pusher(registry_->url());
    push_artifact(pusher);

    opener().open(registry_->host() + "/mirror/app:v1")->fetch_root();
    opener().open(registry_->host() + "/mirror/app:v1")->fetch_root();

    // HTTPS is tried once, and the shared client then stays on plain HTTP.
    std::size_t https_attempts = 0;
    for (const std::string &line : log_) {
        https_attempts += line.starts_with("GET https://") ? 1 : 0;
    }
    EXPECT_EQ(https_attempts, 1u);
}

TEST_F(RegistryTest, BasicAuthUsesTheDockerConfigFile) {
    start_registry({kUser, kPassword});
    RegistryPusher pusher(registry_->url(), kUser, kPassword);
    const PushedArtifact artifact = push_artifact(pusher);

    config_.registry_auth_file =
        files_.write("config.json", R"({"auths": {"http://)" + registry_->host() + R"(/": {"auth": ")" + kAuthField +
                                        R"("}}})")
            .string();

    const FetchedManifest root = opener().open(registry_->host() + "/mirror/app:v1")->fetch_root();
    EXPECT_EQ(root.descriptor.digest.str(), artifact.index.digest);
    const FetchedManifest child = opener().open(registry_->host() + "/mirror/app:v1")->fetch(root.manifest.manifests[0]);
    EXPECT_EQ(child.descriptor.digest.str(), artifact.first.manifest.digest);

    for (const std::string &line : log_) {
        EXPECT_FALSE(contains(line, kPassword)) << line;
        EXPECT_FALSE(contains(line, kAuthField)) << line;
    }
}

TEST_F(RegistryTest, BasicAuthFailuresNameTheProblem) {
    start_registry({kUser, kPassword});
    RegistryPusher pusher(registry_->url(), kUser, kPassword);
    push_artifact(pusher);
    const std::string spec = registry_->host() + "/mirror/app:v1";

    config_.registry_auth_file = (files_.path() / "absent.json").string();
    std::string message = error_of_root(spec);
    EXPECT_TRUE(contains(message, registry_->host() + " requires credentials")) << message;
    EXPECT_TRUE(contains(message, config_.registry_auth_file)) << message;

    opener_.reset();
    config_.registry_auth_file =
        files_.write("wrong.json", R"({"auths": {")" + registry_->host() +
                                       R"(": {"username": "tester", "password": "not-it"}}})")
            .string();
    message = error_of_root(spec);
    EXPECT_TRUE(contains(message, "access denied to mirror/app at " + registry_->host() +
                                      " (HTTP 401); check the credentials for " + registry_->host()))
        << message;
    EXPECT_FALSE(contains(message, "not-it")) << message;
}

TEST_F(RegistryTest, SelfSignedCertificateNeedsInsecureSkipVerify) {
    testing::RegistryOptions options;
    options.tls = true;
    start_registry(options);
    RegistryPusher pusher(registry_->url());
    const PushedArtifact artifact = push_artifact(pusher);
    const std::string spec = registry_->host() + "/mirror/app:v1";

    // A certificate failure is not a reason to fall back to plain HTTP.
    const std::string message = error_of_root(spec);
    EXPECT_TRUE(contains(message, "registryConfig.endpointConfig[\"https://" + registry_->host() +
                                      "\"].tls.insecureSkipVerify"))
        << message;
    for (const std::string &line : log_) {
        EXPECT_FALSE(line.starts_with("GET http://")) << line;
    }

    opener_.reset();
    config_.endpoints["https://" + registry_->host()].insecure_skip_verify = true;
    const FetchedManifest root = opener().open(spec)->fetch_root();
    EXPECT_EQ(root.descriptor.digest.str(), artifact.index.digest);
}

}  // namespace
}  // namespace acedt::oci
