#include "config/overrides.hpp"

#include "config/loader.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <utility>

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

ConcurrencyParse parse_http_retries(const std::string& text) {
    const bool digits_only = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!digits_only || error != std::errc{} || end != text.data() + text.size() || value > kMaxHttpRetries) {
        return {std::nullopt, "expected a number of retries from 0 to " + std::to_string(kMaxHttpRetries) +
                                  ", got \"" + text + "\""};
    }
    return {value, ""};
}

DurationParse parse_http_timeout(const std::string& text) {
    const std::string invalid = "expected a duration such as \"30s\", \"1m30s\" or \"250ms\", got \"" + text + "\"";
    const std::string out_of_range = "must be from 1ms to 24h, got \"" + text + "\"";
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        // A plain number counts seconds, as YAML users write 30 for 30s.
        std::int64_t seconds = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
        if (error != std::errc{} || seconds < 1 || seconds > kMaxHttpTimeoutMs / 1000) {
            return {std::nullopt, out_of_range};
        }
        return {seconds * 1000, ""};
    }

    double total = 0;
    std::size_t position = 0;
    while (position < text.size()) {
        const std::size_t number_start = position;
        while (position < text.size() && (std::isdigit(static_cast<unsigned char>(text[position])) || text[position] == '.')) {
            ++position;
        }
        const std::string number = text.substr(number_start, position - number_start);
        const std::size_t unit_start = position;
        while (position < text.size() && std::isalpha(static_cast<unsigned char>(text[position]))) ++position;
        const std::string unit = text.substr(unit_start, position - unit_start);

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
        char* end = nullptr;
        const double value = number.empty() ? 0 : std::strtod(number.c_str(), &end);
        if (number.empty() || factor == 0 || end != number.c_str() + number.size()) return {std::nullopt, invalid};
        total += value * factor;
    }
    if (text.empty()) return {std::nullopt, invalid};
    if (total < 1 || total > static_cast<double>(kMaxHttpTimeoutMs)) return {std::nullopt, out_of_range};
    return {static_cast<std::int64_t>(std::llround(total)), ""};
}

std::string format_duration(std::int64_t milliseconds) {
    if (milliseconds % 1000 != 0) return std::to_string(milliseconds) + "ms";
    std::int64_t seconds = milliseconds / 1000;
    std::string text;
    if (seconds >= 3600) {
        text += std::to_string(seconds / 3600) + "h";
        seconds %= 3600;
    }
    if (seconds >= 60) {
        text += std::to_string(seconds / 60) + "m";
        seconds %= 60;
    }
    if (seconds > 0 || text.empty()) text += std::to_string(seconds) + "s";
    return text;
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

    for (const auto& [variable, target] :
         {std::pair{"ACE_DT_HTTP_CONNECT_TIMEOUT", &configuration.http_connect_timeout_ms},
          std::pair{"ACE_DT_HTTP_IDLE_TIMEOUT", &configuration.http_idle_timeout_ms},
          std::pair{"ACE_DT_HTTP_RETRY_MAX_TIME", &configuration.http_retry_max_time_ms}}) {
        if (const auto text = environment.get(variable)) {
            const auto parsed = parse_http_timeout(*text);
            if (!parsed.milliseconds) throw ConfigError(std::string(variable) + ": " + parsed.problem);
            *target = *parsed.milliseconds;
        }
    }

    if (const auto retries = environment.get("ACE_DT_HTTP_RETRIES")) {
        const auto parsed = parse_http_retries(*retries);
        if (!parsed.value) throw ConfigError("ACE_DT_HTTP_RETRIES: " + parsed.problem);
        configuration.http_retries = *parsed.value;
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
