// Environment variables that override the configuration file.
#pragma once

#include "config/configuration.hpp"
#include "config/environment.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace acedt::host::config {

/// Applies ACE_DT_CACHE_PATH, ACE_DT_CONCURRENT_HTTP,
/// ACE_DT_HTTP_CONNECT_TIMEOUT, ACE_DT_HTTP_IDLE_TIMEOUT,
/// ACE_DT_HTTP_RETRIES, ACE_DT_HTTP_RETRY_MAX_TIME, and for
/// registryAuthFile DOCKER_CONFIG (a directory: DIR/config.json), then
/// REGISTRY_AUTH_FILE, then ACE_DT_REGISTRY_AUTH_FILE, each replacing the
/// one before. Throws ConfigError naming the variable for an invalid value.
void apply_environment_overrides(Configuration& configuration, const Environment& environment);

/// Parses a concurrentHTTP value: a decimal integer from 1 to
/// kMaxConcurrentHttp. Returns the problem as text when it is invalid.
struct ConcurrencyParse {
    std::optional<std::int64_t> value;
    std::string problem;
};
ConcurrencyParse parse_concurrent_http(const std::string& text);

/// Parses an httpRetries value: a decimal integer from 0 to
/// kMaxHttpRetries. Returns the problem as text when it is invalid.
ConcurrencyParse parse_http_retries(const std::string& text);

/// Parses an httpConnectTimeout, httpIdleTimeout or httpRetryMaxTime value:
/// a duration such as "30s", "1m30s", "1.5s" or "250ms" (units ms, s, m,
/// h, as Go writes durations), or a whole number of seconds. It must be at
/// least 1ms and at most 24h. Returns milliseconds, or the problem as text.
struct DurationParse {
    std::optional<std::int64_t> milliseconds;
    std::string problem;
};
DurationParse parse_http_timeout(const std::string& text);

/// Formats milliseconds as parse_http_timeout reads them: "30s", "1m30s",
/// "250ms".
std::string format_duration(std::int64_t milliseconds);

}  // namespace acedt::host::config
