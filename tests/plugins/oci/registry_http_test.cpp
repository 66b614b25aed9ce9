// The registry client against scripted HTTP servers on 127.0.0.1 and
// 127.0.0.2, for responses that the real docker-registry never sends: rate
// limits and gateway errors, unusual challenges and token responses,
// redirects to another host, wrong digests, stalls, a referrers API. Each
// test says which of these it needs.
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/referrers.hpp>
#include <acedt/oci/registry_client.hpp>
#include <acedt/oci/source.hpp>

#include "retry.hpp"
#include "support/mock_http_server.hpp"
#include "support/opener_fixture.hpp"
#include "support/test_content.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

namespace acedt::oci {
namespace {

using testing::Blob;
using testing::contains;
using testing::MockHttpServer;
using testing::MockRequest;
using testing::MockResponse;
using Clock = std::chrono::steady_clock;

// base64 of "user:pa:ss".
constexpr const char *kBasicAuthorization = "Basic dXNlcjpwYTpzcw==";
constexpr const char *kAuthField = "dXNlcjpwYTpzcw==";

Blob sample_index() {
    const testing::SampleImage image = testing::make_sample_image("scripted");
    return testing::make_index({testing::descriptor_of(image.manifest)}, testing::kGatherArtifactType);
}

MockResponse manifest_response(const Blob &blob) {
    return MockResponse{200, {{"Docker-Content-Digest", blob.digest}, {"Content-Type", blob.media_type}}, blob.data};
}

MockResponse challenge(const std::string &header) {
    MockResponse response{401, {{"Content-Type", "application/json"}},
                          R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"};
    response.headers.emplace_back("WWW-Authenticate", header);
    return response;
}

class RegistryHttpTest : public testing::OpenerFixture {
protected:
    RegistryHttpTest() {
        // Short waits keep the retry tests fast; the Retry-After tests use
        // the server's value instead.
        config_.retry.initial_backoff = std::chrono::milliseconds(10);
        config_.retry.max_backoff = std::chrono::milliseconds(40);
    }

    void write_credentials(const std::string &registry) {
        write_auth_file(R"({"auths": {")" + registry + R"(": {"auth": ")" + kAuthField + R"("}}})");
    }
};

// --- Retries -----------------------------------------------------------

// Scripted: the real registry never rate-limits.
TEST_F(RegistryHttpTest, TooManyRequestsHonoursRetryAfter) {
    const Blob index = sample_index();
    int calls = 0;
    MockHttpServer server([&](const MockRequest &) {
        if (++calls == 1) {
            return MockResponse{429, {{"Retry-After", "1"}, {"Content-Type", "text/plain"}}, "slow down\n"};
        }
        return manifest_response(index);
    });
    use_plain_http(server, server.host());

    const auto start = Clock::now();
    const FetchedManifest fetched = opener().open(server.host() + "/app:v1")->fetch_root();
    const auto waited = Clock::now() - start;

    EXPECT_EQ(fetched.descriptor.digest.str(), index.digest);
    EXPECT_EQ(server.requests().size(), 2u);
    EXPECT_GE(waited, std::chrono::milliseconds(950)) << "the Retry-After of 1 s was not honoured";
    EXPECT_EQ(count_log_lines("4 HTTP 429 Too Many Requests from " + server.url() +
                              "/v2/app/manifests/v1; waiting 1 s before retry 1 of 4 (Retry-After)"),
              1u)
        << log_text();
}

// Scripted: the real registry does not return 502, 503 or 504 on demand.
TEST_F(RegistryHttpTest, GatewayErrorsAreRetriedWithBackoff) {
    for (const int status : {502, 503, 504}) {
        SCOPED_TRACE(status);
        const Blob index = sample_index();
        int calls = 0;
        MockHttpServer server([&](const MockRequest &) {
            return ++calls <= 2 ? MockResponse{status, {}, ""} : manifest_response(index);
        });
        opener_.reset();
        log_.clear();
        use_plain_http(server, server.host());

        EXPECT_EQ(opener().open(server.host() + "/app:v1")->fetch_root().descriptor.digest.str(), index.digest);
        EXPECT_EQ(server.requests().size(), 3u);
        EXPECT_EQ(count_log_lines("waiting 10 ms before retry 1 of 4"), 1u) << log_text();
        EXPECT_EQ(count_log_lines("waiting 20 ms before retry 2 of 4"), 1u) << log_text();
    }
}

// Scripted: the real registry is never unavailable on purpose.
TEST_F(RegistryHttpTest, RetriesAreBoundedInCount) {
    MockHttpServer server([](const MockRequest &) {
        return MockResponse{503, {{"Content-Type", "text/html"}}, "<html><body>\n  Maintenance\n</body></html>"};
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_EQ(server.requests().size(), 5u) << "one request and 4 retries";
    EXPECT_EQ(count_log_lines("before retry"), 4u) << log_text();
    EXPECT_TRUE(contains(message, "HTTP 503 from " + server.url() + "/v2/app/manifests/v1")) << message;
    EXPECT_TRUE(contains(message, "<html><body> Maintenance </body></html>")) << message;
    EXPECT_TRUE(contains(message, "still 503 Service Unavailable after 4 retries")) << message;
}

// Scripted: the real registry never sends Retry-After.
TEST_F(RegistryHttpTest, RetriesAreBoundedInTotalTime) {
    MockHttpServer server([](const MockRequest &) {
        return MockResponse{429, {{"Retry-After", "3600"}, {"Content-Type", "text/plain"}}, "quota exceeded"};
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_EQ(server.requests().size(), 1u) << "a wait beyond the limit is not started";
    EXPECT_EQ(count_log_lines("before retry"), 0u) << log_text();
    EXPECT_TRUE(contains(message, "HTTP 429 from " + server.url() + "/v2/app/manifests/v1: quota exceeded")) << message;
    EXPECT_TRUE(contains(message, "the server asked to wait 3600 s (Retry-After), more than the 60 s left of the "
                                  "retry limit of 60 s"))
        << message;
}

// Scripted: the real registry never sends Retry-After.
TEST_F(RegistryHttpTest, RetryAfterDateIsHonoured) {
    const Blob index = sample_index();
    int calls = 0;
    MockHttpServer server([&](const MockRequest &) {
        if (++calls > 1) {
            return manifest_response(index);
        }
        // Two seconds ahead, so the wait is over one second whatever the
        // fraction of the current second.
        const std::time_t when = std::time(nullptr) + 2;
        std::tm parts{};
        gmtime_r(&when, &parts);
        char date[64];
        std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &parts);
        return MockResponse{503, {{"Retry-After", date}}, ""};
    });
    use_plain_http(server, server.host());

    const auto start = Clock::now();
    opener().open(server.host() + "/app:v1")->fetch_root();
    EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(950));
    EXPECT_EQ(server.requests().size(), 2u);
    EXPECT_EQ(count_log_lines("(Retry-After)"), 1u) << log_text();
}

TEST(ParseRetryAfter, ReadsSecondsAndDates) {
    using std::chrono::milliseconds;
    std::tm parts{};
    parts.tm_year = 1994 - 1900;
    parts.tm_mon = 10;
    parts.tm_mday = 6;
    parts.tm_hour = 8;
    parts.tm_min = 49;
    parts.tm_sec = 30;
    const auto now = std::chrono::system_clock::from_time_t(timegm(&parts));

    EXPECT_EQ(http::parse_retry_after("5", now), milliseconds(5000));
    EXPECT_EQ(http::parse_retry_after(" 0 ", now), milliseconds(0));
    EXPECT_EQ(http::parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), milliseconds(7000));
    EXPECT_EQ(http::parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), milliseconds(7000));
    EXPECT_EQ(http::parse_retry_after("Sun Nov  6 08:49:37 1994", now), milliseconds(7000));
    EXPECT_EQ(http::parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), milliseconds(0)) << "past dates";
    EXPECT_EQ(http::parse_retry_after("", now), std::nullopt);
    EXPECT_EQ(http::parse_retry_after("-1", now), std::nullopt);
    EXPECT_EQ(http::parse_retry_after("soon", now), std::nullopt);
    EXPECT_EQ(http::parse_retry_after("1.5", now), std::nullopt);
}

// --- Error bodies ------------------------------------------------------

// Scripted: the real registry always sends JSON errors with a JSON type.
TEST_F(RegistryHttpTest, ErrorBodiesAreJsonOnlyWithAJsonType) {
    const std::string json_errors = R"({"errors":[{"code":"DENIED","message":"quota"}]})";
    struct Case {
        std::string content_type;
        std::string expected;
    };
    const Case cases[] = {
        {"application/json; charset=utf-8", "HTTP 500 from URL: DENIED: quota"},
        {"application/vnd.oci.error.v1+json", "HTTP 500 from URL: DENIED: quota"},
        {"text/plain", "HTTP 500 from URL: " + json_errors},
        {"", "HTTP 500 from URL: " + json_errors},
    };
    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.content_type);
        MockHttpServer server([&](const MockRequest &) {
            MockResponse response{500, {}, json_errors};
            if (!test_case.content_type.empty()) {
                response.headers.emplace_back("Content-Type", test_case.content_type);
            }
            return response;
        });
        opener_.reset();
        use_plain_http(server, server.host());

        std::string expected = test_case.expected;
        expected.replace(expected.find("URL"), 3, server.url() + "/v2/app/manifests/v1");
        const std::string message = error_of_root(server.host() + "/app:v1");
        EXPECT_TRUE(contains(message, expected)) << message;
    }
}

// --- Challenges and tokens ---------------------------------------------

// Scripted: the real registry sends one plain Bearer challenge.
TEST_F(RegistryHttpTest, ChallengeWithQuotedCommasAndSeveralSchemes) {
    const Blob index = sample_index();
    std::string token_target;
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target.starts_with("/auth/token")) {
            token_target = request.target;
            return MockResponse{200, {{"Content-Type", "application/json"}}, R"({"token": "t-1"})"};
        }
        if (request.header("authorization") == "Bearer t-1") {
            return manifest_response(index);
        }
        MockResponse response = challenge(
            R"(Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple, with \"quotes\"")");
        response.headers.emplace_back("WWW-Authenticate",
                                      "bEaReR REALM=\"" + server.url() +
                                          "/auth/token\", service=\"registry, the one\", scope=\"repository:app:pull\"");
        return response;
    });
    write_credentials(server.host());
    use_plain_http(server, server.host());

    EXPECT_EQ(opener().open(server.host() + "/app:v1")->fetch_root().descriptor.digest.str(), index.digest);
    EXPECT_EQ(token_target, "/auth/token?service=registry%2C%20the%20one&scope=repository%3Aapp%3Apull")
        << "Bearer is preferred over Basic, and the unknown Newauth is skipped";
}

// Scripted: the real registry always names a scope in its challenge.
TEST_F(RegistryHttpTest, ChallengeWithoutScopeUsesTheRepository) {
    const Blob index = sample_index();
    std::vector<std::string> token_targets;
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target.starts_with("/token")) {
            token_targets.push_back(request.target);
            return MockResponse{200, {}, R"({"token": "t-1", "expires_in": 300})"};
        }
        if (request.header("authorization") == "Bearer t-1") {
            return manifest_response(index);
        }
        return challenge("Bearer realm=\"" + server.url() + "/token\"");
    });
    use_plain_http(server, server.host());

    opener().open(server.host() + "/team/app:v1")->fetch_root();
    ASSERT_EQ(token_targets.size(), 1u);
    EXPECT_EQ(token_targets[0], "/token?scope=repository%3Ateam%2Fapp%3Apull");
}

// Scripted: the token responses of the real token services cannot be
// chosen: access_token only, both fields, no expires_in, a short lifetime.
TEST_F(RegistryHttpTest, TokenResponseShapes) {
    struct Case {
        std::string body;
        std::string expected_authorization;
        std::size_t expected_token_requests;  // for two fetches
    };
    const Case cases[] = {
        {R"({"access_token": "only-access"})", "Bearer only-access", 1},
        {R"({"token": "from-token", "access_token": "from-access"})", "Bearer from-token", 1},
        {R"({"token": "no-expiry"})", "Bearer no-expiry", 1},  // 60 s assumed
        {R"({"token": "short", "expires_in": 3})", "Bearer short", 2},  // renewed before expiry
        {R"({"token": "long", "expires_in": 3600})", "Bearer long", 1},
    };
    for (const Case &test_case : cases) {
        SCOPED_TRACE(test_case.body);
        const Blob index = sample_index();
        std::size_t token_requests = 0;
        MockHttpServer server([&](const MockRequest &request) {
            if (request.target.starts_with("/token")) {
                ++token_requests;
                return MockResponse{200, {{"Content-Type", "application/json"}}, test_case.body};
            }
            if (request.header("authorization") == test_case.expected_authorization) {
                return manifest_response(index);
            }
            return challenge("Bearer realm=\"" + server.url() + "/token\",service=\"s\",scope=\"repository:app:pull\"");
        });
        opener_.reset();
        use_plain_http(server, server.host());

        opener().open(server.host() + "/app:v1")->fetch_root();
        opener().open(server.host() + "/app:v2")->fetch_root();
        EXPECT_EQ(token_requests, test_case.expected_token_requests);
    }
}

// Scripted: the real registry caches tokens per scope as well; the number
// of token requests per scope is only visible at a scripted token service.
TEST_F(RegistryHttpTest, TokensAreCachedPerScope) {
    const Blob index = sample_index();
    std::vector<std::string> scopes;
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target.starts_with("/token")) {
            const std::string scope = request.target.substr(request.target.find("scope=") + 6);
            scopes.push_back(scope);
            return MockResponse{200, {}, R"({"token": "for-)" + scope + R"(", "expires_in": 300})"};
        }
        const std::string repository = request.target.substr(4, request.target.find("/manifests/") - 4);
        if (request.header("authorization") == "Bearer for-repository%3A" + repository + "%3Apull") {
            return manifest_response(index);
        }
        return challenge("Bearer realm=\"" + server.url() + "/token\",scope=\"repository:" + repository + ":pull\"");
    });
    use_plain_http(server, server.host());

    opener().open(server.host() + "/one:v1")->fetch_root();
    opener().open(server.host() + "/two:v1")->fetch_root();
    opener().open(server.host() + "/one:v2")->fetch_root();
    opener().open(server.host() + "/two:v2")->fetch_root();
    EXPECT_EQ(scopes, (std::vector<std::string>{"repository%3Aone%3Apull", "repository%3Atwo%3Apull"}));
}

// Scripted: a token the registry revokes while it is still valid by its
// expires_in cannot be arranged with the real registry.
TEST_F(RegistryHttpTest, RevokedTokenIsDroppedAndReplacedOnce) {
    const Blob index = sample_index();
    int token_number = 0;
    std::string accepted = "Bearer t-1";
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target.starts_with("/token")) {
            return MockResponse{200, {}, R"({"token": "t-)" + std::to_string(++token_number) + R"(", "expires_in": 300})"};
        }
        if (request.header("authorization") == accepted) {
            return manifest_response(index);
        }
        return challenge("Bearer realm=\"" + server.url() + "/token\",scope=\"repository:app:pull\"");
    });
    use_plain_http(server, server.host());

    opener().open(server.host() + "/app:v1")->fetch_root();
    accepted = "Bearer t-2";  // the registry no longer accepts t-1
    opener().open(server.host() + "/app:v2")->fetch_root();

    EXPECT_EQ(token_number, 2);
    const std::vector<MockRequest> requests = server.requests();
    ASSERT_EQ(requests.size(), 6u);
    EXPECT_EQ(requests[3].header("authorization"), "Bearer t-1") << "the cached token is tried first";
    EXPECT_EQ(requests[5].header("authorization"), "Bearer t-2");
}

// Scripted: the real registry returns 403 only with token auth and a
// token service that grants less than requested.
TEST_F(RegistryHttpTest, ForbiddenIsAPermissionError) {
    MockHttpServer server([](const MockRequest &) {
        return MockResponse{403, {{"Content-Type", "application/json"}},
                            R"({"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]})"};
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/team/secret:v1");
    EXPECT_TRUE(contains(message, "access denied to team/secret at " + server.host() + " (HTTP 403)")) << message;
    EXPECT_TRUE(contains(message, "DENIED: requested access to the resource is denied")) << message;
    EXPECT_EQ(server.requests().size(), 1u);
}

// Scripted: the real registry takes an identity token only through a
// token service; this checks the exact form of the OAuth2 request.
TEST_F(RegistryHttpTest, IdentityTokenIsExchangedNotSentAsPassword) {
    const Blob index = sample_index();
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target == "/oauth/token") {
            return MockResponse{200, {}, R"({"access_token": "access-1", "expires_in": 300})"};
        }
        if (request.header("authorization") == "Bearer access-1") {
            return manifest_response(index);
        }
        return challenge("Bearer realm=\"" + server.url() + "/oauth/token\",service=\"svc\",scope=\"repository:app:pull\"");
    });
    write_auth_file(R"({"auths": {")" + server.host() + R"(": {"username": "alice", "identitytoken": "refresh-secret"}}})");
    use_plain_http(server, server.host());

    opener().open(server.host() + "/app:v1")->fetch_root();

    const std::vector<MockRequest> requests = server.requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[1].method, "POST");
    EXPECT_EQ(requests[1].header("content-type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(requests[1].body, "grant_type=refresh_token&client_id=ace-dt&service=svc&scope=repository%3Aapp%3Apull"
                                "&refresh_token=refresh-secret");
    for (const MockRequest &request : requests) {
        EXPECT_FALSE(contains(request.header("authorization"), "Basic")) << request.target;
    }
    for (const std::string &line : log_) {
        EXPECT_FALSE(contains(line, "refresh-secret")) << line;
        EXPECT_FALSE(contains(line, "access-1")) << line;
    }
}

// Scripted: Basic authentication with an identity token is a
// misconfiguration no real registry set-up here produces.
TEST_F(RegistryHttpTest, IdentityTokenCannotAnswerBasic) {
    MockHttpServer server([](const MockRequest &) { return challenge("Basic realm=\"r\""); });
    write_auth_file(R"({"auths": {")" + server.host() + R"(": {"identitytoken": "refresh-secret"}}})");
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, "are an identity token, which only token (Bearer) authentication can use")) << message;
    EXPECT_FALSE(contains(message, "refresh-secret")) << message;
}

// --- Redirects ---------------------------------------------------------

// Scripted: the real registry never redirects manifest requests. The two
// servers listen on 127.0.0.1 and 127.0.0.2, which count as two hosts.
TEST_F(RegistryHttpTest, CrossHostRedirectCarriesNoCredentials) {
    const Blob index = sample_index();
    MockHttpServer storage([&](const MockRequest &) { return manifest_response(index); }, "127.0.0.2");
    MockHttpServer registry([&](const MockRequest &request) {
        if (request.header("authorization") != kBasicAuthorization) {
            return challenge("Basic realm=\"r\"");
        }
        return MockResponse{307, {{"Location", storage.url() + "/blobs/manifest-v1"}}, ""};
    });
    write_credentials(registry.host());
    use_plain_http(registry, registry.host());

    const FetchedManifest fetched = opener().open(registry.host() + "/app:v1")->fetch_root();
    EXPECT_EQ(fetched.descriptor.digest.str(), index.digest);

    ASSERT_EQ(storage.requests().size(), 1u);
    EXPECT_EQ(storage.requests()[0].target, "/blobs/manifest-v1");
    EXPECT_EQ(storage.requests()[0].header("authorization"), "") << "credentials went to another host";
    EXPECT_EQ(count_log_lines("following the redirect to " + storage.url() + " without credentials"), 1u) << log_text();
}

// Scripted: see above; a login page is what single sign-on proxies send.
TEST_F(RegistryHttpTest, RedirectToHtmlLoginPageFails) {
    MockHttpServer login([](const MockRequest &) {
        return MockResponse{200, {{"Content-Type", "text/html; charset=utf-8"}}, "<html>Please sign in</html>"};
    }, "127.0.0.2");
    MockHttpServer registry([&](const MockRequest &) {
        return MockResponse{302, {{"Location", login.url() + "/login?next=/v2/"}}, ""};
    });
    write_credentials(registry.host());
    use_plain_http(registry, registry.host());

    const std::string message = error_of_root(registry.host() + "/app:v1");
    EXPECT_TRUE(contains(message, "the request to " + registry.url() + " was redirected to " + login.url() +
                                      ", which returned an HTML page (a login page?) instead of a manifest"))
        << message;
    EXPECT_EQ(login.requests().at(0).header("authorization"), "");
}

// Scripted: a redirect within one host keeps the credentials; the real
// registry does not redirect at all.
TEST_F(RegistryHttpTest, SameHostRedirectKeepsCredentials) {
    const Blob index = sample_index();
    MockHttpServer registry([&](const MockRequest &request) {
        if (request.header("authorization") != kBasicAuthorization) {
            return challenge("Basic realm=\"r\"");
        }
        if (request.target == "/v2/app/manifests/v1") {
            return MockResponse{301, {{"Location", "/v2/moved/manifests/v1"}}, ""};
        }
        return manifest_response(index);
    });
    write_credentials(registry.host());
    use_plain_http(registry, registry.host());

    opener().open(registry.host() + "/app:v1")->fetch_root();
    EXPECT_EQ(registry.requests().back().target, "/v2/moved/manifests/v1");
    EXPECT_EQ(registry.requests().back().header("authorization"), kBasicAuthorization);
}

// --- Manifests -----------------------------------------------------------

// Scripted: the real registry's Docker-Content-Digest is always right.
TEST_F(RegistryHttpTest, WrongDockerContentDigestFails) {
    const Blob index = sample_index();
    const Blob other = testing::make_blob(std::string(testing::kOciIndexType), R"({"schemaVersion":2,"manifests":[]})");
    MockHttpServer server([&](const MockRequest &) {
        MockResponse response = manifest_response(index);
        response.headers[0].second = other.digest;
        return response;
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, "the Docker-Content-Digest header is " + other.digest + ", but the body's digest is " +
                                      index.digest))
        << message;
}

// Scripted: docker-registry 2.8 does not serve schema 1 manifests to
// clients that accept schema 2 or OCI only.
TEST_F(RegistryHttpTest, SchemaOneIsReportedAsLegacy) {
    const std::string schema1 = R"({"schemaVersion": 1, "name": "app", "tag": "v1", "fsLayers": []})";
    MockHttpServer server([&](const MockRequest &) {
        return MockResponse{200, {{"Content-Type", "application/vnd.docker.distribution.manifest.v1+prettyjws"}}, schema1};
    });
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, "Docker schema 1 manifests are not supported")) << message;
}

// Scripted: a body of exactly 4 MiB is quicker to serve from memory than to
// push; RegistryTest checks that the real registry serves large ones too.
TEST_F(RegistryHttpTest, ManifestOfExactlyTheLimitIsAccepted) {
    const std::string start = R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", )"
                              R"("manifests": [], "annotations": {"padding": ")";
    const std::string end = R"("}})";
    const std::string body = start + std::string(static_cast<std::size_t>(kMaxManifestBytes) - start.size() - end.size(), 'x') + end;
    ASSERT_EQ(body.size(), static_cast<std::size_t>(kMaxManifestBytes));
    MockHttpServer server([&](const MockRequest &) {
        return MockResponse{200, {{"Content-Type", std::string(testing::kOciIndexType)}}, body};
    });
    use_plain_http(server, server.host());

    const FetchedManifest fetched = opener().open(server.host() + "/app:v1")->fetch_root();
    EXPECT_EQ(fetched.descriptor.size, kMaxManifestBytes);
}

// --- Timeouts ------------------------------------------------------------

// Scripted: the real registry never stalls.
TEST_F(RegistryHttpTest, IdleTimeoutEndsAStalledResponse) {
    std::atomic<bool> release{false};
    MockHttpServer server([&](const MockRequest &) {
        const auto deadline = Clock::now() + std::chrono::seconds(5);
        while (!release && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return MockResponse{200, {}, "{}"};
    });
    config_.idle_timeout = std::chrono::seconds(1);
    use_plain_http(server, server.host());

    const std::string message = error_of_root(server.host() + "/app:v1");
    release = true;
    EXPECT_TRUE(contains(message, "failed: no data for 1s (httpIdleTimeout) while waiting for the response")) << message;
    EXPECT_FALSE(contains(message, "cannot connect")) << message;
}

// No HTTP server at all: a listening socket whose accept queue is full, so
// that the next connection attempt waits for the connect timeout.
TEST_F(RegistryHttpTest, ConnectTimeoutEndsAHangingConnect) {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    ASSERT_EQ(listen(listener, 0), 0);
    socklen_t length = sizeof address;
    getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length);

    // Fill the accept queue; later SYNs are dropped and connect() hangs.
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        // Non-blocking: EINPROGRESS is the expected result, so the result is not checked.
        (void)connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
        fillers.push_back(fd);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));

    const std::string host = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
    config_.registries[host].endpoints = {"http://" + host};
    config_.connect_timeout = std::chrono::milliseconds(500);
    const std::string message = error_of_root(host + "/app:v1");
    EXPECT_TRUE(contains(message, "(httpConnectTimeout is 500ms)")) << message;

    for (int fd : fillers) {
        close(fd);
    }
    close(listener);
}

// --- Scheme mismatch ---------------------------------------------------

// Scripted: a plain-HTTP server answering a TLS handshake; RegistryTest
// checks the same with the real registry.
TEST_F(RegistryHttpTest, HttpsToPlainServerNamesBothSides) {
    MockHttpServer server([](const MockRequest &) { return MockResponse{200, {}, "{}"}; });
    config_.registries[server.host()].endpoints = {"https://" + server.host()};

    const std::string message = error_of_root(server.host() + "/app:v1");
    EXPECT_TRUE(contains(message, "this client spoke HTTPS to " + server.host() +
                                      " and the server responded in plain HTTP"))
        << message;
    EXPECT_TRUE(contains(message, "add the endpoint http://" + server.host())) << message;
    EXPECT_FALSE(contains(message, "client certificate")) << message;
}

// --- Referrers ---------------------------------------------------------

// A subject and referrers for the referrers tests.
struct ReferrersFixture {
    Blob subject = testing::make_sample_image("subject").manifest;
    Blob signature = testing::make_blob(std::string(testing::kOciManifestType), R"({"schemaVersion":2,"sig":1})");
    Blob sbom = testing::make_blob(std::string(testing::kOciManifestType), R"({"schemaVersion":2,"sbom":1})");

    boost::json::object typed(const Blob &blob, const std::string &artifact_type) const {
        boost::json::object descriptor = testing::descriptor_of(blob);
        descriptor["artifactType"] = artifact_type;
        return descriptor;
    }
    boost::json::object signature_descriptor() const { return typed(signature, "application/vnd.example.sig"); }
    boost::json::object sbom_descriptor() const { return typed(sbom, "application/vnd.example.sbom"); }
};

MockResponse index_response(const std::vector<boost::json::object> &entries) {
    const Blob index = testing::make_index(entries);
    return MockResponse{200, {{"Content-Type", std::string(testing::kOciIndexType)}}, index.data};
}

std::vector<std::string> digests_of(const std::vector<Descriptor> &descriptors) {
    std::vector<std::string> digests;
    for (const Descriptor &descriptor : descriptors) {
        digests.push_back(descriptor.digest.str());
    }
    return digests;
}

// Scripted: docker-registry 2.8 has no referrers API.
TEST_F(RegistryHttpTest, ReferrersApiFollowsLinkPages) {
    const ReferrersFixture content;
    MockHttpServer server([&](const MockRequest &request) {
        const std::string base = "/v2/app/referrers/" + content.subject.digest;
        if (request.target == base) {
            MockResponse response = index_response({content.signature_descriptor()});
            response.headers.emplace_back("Link", "<" + base + "?n=1&last=x>; rel=\"next\"");
            return response;
        }
        if (request.target == base + "?n=1&last=x") {
            return index_response({content.sbom_descriptor()});
        }
        return MockResponse{404, {}, ""};
    });
    use_plain_http(server, server.host());

    const auto source = opener().open(server.host() + "/app:v1");
    const std::vector<Descriptor> referrers = source->referrers(Digest::parse(content.subject.digest), "");
    EXPECT_EQ(digests_of(referrers), (std::vector<std::string>{content.signature.digest, content.sbom.digest}));
    EXPECT_EQ(referrers.at(0).artifact_type, "application/vnd.example.sig");
    EXPECT_EQ(server.requests().size(), 2u);
}

// Scripted: docker-registry 2.8 has no referrers API to filter.
TEST_F(RegistryHttpTest, ReferrersArtifactTypeFilter) {
    const ReferrersFixture content;
    for (const bool server_filters : {true, false}) {
        SCOPED_TRACE(server_filters);
        std::string target;
        MockHttpServer server([&](const MockRequest &request) {
            target = request.target;
            if (server_filters) {
                MockResponse response = index_response({content.sbom_descriptor()});
                response.headers.emplace_back("OCI-Filters-Applied", "artifactType");
                return response;
            }
            return index_response({content.signature_descriptor(), content.sbom_descriptor()});
        });
        opener_.reset();
        use_plain_http(server, server.host());

        const std::vector<Descriptor> referrers =
            opener().open(server.host() + "/app:v1")->referrers(Digest::parse(content.subject.digest),
                                                                 "application/vnd.example.sbom");
        EXPECT_EQ(target, "/v2/app/referrers/" + content.subject.digest + "?artifactType=application%2Fvnd.example.sbom");
        EXPECT_EQ(digests_of(referrers), std::vector<std::string>{content.sbom.digest});
    }
}

// Scripted: a registry whose referrers path returns the subject manifest
// itself, which docker-registry does not do.
TEST_F(RegistryHttpTest, ReferrersApiReturningTheSubjectMeansNone) {
    // The subject is an index, so that its own entries could pass for
    // referrers if the answer were not recognised as the subject.
    const Blob subject = sample_index();
    MockHttpServer server([&](const MockRequest &request) {
        if (request.target.starts_with("/v2/app/referrers/")) {
            return manifest_response(subject);
        }
        return MockResponse{404, {}, ""};
    });
    use_plain_http(server, server.host());

    const std::vector<Descriptor> referrers =
        opener().open(server.host() + "/app:v1")->referrers(Digest::parse(subject.digest), "");
    EXPECT_TRUE(referrers.empty());
    EXPECT_EQ(server.requests().size(), 1u) << "an answer that is not 404 does not lead to the tag";
    EXPECT_EQ(count_log_lines("returned the subject itself; treating it as no referrers"), 1u) << log_text();
}

// Scripted: counts which paths the client asks for in each mode.
TEST_F(RegistryHttpTest, ReferrersModesChooseApiOrTag) {
    const ReferrersFixture content;
    const Digest subject = Digest::parse(content.subject.digest);
    const std::string tag_path = "/v2/app/manifests/" + referrers_tag(subject);
    const auto handler = [&](bool has_api) {
        return [&, has_api](const MockRequest &request) {
            if (request.target.starts_with("/v2/app/referrers/")) {
                return has_api ? index_response({content.signature_descriptor()}) : MockResponse{404, {}, ""};
            }
            if (request.target == tag_path) {
                const Blob index = testing::make_index({content.sbom_descriptor()});
                return manifest_response(index);
            }
            return MockResponse{404, {}, ""};
        };
    };
    const auto paths = [](const MockHttpServer &server) {
        std::vector<std::string> targets;
        for (const MockRequest &request : server.requests()) {
            targets.push_back(request.target.starts_with("/v2/app/referrers/") ? "api" : "tag");
        }
        return targets;
    };

    {
        SCOPED_TRACE("auto without the API: 404 once, then tags only");
        MockHttpServer server(handler(false));
        opener_.reset();
        use_plain_http(server, server.host());
        const auto source = opener().open(server.host() + "/app:v1");
        EXPECT_EQ(digests_of(source->referrers(subject, "")), std::vector<std::string>{content.sbom.digest});
        EXPECT_EQ(digests_of(source->referrers(subject, "")), std::vector<std::string>{content.sbom.digest});
        EXPECT_EQ(paths(server), (std::vector<std::string>{"api", "tag", "tag"}));
    }
    {
        SCOPED_TRACE("tag: never the API");
        MockHttpServer server(handler(true));
        opener_.reset();
        use_plain_http(server, server.host());
        config_.endpoints[server.url()].supports_referrers = ReferrersMode::kTag;
        EXPECT_EQ(digests_of(opener().open(server.host() + "/app:v1")->referrers(subject, "")),
                  std::vector<std::string>{content.sbom.digest});
        EXPECT_EQ(paths(server), std::vector<std::string>{"tag"});
    }
    {
        SCOPED_TRACE("api without the API: an error, not the tag");
        MockHttpServer server(handler(false));
        opener_.reset();
        use_plain_http(server, server.host());
        config_.endpoints[server.url()].supports_referrers = ReferrersMode::kApi;
        try {
            opener().open(server.host() + "/app:v1")->referrers(subject, "");
            ADD_FAILURE() << "no error";
        } catch (const Error &error) {
            EXPECT_TRUE(contains(error.what(), "has no referrers API (HTTP 404")) << error.what();
            EXPECT_TRUE(contains(error.what(), "supportsReferrers to api")) << error.what();
        }
        EXPECT_EQ(paths(server), std::vector<std::string>{"api"});
    }
}

TEST(ReferrersTag, FollowsTheTagSchema) {
    const std::string hex(64, 'a');
    EXPECT_EQ(referrers_tag(Digest::parse("sha256:" + hex)), "sha256-" + hex);
    const std::string long_hex(128, 'b');
    EXPECT_EQ(referrers_tag(Digest::parse("sha512:" + long_hex)), "sha512-" + std::string(64, 'b'));
}

}  // namespace
}  // namespace acedt::oci
