#include "config/json.hpp"
#include "config/loader.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace acedt::host::config {
namespace {

const Environment kRootHome = Environment::from_map({{"HOME", "/root"}});

Configuration parse(const std::string& text) {
    std::vector<std::string> warnings;
    return parse_configuration(text, "test.yaml", default_configuration(kRootHome), warnings);
}

TEST(ToJson, MatchesDocumentedExample) {
    const auto configuration = parse("apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                     "registryConfig:\n  registries:\n    127.0.0.1:5000:\n"
                                     "      endpoints: [http://127.0.0.1:5000]\n");
    EXPECT_EQ(boost::json::serialize(to_json(configuration)),
              "{\"apiVersion\":\"config.dt.act3-ace.io/v1alpha1\",\"kind\":\"Configuration\","
              "\"cachePath\":\"/root/.cache/ace/dt\",\"concurrentHTTP\":25,\"httpConnectTimeout\":\"30s\","
              "\"httpIdleTimeout\":\"30s\",\"httpRetries\":4,\"httpRetryMaxTime\":\"1m\",\"registryAuthFile\":\"\","
              "\"registryConfig\":{\"registries\":{\"127.0.0.1:5000\":{\"endpoints\":[\"http://127.0.0.1:5000\"],"
              "\"rewritePull\":{},\"noncompliant\":false}},\"endpointConfig\":{}}}");
}

TEST(ToJson, DefaultsHaveEveryKnownKey) {
    const auto json = to_json(default_configuration(kRootHome));
    EXPECT_EQ(boost::json::serialize(json),
              "{\"apiVersion\":\"config.dt.act3-ace.io/v1alpha1\",\"kind\":\"Configuration\","
              "\"cachePath\":\"/root/.cache/ace/dt\",\"concurrentHTTP\":25,\"httpConnectTimeout\":\"30s\","
              "\"httpIdleTimeout\":\"30s\",\"httpRetries\":4,\"httpRetryMaxTime\":\"1m\",\"registryAuthFile\":\"\","
              "\"registryConfig\":{\"registries\":{},\"endpointConfig\":{}}}");
}

TEST(ToJson, RewritePullKeepsFileOrderAndEndpointDefaults) {
    const auto json = to_json(parse("apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                    "registryConfig:\n  registries:\n    r:\n      rewritePull:\n"
                                    "        \"z\": \"1\"\n        \"a\": \"2\"\n        \"m\": \"3\"\n"
                                    "  endpointConfig:\n    https://r:\n      other: 1\n"));
    const auto& rules = json.at("registryConfig").at("registries").at("r").at("rewritePull").as_object();
    std::vector<std::string> keys;
    for (const auto& rule : rules) keys.emplace_back(rule.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m"}));

    const auto& endpoint = json.at("registryConfig").at("endpointConfig").at("https://r");
    EXPECT_EQ(boost::json::serialize(endpoint),
              "{\"tls\":{\"insecureSkipVerify\":false},\"supportsReferrers\":\"auto\",\"other\":1}");
}

TEST(ToJson, UnknownKeysFollowKnownOnes) {
    const auto json = to_json(parse("zeta: 1\napiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                    "alpha: x\n"));
    std::vector<std::string> keys;
    for (const auto& entry : json) keys.emplace_back(entry.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"apiVersion", "kind", "cachePath", "concurrentHTTP",
                                              "httpConnectTimeout", "httpIdleTimeout", "httpRetries",
                                              "httpRetryMaxTime", "registryAuthFile",
                                              "registryConfig", "zeta", "alpha"}));
}

TEST(ToYaml, RoundTripsThroughLoader) {
    const auto original = parse("apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                "cachePath: \"123\"\nregistryAuthFile: \"true\"\n"
                                "registryConfig:\n  registries:\n    127.0.0.1:5000:\n"
                                "      endpoints: [http://127.0.0.1:5000]\n"
                                "      rewritePull: {\"^a: (.*)$\": \"b/$1\"}\n"
                                "extraText: \"42\"\nextraList: [1, \"yes\", null]\n");
    const std::string yaml = to_yaml(to_json(original));
    const auto reloaded = parse(yaml);

    EXPECT_EQ(boost::json::serialize(to_json(reloaded)), boost::json::serialize(to_json(original))) << yaml;
    EXPECT_EQ(reloaded.cache_path, "123");
    EXPECT_EQ(reloaded.registry_auth_file, "true");
}

TEST(ToJson, TimeoutsAsDurations) {
    const auto configuration = parse("apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n"
                                     "httpConnectTimeout: 90\nhttpIdleTimeout: 1.5s\n");
    const auto json = to_json(configuration);
    EXPECT_EQ(json.at("httpConnectTimeout").as_string(), "1m30s");
    EXPECT_EQ(json.at("httpIdleTimeout").as_string(), "1500ms");
    EXPECT_EQ(parse(to_yaml(json)).http_connect_timeout_ms, 90000) << "the output reads back";
}

TEST(ToYaml, EmptyMapsInFlowStyle) {
    const std::string yaml = to_yaml(to_json(default_configuration(kRootHome)));
    EXPECT_NE(yaml.find("  registries: {}\n"), std::string::npos) << yaml;
    EXPECT_NE(yaml.find("registryAuthFile: \"\"\n"), std::string::npos) << yaml;
}

}  // namespace
}  // namespace acedt::host::config
