// The state behind RegistryClient, shared by registry_client.cpp (requests,
// endpoints, authentication, manifests) and referrers.cpp.
#pragma once

#include <acedt/oci/registry_client.hpp>

#include "authenticator.hpp"
#include "http_transport.hpp"
#include "transport_pool.hpp"

#include <atomic>
#include <mutex>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace acedt::oci {

struct RewriteRule {
    std::string pattern;
    std::regex regex;
    std::string replacement;
};

// One request to the registry API.
struct ApiRequest {
    std::string path;         // "/v2/..." below the endpoint
    std::string accept;       // Accept header value
    std::string scope;        // token scope, "repository:NAME:pull"
    std::string repository;   // as the user wrote it, for messages
};

struct RegistryClient::Impl {
    Impl(std::string registry_name, std::shared_ptr<const ClientConfig> client_config, ClientHooks hooks,
         std::shared_ptr<CredentialStore> credentials);

    // TLS settings for an origin: insecureSkipVerify from endpointConfig and
    // the files of the certs.d directories.
    http::TlsOptions tls_for(const std::string &origin) const;
    const EndpointSettings *endpoint_settings(const std::string &base) const;

    void choose_endpoints();

    // Sends the request to the endpoints in order, starting with the one
    // that last worked, and returns the first response together with the
    // endpoint that gave it. Throws Error when no endpoint could be reached.
    http::Response request_with_endpoints(const ApiRequest &request, std::string &used_endpoint);

    // Sends GET `url` (below `base`) with authentication: the cached
    // Authorization first, and after a 401 a fresh one, once. Throws Error
    // for a second 401 and for 403.
    http::Response request_authenticated(const std::string &base, const std::string &url, const ApiRequest &request);

    std::string access_denied_message(const std::string &repository, long status);

    // RegistryClient::get_manifest and wire_repository without the lock.
    ManifestResponse fetch_manifest(const Reference &reference, std::string_view selector);
    std::string wire_repository(std::string_view repository) const;

    // The supportsReferrers setting of the endpoint that last worked.
    ReferrersMode referrers_mode() const;

    std::string registry;
    std::shared_ptr<const ClientConfig> config;
    std::vector<std::string> certificate_roots;
    std::vector<std::string> endpoints;
    // True when the endpoints are the HTTPS-then-HTTP pair chosen for a
    // loopback registry without configured endpoints.
    bool loopback_fallback = false;
    // Index of the endpoint that last worked. Concurrent requests may each
    // move it; any value is a valid index.
    std::atomic<std::size_t> preferred = 0;
    std::vector<RewriteRule> rewrite_rules;
    // At most config->concurrent_http requests in flight for this registry.
    http::TransportPool transport;
    Authenticator authenticator;
    // Endpoints whose referrers API returned 404, so that auto mode goes
    // straight to the tag schema. Guarded by `mutex`.
    std::set<std::string> endpoints_without_referrers_api;
    // Serialises referrer lookups, which are not made concurrent. Manifest
    // requests do not take it.
    std::mutex mutex;
};

// Formats an error body for a message: the distribution error format
// {"errors": [{"code", "message"}]} as "CODE: message" items when the
// Content-Type is JSON, otherwise the start of the text on one line. Returns
// "" for an empty body.
std::string describe_error_body(const http::Response &response);

// Describes a failed response: "HTTP 500 from URL: details (retries)".
std::string describe_failure(const http::Response &response);

}  // namespace acedt::oci
