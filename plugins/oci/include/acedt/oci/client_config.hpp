// Settings of the registry client, read from the host's effective
// configuration (the JSON text a plugin gets from the host).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acedt::oci {

// Lookup method for referrers (registryConfig.endpointConfig.<url>.supportsReferrers).
enum class ReferrersMode {
    kAuto,  // the referrers API, then the sha256-<hex> tag when the API returns 404
    kApi,   // only the referrers API
    kTag,   // only the sha256-<hex> tag
};

// registryConfig.endpointConfig.<url>
struct EndpointSettings {
    bool insecure_skip_verify = false;  // tls.insecureSkipVerify
    ReferrersMode supports_referrers = ReferrersMode::kAuto;
};

// Retries of requests rejected with HTTP 429, 502, 503 or 504. The
// configuration sets max_retries (httpRetries) and max_total_wait
// (httpRetryMaxTime); the backoff steps are fixed.
struct RetryPolicy {
    int max_retries = 4;
    // Wait before the first retry without Retry-After; it doubles for each
    // further retry, up to max_backoff.
    std::chrono::milliseconds initial_backoff{1000};
    std::chrono::milliseconds max_backoff{16000};
    // Total waiting allowed for one request. A Retry-After beyond what is
    // left ends the retries at once.
    std::chrono::milliseconds max_total_wait{60000};
};

// registryConfig.registries.<host>
struct RegistrySettings {
    // Base URLs tried in order, such as "https://mirror.example.com" or
    // "http://127.0.0.1:5000". Empty: the registry itself over HTTPS.
    std::vector<std::string> endpoints;
    // Regular expression (ECMAScript) and replacement, applied in order to
    // the repository path before a pull; the first one that matches wins.
    std::vector<std::pair<std::string, std::string>> rewrite_pull;
    bool noncompliant = false;
};

struct ClientConfig {
    std::string cache_path;
    int concurrent_http = 25;
    // Path of a docker-style config.json with an "auths" section; empty
    // means ~/.docker/config.json. The host has already applied the
    // DOCKER_CONFIG, REGISTRY_AUTH_FILE and ACE_DT_REGISTRY_AUTH_FILE
    // overrides.
    std::string registry_auth_file;
    std::map<std::string, RegistrySettings> registries;  // by registry host[:port]
    std::map<std::string, EndpointSettings> endpoints;   // by endpoint URL
    // httpConnectTimeout: limit for establishing a connection, TLS included.
    std::chrono::milliseconds connect_timeout{30000};
    // httpIdleTimeout: a transfer that moves less than 1 byte per second
    // for this long fails. Rounded up to whole seconds.
    std::chrono::milliseconds idle_timeout{30000};

    // httpRetries and httpRetryMaxTime; the backoff steps are not read
    // from the configuration.
    RetryPolicy retry;

    // Settings below are not read from the configuration; programs and
    // tests set them.
    // Roots of per-host TLS directories (ROOT/HOST[:PORT]/ca.crt and so on).
    // nullopt: /etc/containerd/certs.d, /etc/docker/certs.d and
    // $HOME/.docker/certs.d.
    std::optional<std::vector<std::string>> certificate_directories;
    // Files consulted for credentials. nullopt:
    // default_credential_files(registry_auth_file).
    std::optional<std::vector<std::string>> credential_files;

    // Reads the configuration fields above from the configuration JSON
    // object; keys it does not know are ignored. Throws Error naming a key of
    // the wrong type or an invalid value.
    static ClientConfig from_json(std::string_view json);
};

// Parses a duration such as "30s", "1m30s", "1.5s" or "250ms" (units ms,
// s, m and h, as Go's time.ParseDuration writes them). Throws Error for
// anything else, and for a negative or zero duration.
std::chrono::milliseconds parse_duration(std::string_view text);

// Log levels on the host's scale: 0 error, 4 warn, 8 info, 12 debug.
using LogFunction = std::function<void(int level, const std::string &message)>;

// What the library needs from the program around it.
struct ClientHooks {
    LogFunction log = [](int, const std::string &) {};
    // Polled between requests and during transfers; returning true makes
    // the pending operation throw InterruptedError.
    std::function<bool()> interrupted = [] { return false; };
};

}  // namespace acedt::oci
