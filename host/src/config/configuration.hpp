// The shared configuration that the host reads and hands to plugins.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace acedt::host::config {

inline constexpr const char* kApiVersion = "config.dt.act3-ace.io/v1alpha1";
inline constexpr const char* kKind = "Configuration";

/// Maximum size of a configuration file in bytes. Real files are a few
/// KiB, and the bound keeps a mistaken --config such as /dev/zero from
/// filling memory.
inline constexpr std::size_t kMaxConfigFileBytes = 1024 * 1024;

inline constexpr std::int64_t kDefaultConcurrentHttp = 25;
inline constexpr std::int64_t kMaxConcurrentHttp = 1000;

/// Defaults and limit of httpConnectTimeout and httpIdleTimeout, in ms.
inline constexpr std::int64_t kDefaultHttpTimeoutMs = 30 * 1000;
inline constexpr std::int64_t kMaxHttpTimeoutMs = 24 * 60 * 60 * 1000;

/// Default and limit of httpRetries, the retries of a request that got
/// HTTP 429, 502, 503 or 504, and default of httpRetryMaxTime, the total
/// wait between those retries in ms (limited like the timeouts).
inline constexpr std::int64_t kDefaultHttpRetries = 4;
inline constexpr std::int64_t kMaxHttpRetries = 100;
inline constexpr std::int64_t kDefaultHttpRetryMaxTimeMs = 60 * 1000;

/// Keys that the host does not know, in file order, converted to JSON so
/// that plugins receive them unchanged.
using UnknownKeys = boost::json::object;

/// Settings for one registry host, under registryConfig.registries.<host>.
struct RegistrySettings {
    std::vector<std::string> endpoints;  // each starts with http:// or https://
    /// Regular expression and replacement pairs, in file order.
    std::vector<std::pair<std::string, std::string>> rewrite_pull;
    bool noncompliant = false;
    UnknownKeys unknown;
};

/// Settings for one endpoint URL, under registryConfig.endpointConfig.<url>.
struct EndpointSettings {
    bool insecure_skip_verify = false;  // tls.insecureSkipVerify
    UnknownKeys tls_unknown;
    std::string supports_referrers = "auto";  // one of api, tag, auto
    UnknownKeys unknown;
};

/// The registryConfig section; both maps keep file order.
struct RegistryConfig {
    std::vector<std::pair<std::string, RegistrySettings>> registries;
    std::vector<std::pair<std::string, EndpointSettings>> endpoints;
    UnknownKeys unknown;
};

/// The effective configuration: defaults, then one file, then environment
/// overrides.
struct Configuration {
    std::string api_version = kApiVersion;
    std::string kind = kKind;
    std::string cache_path;
    std::int64_t concurrent_http = kDefaultConcurrentHttp;
    /// httpConnectTimeout and httpIdleTimeout, in milliseconds.
    std::int64_t http_connect_timeout_ms = kDefaultHttpTimeoutMs;
    std::int64_t http_idle_timeout_ms = kDefaultHttpTimeoutMs;
    std::int64_t http_retries = kDefaultHttpRetries;
    /// httpRetryMaxTime, in milliseconds.
    std::int64_t http_retry_max_time_ms = kDefaultHttpRetryMaxTimeMs;
    std::string registry_auth_file;
    RegistryConfig registry_config;
    UnknownKeys unknown;
};

}  // namespace acedt::host::config
