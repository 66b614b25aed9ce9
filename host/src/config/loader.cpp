#include "config/loader.hpp"

#include "config/overrides.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace acedt::host::config {

namespace {

// A key path such as registryConfig.registries["127.0.0.1:5000"].endpoints.
std::string child_path(const std::string& parent, const std::string& key) {
    const bool plain = !key.empty() && key.find_first_not_of(
                                           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
                                           std::string::npos;
    if (!plain) return parent + "[\"" + key + "\"]";
    return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

// Describes a node for "expected X, got Y" messages.
std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence: return "a list";
        case YAML::NodeType::Map: return "a mapping";
        case YAML::NodeType::Null: return "nothing";
        default: return "\"" + node.Scalar() + "\"";
    }
}

bool is_true(const std::string& text) { return text == "true" || text == "True" || text == "TRUE"; }
bool is_false(const std::string& text) { return text == "false" || text == "False" || text == "FALSE"; }

// A plain (unquoted) scalar; quoted scalars carry the tag "!".
bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

std::optional<std::int64_t> parse_integer(const std::string& text) {
    std::size_t start = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
    if (start == text.size() || text.find_first_not_of("0123456789", start) != std::string::npos) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const char* first = text.data() + (text[0] == '+' ? 1 : 0);
    const auto [end, error] = std::from_chars(first, text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// Reads one configuration document. Every check throws ConfigError with the
// file, the line of the offending node and its key path.
class DocumentReader {
public:
    DocumentReader(std::string file_name, std::vector<std::string>& warnings)
        : file_name_(std::move(file_name)), warnings_(warnings) {}

    void read(const YAML::Node& root, Configuration& configuration) {
        if (root.IsNull()) return;
        if (!root.IsMap()) fail(root, "", "expected a mapping at the top level, got " + describe(root));

        check_header(root, "apiVersion", kApiVersion);
        check_header(root, "kind", kKind);

        for_each_entry(root, "", [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value,
                                     const std::string& path) {
            // A known key without a value keeps its default.
            const bool known = key == "cachePath" || key == "concurrentHTTP" || key == "registryAuthFile" ||
                               key == "registryConfig" || key == "httpConnectTimeout" || key == "httpIdleTimeout" ||
                               key == "httpRetries" || key == "httpRetryMaxTime";
            if (key == "apiVersion" || key == "kind" || (known && value.IsNull())) return;

            if (key == "cachePath") {
                configuration.cache_path = read_non_empty_string(value, path);
            } else if (key == "concurrentHTTP") {
                configuration.concurrent_http = read_concurrency(value, path);
            } else if (key == "httpConnectTimeout") {
                configuration.http_connect_timeout_ms = read_http_timeout(value, path);
            } else if (key == "httpIdleTimeout") {
                configuration.http_idle_timeout_ms = read_http_timeout(value, path);
            } else if (key == "httpRetries") {
                configuration.http_retries = read_http_retries(value, path);
            } else if (key == "httpRetryMaxTime") {
                configuration.http_retry_max_time_ms = read_http_timeout(value, path);
            } else if (key == "registryAuthFile") {
                configuration.registry_auth_file = read_string(value, path);
            } else if (key == "registryConfig") {
                read_registry_config(value, path, configuration.registry_config);
            } else {
                keep_unknown(key, key_node, value, path, configuration.unknown);
            }
        });
    }

private:
    using EntryVisitor =
        std::function<void(const std::string&, const YAML::Node&, const YAML::Node&, const std::string&)>;

    [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& message) const {
        std::string location = file_name_;
        const auto mark = node.Mark();
        if (!mark.is_null()) location += ":" + std::to_string(mark.line + 1);
        throw ConfigError(location + ": " + (path.empty() ? "" : path + ": ") + message);
    }

    void warn(const YAML::Node& node, const std::string& path) {
        std::string location = file_name_;
        const auto mark = node.Mark();
        if (!mark.is_null()) location += ":" + std::to_string(mark.line + 1);
        warnings_.push_back(location + ": unknown key " + path + " is passed to plugins unchanged");
    }

    // Calls `visit` for each entry of a mapping in file order. Rejects
    // keys that are not scalars and keys given twice.
    void for_each_entry(const YAML::Node& map, const std::string& path, const EntryVisitor& visit) {
        std::set<std::string> seen;
        for (auto entry = map.begin(); entry != map.end(); ++entry) {
            const YAML::Node key_node = entry->first;
            if (!key_node.IsScalar()) fail(key_node, path, "keys must be plain strings");

            const std::string& key = key_node.Scalar();
            const std::string key_path = child_path(path, key);
            if (!seen.insert(key).second) fail(key_node, key_path, "duplicate key");

            visit(key, key_node, entry->second, key_path);
        }
    }

    void check_header(const YAML::Node& root, const char* key, const std::string& expected) {
        const YAML::Node value = root[key];
        if (!value) fail(root, key, "missing; expected \"" + expected + "\"");
        if (!value.IsScalar() || value.Scalar() != expected) {
            fail(value, key, "expected \"" + expected + "\", got " + describe(value));
        }
    }

    void require_map(const YAML::Node& node, const std::string& path) const {
        if (!node.IsMap()) fail(node, path, "expected a mapping, got " + describe(node));
    }

    std::string read_string(const YAML::Node& node, const std::string& path) const {
        if (!node.IsScalar()) fail(node, path, "expected a string, got " + describe(node));
        return node.Scalar();
    }

    std::string read_non_empty_string(const YAML::Node& node, const std::string& path) const {
        std::string value = read_string(node, path);
        if (value.empty()) fail(node, path, "expected a non-empty string");
        return value;
    }

    bool read_bool(const YAML::Node& node, const std::string& path) const {
        if (node.IsScalar() && is_true(node.Scalar())) return true;
        if (node.IsScalar() && is_false(node.Scalar())) return false;
        fail(node, path, "expected true or false, got " + describe(node));
    }

    std::int64_t read_concurrency(const YAML::Node& node, const std::string& path) const {
        if (!node.IsScalar()) fail(node, path, "expected a positive integer, got " + describe(node));
        const auto parsed = parse_concurrent_http(node.Scalar());
        if (!parsed.value) fail(node, path, parsed.problem);
        return *parsed.value;
    }

    std::int64_t read_http_timeout(const YAML::Node& node, const std::string& path) const {
        if (!node.IsScalar()) fail(node, path, "expected a duration such as \"30s\", got " + describe(node));
        const auto parsed = parse_http_timeout(node.Scalar());
        if (!parsed.milliseconds) fail(node, path, parsed.problem);
        return *parsed.milliseconds;
    }

    std::int64_t read_http_retries(const YAML::Node& node, const std::string& path) const {
        if (!node.IsScalar()) fail(node, path, "expected a number of retries, got " + describe(node));
        const auto parsed = parse_http_retries(node.Scalar());
        if (!parsed.value) fail(node, path, parsed.problem);
        return *parsed.value;
    }

    void read_registry_config(const YAML::Node& node, const std::string& path, RegistryConfig& registry_config) {
        require_map(node, path);
        for_each_entry(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value,
                                       const std::string& key_path) {
            if (key == "registries") {
                if (!value.IsNull()) read_registries(value, key_path, registry_config.registries);
            } else if (key == "endpointConfig") {
                if (!value.IsNull()) read_endpoints(value, key_path, registry_config.endpoints);
            } else {
                keep_unknown(key, key_node, value, key_path, registry_config.unknown);
            }
        });
    }

    void read_registries(const YAML::Node& node, const std::string& path,
                         std::vector<std::pair<std::string, RegistrySettings>>& registries) {
        require_map(node, path);
        for_each_entry(node, path, [&](const std::string& host, const YAML::Node& key_node, const YAML::Node& value,
                                       const std::string& host_path) {
            if (host.empty()) fail(key_node, path, "a registry host must not be empty");
            RegistrySettings settings;
            if (!value.IsNull()) read_registry(value, host_path, settings);
            registries.emplace_back(host, std::move(settings));
        });
    }

    void read_registry(const YAML::Node& node, const std::string& path, RegistrySettings& settings) {
        require_map(node, path);
        for_each_entry(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value,
                                       const std::string& key_path) {
            if (key == "endpoints") {
                if (!value.IsNull()) settings.endpoints = read_endpoint_list(value, key_path);
            } else if (key == "rewritePull") {
                if (!value.IsNull()) settings.rewrite_pull = read_rewrite_rules(value, key_path);
            } else if (key == "noncompliant") {
                if (!value.IsNull()) settings.noncompliant = read_bool(value, key_path);
            } else {
                keep_unknown(key, key_node, value, key_path, settings.unknown);
            }
        });
    }

    std::vector<std::string> read_endpoint_list(const YAML::Node& node, const std::string& path) const {
        if (!node.IsSequence()) fail(node, path, "expected a list of URLs, got " + describe(node));

        std::vector<std::string> endpoints;
        for (std::size_t index = 0; index < node.size(); ++index) {
            const YAML::Node item = node[index];
            const std::string item_path = index_path(path, index);
            const std::string url = read_string(item, item_path);
            const bool http = url.rfind("http://", 0) == 0 && url.size() > 7;
            const bool https = url.rfind("https://", 0) == 0 && url.size() > 8;
            if (!http && !https) {
                fail(item, item_path, "expected a URL starting with http:// or https://, got \"" + url + "\"");
            }
            endpoints.push_back(url);
        }
        return endpoints;
    }

    std::vector<std::pair<std::string, std::string>> read_rewrite_rules(const YAML::Node& node,
                                                                        const std::string& path) {
        require_map(node, path);

        std::vector<std::pair<std::string, std::string>> rules;
        for_each_entry(node, path, [&](const std::string& pattern, const YAML::Node& key_node,
                                       const YAML::Node& value, const std::string& rule_path) {
            try {
                std::regex compiled(pattern, std::regex::ECMAScript);
            } catch (const std::regex_error& error) {
                fail(key_node, rule_path, "invalid regular expression \"" + pattern + "\": " + error.what());
            }
            rules.emplace_back(pattern, value.IsNull() ? "" : read_string(value, rule_path));
        });
        return rules;
    }

    void read_endpoints(const YAML::Node& node, const std::string& path,
                        std::vector<std::pair<std::string, EndpointSettings>>& endpoints) {
        require_map(node, path);
        for_each_entry(node, path, [&](const std::string& url, const YAML::Node& key_node, const YAML::Node& value,
                                       const std::string& url_path) {
            if (url.empty()) fail(key_node, path, "an endpoint URL must not be empty");
            EndpointSettings settings;
            if (!value.IsNull()) read_endpoint(value, url_path, settings);
            endpoints.emplace_back(url, std::move(settings));
        });
    }

    void read_endpoint(const YAML::Node& node, const std::string& path, EndpointSettings& settings) {
        require_map(node, path);
        for_each_entry(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value,
                                       const std::string& key_path) {
            if (value.IsNull() && (key == "tls" || key == "supportsReferrers")) return;

            if (key == "tls") {
                read_tls(value, key_path, settings);
            } else if (key == "supportsReferrers") {
                settings.supports_referrers = read_referrers_mode(value, key_path);
            } else {
                keep_unknown(key, key_node, value, key_path, settings.unknown);
            }
        });
    }

    void read_tls(const YAML::Node& node, const std::string& path, EndpointSettings& settings) {
        require_map(node, path);
        for_each_entry(node, path, [&](const std::string& key, const YAML::Node& key_node, const YAML::Node& value,
                                       const std::string& key_path) {
            if (key == "insecureSkipVerify") {
                if (!value.IsNull()) settings.insecure_skip_verify = read_bool(value, key_path);
            } else {
                keep_unknown(key, key_node, value, key_path, settings.tls_unknown);
            }
        });
    }

    std::string read_referrers_mode(const YAML::Node& node, const std::string& path) const {
        std::string mode = node.IsScalar() ? node.Scalar() : "";
        if (mode != "api" && mode != "tag" && mode != "auto") {
            fail(node, path, "expected one of api, tag, auto, got " + describe(node));
        }
        return mode;
    }

    void keep_unknown(const std::string& key, const YAML::Node& key_node, const YAML::Node& value,
                      const std::string& path, UnknownKeys& unknown) {
        warn(key_node, path);
        unknown[key] = to_json_value(value, path);
    }

    // Converts an unknown value: true/false become booleans, plain
    // integers numbers, other scalars strings; quoted scalars stay strings.
    boost::json::value to_json_value(const YAML::Node& node, const std::string& path) {
        switch (node.Type()) {
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined: return nullptr;
            case YAML::NodeType::Sequence: {
                boost::json::array array;
                for (std::size_t index = 0; index < node.size(); ++index) {
                    array.push_back(to_json_value(node[index], index_path(path, index)));
                }
                return array;
            }
            case YAML::NodeType::Map: {
                boost::json::object object;
                for_each_entry(node, path, [&](const std::string& key, const YAML::Node&, const YAML::Node& value,
                                               const std::string& key_path) {
                    object[key] = to_json_value(value, key_path);
                });
                return object;
            }
            case YAML::NodeType::Scalar: break;
        }

        const std::string& text = node.Scalar();
        if (is_plain_scalar(node)) {
            if (is_true(text)) return true;
            if (is_false(text)) return false;
            if (const auto integer = parse_integer(text)) return *integer;
        }
        return boost::json::string(text);
    }

    std::string file_name_;
    std::vector<std::string>& warnings_;
};

std::string read_file(const std::filesystem::path& path) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        throw ConfigError("cannot read configuration file " + path.string() + ": it is a directory");
    }

    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
        throw ConfigError("cannot read configuration file " + path.string() + ": " + std::strerror(errno));
    }

    // Reads one byte past the limit to tell a file at the limit from a
    // larger one, and so stops early on an endless file such as /dev/zero.
    std::string text(kMaxConfigFileBytes + 1, '\0');
    stream.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (stream.bad()) {
        throw ConfigError("cannot read configuration file " + path.string() + ": read failed");
    }
    text.resize(static_cast<std::size_t>(stream.gcount()));
    if (text.size() > kMaxConfigFileBytes) {
        throw ConfigError("configuration file " + path.string() + " is larger than the limit of " +
                          std::to_string(kMaxConfigFileBytes) +
                          " bytes: check that --config or ACE_DT_CONFIG names a YAML configuration file");
    }
    return text;
}

// Records where each YAML document starts and ignores all other events.
class DocumentStarts : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}

    std::vector<YAML::Mark> marks;
};

// Throws ConfigError where yaml-cpp stops making progress. yaml-cpp 0.7
// (Debian 12) returns an endless series of empty documents, all starting at
// the same position, for a ',' that starts a block line, such as
// "- a\n,", so YAML::LoadAll would never return and would fill memory.
// Throws YAML::ParserException for other invalid YAML.
void reject_stalled_parse(const std::string& text, const std::string& file_name) {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentStarts starts;
    while (parser.HandleNextDocument(starts)) {
        const std::size_t count = starts.marks.size();
        if (count < 2 || starts.marks[count - 1].pos != starts.marks[count - 2].pos) continue;

        const YAML::Mark& mark = starts.marks.back();
        const std::size_t position = static_cast<std::size_t>(mark.pos);
        const std::string found = position < text.size() ? "'" + std::string(1, text[position]) + "'" : "text";
        throw ConfigError(file_name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) +
                          ": invalid YAML: unexpected " + found + "; remove it or quote the value it belongs to");
    }
}

std::string join_paths(const std::vector<std::filesystem::path>& paths) {
    std::string joined;
    for (const auto& path : paths) {
        if (!joined.empty()) joined += ", ";
        joined += path.string();
    }
    return joined.empty() ? "(none)" : joined;
}

}  // namespace

Configuration default_configuration(const Environment& environment) {
    Configuration configuration;
    configuration.cache_path = (xdg_directory(environment, "XDG_CACHE_HOME", ".cache") / "ace/dt").string();
    return configuration;
}

Configuration parse_configuration(const std::string& text, const std::string& file_name,
                                  Configuration defaults, std::vector<std::string>& warnings) {
    std::vector<YAML::Node> documents;
    try {
        reject_stalled_parse(text, file_name);
        documents = YAML::LoadAll(text);
    } catch (const YAML::ParserException& error) {
        throw ConfigError(file_name + ":" + std::to_string(error.mark.line + 1) + ": invalid YAML: " + error.msg);
    }

    if (documents.size() > 1) {
        const auto mark = documents[1].Mark();
        const std::string line = mark.is_null() ? "" : ":" + std::to_string(mark.line + 1);
        throw ConfigError(file_name + line + ": expected one YAML document, found " +
                          std::to_string(documents.size()));
    }
    if (documents.empty()) return defaults;

    // Warnings go to a local list first so a failing file adds none.
    std::vector<std::string> new_warnings;
    DocumentReader reader(file_name, new_warnings);
    reader.read(documents.front(), defaults);
    warnings.insert(warnings.end(), new_warnings.begin(), new_warnings.end());
    return defaults;
}

LoadedConfiguration load_configuration(const SearchList& list, const Environment& environment) {
    LoadedConfiguration loaded;
    loaded.configuration = default_configuration(environment);

    loaded.source = first_present(list);
    if (!loaded.source && list.origin == SearchOrigin::kOption) {
        throw ConfigError("none of the configuration files given with --config exists: " + join_paths(list.paths));
    }
    if (!loaded.source && list.origin == SearchOrigin::kEnvironment) {
        throw ConfigError("none of the configuration files listed in ACE_DT_CONFIG exists: " +
                          join_paths(list.paths));
    }

    if (loaded.source) {
        const std::string text = read_file(*loaded.source);
        loaded.configuration = parse_configuration(text, loaded.source->string(),
                                                   std::move(loaded.configuration), loaded.warnings);
    }

    apply_environment_overrides(loaded.configuration, environment);
    return loaded;
}

}  // namespace acedt::host::config
