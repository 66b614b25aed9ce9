#include "config/loader.hpp"
#include "config/overrides.hpp"
#include "config/sample.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <tuple>

namespace acedt::host::config {
namespace {

constexpr const char* kHeader = "apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Configuration\n";

const Environment kEmptyEnvironment = Environment::from_map({{"HOME", "/home/tester"}});

Configuration parse(const std::string& text, std::vector<std::string>* warnings = nullptr) {
    std::vector<std::string> local;
    return parse_configuration(text, "test.yaml", default_configuration(kEmptyEnvironment),
                               warnings != nullptr ? *warnings : local);
}

// Returns the ConfigError message parsing `text` raises, or a note that it
// raised none.
std::string parse_error(const std::string& text) {
    try {
        parse(text);
    } catch (const ConfigError& error) {
        return error.what();
    }
    return "<no error>";
}

TEST(DefaultConfiguration, UsesHomeAndXdg) {
    const auto home = default_configuration(kEmptyEnvironment);
    EXPECT_EQ(home.cache_path, "/home/tester/.cache/ace/dt");
    EXPECT_EQ(home.concurrent_http, 25);
    EXPECT_EQ(home.registry_auth_file, "");
    EXPECT_TRUE(home.registry_config.registries.empty());

    const auto xdg = default_configuration(Environment::from_map({{"HOME", "/h"}, {"XDG_CACHE_HOME", "/xdg"}}));
    EXPECT_EQ(xdg.cache_path, "/xdg/ace/dt");

    const auto relative = default_configuration(Environment::from_map({{"HOME", "/h"}, {"XDG_CACHE_HOME", "rel"}}));
    EXPECT_EQ(relative.cache_path, "/h/.cache/ace/dt");
}

TEST(ParseConfiguration, EmptyDocumentGivesDefaults) {
    for (const char* text : {"", "\n", "# only a comment\n"}) {
        const auto configuration = parse(text);
        EXPECT_EQ(configuration.cache_path, "/home/tester/.cache/ace/dt") << '"' << text << '"';
        EXPECT_EQ(configuration.concurrent_http, 25);
    }
}

TEST(ParseConfiguration, ReadsEveryKey) {
    const auto configuration = parse(std::string(kHeader) +
                                     "cachePath: /var/cache/x\n"
                                     "concurrentHTTP: 1000\n"
                                     "registryAuthFile: /etc/auth.json\n"
                                     "registryConfig:\n"
                                     "  registries:\n"
                                     "    127.0.0.1:5000:\n"
                                     "      endpoints:\n"
                                     "        - http://127.0.0.1:5000\n"
                                     "        - https://127.0.0.1:5001\n"
                                     "      rewritePull:\n"
                                     "        \"^z/(.*)$\": \"y/$1\"\n"
                                     "        \"^a/(.*)$\": \"b/$1\"\n"
                                     "      noncompliant: true\n"
                                     "    other.example: {}\n"
                                     "  endpointConfig:\n"
                                     "    http://127.0.0.1:5000:\n"
                                     "      tls:\n"
                                     "        insecureSkipVerify: true\n"
                                     "      supportsReferrers: tag\n");

    EXPECT_EQ(configuration.cache_path, "/var/cache/x");
    EXPECT_EQ(configuration.concurrent_http, 1000);
    EXPECT_EQ(configuration.registry_auth_file, "/etc/auth.json");

    const auto& registries = configuration.registry_config.registries;
    ASSERT_EQ(registries.size(), 2u);
    EXPECT_EQ(registries[0].first, "127.0.0.1:5000");
    EXPECT_EQ(registries[0].second.endpoints,
              (std::vector<std::string>{"http://127.0.0.1:5000", "https://127.0.0.1:5001"}));
    ASSERT_EQ(registries[0].second.rewrite_pull.size(), 2u);
    EXPECT_EQ(registries[0].second.rewrite_pull[0].first, "^z/(.*)$");
    EXPECT_EQ(registries[0].second.rewrite_pull[1].second, "b/$1");
    EXPECT_TRUE(registries[0].second.noncompliant);
    EXPECT_EQ(registries[1].first, "other.example");
    EXPECT_FALSE(registries[1].second.noncompliant);

    const auto& endpoints = configuration.registry_config.endpoints;
    ASSERT_EQ(endpoints.size(), 1u);
    EXPECT_TRUE(endpoints[0].second.insecure_skip_verify);
    EXPECT_EQ(endpoints[0].second.supports_referrers, "tag");
}

TEST(ParseConfiguration, ReadsHttpTimeouts) {
    const auto defaults = parse("");
    EXPECT_EQ(defaults.http_connect_timeout_ms, 30000);
    EXPECT_EQ(defaults.http_idle_timeout_ms, 30000);

    const std::vector<std::pair<std::string, std::int64_t>> cases = {
        {"5", 5000}, {"5s", 5000}, {"250ms", 250}, {"1m30s", 90000}, {"1.5s", 1500}, {"2h", 7200000}, {"24h", 86400000},
    };
    for (const auto& [text, expected] : cases) {
        const auto configuration =
            parse(std::string(kHeader) + "httpConnectTimeout: " + text + "\nhttpIdleTimeout: \"" + text + "\"\n");
        EXPECT_EQ(configuration.http_connect_timeout_ms, expected) << text;
        EXPECT_EQ(configuration.http_idle_timeout_ms, expected) << text;
    }
}

TEST(EnvironmentOverrides, HttpTimeouts) {
    Configuration configuration = parse(std::string(kHeader) + "httpConnectTimeout: 10s\nhttpIdleTimeout: 20s\n");
    apply_environment_overrides(configuration, Environment::from_map({{"ACE_DT_HTTP_CONNECT_TIMEOUT", "3s"},
                                                                      {"ACE_DT_HTTP_IDLE_TIMEOUT", "4"}}));
    EXPECT_EQ(configuration.http_connect_timeout_ms, 3000);
    EXPECT_EQ(configuration.http_idle_timeout_ms, 4000);

    try {
        apply_environment_overrides(configuration, Environment::from_map({{"ACE_DT_HTTP_IDLE_TIMEOUT", "later"}}));
        ADD_FAILURE() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_EQ(std::string(error.what()).rfind("ACE_DT_HTTP_IDLE_TIMEOUT: expected a duration", 0), 0u)
            << error.what();
    }
}

TEST(ParseConfiguration, ReadsHttpRetryLimits) {
    const auto defaults = parse("");
    EXPECT_EQ(defaults.http_retries, 4);
    EXPECT_EQ(defaults.http_retry_max_time_ms, 60000);

    const auto configuration = parse(std::string(kHeader) + "httpRetries: 0\nhttpRetryMaxTime: 2m\n");
    EXPECT_EQ(configuration.http_retries, 0);
    EXPECT_EQ(configuration.http_retry_max_time_ms, 120000);
}

TEST(EnvironmentOverrides, HttpRetryLimits) {
    Configuration configuration = parse(std::string(kHeader) + "httpRetries: 2\nhttpRetryMaxTime: 10s\n");
    apply_environment_overrides(configuration, Environment::from_map({{"ACE_DT_HTTP_RETRIES", "7"},
                                                                      {"ACE_DT_HTTP_RETRY_MAX_TIME", "90"}}));
    EXPECT_EQ(configuration.http_retries, 7);
    EXPECT_EQ(configuration.http_retry_max_time_ms, 90000);

    for (const auto& [variable, value, expected] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"ACE_DT_HTTP_RETRIES", "-1", "ACE_DT_HTTP_RETRIES: expected a number of retries from 0 to 100, got \"-1\""},
             {"ACE_DT_HTTP_RETRIES", "101", "ACE_DT_HTTP_RETRIES: expected a number of retries from 0 to 100, got \"101\""},
             {"ACE_DT_HTTP_RETRY_MAX_TIME", "0", "ACE_DT_HTTP_RETRY_MAX_TIME: must be from 1ms to 24h, got \"0\""},
         }) {
        try {
            apply_environment_overrides(configuration, Environment::from_map({{variable, value}}));
            ADD_FAILURE() << "no error for " << variable << "=" << value;
        } catch (const ConfigError& error) {
            EXPECT_EQ(std::string(error.what()), expected);
        }
    }
}

TEST(FormatDuration, WritesTheShortestForm) {
    EXPECT_EQ(format_duration(30000), "30s");
    EXPECT_EQ(format_duration(90000), "1m30s");
    EXPECT_EQ(format_duration(3600000), "1h");
    EXPECT_EQ(format_duration(3661000), "1h1m1s");
    EXPECT_EQ(format_duration(1500), "1500ms");
}

TEST(ParseConfiguration, KeyWithoutValueKeepsDefault) {
    const auto configuration = parse(std::string(kHeader) + "cachePath:\nconcurrentHTTP: ~\nregistryConfig:\n"
                                                            "httpIdleTimeout:\n");
    EXPECT_EQ(configuration.cache_path, "/home/tester/.cache/ace/dt");
    EXPECT_EQ(configuration.concurrent_http, 25);
    EXPECT_EQ(configuration.http_idle_timeout_ms, 30000);
}

TEST(ParseConfiguration, UnknownKeysKeptWithWarning) {
    std::vector<std::string> warnings;
    const auto configuration = parse(std::string(kHeader) +
                                     "extraNumber: 12\n"
                                     "registryConfig:\n"
                                     "  registries:\n"
                                     "    reg.example:\n"
                                     "      mystery: [1, two]\n"
                                     "  endpointConfig:\n"
                                     "    https://reg.example:\n"
                                     "      tls:\n"
                                     "        caFile: /ca.pem\n",
                                     &warnings);

    ASSERT_EQ(warnings.size(), 3u);
    EXPECT_EQ(warnings[0], "test.yaml:3: unknown key extraNumber is passed to plugins unchanged");
    EXPECT_NE(warnings[1].find("test.yaml:7: unknown key registryConfig.registries[\"reg.example\"].mystery"),
              std::string::npos)
        << warnings[1];
    EXPECT_NE(warnings[2].find("test.yaml:11: unknown key "
                               "registryConfig.endpointConfig[\"https://reg.example\"].tls.caFile"),
              std::string::npos)
        << warnings[2];

    EXPECT_EQ(configuration.unknown.at("extraNumber").as_int64(), 12);
    const auto& mystery = configuration.registry_config.registries[0].second.unknown.at("mystery").as_array();
    EXPECT_EQ(mystery.at(0).as_int64(), 1);
    EXPECT_EQ(mystery.at(1).as_string(), "two");
    EXPECT_EQ(configuration.registry_config.endpoints[0].second.tls_unknown.at("caFile").as_string(), "/ca.pem");
}

TEST(ParseConfiguration, UnknownScalarTypes) {
    const auto configuration = parse(std::string(kHeader) +
                                     "flagOn: true\nflagOff: False\nnumber: -42\nquoted: \"42\"\n"
                                     "decimal: 1.5\nword: yes\nnothing:\nnested: {a: {b: 1}}\n");
    const auto& unknown = configuration.unknown;
    EXPECT_TRUE(unknown.at("flagOn").as_bool());
    EXPECT_FALSE(unknown.at("flagOff").as_bool());
    EXPECT_EQ(unknown.at("number").as_int64(), -42);
    EXPECT_EQ(unknown.at("quoted").as_string(), "42");
    EXPECT_EQ(unknown.at("decimal").as_string(), "1.5");
    EXPECT_EQ(unknown.at("word").as_string(), "yes");
    EXPECT_TRUE(unknown.at("nothing").is_null());
    EXPECT_EQ(unknown.at("nested").at("a").at("b").as_int64(), 1);
}

TEST(ParseConfiguration, MalformedYamlNamesLine) {
    const std::string message = parse_error(std::string(kHeader) + "cachePath: /x\nregistryConfig: [unclosed\n");
    EXPECT_EQ(message.rfind("test.yaml:", 0), 0u) << message;
    EXPECT_NE(message.find("invalid YAML"), std::string::npos) << message;
    EXPECT_NE(message.find("test.yaml:5:"), std::string::npos) << message;
}

// yaml-cpp 0.7 loops forever on these inputs when asked for all documents,
// so without the progress check this test never ends.
TEST(ParseConfiguration, StrayCommaRejected) {
    const std::string cases[] = {",", "- a\n,\n", "# comment\n ,\n"};
    for (const std::string& text : cases) {
        SCOPED_TRACE(text);
        const std::string message = parse_error(text);
        EXPECT_EQ(message.rfind("test.yaml:", 0), 0u) << message;
        EXPECT_NE(message.find("invalid YAML: unexpected ','"), std::string::npos) << message;
    }
}

TEST(ParseConfiguration, HeaderRequiredAndChecked) {
    EXPECT_EQ(parse_error("cachePath: /x\n"),
              "test.yaml:1: apiVersion: missing; expected \"config.dt.act3-ace.io/v1alpha1\"");
    EXPECT_EQ(parse_error("apiVersion: config.dt.act3-ace.io/v1alpha1\ncachePath: /x\n"),
              "test.yaml:1: kind: missing; expected \"Configuration\"");
    EXPECT_EQ(parse_error("apiVersion: config.dt.act3-ace.io/v2\nkind: Configuration\n"),
              "test.yaml:1: apiVersion: expected \"config.dt.act3-ace.io/v1alpha1\", got \"config.dt.act3-ace.io/v2\"");
    EXPECT_EQ(parse_error("apiVersion: config.dt.act3-ace.io/v1alpha1\nkind: Other\n"),
              "test.yaml:2: kind: expected \"Configuration\", got \"Other\"");
}

TEST(ParseConfiguration, BadValuesNameFileLineAndKey) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"concurrentHTTP: abc\n", "test.yaml:3: concurrentHTTP: expected a positive integer, got \"abc\""},
        {"concurrentHTTP: 0\n", "test.yaml:3: concurrentHTTP: expected a positive integer, got \"0\""},
        {"concurrentHTTP: -3\n", "test.yaml:3: concurrentHTTP: expected a positive integer, got \"-3\""},
        {"concurrentHTTP: 1001\n", "test.yaml:3: concurrentHTTP: must be at most 1000, got 1001"},
        {"concurrentHTTP: [1]\n", "test.yaml:3: concurrentHTTP: expected a positive integer, got a list"},
        {"cachePath: {a: b}\n", "test.yaml:3: cachePath: expected a string, got a mapping"},
        {"cachePath: \"\"\n", "test.yaml:3: cachePath: expected a non-empty string"},
        {"registryConfig: 5\n", "test.yaml:3: registryConfig: expected a mapping, got \"5\""},
        {"registryConfig:\n  registries:\n    r:\n      endpoints: [ftp://x]\n",
         "test.yaml:6: registryConfig.registries.r.endpoints[0]: expected a URL starting with http:// or https://, "
         "got \"ftp://x\""},
        {"registryConfig:\n  registries:\n    r:\n      endpoints: http://x\n",
         "test.yaml:6: registryConfig.registries.r.endpoints: expected a list of URLs, got \"http://x\""},
        {"registryConfig:\n  registries:\n    r:\n      noncompliant: maybe\n",
         "test.yaml:6: registryConfig.registries.r.noncompliant: expected true or false, got \"maybe\""},
        {"registryConfig:\n  endpointConfig:\n    http://x:\n      supportsReferrers: sometimes\n",
         "test.yaml:6: registryConfig.endpointConfig[\"http://x\"].supportsReferrers: expected one of api, tag, "
         "auto, got \"sometimes\""},
        {"registryConfig:\n  endpointConfig:\n    http://x:\n      tls:\n        insecureSkipVerify: 1\n",
         "test.yaml:7: registryConfig.endpointConfig[\"http://x\"].tls.insecureSkipVerify: expected true or false, "
         "got \"1\""},
        {"cachePath: /a\ncachePath: /b\n", "test.yaml:4: cachePath: duplicate key"},
        {"httpConnectTimeout: soon\n",
         "test.yaml:3: httpConnectTimeout: expected a duration such as \"30s\", \"1m30s\" or \"250ms\", got \"soon\""},
        {"httpConnectTimeout: 0\n", "test.yaml:3: httpConnectTimeout: must be from 1ms to 24h, got \"0\""},
        {"httpIdleTimeout: 25h\n", "test.yaml:3: httpIdleTimeout: must be from 1ms to 24h, got \"25h\""},
        {"httpIdleTimeout: -5s\n",
         "test.yaml:3: httpIdleTimeout: expected a duration such as \"30s\", \"1m30s\" or \"250ms\", got \"-5s\""},
        {"httpIdleTimeout: [1]\n", "test.yaml:3: httpIdleTimeout: expected a duration such as \"30s\", got a list"},
        {"httpRetries: many\n", "test.yaml:3: httpRetries: expected a number of retries from 0 to 100, got \"many\""},
        {"httpRetries: 101\n", "test.yaml:3: httpRetries: expected a number of retries from 0 to 100, got \"101\""},
        {"httpRetries: [1]\n", "test.yaml:3: httpRetries: expected a number of retries, got a list"},
        {"httpRetryMaxTime: 25h\n", "test.yaml:3: httpRetryMaxTime: must be from 1ms to 24h, got \"25h\""},
    };
    for (const auto& [body, expected] : cases) {
        EXPECT_EQ(parse_error(std::string(kHeader) + body), expected) << body;
    }
}

TEST(ParseConfiguration, InvalidRegexNamed) {
    const std::string message = parse_error(std::string(kHeader) +
                                            "registryConfig:\n  registries:\n    r:\n      rewritePull:\n"
                                            "        \"(unclosed\": x\n");
    EXPECT_EQ(message.rfind("test.yaml:7: registryConfig.registries.r.rewritePull[\"(unclosed\"]: invalid regular "
                            "expression \"(unclosed\": ",
                            0),
              0u)
        << message;
}

TEST(ParseConfiguration, TopLevelMustBeMapping) {
    EXPECT_EQ(parse_error("- a\n- b\n"), "test.yaml:1: expected a mapping at the top level, got a list");
}

TEST(ParseConfiguration, OneDocumentOnly) {
    const std::string message = parse_error(std::string(kHeader) + "---\n" + kHeader);
    EXPECT_NE(message.find("expected one YAML document, found 2"), std::string::npos) << message;
}

TEST(ParseConfiguration, FailedParseAddsNoWarnings) {
    std::vector<std::string> warnings;
    EXPECT_THROW(parse(std::string(kHeader) + "unknownKey: 1\nconcurrentHTTP: x\n", &warnings), ConfigError);
    EXPECT_TRUE(warnings.empty());
}

TEST(SampleConfiguration, LoadsWithoutWarnings) {
    std::vector<std::string> warnings;
    const auto configuration = parse(std::string(sample_configuration()), &warnings);

    EXPECT_TRUE(warnings.empty()) << warnings.front();
    EXPECT_EQ(configuration.cache_path, "/var/cache/ace/dt");
    EXPECT_EQ(configuration.concurrent_http, 25);
    EXPECT_EQ(configuration.http_connect_timeout_ms, 30000);
    EXPECT_EQ(configuration.http_idle_timeout_ms, 30000);
    EXPECT_EQ(configuration.http_retries, 4);
    EXPECT_EQ(configuration.http_retry_max_time_ms, 60000);
    ASSERT_EQ(configuration.registry_config.registries.size(), 1u);
    EXPECT_EQ(configuration.registry_config.registries[0].second.rewrite_pull.size(), 1u);
    ASSERT_EQ(configuration.registry_config.endpoints.size(), 1u);
    EXPECT_EQ(configuration.registry_config.endpoints[0].second.supports_referrers, "auto");
}

TEST(EnvironmentOverrides, ReplaceFileValues) {
    Configuration configuration = parse(std::string(kHeader) + "cachePath: /file\nconcurrentHTTP: 3\n"
                                                               "registryAuthFile: /file-auth.json\n");
    apply_environment_overrides(configuration, Environment::from_map({{"ACE_DT_CACHE_PATH", "/env-cache"},
                                                                      {"ACE_DT_CONCURRENT_HTTP", "40"}}));
    EXPECT_EQ(configuration.cache_path, "/env-cache");
    EXPECT_EQ(configuration.concurrent_http, 40);
    EXPECT_EQ(configuration.registry_auth_file, "/file-auth.json");
}

TEST(EnvironmentOverrides, AuthFilePrecedence) {
    const auto auth_file = [](std::map<std::string, std::string> variables) {
        Configuration configuration;
        configuration.registry_auth_file = "/from-file.json";
        apply_environment_overrides(configuration, Environment::from_map(std::move(variables)));
        return configuration.registry_auth_file;
    };

    EXPECT_EQ(auth_file({}), "/from-file.json");
    EXPECT_EQ(auth_file({{"DOCKER_CONFIG", "/docker"}}), "/docker/config.json");
    EXPECT_EQ(auth_file({{"DOCKER_CONFIG", "/docker"}, {"REGISTRY_AUTH_FILE", "/registry.json"}}), "/registry.json");
    EXPECT_EQ(auth_file({{"DOCKER_CONFIG", "/docker"},
                         {"REGISTRY_AUTH_FILE", "/registry.json"},
                         {"ACE_DT_REGISTRY_AUTH_FILE", "/ace.json"}}),
              "/ace.json");
    EXPECT_EQ(auth_file({{"DOCKER_CONFIG", "/docker"}, {"ACE_DT_REGISTRY_AUTH_FILE", "/ace.json"}}), "/ace.json");
    EXPECT_EQ(auth_file({{"DOCKER_CONFIG", ""}}), "/from-file.json");
}

TEST(EnvironmentOverrides, InvalidConcurrencyNamesVariable) {
    for (const char* value : {"abc", "0", "2000", "1.5"}) {
        Configuration configuration;
        try {
            apply_environment_overrides(configuration, Environment::from_map({{"ACE_DT_CONCURRENT_HTTP", value}}));
            ADD_FAILURE() << "no error for " << value;
        } catch (const ConfigError& error) {
            EXPECT_EQ(std::string(error.what()).rfind("ACE_DT_CONCURRENT_HTTP: ", 0), 0u) << error.what();
            EXPECT_NE(std::string(error.what()).find(value), std::string::npos) << error.what();
        }
    }
}

}  // namespace
}  // namespace acedt::host::config
