// Responds to a registry's authentication challenges and caches the result.
// Bearer tokens are cached per endpoint and scope until shortly before they
// expire, and endpoints that required Basic credentials get them on every
// request.
#pragma once

#include <acedt/oci/auth.hpp>

#include "http_transport.hpp"

#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace acedt::oci {

// Thread-safe. Concurrent requests that need the same token wait for one
// token request instead of sending one each.
class Authenticator {
public:
    Authenticator(std::string registry, std::shared_ptr<CredentialStore> credentials, RetryPolicy retry);

    // The Authorization header value to send before any challenge, or ""
    // when nothing is known yet for this endpoint and scope.
    std::string cached_authorization(const std::string &endpoint, const std::string &scope);

    // Drops what cached_authorization would send, after the server rejected
    // `rejected`. A value cached since then, by another thread's token
    // request, is kept.
    void forget(const std::string &endpoint, const std::string &scope, const std::string &rejected);

    // Returns the Authorization header value that responds to `challenges`,
    // preferring Bearer over Basic and skipping other schemes. For Bearer it
    // returns a cached token other than `rejected`, the value the challenged
    // request carried ("" for none). Without one it waits for a token
    // request already in flight for this endpoint and scope, or else gets a
    // token from the challenge's realm. That request is an OAuth2
    // refresh_token grant (POST) with an identity token, otherwise a GET
    // that carries Basic credentials when there are any. Throws Error when
    // it supports none of the challenges or the token service refuses.
    std::string respond(http::Transport &transport, const std::vector<AuthChallenge> &challenges,
                        const std::string &endpoint, const std::string &scope, const std::string &rejected);

    // The registry's credentials, looked up once.
    const CredentialLookup &credentials();

    // Where credentials were looked for or found, for messages.
    std::string credential_source();

private:
    struct CachedToken {
        std::string token;
        std::chrono::steady_clock::time_point expiry;
    };

    std::string bearer_authorization(http::Transport &transport, const AuthChallenge &challenge,
                                     const std::string &endpoint, const std::string &scope,
                                     const std::string &rejected);
    std::string fetch_token(http::Transport &transport, const AuthChallenge &challenge, const std::string &endpoint,
                            const std::string &scope);
    http::Request token_request(const AuthChallenge &challenge, const std::string &endpoint,
                                const std::string &scope, http::Transport &transport);
    std::string basic_authorization();

    std::string registry_;
    std::shared_ptr<CredentialStore> store_;
    RetryPolicy retry_;
    std::mutex lookup_mutex_;
    std::optional<CredentialLookup> lookup_;

    std::mutex mutex_;  // guards the maps below
    std::map<std::string, CachedToken> tokens_;      // by endpoint + " " + scope
    std::map<std::string, std::string> basic_auth_;  // Authorization value by endpoint
    // Token requests in flight, by endpoint + " " + scope; each resolves to
    // the Authorization value.
    std::map<std::string, std::shared_future<std::string>> pending_tokens_;
};

}  // namespace acedt::oci
