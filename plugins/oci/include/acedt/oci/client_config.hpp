// Settings of the registry client, read from the host's effective
// configuration (the JSON text a plugin gets from the host).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace acedt::oci {

// registryConfig.endpointConfig.<url>
struct EndpointSettings {
    bool insecure_skip_verify = false;  // tls.insecureSkipVerify
    std::string supports_referrers;     // "api", "tag", "auto" or empty
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

    // Reads the fields above from the configuration JSON object; keys it
    // does not know are ignored. Throws Error naming a key of the wrong type.
    static ClientConfig from_json(std::string_view json);
};

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
