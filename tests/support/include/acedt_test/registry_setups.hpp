// The docker-registry set-ups that tests run against: plain HTTP, TLS with
// a CA made by the test (optionally requiring client certificates), Basic
// authentication from an htpasswd file, and token authentication through a
// TokenIssuer. Content is pushed over plain HTTP to a registry that shares
// the storage directory, before the secured registry starts.
#pragma once

#include <acedt_test/pki.hpp>
#include <acedt_test/registry_server.hpp>
#include <acedt_test/temp_dir.hpp>
#include <acedt_test/token_issuer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace acedt_test {

enum class RegistrySetup {
    kPlainHttp,
    kTls,        // HTTPS with a certificate from the test CA
    kMutualTls,  // kTls, and the registry requires a client certificate from the test CA
    kBasicAuth,  // htpasswd with kRegistryUser and kRegistryPassword
    kTokenAuth,  // a TokenIssuer that accepts kRegistryUser, kRegistryPassword and kRefreshToken
};

inline constexpr const char *kRegistryUser = "tester";
// Contains a colon, which only the first colon of "user:password" splits.
inline constexpr const char *kRegistryPassword = "s3cret:with-colon";
inline constexpr const char *kRefreshToken = "refresh-token-of-tester";

/// A registry in one set-up, with the files a client needs to reach it.
class RegistrySetupServer {
public:
    /// Starts a plain registry on a fresh storage directory, calls
    /// `fill(host_port)` to push content to it, stops it, and then starts
    /// the registry of `setup` on the same storage. Throws
    /// std::runtime_error when a registry or htpasswd fails.
    static std::unique_ptr<RegistrySetupServer> start(RegistrySetup setup,
                                                      const std::function<void(const std::string &)> &fill);

    ~RegistrySetupServer();

    std::string host_port() const { return registry_->host_port(); }
    std::string url() const { return registry_->url(); }
    RegistrySetup setup() const { return setup_; }
    /// The test PKI (kTls and kMutualTls only).
    const std::optional<TestPki> &pki() const { return pki_; }
    /// The token service (kTokenAuth only).
    TokenIssuer *issuer() const { return issuer_.get(); }

private:
    RegistrySetupServer() = default;

    RegistrySetup setup_ = RegistrySetup::kPlainHttp;
    TempDir dir_{"ace-dt-setup-"};
    std::optional<TestPki> pki_;
    std::unique_ptr<TokenIssuer> issuer_;
    std::unique_ptr<RegistryServer> registry_;
};

}  // namespace acedt_test
