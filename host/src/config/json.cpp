#include "config/json.hpp"

#include "config/overrides.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <set>

namespace acedt::host::config {

namespace {

void append_unknown(boost::json::object& object, const UnknownKeys& unknown) {
    for (const auto& entry : unknown) object[entry.key()] = entry.value();
}

boost::json::object registry_to_json(const RegistrySettings& settings) {
    boost::json::array endpoints;
    for (const auto& endpoint : settings.endpoints) endpoints.emplace_back(endpoint);

    boost::json::object rewrite_pull;
    for (const auto& [pattern, replacement] : settings.rewrite_pull) rewrite_pull[pattern] = replacement;

    boost::json::object object;
    object["endpoints"] = std::move(endpoints);
    object["rewritePull"] = std::move(rewrite_pull);
    object["noncompliant"] = settings.noncompliant;
    append_unknown(object, settings.unknown);
    return object;
}

boost::json::object endpoint_to_json(const EndpointSettings& settings) {
    boost::json::object tls;
    tls["insecureSkipVerify"] = settings.insecure_skip_verify;
    append_unknown(tls, settings.tls_unknown);

    boost::json::object object;
    object["tls"] = std::move(tls);
    object["supportsReferrers"] = settings.supports_referrers;
    append_unknown(object, settings.unknown);
    return object;
}

boost::json::object registry_config_to_json(const RegistryConfig& registry_config) {
    boost::json::object registries;
    for (const auto& [host, settings] : registry_config.registries) registries[host] = registry_to_json(settings);

    boost::json::object endpoints;
    for (const auto& [url, settings] : registry_config.endpoints) endpoints[url] = endpoint_to_json(settings);

    boost::json::object object;
    object["registries"] = std::move(registries);
    object["endpointConfig"] = std::move(endpoints);
    append_unknown(object, registry_config.unknown);
    return object;
}

// True for a string that a YAML reader could take for a boolean, null or
// number when written plain. yaml-cpp quotes strings that are not valid
// plain scalars by itself, but it writes these plain.
bool looks_like_other_type(const std::string& text) {
    static const std::set<std::string, std::less<>> words = {
        "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
        "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "null", "Null", "NULL", "~",
    };
    return text.empty() || words.count(text) > 0 || text.find_first_not_of("0123456789+-.eE") == std::string::npos;
}

void emit(YAML::Emitter& out, const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::null: out << YAML::Null; break;
        case boost::json::kind::bool_: out << (value.get_bool() ? "true" : "false"); break;
        case boost::json::kind::int64: out << value.get_int64(); break;
        case boost::json::kind::uint64: out << value.get_uint64(); break;
        case boost::json::kind::double_: out << value.get_double(); break;
        case boost::json::kind::string: {
            const std::string text(value.get_string());
            if (looks_like_other_type(text)) out << YAML::DoubleQuoted;
            out << text;
            break;
        }
        case boost::json::kind::array:
            // Flow style for an empty list, so it reads "key: []".
            if (value.get_array().empty()) out << YAML::Flow;
            out << YAML::BeginSeq;
            for (const auto& item : value.get_array()) emit(out, item);
            out << YAML::EndSeq;
            break;
        case boost::json::kind::object:
            if (value.get_object().empty()) out << YAML::Flow;
            out << YAML::BeginMap;
            for (const auto& entry : value.get_object()) {
                const std::string key(entry.key());
                out << YAML::Key;
                if (looks_like_other_type(key)) out << YAML::DoubleQuoted;
                out << key << YAML::Value;
                emit(out, entry.value());
            }
            out << YAML::EndMap;
            break;
    }
}

}  // namespace

boost::json::object to_json(const Configuration& configuration) {
    boost::json::object object;
    object["apiVersion"] = configuration.api_version;
    object["kind"] = configuration.kind;
    object["cachePath"] = configuration.cache_path;
    object["concurrentHTTP"] = configuration.concurrent_http;
    object["httpConnectTimeout"] = format_duration(configuration.http_connect_timeout_ms);
    object["httpIdleTimeout"] = format_duration(configuration.http_idle_timeout_ms);
    object["httpRetries"] = configuration.http_retries;
    object["httpRetryMaxTime"] = format_duration(configuration.http_retry_max_time_ms);
    object["registryAuthFile"] = configuration.registry_auth_file;
    object["registryConfig"] = registry_config_to_json(configuration.registry_config);
    append_unknown(object, configuration.unknown);
    return object;
}

std::string to_yaml(const boost::json::value& value) {
    YAML::Emitter out;
    out << YAML::Block;
    emit(out, value);
    return std::string(out.c_str()) + "\n";
}

}  // namespace acedt::host::config
