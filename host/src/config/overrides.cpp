#include "config/overrides.hpp"

#include "config/loader.hpp"

#include <charconv>
#include <filesystem>

namespace acedt::host::config {

ConcurrencyParse parse_concurrent_http(const std::string& text) {
    const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!digits_only || error != std::errc{} || end != text.data() + text.size() || value < 1) {
        return {std::nullopt, "expected a positive integer, got \"" + text + "\""};
    }

    if (value > kMaxConcurrentHttp) {
        return {std::nullopt, "must be at most " + std::to_string(kMaxConcurrentHttp) + ", got " + text};
    }
    return {value, ""};
}

void apply_environment_overrides(Configuration& configuration, const Environment& environment) {
    if (const auto cache_path = environment.get("ACE_DT_CACHE_PATH")) {
        configuration.cache_path = *cache_path;
    }

    if (const auto concurrency = environment.get("ACE_DT_CONCURRENT_HTTP")) {
        const auto parsed = parse_concurrent_http(*concurrency);
        if (!parsed.value) throw ConfigError("ACE_DT_CONCURRENT_HTTP: " + parsed.problem);
        configuration.concurrent_http = *parsed.value;
    }

    // Later lines win, so the most specific variable takes precedence.
    if (const auto docker_config = environment.get("DOCKER_CONFIG")) {
        configuration.registry_auth_file = (std::filesystem::path(*docker_config) / "config.json").string();
    }
    if (const auto auth_file = environment.get("REGISTRY_AUTH_FILE")) {
        configuration.registry_auth_file = *auth_file;
    }
    if (const auto auth_file = environment.get("ACE_DT_REGISTRY_AUTH_FILE")) {
        configuration.registry_auth_file = *auth_file;
    }
}

}  // namespace acedt::host::config
