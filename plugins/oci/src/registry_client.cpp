#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/registry_client.hpp>

#include "host_certificates.hpp"
#include "json_fields.hpp"
#include "registry_client_impl.hpp"
#include "retry.hpp"

#include <optional>

namespace acedt::oci {

namespace json = boost::json;

namespace {

constexpr int kLogInfo = 8;

// Docker Hub's registry API lives on another host than its name, as in
// Reference::api_host().
constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kDockerHubApiHost = "registry-1.docker.io";

// Maximum length of a text body quoted in an error message.
constexpr std::size_t kMaxQuotedBody = 200;

// What TLS servers send back to a plain-HTTP request: Go's net/http, as in
// docker-registry and most registries, and nginx.
constexpr std::string_view kTlsServerAnswers[] = {"HTTP request to an HTTPS server",
                                                  "plain HTTP request was sent to HTTPS port"};

std::string strip_trailing_slashes(std::string url) {
    while (url.ends_with('/')) {
        url.pop_back();
    }
    return url;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

const RegistrySettings *find_settings(const ClientConfig &config, const std::string &registry) {
    const std::string target = normalize_registry_host(registry);
    for (const auto &[key, settings] : config.registries) {
        if (normalize_registry_host(key) == target) {
            return &settings;
        }
    }
    return nullptr;
}

std::vector<RewriteRule> compile_rules(const RegistrySettings &settings, const std::string &registry) {
    std::vector<RewriteRule> rules;
    for (const auto &[pattern, replacement] : settings.rewrite_pull) {
        try {
            rules.push_back(RewriteRule{pattern, std::regex(pattern, std::regex::ECMAScript), replacement});
        } catch (const std::regex_error &error) {
            throw Error("registryConfig.registries[\"" + registry + "\"].rewritePull: invalid regular expression \"" +
                        pattern + "\": " + error.what());
        }
    }
    return rules;
}

std::string describe_json_errors(std::string_view body) {
    std::string description;
    try {
        const json::value document = json_fields::parse(body);
        const json::value *errors = document.is_object() ? json_fields::find(document.get_object(), "errors") : nullptr;
        if (errors == nullptr || !errors->is_array()) {
            return {};
        }
        for (const json::value &entry : errors->get_array()) {
            if (!entry.is_object()) {
                continue;
            }
            const json::value *code = json_fields::find(entry.get_object(), "code");
            const json::value *message = json_fields::find(entry.get_object(), "message");
            std::string item = code != nullptr && code->is_string() ? std::string(code->get_string()) : "";
            if (message != nullptr && message->is_string()) {
                item += (item.empty() ? "" : ": ") + std::string(message->get_string());
            }
            if (!item.empty()) {
                description += (description.empty() ? "" : "; ") + item;
            }
        }
    } catch (const Error &) {
        return {};
    }
    return description;
}

// The start of a text body on one line, with each run of white space and
// control characters shown as one space, so that an HTML page or a proxy's
// message cannot flood the terminal.
std::string quote_text_body(std::string_view body) {
    std::string text;
    bool space = false;
    for (char c : body) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f) {
            space = !text.empty();
            continue;
        }
        if (space) {
            text.push_back(' ');
            space = false;
        }
        text.push_back(c);
        if (text.size() >= kMaxQuotedBody) {
            return text + "...";
        }
    }
    return text;
}

std::string describe_manifest(const Reference &reference, std::string_view selector) {
    const char separator = selector.find(':') == std::string_view::npos ? ':' : '@';
    return reference.registry() + "/" + reference.repository() + separator + std::string(selector);
}

bool is_html(const http::Response &response) {
    return media_type::strip_parameters(response.header("content-type")) == "text/html";
}

}  // namespace

std::string describe_error_body(const http::Response &response) {
    if (response.body.empty()) {
        return {};
    }
    if (http::is_json_content_type(response.header("content-type"))) {
        const std::string errors = describe_json_errors(response.body);
        if (!errors.empty()) {
            return errors;
        }
    }
    return quote_text_body(response.body);
}

std::string describe_failure(const http::Response &response) {
    const std::string details = describe_error_body(response);
    std::string text = "HTTP " + std::to_string(response.status) + " from " + http::redact_url(response.url);
    if (!details.empty()) {
        text += ": " + details;
    }
    if (!response.retries_exhausted.empty()) {
        text += " (" + response.retries_exhausted + ")";
    }
    return text;
}

RegistryClient::Impl::Impl(std::string registry_name, std::shared_ptr<const ClientConfig> client_config,
                           ClientHooks hooks, std::shared_ptr<CredentialStore> credentials)
    : registry(std::move(registry_name)),
      config(std::move(client_config)),
      certificate_roots(config->certificate_directories ? *config->certificate_directories
                                                        : default_certificate_directories()),
      transport(std::move(hooks),
                http::TransportSettings{config->connect_timeout, config->idle_timeout, 0,
                                        [this](const std::string &origin) { return tls_for(origin); }},
                config->concurrent_http),
      authenticator(registry, std::move(credentials), config->retry) {}

const EndpointSettings *RegistryClient::Impl::endpoint_settings(const std::string &base) const {
    const std::string normalized = strip_trailing_slashes(base);
    for (const auto &[endpoint, settings] : config->endpoints) {
        if (strip_trailing_slashes(endpoint) == normalized) {
            return &settings;
        }
    }
    const std::string origin = http::url_origin(base);
    for (const auto &[endpoint, settings] : config->endpoints) {
        if (http::url_origin(endpoint) == origin) {
            return &settings;
        }
    }
    return nullptr;
}

http::TlsOptions RegistryClient::Impl::tls_for(const std::string &origin) const {
    http::TlsOptions options = find_host_certificates(certificate_roots, origin);
    for (const auto &[endpoint, settings] : config->endpoints) {
        if (settings.insecure_skip_verify && http::url_origin(endpoint) == origin) {
            options.insecure_skip_verify = true;
        }
    }
    return options;
}

// Configured endpoints win. Without them a registry is reached over HTTPS,
// except that a loopback registry falls back to plain HTTP, because local
// test registries usually have no certificate.
void RegistryClient::Impl::choose_endpoints() {
    const RegistrySettings *settings = find_settings(*config, registry);
    if (settings != nullptr) {
        rewrite_rules = compile_rules(*settings, registry);
        for (const std::string &endpoint : settings->endpoints) {
            if (!endpoint.starts_with("https://") && !endpoint.starts_with("http://")) {
                throw Error("registryConfig.registries[\"" + registry + "\"].endpoints: invalid endpoint \"" +
                            http::redact_url(endpoint) + "\"; expected an http:// or https:// URL");
            }
            endpoints.push_back(strip_trailing_slashes(endpoint));
        }
    }
    if (!endpoints.empty()) {
        return;
    }

    const std::string host = registry == kDockerHub ? std::string(kDockerHubApiHost) : registry;
    endpoints.push_back("https://" + host);
    if (is_loopback_host(registry)) {
        endpoints.push_back("http://" + host);
        loopback_fallback = true;
    }
}

namespace {

// Adds what the user can do about a failure to its message.
std::string explain_transport_failure(const http::TransportError &error, const std::string &base,
                                      const std::string &registry) {
    const std::string host = http::url_host(base);
    std::string reason = error.what();
    switch (error.kind()) {
    case http::FailureKind::kCertificate:
        reason += " (to trust the registry's CA, save it as ~/.docker/certs.d/" + host +
                  "/ca.crt or /etc/docker/certs.d/" + host +
                  "/ca.crt; to accept any certificate, set registryConfig.endpointConfig[\"" + http::redact_url(base) +
                  "\"].tls.insecureSkipVerify to true)";
        break;
    case http::FailureKind::kPlainHttpServer:
        reason += " (this client spoke HTTPS to " + host + " and the server responded in plain HTTP; if " + registry +
                  " only serves plain HTTP, add the endpoint http://" + host + " to registryConfig.registries[\"" +
                  registry + "\"].endpoints)";
        break;
    default:
        break;
    }
    return reason;
}

}  // namespace

http::Response RegistryClient::Impl::request_with_endpoints(const ApiRequest &request, std::string &used_endpoint) {
    const std::size_t first = preferred;
    std::vector<std::size_t> order{first};
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        if (i != first) {
            order.push_back(i);
        }
    }

    std::string failures;
    // The last failure, when the server received the request.
    std::optional<http::TransportError> reached_failure;
    // The failure of the HTTPS half of the loopback pair, once it happened.
    std::string tls_failure;
    http::FailureKind tls_failure_kind = http::FailureKind::kConnect;
    for (std::size_t index : order) {
        const std::string &base = endpoints[index];
        try {
            http::Response response = request_authenticated(base, base + request.path, request);
            if (index != first && preferred.exchange(index) != index) {
                transport.hooks().log(kLogInfo, "using " + http::redact_url(base) + " for " + registry +
                                                    " from now on");
            }
            used_endpoint = base;
            return response;
        } catch (const http::TransportError &error) {
            const std::string reason = explain_transport_failure(error, base, registry);
            reached_failure.reset();
            if (error.request_sent()) {
                reached_failure.emplace(error.kind(), reason, true);
            }
            if (loopback_fallback && !tls_failure.empty() && error.kind() == http::FailureKind::kTlsServer) {
                // The server speaks TLS after all, so the failed TLS attempt
                // explains the problem, not the plain-HTTP one.
                throw http::TransportError(tls_failure_kind, tls_failure);
            }

            // The plain-HTTP half of the loopback pair is tried after a TLS
            // attempt that failed, but not after a rejected certificate,
            // which plain HTTP would only hide.
            const bool next_allowed =
                loopback_fallback ? index == 0 && (error.kind() == http::FailureKind::kPlainHttpServer ||
                                                   error.kind() == http::FailureKind::kConnect)
                                  : error.kind() != http::FailureKind::kTransfer &&
                                        error.kind() != http::FailureKind::kBodyTooLarge;
            if (!next_allowed && failures.empty()) {
                throw http::TransportError(error.kind(), reason);
            }
            failures += (failures.empty() ? "" : "; ") + reason;
            if (!next_allowed) {
                break;
            }
            if (loopback_fallback) {
                tls_failure = reason;
                tls_failure_kind = error.kind();
            }
            transport.hooks().log(kLogInfo, "cannot connect to " + http::redact_url(base) + " for " + registry + ": " +
                                                error.what());
        }
    }

    // A server that received the request was reachable, so what went wrong
    // afterwards (a stall, a cut-off body) is the error, not "cannot
    // connect". Failures of earlier endpoints were logged above.
    if (reached_failure) {
        throw http::TransportError(std::move(*reached_failure));
    }
    throw Error("cannot connect to " + registry + ": " + failures);
}

http::Response RegistryClient::Impl::request_authenticated(const std::string &base, const std::string &url,
                                                           const ApiRequest &api) {
    http::Request request;
    request.url = url;
    request.max_body_bytes = kMaxManifestBytes;
    request.headers.push_back("Accept: " + api.accept);

    const std::string cached = authenticator.cached_authorization(base, api.scope);
    if (!cached.empty()) {
        request.headers.push_back("Authorization: " + cached);
    }

    // The Transport is borrowed for the whole exchange, token request
    // included, so that one API request counts once against concurrentHTTP.
    http::TransportPool::Lease connection = transport.acquire();
    http::Response response = http::send_with_retries(*connection, request, config->retry);
    if (response.status == 400 && base.starts_with("http://")) {
        for (std::string_view answer : kTlsServerAnswers) {
            if (contains(response.body, answer)) {
                throw http::TransportError(
                    http::FailureKind::kTlsServer,
                    "GET " + http::redact_url(url) + " failed: this client spoke plain HTTP and " +
                        http::url_host(base) + " responded as an HTTPS (TLS) server; use the endpoint https://" +
                        http::url_host(base) + " instead of " + http::redact_url(base));
            }
        }
    }
    if (response.status == 403) {
        const std::string details = describe_error_body(response);
        throw Error(access_denied_message(api.repository, response.status) +
                    (details.empty() ? "" : " (the registry says: " + details + ")"));
    }
    if (response.status != 401) {
        return response;
    }

    // A 401 after a cached token means the token expired or was revoked,
    // so the token is dropped and the new challenge is responded to once.
    if (!cached.empty()) {
        authenticator.forget(base, api.scope, cached);
    }
    std::vector<AuthChallenge> challenges;
    for (const std::string &value : response.header_values("www-authenticate")) {
        std::vector<AuthChallenge> parsed = parse_www_authenticate(value);
        challenges.insert(challenges.end(), parsed.begin(), parsed.end());
    }

    const std::string authorization = authenticator.respond(*connection, challenges, base, api.scope, cached);
    request.headers.resize(1);
    request.headers.push_back("Authorization: " + authorization);

    response = http::send_with_retries(*connection, request, config->retry);
    if (response.status == 401 || response.status == 403) {
        authenticator.forget(base, api.scope, authorization);
        throw Error(access_denied_message(api.repository, response.status));
    }
    return response;
}

std::string RegistryClient::Impl::access_denied_message(const std::string &repository, long status) {
    const std::string status_text = " (HTTP " + std::to_string(status) + ")";
    if (!authenticator.credentials().credentials) {
        return "access denied to " + repository + " at " + registry + status_text + "; no credentials for " + registry +
               " were found " + authenticator.credential_source();
    }
    return "access denied to " + repository + " at " + registry + status_text + "; check the credentials for " +
           registry + " " + authenticator.credential_source() + " and their permission to pull " + repository;
}

RegistryClient::RegistryClient(std::string registry, std::shared_ptr<const ClientConfig> config, ClientHooks hooks,
                               std::shared_ptr<CredentialStore> credentials)
    : impl_(std::make_unique<Impl>(std::move(registry), std::move(config), std::move(hooks), std::move(credentials))) {
    impl_->choose_endpoints();
}

RegistryClient::~RegistryClient() = default;

std::string RegistryClient::wire_repository(std::string_view repository) const {
    return impl_->wire_repository(repository);
}

std::string RegistryClient::Impl::wire_repository(std::string_view repository) const {
    const std::string original(repository);
    for (const RewriteRule &rule : rewrite_rules) {
        if (!std::regex_search(original, rule.regex)) {
            continue;
        }

        std::string rewritten = std::regex_replace(original, rule.regex, rule.replacement);
        if (!is_valid_repository_path(rewritten)) {
            throw Error("the rewritePull rule \"" + rule.pattern + "\" of " + registry + " turns " + original +
                        " into \"" + rewritten + "\", which is not a valid repository path");
        }
        return rewritten;
    }
    return original;
}

std::vector<std::string> RegistryClient::endpoints() const {
    return impl_->endpoints;
}

ManifestResponse RegistryClient::Impl::fetch_manifest(const Reference &reference, std::string_view selector) {
    const std::string manifest = describe_manifest(reference, selector);
    const std::string wire = wire_repository(reference.repository());
    ApiRequest request;
    request.path = "/v2/" + wire + "/manifests/" + std::string(selector);
    request.accept = std::string(media_type::kManifestAccept);
    request.scope = "repository:" + wire + ":pull";
    request.repository = reference.repository();

    http::Response response;
    std::string endpoint;
    try {
        response = request_with_endpoints(request, endpoint);
    } catch (const http::TransportError &error) {
        throw Error(manifest + ": " + error.what());
    }

    if (response.status == 404) {
        throw NotFoundError("manifest " + std::string(selector) + " not found in " + reference.repository() + " at " +
                            reference.registry() +
                            (wire == reference.repository() ? "" : " (requested as " + wire + ")"));
    }
    if (response.status < 200 || response.status > 299) {
        throw Error(manifest + ": " + describe_failure(response));
    }
    if (is_html(response)) {
        throw Error(manifest + ": " +
                    (response.redirected_from.empty()
                         ? http::redact_url(response.url) + " returned an HTML page instead of a manifest"
                         : "the request to " + response.redirected_from + " was redirected to " +
                               http::url_origin(response.url) +
                               ", which returned an HTML page (a login page?) instead of a manifest; credentials "
                               "were not sent there"));
    }

    const std::string content_digest = response.header("docker-content-digest");
    if (!content_digest.empty()) {
        Digest expected;
        try {
            expected = Digest::parse(content_digest);
        } catch (const Error &error) {
            throw Error(manifest + ": the registry sent an invalid Docker-Content-Digest header: " + error.what());
        }
        if (!expected.matches(response.body)) {
            throw Error(manifest + ": the Docker-Content-Digest header is " + expected.str() +
                        ", but the body's digest is " + Digest::compute(expected.algorithm(), response.body).str());
        }
    }

    ManifestResponse result;
    result.body = std::move(response.body);
    result.content_type = std::string(media_type::strip_parameters(response.header("content-type")));
    result.url = http::redact_url(response.url);
    return result;
}

ManifestResponse RegistryClient::get_manifest(const Reference &reference, std::string_view selector) {
    return impl_->fetch_manifest(reference, selector);
}

}  // namespace acedt::oci
