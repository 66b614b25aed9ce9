// A small token service for a registry configured with `auth: token:`,
// started by the tests on 127.0.0.1. It implements the Docker token
// specification (GET with Basic credentials) and the OAuth2 refresh_token
// grant (POST), and signs RS256 JWTs with a key it generates, whose
// certificate it writes for the registry's rootcertbundle.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace acedt_test {

namespace detail {
class LoopbackServer;
struct ServerRequest;
struct ServerResponse;
}  // namespace detail

struct TokenIssuerOptions {
    std::string service = "ace-dt-test-registry";
    std::string issuer = "ace-dt-test-issuer";
    /// Basic credentials that earn pull access. Empty: no credentials do.
    std::string username;
    std::string password;
    /// The refresh token (a docker "identity token") that earns pull access
    /// through the refresh_token grant. Empty: the grant is refused.
    std::string refresh_token;
    /// Whether anonymous requests get pull access. Otherwise they get a
    /// token without access, which the registry then refuses.
    bool anonymous_pull = false;
    std::chrono::seconds expires_in{300};
};

/// One request the issuer received, for assertions.
struct TokenRequestRecord {
    std::string method;
    std::string target;
    std::string authorization;  // the Authorization header, or empty
    std::string grant_type;     // POST only
    std::vector<std::string> scopes;
};

class TokenIssuer {
public:
    /// Generates the signing key, writes its certificate to
    /// `directory`/token-signer.pem and starts serving.
    TokenIssuer(const std::filesystem::path &directory, TokenIssuerOptions options);
    ~TokenIssuer();
    TokenIssuer(const TokenIssuer &) = delete;
    TokenIssuer &operator=(const TokenIssuer &) = delete;

    /// "http://127.0.0.1:PORT/token", the realm for the registry's config.
    std::string realm() const;
    const TokenIssuerOptions &options() const { return options_; }
    /// The certificate bundle for the registry's rootcertbundle.
    const std::filesystem::path &certificate_bundle() const { return bundle_; }

    /// Makes the next `count` tokens already expired, so that the registry
    /// rejects them.
    void issue_expired_tokens(int count);

    std::vector<TokenRequestRecord> requests() const;

private:
    detail::ServerResponse handle(const detail::ServerRequest &request);
    std::string make_token(const std::string &subject, const std::vector<std::string> &scopes, bool expired);

    TokenIssuerOptions options_;
    std::string key_pem_;
    std::string certificate_der_;
    std::filesystem::path bundle_;
    mutable std::mutex mutex_;
    int expired_tokens_left_ = 0;
    int serial_ = 0;
    std::vector<TokenRequestRecord> requests_;
    std::unique_ptr<detail::LoopbackServer> server_;
};

}  // namespace acedt_test
