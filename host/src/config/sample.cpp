#include "config/sample.hpp"

namespace acedt::host::config {

std::string_view sample_configuration() {
    return R"(# ace-dt configuration file.
#
# ace-dt reads the first of these files that exists: ./ace-dt-config.yaml,
# $XDG_CONFIG_HOME/ace/dt/config.yaml (~/.config/ace/dt/config.yaml when
# XDG_CONFIG_HOME is unset) and /etc/ace/dt/config.yaml. ACE_DT_CONFIG (a
# colon-separated list) or --config replaces that list.

# Both header keys are required in a non-empty file.
apiVersion: config.dt.act3-ace.io/v1alpha1
kind: Configuration

# Directory for cached blobs and manifests.
# Default: $XDG_CACHE_HOME/ace/dt, or ~/.cache/ace/dt. Env: ACE_DT_CACHE_PATH.
cachePath: /var/cache/ace/dt

# Maximum number of HTTP requests in flight at once, from 1 to 1000.
# Default: 25. Env: ACE_DT_CONCURRENT_HTTP.
concurrentHTTP: 25

# Time allowed to establish a connection to a registry or token service,
# TLS handshake included. A duration such as 30s, 1m30s or 500ms, or a whole
# number of seconds. Default: 30s. Env: ACE_DT_HTTP_CONNECT_TIMEOUT.
httpConnectTimeout: 30s

# A transfer that moves less than one byte per second for this long fails.
# Same format, counted in whole seconds. Default: 30s.
# Env: ACE_DT_HTTP_IDLE_TIMEOUT.
httpIdleTimeout: 30s

# Retries of a request that a registry or token service answered with HTTP
# 429, 502, 503 or 504, from 0 to 100. Waits follow Retry-After, otherwise
# 1s doubling up to 16s. Default: 4. Env: ACE_DT_HTTP_RETRIES.
httpRetries: 4

# Total time one request may spend waiting between retries; a wait beyond
# what is left ends the retries. Same format as httpConnectTimeout.
# Default: 60s. Env: ACE_DT_HTTP_RETRY_MAX_TIME.
httpRetryMaxTime: 60s

# Registry credentials in the Docker config.json format.
# Default: empty, which leaves the choice to the plugins. Env, strongest
# first: ACE_DT_REGISTRY_AUTH_FILE, REGISTRY_AUTH_FILE, DOCKER_CONFIG (a
# directory that contains config.json).
registryAuthFile: ""

registryConfig:
  # Settings per registry host, keyed by host[:port] as written in image
  # references.
  registries:
    registry.example.com:
      # Mirrors to try in order, each an http:// or https:// URL.
      endpoints:
        - https://mirror.example.com
      # Regular expression (ECMAScript syntax) and replacement pairs
      # applied to repository names when pulling.
      rewritePull:
        "^library/(.*)$": "mirrored/$1"
      # Set to true for a registry that does not follow the OCI
      # distribution specification in every detail.
      noncompliant: false

  # Settings per endpoint, keyed by URL.
  endpointConfig:
    https://mirror.example.com:
      tls:
        # Accept any TLS certificate. Only for test registries.
        insecureSkipVerify: false
      # How to find referrers: api (the referrers API), tag (the tag
      # schema) or auto (try the API, fall back to tags).
      supportsReferrers: auto
)";
}

}  // namespace acedt::host::config
