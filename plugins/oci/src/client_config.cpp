#include <acedt/oci/client_config.hpp>
#include <acedt/oci/error.hpp>

#include "json_fields.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>

namespace acedt::oci {

namespace json = boost::json;
using json_fields::find;
using json_fields::member_path;

namespace {

// A day; longer timeouts are typing mistakes.
constexpr std::int64_t kMaxTimeoutSeconds = 24 * 60 * 60;
// More retries than this only delay a failure that is already clear.
constexpr std::int64_t kMaxRetries = 100;

ReferrersMode parse_referrers_mode(const std::string &text, std::string_view path) {
    if (text == "auto") {
        return ReferrersMode::kAuto;
    }
    if (text == "api") {
        return ReferrersMode::kApi;
    }
    if (text == "tag") {
        return ReferrersMode::kTag;
    }
    json_fields::fail(path, "expected api, tag or auto, found \"" + text + "\"");
}

std::string key_of(const json::key_value_pair &member) {
    return std::string(member.key().data(), member.key().size());
}

std::vector<std::string> parse_string_list(const json::value &value, std::string_view path) {
    std::vector<std::string> list;
    const json::array &array = json_fields::to_array(value, path);
    for (std::size_t i = 0; i < array.size(); ++i) {
        list.push_back(json_fields::to_string(array[i], json_fields::element_path(path, i)));
    }
    return list;
}

// Compiles each pattern now, so that a bad rule fails when the
// configuration is read rather than on the first pull that reaches it.
std::vector<std::pair<std::string, std::string>> parse_rewrite_rules(const json::value &value, std::string_view path) {
    std::vector<std::pair<std::string, std::string>> rules;
    for (const auto &member : json_fields::to_object(value, path)) {
        const std::string pattern = key_of(member);
        const std::string rule_path = member_path(path, pattern);
        try {
            std::regex compiled(pattern, std::regex::ECMAScript);
        } catch (const std::regex_error &error) {
            json_fields::fail(rule_path, "invalid regular expression: " + std::string(error.what()));
        }
        rules.emplace_back(pattern, json_fields::to_string(member.value(), rule_path));
    }
    return rules;
}

RegistrySettings parse_registry(const json::value &value, std::string_view path) {
    const json::object &object = json_fields::to_object(value, path);
    RegistrySettings settings;
    if (const json::value *endpoints = find(object, "endpoints")) {
        settings.endpoints = parse_string_list(*endpoints, member_path(path, "endpoints"));
    }
    if (const json::value *rules = find(object, "rewritePull")) {
        settings.rewrite_pull = parse_rewrite_rules(*rules, member_path(path, "rewritePull"));
    }
    if (const json::value *noncompliant = find(object, "noncompliant")) {
        settings.noncompliant = json_fields::to_bool(*noncompliant, member_path(path, "noncompliant"));
    }
    return settings;
}

EndpointSettings parse_endpoint(const json::value &value, std::string_view path) {
    const json::object &object = json_fields::to_object(value, path);
    EndpointSettings settings;
    if (const json::value *tls = find(object, "tls")) {
        const std::string tls_path = member_path(path, "tls");
        const json::object &tls_object = json_fields::to_object(*tls, tls_path);
        if (const json::value *skip = find(tls_object, "insecureSkipVerify")) {
            settings.insecure_skip_verify = json_fields::to_bool(*skip, member_path(tls_path, "insecureSkipVerify"));
        }
    }
    if (const json::value *referrers = find(object, "supportsReferrers")) {
        settings.supports_referrers =
            parse_referrers_mode(json_fields::to_string(*referrers, member_path(path, "supportsReferrers")),
                                 member_path(path, "supportsReferrers"));
    }
    return settings;
}

// A duration string, or a whole number of seconds.
std::chrono::milliseconds parse_timeout(const json::value &value, std::string_view path) {
    if (value.is_int64() || value.is_uint64()) {
        const std::int64_t seconds = json_fields::to_int64(value, path);
        if (seconds <= 0 || seconds > kMaxTimeoutSeconds) {
            json_fields::fail(path, "expected a positive duration such as \"30s\", found " + std::to_string(seconds));
        }
        return std::chrono::seconds(seconds);
    }
    try {
        return parse_duration(json_fields::to_string(value, path));
    } catch (const Error &error) {
        json_fields::fail(path, error.what());
    }
}

void parse_registry_config(const json::value &value, ClientConfig &config) {
    const std::string path = "registryConfig";
    const json::object &object = json_fields::to_object(value, path);

    if (const json::value *registries = find(object, "registries")) {
        const std::string registries_path = member_path(path, "registries");
        for (const auto &member : json_fields::to_object(*registries, registries_path)) {
            const std::string host = key_of(member);
            config.registries[host] = parse_registry(member.value(), member_path(registries_path, host));
        }
    }

    if (const json::value *endpoints = find(object, "endpointConfig")) {
        const std::string endpoints_path = member_path(path, "endpointConfig");
        for (const auto &member : json_fields::to_object(*endpoints, endpoints_path)) {
            const std::string url = key_of(member);
            config.endpoints[url] = parse_endpoint(member.value(), member_path(endpoints_path, url));
        }
    }
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
    const std::string quoted = "\"" + std::string(text) + "\"";
    if (text.empty()) {
        throw Error("invalid duration \"\": expected a number and a unit, such as \"30s\" or \"1m30s\"");
    }

    double total_ms = 0;
    std::size_t position = 0;
    while (position < text.size()) {
        const std::size_t number_start = position;
        while (position < text.size() && (std::isdigit(static_cast<unsigned char>(text[position])) || text[position] == '.')) {
            ++position;
        }
        const std::string number(text.substr(number_start, position - number_start));
        const std::size_t unit_start = position;
        while (position < text.size() && std::isalpha(static_cast<unsigned char>(text[position]))) {
            ++position;
        }
        const std::string_view unit = text.substr(unit_start, position - unit_start);

        double factor = 0;
        if (unit == "ms") {
            factor = 1;
        } else if (unit == "s") {
            factor = 1000;
        } else if (unit == "m") {
            factor = 60 * 1000;
        } else if (unit == "h") {
            factor = 60 * 60 * 1000;
        }
        char *end = nullptr;
        const double value = number.empty() ? 0 : std::strtod(number.c_str(), &end);
        if (number.empty() || end != number.c_str() + number.size() || factor == 0) {
            throw Error("invalid duration " + quoted + ": expected numbers with the units ms, s, m or h, such as "
                        "\"30s\" or \"1m30s\"");
        }
        total_ms += value * factor;
    }

    if (total_ms < 1 || total_ms > static_cast<double>(kMaxTimeoutSeconds) * 1000) {
        throw Error("invalid duration " + quoted + ": expected at least 1ms and at most 24h");
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_ms)));
}

ClientConfig ClientConfig::from_json(std::string_view json_text) {
    json::value document;
    try {
        document = json_fields::parse(json_text);
    } catch (const Error &error) {
        throw Error("configuration: " + std::string(error.what()));
    }

    try {
        const json::object &object = json_fields::to_object(document, "");
        ClientConfig config;
        if (const json::value *cache_path = find(object, "cachePath")) {
            config.cache_path = json_fields::to_string(*cache_path, "cachePath");
        }
        if (const json::value *concurrency = find(object, "concurrentHTTP")) {
            const std::int64_t value = json_fields::to_int64(*concurrency, "concurrentHTTP");
            if (value < 1 || value > std::numeric_limits<int>::max()) {
                json_fields::fail("concurrentHTTP", "expected a positive number, found " + std::to_string(value));
            }
            config.concurrent_http = static_cast<int>(value);
        }
        if (const json::value *auth_file = find(object, "registryAuthFile")) {
            config.registry_auth_file = json_fields::to_string(*auth_file, "registryAuthFile");
        }
        if (const json::value *timeout = find(object, "httpConnectTimeout")) {
            config.connect_timeout = parse_timeout(*timeout, "httpConnectTimeout");
        }
        if (const json::value *timeout = find(object, "httpIdleTimeout")) {
            config.idle_timeout = parse_timeout(*timeout, "httpIdleTimeout");
        }
        if (const json::value *retries = find(object, "httpRetries")) {
            const std::int64_t value = json_fields::to_int64(*retries, "httpRetries");
            if (value < 0 || value > kMaxRetries) {
                json_fields::fail("httpRetries", "expected a number from 0 to " + std::to_string(kMaxRetries) +
                                                     ", found " + std::to_string(value));
            }
            config.retry.max_retries = static_cast<int>(value);
        }
        if (const json::value *max_time = find(object, "httpRetryMaxTime")) {
            config.retry.max_total_wait = parse_timeout(*max_time, "httpRetryMaxTime");
        }
        if (const json::value *registry_config = find(object, "registryConfig")) {
            parse_registry_config(*registry_config, config);
        }
        return config;
    } catch (const Error &error) {
        throw Error("configuration: " + std::string(error.what()));
    }
}

}  // namespace acedt::oci
