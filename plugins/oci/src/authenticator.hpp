// Responds to a registry's authentication challenges and caches the result.
// Bearer tokens are cached per endpoint and scope until they expire, and
// endpoints that required Basic credentials get them on every request.
#pragma once

#include <acedt/oci/auth.hpp>

#include "http_transport.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace acedt::oci {

// Not thread-safe, because RegistryClient serialises its requests.
class Authenticator {
public:
    // `insecure_for_url` returns whether TLS verification is off for a URL.
    // Token requests use it too.
    Authenticator(std::string registry, std::shared_ptr<CredentialStore> credentials,
                  std::function<bool(std::string_view url)> insecure_for_url);

    // The Authorization header value to send before any challenge, or ""
    // when nothing is known yet for this endpoint and scope.
    std::string cached_authorization(const std::string &endpoint, const std::string &scope);

    // Drops what cached_authorization would send, after the server rejected it.
    void forget(const std::string &endpoint, const std::string &scope);

    // Returns the Authorization header value that responds to `challenges`,
    // preferring Bearer over Basic. For Bearer it fetches a token from the
    // challenge's realm, sending Basic credentials when there are any for the
    // registry. Throws Error when it supports none of the challenges.
    std::string respond(http::Transport &transport, const std::vector<AuthChallenge> &challenges,
                       const std::string &endpoint, const std::string &scope);

    // Where credentials are read from, for messages: "in FILE".
    std::string credential_source() const;

    // Whether there are credentials for the registry (reads the file once).
    bool has_credentials();

private:
    struct CachedToken {
        std::string token;
        std::chrono::steady_clock::time_point expiry;
    };

    std::string fetch_token(http::Transport &transport, const AuthChallenge &challenge, const std::string &endpoint,
                            const std::string &scope);
    std::string token_url(const AuthChallenge &challenge, const std::string &scope) const;
    bool may_send_credentials(const std::string &realm, const std::string &endpoint) const;
    std::string basic_authorization();

    std::string registry_;
    std::shared_ptr<CredentialStore> credentials_;
    std::function<bool(std::string_view)> insecure_for_url_;
    std::map<std::string, CachedToken> tokens_;      // by endpoint + " " + scope
    std::map<std::string, std::string> basic_auth_;  // Authorization value by endpoint
};

}  // namespace acedt::oci
