#include "authenticator.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/reference.hpp>

#include "json_fields.hpp"
#include "retry.hpp"

#include <algorithm>
#include <sstream>

namespace acedt::oci {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kLogDebug = 12;
constexpr int kLogWarn = 4;

// Token lifetime when the token service sends no expires_in, as the Docker
// token specification defines.
constexpr std::int64_t kDefaultTokenSeconds = 60;
// A token this close to its expiry is renewed rather than reused, so that it
// cannot expire between the check and the request. A token that lives no
// longer than this is used for one request only.
constexpr auto kExpiryMargin = std::chrono::seconds(5);
constexpr std::int64_t kMaxTokenResponseBytes = 1024 * 1024;
// client_id of OAuth2 token requests; token services only record it.
constexpr std::string_view kClientId = "ace-dt";

const AuthChallenge *find_challenge(const std::vector<AuthChallenge> &challenges, std::string_view scheme) {
    const auto found = std::find_if(challenges.begin(), challenges.end(),
                                    [&](const AuthChallenge &challenge) { return challenge.scheme == scheme; });
    return found == challenges.end() ? nullptr : &*found;
}

std::string parameter(const AuthChallenge &challenge, const std::string &name) {
    const auto found = challenge.parameters.find(name);
    return found == challenge.parameters.end() ? std::string() : found->second;
}

std::vector<std::string> split_spaces(const std::string &text) {
    std::vector<std::string> words;
    std::istringstream stream(text);
    for (std::string word; stream >> word;) {
        words.push_back(word);
    }
    return words;
}

std::string cache_key(const std::string &endpoint, const std::string &scope) {
    return endpoint + " " + scope;
}

struct TokenResponse {
    std::string token;
    std::int64_t expires_in = kDefaultTokenSeconds;
};

// Reads {"token": ..., "access_token": ..., "expires_in": ...}. When both
// token fields are present, "token" wins. Messages never show a value.
TokenResponse parse_token_response(std::string_view body) {
    const json::value document = json_fields::parse(body);
    const json::object &object = json_fields::to_object(document, "");

    TokenResponse response;
    for (std::string_view key : {"token", "access_token"}) {
        const json::value *value = json_fields::find(object, key);
        if (value != nullptr && value->is_string() && !value->get_string().empty()) {
            response.token = std::string(value->get_string().data(), value->get_string().size());
            break;
        }
    }
    if (response.token.empty()) {
        throw Error("the response has neither a token nor an access_token field");
    }

    if (const json::value *expires_in = json_fields::find(object, "expires_in")) {
        const std::int64_t seconds = json_fields::to_int64(*expires_in, "expires_in");
        if (seconds > 0) {
            response.expires_in = seconds;
        }
    }
    return response;
}

// The scopes to request: those the challenge names (space separated), or
// else the one derived from the request.
std::vector<std::string> requested_scopes(const AuthChallenge &challenge, const std::string &scope) {
    const std::string challenge_scope = parameter(challenge, "scope");
    return split_spaces(challenge_scope.empty() ? scope : challenge_scope);
}

// Credentials go to the token service over HTTPS, to the endpoint's own
// origin (an http:// endpoint the user configured), or to a loopback host;
// never in clear text to a third host named by the server.
bool may_send_credentials(const std::string &realm, const std::string &endpoint) {
    if (realm.starts_with("https://")) {
        return true;
    }
    if (http::url_origin(realm) == http::url_origin(endpoint)) {
        return true;
    }
    return is_loopback_host(http::url_host(realm));
}

}  // namespace

Authenticator::Authenticator(std::string registry, std::shared_ptr<CredentialStore> credentials, RetryPolicy retry)
    : registry_(std::move(registry)), store_(std::move(credentials)), retry_(retry) {}

std::string Authenticator::cached_authorization(const std::string &endpoint, const std::string &scope) {
    std::lock_guard lock(mutex_);
    const auto token = tokens_.find(cache_key(endpoint, scope));
    if (token != tokens_.end() && Clock::now() + kExpiryMargin < token->second.expiry) {
        return "Bearer " + token->second.token;
    }

    const auto basic = basic_auth_.find(endpoint);
    return basic == basic_auth_.end() ? std::string() : basic->second;
}

void Authenticator::forget(const std::string &endpoint, const std::string &scope, const std::string &rejected) {
    std::lock_guard lock(mutex_);
    const auto token = tokens_.find(cache_key(endpoint, scope));
    if (token != tokens_.end() && "Bearer " + token->second.token == rejected) {
        tokens_.erase(token);
    }
    const auto basic = basic_auth_.find(endpoint);
    if (basic != basic_auth_.end() && basic->second == rejected) {
        basic_auth_.erase(basic);
    }
}

const CredentialLookup &Authenticator::credentials() {
    std::lock_guard lock(lookup_mutex_);
    if (!lookup_) {
        lookup_ = store_->find(registry_);
    }
    return *lookup_;
}

std::string Authenticator::credential_source() {
    const CredentialLookup &lookup = credentials();
    if (lookup.credentials) {
        return "from " + lookup.origin;
    }
    return "in " + store_->describe_files();
}

std::string Authenticator::respond(http::Transport &transport, const std::vector<AuthChallenge> &challenges,
                                   const std::string &endpoint, const std::string &scope, const std::string &rejected) {
    if (const AuthChallenge *bearer = find_challenge(challenges, "bearer")) {
        return bearer_authorization(transport, *bearer, endpoint, scope, rejected);
    }

    if (find_challenge(challenges, "basic") != nullptr) {
        const CredentialLookup &lookup = credentials();
        if (!lookup.credentials) {
            throw Error(registry_ + " requires credentials, and none were found for it " + credential_source() +
                        "; add an entry for " + registry_ + " to the auths section of one of them (docker login "
                        "writes one) or name a credential helper in credHelpers");
        }
        if (lookup.credentials->password.empty() && lookup.credentials->has_identity_token()) {
            throw Error(registry_ + " asks for Basic authentication, but the credentials " + credential_source() +
                        " are an identity token, which only token (Bearer) authentication can use");
        }
        const std::string authorization = basic_authorization();
        std::lock_guard lock(mutex_);
        basic_auth_[endpoint] = authorization;
        return authorization;
    }

    if (challenges.empty()) {
        throw Error(registry_ + " returned HTTP 401 without a WWW-Authenticate challenge, so there is no way to "
                                "authenticate");
    }
    std::string schemes;
    for (const AuthChallenge &challenge : challenges) {
        schemes += (schemes.empty() ? "" : ", ") + challenge.scheme;
    }
    throw Error(registry_ + " requires authentication with " + schemes +
                ", which is not supported; supported schemes are Bearer and Basic");
}

std::string Authenticator::basic_authorization() {
    const Credentials &credentials = *this->credentials().credentials;
    return "Basic " + encode_base64(credentials.username + ":" + credentials.password);
}

// Single flight: the first request for a key fetches the token, and
// requests that arrive meanwhile wait for its result, error included.
std::string Authenticator::bearer_authorization(http::Transport &transport, const AuthChallenge &challenge,
                                                const std::string &endpoint, const std::string &scope,
                                                const std::string &rejected) {
    const std::string key = cache_key(endpoint, scope);
    std::promise<std::string> promise;
    {
        std::unique_lock lock(mutex_);
        const auto token = tokens_.find(key);
        if (token != tokens_.end() && Clock::now() + kExpiryMargin < token->second.expiry &&
            "Bearer " + token->second.token != rejected) {
            return "Bearer " + token->second.token;
        }

        const auto pending = pending_tokens_.find(key);
        if (pending != pending_tokens_.end()) {
            const std::shared_future<std::string> result = pending->second;
            lock.unlock();
            return result.get();
        }
        pending_tokens_.emplace(key, promise.get_future().share());
    }

    try {
        const std::string authorization = "Bearer " + fetch_token(transport, challenge, endpoint, scope);
        promise.set_value(authorization);
    } catch (...) {
        promise.set_exception(std::current_exception());
    }

    std::shared_future<std::string> result;
    {
        std::lock_guard lock(mutex_);
        result = pending_tokens_.at(key);
        pending_tokens_.erase(key);
    }
    return result.get();
}

http::Request Authenticator::token_request(const AuthChallenge &challenge, const std::string &endpoint,
                                           const std::string &scope, http::Transport &transport) {
    const std::string realm = parameter(challenge, "realm");
    const std::string service = parameter(challenge, "service");
    const std::vector<std::string> scopes = requested_scopes(challenge, scope);

    http::Request request;
    request.url = realm;
    request.headers.push_back("Accept: application/json");
    request.max_body_bytes = kMaxTokenResponseBytes;

    const CredentialLookup &lookup = credentials();
    const bool allowed = may_send_credentials(realm, endpoint);
    if (lookup.credentials && !allowed) {
        transport.hooks().log(kLogWarn, "not sending credentials for " + registry_ + " to the token service " +
                                            http::url_origin(realm) + " over plain HTTP; requesting an anonymous token");
    }

    // An identity token is a refresh token: it is exchanged with the OAuth2
    // refresh_token grant, and the scopes go space separated in one field.
    if (lookup.credentials && allowed && lookup.credentials->has_identity_token()) {
        std::string joined;
        for (const std::string &each : scopes) {
            joined += (joined.empty() ? "" : " ") + each;
        }
        request.method = "POST";
        request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        request.body = "grant_type=refresh_token&client_id=" + http::escape_query_value(kClientId) +
                       "&service=" + http::escape_query_value(service) + "&scope=" + http::escape_query_value(joined) +
                       "&refresh_token=" + http::escape_query_value(lookup.credentials->identity_token);
        return request;
    }

    // Otherwise a GET names each scope in its own parameter, as the Docker
    // token specification defines.
    char separator = realm.find('?') == std::string::npos ? '?' : '&';
    if (!service.empty()) {
        request.url += separator + std::string("service=") + http::escape_query_value(service);
        separator = '&';
    }
    for (const std::string &each : scopes) {
        request.url += separator + std::string("scope=") + http::escape_query_value(each);
        separator = '&';
    }
    if (lookup.credentials && allowed && !lookup.credentials->username.empty()) {
        request.headers.push_back("Authorization: " + basic_authorization());
    }
    return request;
}

std::string Authenticator::fetch_token(http::Transport &transport, const AuthChallenge &challenge,
                                       const std::string &endpoint, const std::string &scope) {
    const std::string realm = parameter(challenge, "realm");
    if (!realm.starts_with("https://") && !realm.starts_with("http://")) {
        throw Error(registry_ + " sent a Bearer challenge with the realm \"" + http::redact_url(realm) +
                    "\", which is not an http:// or https:// URL; cannot request a token");
    }

    const http::Request request = token_request(challenge, endpoint, scope, transport);
    const http::Response response = http::send_with_retries(transport, request, retry_);
    const std::string service_origin = http::url_origin(realm);
    const bool had_credentials = credentials().credentials.has_value();

    if (response.status == 401 || response.status == 403) {
        throw Error("authentication to " + registry_ + " failed: the token service " + service_origin +
                    " returned HTTP " + std::to_string(response.status) + "; " +
                    (had_credentials ? "check the credentials for " + registry_ + " " + credential_source()
                                     : "no credentials for " + registry_ + " were found " + credential_source()));
    }
    if (response.status < 200 || response.status > 299) {
        throw Error("token request to " + service_origin + " for " + registry_ + " failed with HTTP " +
                    std::to_string(response.status) +
                    (response.retries_exhausted.empty() ? "" : " (" + response.retries_exhausted + ")"));
    }

    TokenResponse token;
    try {
        token = parse_token_response(response.body);
    } catch (const Error &error) {
        throw Error("invalid token response from " + service_origin + " for " + registry_ + ": " + error.what());
    }

    {
        std::lock_guard lock(mutex_);
        tokens_[cache_key(endpoint, scope)] =
            CachedToken{token.token, Clock::now() + std::chrono::seconds(token.expires_in)};
    }
    transport.hooks().log(kLogDebug, "got a token for " + scope + " at " + endpoint + ", valid for " +
                                         std::to_string(token.expires_in) + " s");
    return token.token;
}

}  // namespace acedt::oci
