// The registry client against a scripted HTTP server on 127.0.0.1: token and
// Basic authentication, error responses, limits, endpoints and logging.
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/registry_client.hpp>
#include <acedt/oci/source.hpp>

#include "support/mock_http_server.hpp"
#include "support/opener_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_content.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace acedt::oci {
namespace {

using testing::Blob;
using testing::MockHttpServer;
using testing::MockRequest;
using testing::MockResponse;

// base64 of "user:pa:ss". The password contains a colon on purpose.
constexpr const char *kBasicAuthorization = "Basic dXNlcjpwYTpzcw==";
constexpr const char *kToken = "token-123";

MockResponse oci_error(int status, const std::string &code, const std::string &message) {
    return MockResponse{status, {{"Content-Type", "application/json"}},
                        R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})"};
}

MockResponse manifest_response(const Blob &blob, const std::string &content_type) {
    MockResponse response{200, {{"Docker-Content-Digest", blob.digest}}, blob.data};
    if (!content_type.empty()) {
        response.headers.emplace_back("Content-Type", content_type);
    }
    return response;
}

bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
}

// The opener fixture plus Basic credentials for one registry.
class RegistryClientTest : public testing::OpenerFixture {
protected:
    void write_credentials(const std::string &registry) {
        write_auth_file(R"({"auths": {")" + registry + R"(": {"auth": "dXNlcjpwYTpzcw=="}}})");
    }
};

// A registry that wants a bearer token from its own /token endpoint, which
// requires the Basic credentials above.
class TokenRegistry {
public:
    explicit TokenRegistry(Blob manifest, std::string challenge_scope = "repository:app:pull",
                           std::string token_field = "token")
        : manifest_(std::move(manifest)),
          challenge_scope_(std::move(challenge_scope)),
          token_field_(std::move(token_field)),
          server_([this](const MockRequest &request) { return handle(request); }) {}

    MockHttpServer &server() { return server_; }
    int token_requests() const { return token_requests_; }

private:
    MockResponse handle(const MockRequest &request) {
        if (request.target.starts_with("/token")) {
            ++token_requests_;
            if (request.header("authorization") != kBasicAuthorization) {
                return oci_error(401, "UNAUTHORIZED", "bad credentials");
            }
            return MockResponse{200, {{"Content-Type", "application/json"}},
                                R"({")" + token_field_ + R"(": ")" + kToken + R"(", "expires_in": 300})"};
        }

        if (request.header("authorization") != std::string("Bearer ") + kToken) {
            std::string challenge = "Bearer realm=\"" + server_.url() + "/token\",service=\"mock-registry\"";
            if (!challenge_scope_.empty()) {
                challenge += ",scope=\"" + challenge_scope_ + "\"";
            }
            MockResponse response = oci_error(401, "UNAUTHORIZED", "authentication required");
            response.headers.emplace_back("WWW-Authenticate", challenge);
            return response;
        }
        if (request.target == "/v2/app/manifests/v1") {
            return manifest_response(manifest_, std::string(testing::kOciIndexType));
        }
        return oci_error(404, "MANIFEST_UNKNOWN", "manifest unknown");
    }

    Blob manifest_;
    std::string challenge_scope_;
    std::string token_field_;
    std::atomic<int> token_requests_{0};
    MockHttpServer server_;
};

Blob sample_index() {
    const testing::SampleImage image = testing::make_sample_image("mock");
    return testing::make_index({testing::descriptor_of(image.manifest)}, testing::kGatherArtifactType);
}

TEST_F(RegistryClientTest, BearerTokenIsFetchedOnceAndReused) {
    const Blob index = sample_index();
    TokenRegistry registry(index);
    const std::string host = registry.server().host();
    write_credentials(host);
    use_plain_http(registry.server(), host);

    const FetchedManifest first = opener().open(host + "/app:v1")->fetch_root();
    const FetchedManifest second = opener().open(host + "/app:v1")->fetch_root();

    EXPECT_EQ(first.descriptor.digest.str(), index.digest);
    EXPECT_EQ(first.descriptor.size, index.size);
    EXPECT_EQ(first.descriptor.media_type, media_type::kOciIndex);
    EXPECT_EQ(first.manifest.artifact_type, testing::kGatherArtifactType);
    EXPECT_EQ(second.body, index.data);
    EXPECT_EQ(registry.token_requests(), 1);

    const std::vector<MockRequest> requests = registry.server().requests();
    ASSERT_EQ(requests.size(), 4u);  // 401, token, 200, then 200 with the cached token
    EXPECT_TRUE(contains(requests[1].target, "service=mock-registry")) << requests[1].target;
    EXPECT_TRUE(contains(requests[1].target, "scope=repository%3Aapp%3Apull")) << requests[1].target;
    EXPECT_EQ(requests[3].header("authorization"), std::string("Bearer ") + kToken);
    for (std::string_view type : {media_type::kOciIndex, media_type::kOciManifest, media_type::kDockerManifestList,
                                  media_type::kDockerManifest}) {
        EXPECT_TRUE(contains(requests[0].header("accept"), std::string(type))) << requests[0].header("accept");
    }
}

TEST_F(RegistryClientTest, LogsRequestsWithoutSecrets) {
    TokenRegistry registry(sample_index());
    const std::string host = registry.server().host();
    write_credentials(host);
    use_plain_http(registry.server(), host);

    opener().open(host + "/app:v1")->fetch_root();

    EXPECT_EQ(count_log_lines("12 GET " + registry.server().url() + "/v2/app/manifests/v1 -> HTTP 401"), 1u);
    EXPECT_EQ(count_log_lines("12 GET " + registry.server().url() + "/v2/app/manifests/v1 -> HTTP 200"), 1u);
    EXPECT_EQ(count_log_lines("/token?service=mock-registry"), 1u);
    for (const std::string &line : log_) {
        EXPECT_FALSE(contains(line, "pa:ss")) << line;
        EXPECT_FALSE(contains(line, "dXNlcjpwYTpzcw")) << line;
        EXPECT_FALSE(contains(line, kToken)) << line;
    }
}

TEST_F(RegistryClientTest, TokenRequestUsesDefaultScopeAndAccessToken) {
    TokenRegistry registry(sample_index(), "", "access_token");
    const std::string host = registry.server().host();
    write_credentials(host);
    use_plain_http(registry.server(), host);

    opener().open(host + "/app:v1")->fetch_root();

    const std::vector<MockRequest> requests = registry.server().requests();
    ASSERT_GE(requests.size(), 2u);
    EXPECT_TRUE(contains(requests[1].target, "scope=repository%3Aapp%3Apull")) << requests[1].target;
}

TEST_F(RegistryClientTest, WrongCredentialsFailAtTheTokenService) {
    TokenRegistry registry(sample_index());
    const std::string host = registry.server().host();
    directory_.write("auth.json", R"({"auths": {")" + host + R"(": {"username": "user", "password": "wrong"}}})");
    use_plain_http(registry.server(), host);

    const std::string message = error_of_root(host + "/app:v1");
    EXPECT_TRUE(contains(message, "authentication to " + host + " failed")) << message;
    EXPECT_TRUE(contains(message, "check the credentials for " + host + " from the auths entry in " + auth_file_))
        << message;
    EXPECT_FALSE(contains(message, "wrong")) << message;
}

TEST_F(RegistryClientTest, SecondUnauthorizedIsAccessDenied) {
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target.starts_with("/token")) {
            return MockResponse{200, {}, R"({"token": "useless"})"};
        }
        MockResponse response = oci_error(401, "UNAUTHORIZED", "no");
        response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"http://" + request.header("host") +
                                                              "/token\",service=\"s\"");
        return response;
    });
    write_credentials(server.host());
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/team/app:v1");
    EXPECT_TRUE(contains(message, "access denied to team/app at " + server.host() +
                                      " (HTTP 401); check the credentials for " + server.host()))
        << message;
    EXPECT_EQ(server.requests().size(), 3u) << "challenge, token, refusal: no loop";
}

TEST_F(RegistryClientTest, BasicChallengeNamesCredentialFile) {
    MockHttpServer server([](const MockRequest &) {
        MockResponse response = oci_error(401, "UNAUTHORIZED", "login");
        response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"test\"");
        return response;
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, server.host() + " requires credentials")) << message;
    EXPECT_TRUE(contains(message, auth_file_)) << message;
}

TEST_F(RegistryClientTest, UnsupportedChallengesAreNamed) {
    const std::pair<std::string, std::string> cases[] = {
        {"Negotiate, NTLM", "requires authentication with negotiate, ntlm, which is not supported"},
        {"", "returned HTTP 401 without a WWW-Authenticate challenge"},
    };
    for (const auto &[header, expected] : cases) {
        SCOPED_TRACE(header);
        MockHttpServer server([&](const MockRequest &) {
            MockResponse response = oci_error(401, "UNAUTHORIZED", "login");
            if (!header.empty()) {
                response.headers.emplace_back("WWW-Authenticate", header);
            }
            return response;
        });
        opener_.reset();
        use_plain_http(server, server.host());

        const std::string message = error_of_root(server.host() + "/app:v1");
        EXPECT_TRUE(contains(message, server.host() + " " + expected)) << message;
    }
}

TEST_F(RegistryClientTest, BasicCredentialsAreSentAfterTheFirstChallenge) {
    const Blob index = sample_index();
    MockHttpServer server([&](const MockRequest &request) {
        if (request.header("authorization") != kBasicAuthorization) {
            MockResponse response = oci_error(401, "UNAUTHORIZED", "login");
            response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"test\"");
            return response;
        }
        return manifest_response(index, std::string(testing::kOciIndexType));
    });
    write_credentials(server.host());
    use_plain_http(server, server.host());

    opener().open(server.host() + "/app:v1")->fetch_root();
    opener().open(server.host() + "/app:v2")->fetch_root();

    const std::vector<MockRequest> requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);  // one challenge, then Basic on every request
    EXPECT_EQ(requests[0].header("authorization"), "");
    EXPECT_EQ(requests[2].header("authorization"), kBasicAuthorization);
}

TEST_F(RegistryClientTest, MissingManifestIsNotFound) {
    MockHttpServer server([](const MockRequest &) { return oci_error(404, "MANIFEST_UNKNOWN", "manifest unknown"); });
    use_plain_http(server, server.host());

    try {
        opener().open(server.host() + "/team/app:v9")->fetch_root();
        FAIL() << "found a manifest that does not exist";
    } catch (const NotFoundError &error) {
        EXPECT_EQ(std::string(error.what()), "manifest v9 not found in team/app at " + server.host());
    }
}

TEST_F(RegistryClientTest, ServerErrorShowsDistributionErrors) {
    MockHttpServer server([](const MockRequest &) {
        return MockResponse{500, {{"Content-Type", "application/json; charset=utf-8"}},
                            R"({"errors":[{"code":"UNKNOWN","message":"storage failed"},{"code":"X","message":"y"}]})"};
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, server.host() + "/app:v1: HTTP 500 from " + server.url() + "/v2/app/manifests/v1"))
        << message;
    EXPECT_TRUE(contains(message, "UNKNOWN: storage failed; X: y")) << message;
}

TEST_F(RegistryClientTest, DockerContentDigestMustMatchTheBody) {
    const Blob index = sample_index();
    MockHttpServer server([&](const MockRequest &) {
        MockResponse response = manifest_response(index, std::string(testing::kOciIndexType));
        response.body += " ";
        return response;
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, "the Docker-Content-Digest header is " + index.digest)) << message;
    EXPECT_TRUE(contains(message, testing::sha256_digest(index.data + " "))) << message;
}

TEST_F(RegistryClientTest, MediaTypeFromContentTypeOrBody) {
    const std::string untyped_index = R"({"schemaVersion": 2, "manifests": []})";
    const std::string typed_index =
        R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": []})";
    struct Case {
        std::string body;
        std::string content_type;
        std::string expected;
    };
    const Case cases[] = {
        {untyped_index, "application/vnd.docker.distribution.manifest.list.v2+json; charset=utf-8",
         std::string(media_type::kDockerManifestList)},
        {typed_index, "application/json", std::string(media_type::kOciIndex)},
        {typed_index, "", std::string(media_type::kOciIndex)},
        {untyped_index, "", std::string(media_type::kOciIndex)},
        {untyped_index, "text/plain", std::string(media_type::kOciIndex)},
    };

    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.content_type + " " + test_case.body);
        MockHttpServer server([&](const MockRequest &) {
            return manifest_response(testing::make_blob("", test_case.body), test_case.content_type);
        });
        ClientConfig config;
        config.registries[server.host()].endpoints = {server.url()};
        SourceOpener local_opener(config, ClientHooks{});
        const FetchedManifest fetched = local_opener.open(server.host() + "/app:v1")->fetch_root();
        EXPECT_EQ(fetched.descriptor.media_type, test_case.expected);
        EXPECT_EQ(fetched.manifest.media_type, test_case.expected);
    }
}

TEST_F(RegistryClientTest, RejectsBodiesOverTheLimit) {
    const std::string huge(static_cast<std::size_t>(kMaxManifestBytes) + 1, ' ');
    MockHttpServer server([&](const MockRequest &) { return MockResponse{200, {}, huge}; });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, "larger than the limit of " + std::to_string(kMaxManifestBytes) + " bytes"))
        << message;
    EXPECT_TRUE(contains(message, "Content-Length: " + std::to_string(huge.size()))) << message;
}

TEST_F(RegistryClientTest, RejectsDescriptorsOverTheLimitBeforeFetching) {
    MockHttpServer server([](const MockRequest &) { return MockResponse{500, {}, ""}; });
    use_plain_http(server, server.host());

    Descriptor descriptor;
    descriptor.media_type = std::string(media_type::kOciManifest);
    descriptor.digest = Digest::parse(testing::sha256_digest("x"));
    descriptor.size = kMaxManifestBytes + 1;
    EXPECT_THROW(opener().open(server.host() + "/app:v1")->fetch(descriptor), Error);
    EXPECT_TRUE(server.requests().empty());
}

TEST_F(RegistryClientTest, InterruptionAbortsTheRequest) {
    MockHttpServer server([](const MockRequest &) { return MockResponse{200, {}, "{}"}; });
    use_plain_http(server, server.host());
    interrupted_ = true;

    EXPECT_THROW(opener().open(server.host() + "/app:v1")->fetch_root(), InterruptedError);
}

TEST_F(RegistryClientTest, InterruptionAbortsAStalledTransfer) {
    // The server stalls for up to 3 s after the request arrives, and Ctrl-C
    // is "pressed" as soon as it does. libcurl calls the progress callback at
    // least about once per second while idle, so the fetch must end well
    // before the server responds.
    std::atomic<bool> release{false};
    MockHttpServer server([&](const MockRequest &) {
        interrupted_ = true;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        while (!release && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return MockResponse{200, {}, "{}"};
    });
    use_plain_http(server, server.host());
    const auto source = opener().open(server.host() + "/app:v1");

    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(source->fetch_root(), InterruptedError);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
    release = true;
}

TEST_F(RegistryClientTest, FetchChecksTheDescriptor) {
    const Blob served = testing::make_blob(std::string(testing::kOciIndexType), R"({"schemaVersion":2,"manifests":[]})");
    const Blob expected = sample_index();
    MockHttpServer server([&](const MockRequest &) { return manifest_response(served, std::string(testing::kOciIndexType)); });
    use_plain_http(server, server.host());

    Descriptor descriptor;
    descriptor.media_type = std::string(media_type::kOciIndex);
    descriptor.digest = Digest::parse(expected.digest);
    descriptor.size = expected.size;

    std::string message;
    try {
        opener().open(server.host() + "/app:v1")->fetch(descriptor);
    } catch (const Error &error) {
        message = error.what();
    }
    EXPECT_TRUE(contains(message, server.host() + "/app:v1: manifest " + expected.digest + " does not match"))
        << message;
    EXPECT_TRUE(contains(message, "expected " + expected.digest + " (" + std::to_string(expected.size) + " bytes)"))
        << message;
    EXPECT_TRUE(contains(message, "got " + served.digest + " (" + std::to_string(served.size) + " bytes)")) << message;
    ASSERT_EQ(server.requests().size(), 1u);
    EXPECT_EQ(server.requests()[0].target, "/v2/app/manifests/" + expected.digest);
}

TEST_F(RegistryClientTest, RootByDigestIsChecked) {
    const Blob served = sample_index();
    MockHttpServer server([&](const MockRequest &) {
        MockResponse response{200, {{"Content-Type", std::string(testing::kOciIndexType)}}, served.data};
        return response;
    });
    use_plain_http(server, server.host());

    const std::string other = testing::sha256_digest("other");
    const std::string message = error_of_root(server.host() + "/app@" + other);
    EXPECT_TRUE(contains(message, "returned a manifest with the digest " + served.digest + " instead of " + other))
        << message;

    const FetchedManifest fetched = opener().open(server.host() + "/app@" + served.digest)->fetch_root();
    EXPECT_EQ(fetched.descriptor.digest.str(), served.digest);
}

TEST_F(RegistryClientTest, TriesEndpointsInOrderAndRewritesThePath) {
    const Blob index = sample_index();
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target == "/v2/mirror/busybox/manifests/1.36") {
            return manifest_response(index, std::string(testing::kOciIndexType));
        }
        return oci_error(404, "MANIFEST_UNKNOWN", "manifest unknown");
    });
    const std::string dead_endpoint = "http://127.0.0.1:" + std::to_string(testing::find_free_port());
    RegistrySettings &settings = config_.registries["reg.example.com"];
    settings.endpoints = {dead_endpoint, server.url() + "/"};
    settings.rewrite_pull = {{"^library/(.*)$", "mirror/$1"}, {"^library/busybox$", "never/used"}};

    const FetchedManifest fetched = opener().open("reg.example.com/library/busybox:1.36")->fetch_root();
    EXPECT_EQ(fetched.descriptor.digest.str(), index.digest);
    EXPECT_EQ(count_log_lines("cannot connect to " + dead_endpoint), 1u);
    EXPECT_EQ(count_log_lines("using " + server.url() + " for reg.example.com from now on"), 1u);

    // The endpoint that worked is tried first from now on.
    try {
        opener().open("reg.example.com/library/busybox:1.37")->fetch_root();
        FAIL() << "found a manifest that does not exist";
    } catch (const NotFoundError &error) {
        EXPECT_EQ(std::string(error.what()),
                  "manifest 1.37 not found in library/busybox at reg.example.com (requested as mirror/busybox)");
    }
    EXPECT_EQ(count_log_lines("cannot connect to " + dead_endpoint), 1u);
}

TEST_F(RegistryClientTest, AllEndpointsDownIsOneError) {
    const std::string first = "http://127.0.0.1:" + std::to_string(testing::find_free_port());
    config_.registries["reg.example.com"].endpoints = {first};

    const std::string message = error_of_root("reg.example.com/app:v1");
    EXPECT_TRUE(contains(message, "cannot connect to reg.example.com: GET " + first + "/v2/app/manifests/v1 failed"))
        << message;
}

TEST_F(RegistryClientTest, LoopbackRegistryFallsBackToPlainHttpOnce) {
    const Blob index = sample_index();
    MockHttpServer server([&](const MockRequest &) { return manifest_response(index, std::string(testing::kOciIndexType)); });

    opener().open(server.host() + "/app:v1")->fetch_root();
    opener().open(server.host() + "/app:v2")->fetch_root();

    EXPECT_EQ(count_log_lines("12 GET https://" + server.host()), 1u) << ::testing::PrintToString(log_);
    EXPECT_EQ(count_log_lines("using http://" + server.host() + " for " + server.host() + " from now on"), 1u);
    EXPECT_EQ(server.requests().size(), 2u);
}

TEST_F(RegistryClientTest, RejectsEndpointsThatAreNotHttp) {
    config_.registries["reg.example.com"].endpoints = {"ftp://mirror.example.com"};
    try {
        opener().open("reg.example.com/app:v1");
        FAIL() << "accepted an ftp endpoint";
    } catch (const Error &error) {
        EXPECT_TRUE(contains(error.what(), "invalid endpoint \"ftp://mirror.example.com\"")) << error.what();
    }
}

TEST(RegistryClientEndpoints, DefaultsDependOnTheRegistry) {
    const auto config = std::make_shared<const ClientConfig>();
    const auto credentials = std::make_shared<CredentialStore>(std::vector<std::string>{});

    EXPECT_EQ(RegistryClient("docker.io", config, {}, credentials).endpoints(),
              std::vector<std::string>{"https://registry-1.docker.io"});
    EXPECT_EQ(RegistryClient("reg.example.com:8443", config, {}, credentials).endpoints(),
              std::vector<std::string>{"https://reg.example.com:8443"});
    EXPECT_EQ(RegistryClient("localhost:5000", config, {}, credentials).endpoints(),
              (std::vector<std::string>{"https://localhost:5000", "http://localhost:5000"}));
    EXPECT_EQ(RegistryClient("[::1]:5000", config, {}, credentials).endpoints(),
              (std::vector<std::string>{"https://[::1]:5000", "http://[::1]:5000"}));
}

TEST(RegistryClientRewrite, FirstMatchingRuleWins) {
    auto config = std::make_shared<ClientConfig>();
    config->registries["reg.example.com"].rewrite_pull = {
        {"^library/(.*)$", "mirror/$1"}, {"^library/busybox$", "other/busybox"}, {"^bad$", "Bad//Path"}};
    const RegistryClient client("reg.example.com", config, {}, std::make_shared<CredentialStore>(std::vector<std::string>{}));

    EXPECT_EQ(client.wire_repository("library/busybox"), "mirror/busybox");
    EXPECT_EQ(client.wire_repository("team/app"), "team/app");
    EXPECT_THROW(client.wire_repository("bad"), Error);
}

}  // namespace
}  // namespace acedt::oci
