#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/registry_client.hpp>

#include "authenticator.hpp"
#include "http_transport.hpp"
#include "json_fields.hpp"

#include <mutex>
#include <regex>

namespace acedt::oci {

namespace json = boost::json;

namespace {

constexpr int kLogInfo = 8;

// Docker Hub's registry API lives on another host than its name, as in
// Reference::api_host().
constexpr std::string_view kDockerHub = "docker.io";
constexpr std::string_view kDockerHubApiHost = "registry-1.docker.io";

struct RewriteRule {
    std::string pattern;
    std::regex regex;
    std::string replacement;
};

std::string strip_trailing_slashes(std::string url) {
    while (url.ends_with('/')) {
        url.pop_back();
    }
    return url;
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

// Formats a body in the distribution error format
// {"errors": [{"code": ..., "message": ...}]} as "CODE: message" items joined
// by "; ". Returns "" for any other body.
std::string describe_error_body(std::string_view body) {
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

std::string describe_manifest(const Reference &reference, std::string_view selector) {
    const char separator = selector.find(':') == std::string_view::npos ? ':' : '@';
    return reference.registry() + "/" + reference.repository() + separator + std::string(selector);
}

}  // namespace

struct RegistryClient::Impl {
    Impl(std::string registry_name, std::shared_ptr<const ClientConfig> client_config, ClientHooks hooks,
         std::shared_ptr<CredentialStore> credentials)
        : registry(std::move(registry_name)),
          config(std::move(client_config)),
          transport(std::move(hooks)),
          authenticator(registry, std::move(credentials), [this](std::string_view url) { return insecure_for(url); }) {}

    bool insecure_for(std::string_view url) const {
        const std::string origin = http::url_origin(url);
        for (const auto &[endpoint, settings] : config->endpoints) {
            if (settings.insecure_skip_verify && http::url_origin(endpoint) == origin) {
                return true;
            }
        }
        return false;
    }

    void choose_endpoints();
    http::Response request_with_endpoints(const std::string &path, const std::string &scope,
                                          const std::string &repository);
    http::Response request_authenticated(const std::string &base, const std::string &path, const std::string &scope,
                                         const std::string &repository);
    std::string access_denied_message(const std::string &repository);

    std::string registry;
    std::shared_ptr<const ClientConfig> config;
    std::vector<std::string> endpoints;
    // True when the endpoints are the HTTPS-then-HTTP pair chosen for a
    // loopback registry without configured endpoints.
    bool loopback_fallback = false;
    std::size_t preferred = 0;  // index of the endpoint that last worked
    std::vector<RewriteRule> rewrite_rules;
    http::Transport transport;
    Authenticator authenticator;
    std::mutex mutex;
};

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

http::Response RegistryClient::Impl::request_with_endpoints(const std::string &path, const std::string &scope,
                                                            const std::string &repository) {
    std::vector<std::size_t> order{preferred};
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        if (i != preferred) {
            order.push_back(i);
        }
    }

    std::string failures;
    for (std::size_t index : order) {
        const std::string &base = endpoints[index];
        try {
            http::Response response = request_authenticated(base, path, scope, repository);
            if (index != preferred) {
                transport.hooks().log(kLogInfo, "using " + http::redact_url(base) + " for " + registry +
                                                    " from now on");
                preferred = index;
            }
            return response;
        } catch (const http::TransportError &error) {
            const bool next_allowed = error.kind() == http::FailureKind::kConnect ||
                                      (error.kind() == http::FailureKind::kCertificate && !loopback_fallback);
            std::string reason = error.what();
            if (error.kind() == http::FailureKind::kCertificate) {
                reason += " (to accept this certificate, set registryConfig.endpointConfig[\"" +
                          http::redact_url(base) + "\"].tls.insecureSkipVerify to true)";
            }
            if (!next_allowed) {
                throw http::TransportError(error.kind(), reason);
            }
            failures += (failures.empty() ? "" : "; ") + reason;
            transport.hooks().log(kLogInfo, "cannot connect to " + http::redact_url(base) + " for " + registry + ": " +
                                                error.what());
        }
    }

    throw Error("cannot connect to " + registry + ": " + failures);
}

http::Response RegistryClient::Impl::request_authenticated(const std::string &base, const std::string &path,
                                                           const std::string &scope, const std::string &repository) {
    http::Request request;
    request.url = base + path;
    request.insecure_skip_verify = insecure_for(base);
    request.max_body_bytes = kMaxManifestBytes;
    request.headers.push_back("Accept: " + std::string(media_type::kManifestAccept));

    const std::string cached = authenticator.cached_authorization(base, scope);
    if (!cached.empty()) {
        request.headers.push_back("Authorization: " + cached);
    }

    http::Response response = transport.get(request);
    if (response.status != 401) {
        return response;
    }
    if (!cached.empty()) {
        authenticator.forget(base, scope);
    }

    std::vector<AuthChallenge> challenges;
    for (const std::string &value : response.header_values("www-authenticate")) {
        std::vector<AuthChallenge> parsed = parse_www_authenticate(value);
        challenges.insert(challenges.end(), parsed.begin(), parsed.end());
    }

    const std::string authorization = authenticator.respond(transport, challenges, base, scope);
    request.headers.resize(1);
    request.headers.push_back("Authorization: " + authorization);

    response = transport.get(request);
    if (response.status == 401) {
        authenticator.forget(base, scope);
        throw Error(access_denied_message(repository));
    }
    return response;
}

std::string RegistryClient::Impl::access_denied_message(const std::string &repository) {
    if (!authenticator.has_credentials()) {
        return "access denied to " + repository + " at " + registry + "; no credentials for " + registry +
               " were found " + authenticator.credential_source();
    }
    return "access denied to " + repository + "; check the credentials for " + registry + " " +
           authenticator.credential_source();
}

RegistryClient::RegistryClient(std::string registry, std::shared_ptr<const ClientConfig> config, ClientHooks hooks,
                               std::shared_ptr<CredentialStore> credentials)
    : impl_(std::make_unique<Impl>(registry, std::move(config), std::move(hooks), std::move(credentials))) {
    impl_->choose_endpoints();
}

RegistryClient::~RegistryClient() = default;

std::string RegistryClient::wire_repository(std::string_view repository) const {
    const std::string original(repository);
    for (const RewriteRule &rule : impl_->rewrite_rules) {
        if (!std::regex_search(original, rule.regex)) {
            continue;
        }

        std::string rewritten = std::regex_replace(original, rule.regex, rule.replacement);
        if (!is_valid_repository_path(rewritten)) {
            throw Error("the rewritePull rule \"" + rule.pattern + "\" of " + impl_->registry + " turns " + original +
                        " into \"" + rewritten + "\", which is not a valid repository path");
        }
        return rewritten;
    }
    return original;
}

std::vector<std::string> RegistryClient::endpoints() const {
    return impl_->endpoints;
}

ManifestResponse RegistryClient::get_manifest(const Reference &reference, std::string_view selector) {
    std::lock_guard lock(impl_->mutex);

    const std::string manifest = describe_manifest(reference, selector);
    const std::string wire = wire_repository(reference.repository());
    const std::string path = "/v2/" + wire + "/manifests/" + std::string(selector);
    const std::string scope = "repository:" + wire + ":pull";

    http::Response response;
    try {
        response = impl_->request_with_endpoints(path, scope, reference.repository());
    } catch (const http::TransportError &error) {
        throw Error(manifest + ": " + error.what());
    }

    if (response.status == 404) {
        throw NotFoundError("manifest " + std::string(selector) + " not found in " + reference.repository() + " at " +
                            reference.registry() +
                            (wire == reference.repository() ? "" : " (requested as " + wire + ")"));
    }
    if (response.status < 200 || response.status > 299) {
        const std::string details = describe_error_body(response.body);
        throw Error(manifest + ": HTTP " + std::to_string(response.status) + " from " +
                    http::redact_url(response.url) + (details.empty() ? "" : ": " + details));
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

}  // namespace acedt::oci
