// Environment variables that override the configuration file.
#pragma once

#include "config/configuration.hpp"
#include "config/environment.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace acedt::host::config {

/// Applies ACE_DT_CACHE_PATH, ACE_DT_CONCURRENT_HTTP, and for
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

}  // namespace acedt::host::config
