#include <acedt/oci/client_config.hpp>
#include <acedt/oci/error.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>

namespace acedt::oci {
namespace {

std::string error_of(std::string_view json) {
    try {
        ClientConfig::from_json(json);
    } catch (const Error &error) {
        return error.what();
    }
    return "(no error)";
}

TEST(ClientConfigFromJson, ReadsTheHostConfiguration) {
    const ClientConfig config = ClientConfig::from_json(R"({
        "apiVersion": "config.dt.act3-ace.io/v1alpha1",
        "kind": "Configuration",
        "cachePath": "/root/.cache/ace/dt",
        "concurrentHTTP": 25,
        "registryAuthFile": "/etc/auth.json",
        "registryConfig": {
            "registries": {
                "reg.example.com": {
                    "endpoints": ["https://mirror.example.com", "http://127.0.0.1:5000"],
                    "rewritePull": {"^library/(.*)$": "mirror/$1", "^other$": "x"},
                    "noncompliant": true
                }
            },
            "endpointConfig": {
                "https://mirror.example.com": {"tls": {"insecureSkipVerify": true}, "supportsReferrers": "auto"}
            }
        },
        "chartConfig": {"unknown": [1, 2, 3]},
        "someFutureKey": null
    })");

    EXPECT_EQ(config.cache_path, "/root/.cache/ace/dt");
    EXPECT_EQ(config.concurrent_http, 25);
    EXPECT_EQ(config.registry_auth_file, "/etc/auth.json");

    ASSERT_EQ(config.registries.count("reg.example.com"), 1u);
    const RegistrySettings &registry = config.registries.at("reg.example.com");
    ASSERT_EQ(registry.endpoints.size(), 2u);
    EXPECT_EQ(registry.endpoints[0], "https://mirror.example.com");
    EXPECT_EQ(registry.endpoints[1], "http://127.0.0.1:5000");
    ASSERT_EQ(registry.rewrite_pull.size(), 2u);
    EXPECT_EQ(registry.rewrite_pull[0].first, "^library/(.*)$");
    EXPECT_EQ(registry.rewrite_pull[0].second, "mirror/$1");
    EXPECT_EQ(registry.rewrite_pull[1].first, "^other$");
    EXPECT_TRUE(registry.noncompliant);

    ASSERT_EQ(config.endpoints.count("https://mirror.example.com"), 1u);
    const EndpointSettings &endpoint = config.endpoints.at("https://mirror.example.com");
    EXPECT_TRUE(endpoint.insecure_skip_verify);
    EXPECT_EQ(endpoint.supports_referrers, ReferrersMode::kAuto);
}

TEST(ClientConfigFromJson, ReadsReferrersModes) {
    const ClientConfig config = ClientConfig::from_json(R"({"registryConfig": {"endpointConfig": {
        "https://a.example.com": {"supportsReferrers": "api"},
        "https://b.example.com": {"supportsReferrers": "tag"},
        "https://c.example.com": {"supportsReferrers": "auto"},
        "https://d.example.com": {}}}})");
    EXPECT_EQ(config.endpoints.at("https://a.example.com").supports_referrers, ReferrersMode::kApi);
    EXPECT_EQ(config.endpoints.at("https://b.example.com").supports_referrers, ReferrersMode::kTag);
    EXPECT_EQ(config.endpoints.at("https://c.example.com").supports_referrers, ReferrersMode::kAuto);
    EXPECT_EQ(config.endpoints.at("https://d.example.com").supports_referrers, ReferrersMode::kAuto);
}

TEST(ClientConfigFromJson, ReadsTimeouts) {
    const ClientConfig defaults = ClientConfig::from_json("{}");
    EXPECT_EQ(defaults.connect_timeout, std::chrono::seconds(30));
    EXPECT_EQ(defaults.idle_timeout, std::chrono::seconds(30));

    const ClientConfig config = ClientConfig::from_json(R"({"httpConnectTimeout": "1m30s", "httpIdleTimeout": 5})");
    EXPECT_EQ(config.connect_timeout, std::chrono::seconds(90));
    EXPECT_EQ(config.idle_timeout, std::chrono::seconds(5));
}

TEST(ClientConfigFromJson, ReadsRetryLimits) {
    const ClientConfig defaults = ClientConfig::from_json("{}");
    EXPECT_EQ(defaults.retry.max_retries, 4);
    EXPECT_EQ(defaults.retry.max_total_wait, std::chrono::seconds(60));

    const ClientConfig config = ClientConfig::from_json(R"({"httpRetries": 0, "httpRetryMaxTime": "2m"})");
    EXPECT_EQ(config.retry.max_retries, 0);
    EXPECT_EQ(config.retry.max_total_wait, std::chrono::minutes(2));
    EXPECT_EQ(config.retry.initial_backoff, defaults.retry.initial_backoff);
}

TEST(ParseDuration, AcceptsGoDurations) {
    const std::pair<std::string, std::chrono::milliseconds> cases[] = {
        {"30s", std::chrono::seconds(30)},     {"250ms", std::chrono::milliseconds(250)},
        {"1m30s", std::chrono::seconds(90)},   {"2h", std::chrono::hours(2)},
        {"1.5s", std::chrono::milliseconds(1500)}, {"1m0.5s", std::chrono::milliseconds(60500)},
    };
    for (const auto &[text, expected] : cases) {
        SCOPED_TRACE(text);
        EXPECT_EQ(parse_duration(text), expected);
    }
}

TEST(ParseDuration, RejectsOtherText) {
    for (const std::string text : {"", "30", "s", "30sec", "-5s", "0s", "1d", "25h", "1..5s", " 30s"}) {
        SCOPED_TRACE(text);
        EXPECT_THROW(parse_duration(text), Error);
    }
}

TEST(ClientConfigFromJson, UsesDefaultsForMissingKeys) {
    for (const char *json : {"{}", R"({"registryConfig": {}})", R"({"registryConfig": null, "cachePath": null})",
                             R"({"registryConfig": {"registries": {"r.example.com": {}}}})"}) {
        SCOPED_TRACE(json);
        const ClientConfig config = ClientConfig::from_json(json);
        EXPECT_EQ(config.cache_path, "");
        EXPECT_EQ(config.concurrent_http, 25);
        EXPECT_EQ(config.registry_auth_file, "");
        EXPECT_TRUE(config.endpoints.empty());
        for (const auto &[host, settings] : config.registries) {
            EXPECT_TRUE(settings.endpoints.empty());
            EXPECT_TRUE(settings.rewrite_pull.empty());
            EXPECT_FALSE(settings.noncompliant);
        }
    }
}

TEST(ClientConfigFromJson, NullListsFromGoCountAsEmpty) {
    const ClientConfig config = ClientConfig::from_json(
        R"({"registryConfig": {"registries": {"r.example.com": {"endpoints": null, "rewritePull": null}},
                               "endpointConfig": {"https://r.example.com": {"tls": null}}}})");
    EXPECT_TRUE(config.registries.at("r.example.com").endpoints.empty());
    EXPECT_FALSE(config.endpoints.at("https://r.example.com").insecure_skip_verify);
}

struct InvalidCase {
    std::string json;
    std::string expected_message_part;
};

TEST(ClientConfigFromJson, RejectsWrongTypesNamingTheKey) {
    const InvalidCase cases[] = {
        {"not json", "configuration: not valid JSON"},
        {"[]", "configuration: expected a JSON object"},
        {R"({"cachePath": 5})", "configuration: cachePath: expected a string, found 5"},
        {R"({"concurrentHTTP": "25"})", "concurrentHTTP: expected an integer"},
        {R"({"concurrentHTTP": 0})", "concurrentHTTP: expected a positive number, found 0"},
        {R"({"registryAuthFile": false})", "registryAuthFile: expected a string"},
        {R"({"registryConfig": []})", "registryConfig: expected a JSON object"},
        {R"({"registryConfig": {"registries": []}})", "registryConfig.registries: expected a JSON object"},
        {R"({"registryConfig": {"registries": {"reg.example.com": {"endpoints": [1]}}}})",
         "registryConfig.registries[\"reg.example.com\"].endpoints[0]: expected a string, found 1"},
        {R"({"registryConfig": {"registries": {"reg.example.com": {"endpoints": "https://x"}}}})",
         "registryConfig.registries[\"reg.example.com\"].endpoints: expected a JSON array"},
        {R"({"registryConfig": {"registries": {"r": {"rewritePull": {"(unclosed": "x"}}}}})",
         "registryConfig.registries.r.rewritePull[\"(unclosed\"]: invalid regular expression"},
        {R"({"registryConfig": {"registries": {"r": {"rewritePull": {"^a$": 1}}}}})",
         "registryConfig.registries.r.rewritePull[\"^a$\"]: expected a string"},
        {R"({"registryConfig": {"registries": {"r": {"noncompliant": "yes"}}}})",
         "registryConfig.registries.r.noncompliant: expected true or false"},
        {R"({"registryConfig": {"endpointConfig": {"https://m": {"tls": {"insecureSkipVerify": "true"}}}}})",
         "registryConfig.endpointConfig[\"https://m\"].tls.insecureSkipVerify: expected true or false"},
        {R"({"registryConfig": {"endpointConfig": {"https://m": {"supportsReferrers": true}}}})",
         "registryConfig.endpointConfig[\"https://m\"].supportsReferrers: expected a string"},
        {R"({"registryConfig": {"endpointConfig": {"https://m": {"supportsReferrers": "both"}}}})",
         "registryConfig.endpointConfig[\"https://m\"].supportsReferrers: expected api, tag or auto, found \"both\""},
        {R"({"httpConnectTimeout": "soon"})", "httpConnectTimeout: invalid duration \"soon\""},
        {R"({"httpIdleTimeout": 0})", "httpIdleTimeout: expected a positive duration"},
        {R"({"httpIdleTimeout": true})", "httpIdleTimeout: expected a string"},
        {R"({"httpRetries": -1})", "httpRetries: expected a number from 0 to 100, found -1"},
        {R"({"httpRetries": 101})", "httpRetries: expected a number from 0 to 100, found 101"},
        {R"({"httpRetries": "4"})", "httpRetries: expected an integer"},
        {R"({"httpRetryMaxTime": "never"})", "httpRetryMaxTime: invalid duration \"never\""},
    };

    for (const InvalidCase &test_case : cases) {
        SCOPED_TRACE(test_case.json);
        const std::string message = error_of(test_case.json);
        EXPECT_NE(message.find(test_case.expected_message_part), std::string::npos) << message;
    }
}

}  // namespace
}  // namespace acedt::oci
