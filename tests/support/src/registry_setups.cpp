#include <acedt_test/registry_setups.hpp>

#include <acedt_test/process.hpp>

#include <fstream>
#include <stdexcept>

namespace acedt_test {

RegistrySetupServer::~RegistrySetupServer() = default;

std::unique_ptr<RegistrySetupServer> RegistrySetupServer::start(RegistrySetup setup,
                                                                const std::function<void(const std::string &)> &fill) {
    std::unique_ptr<RegistrySetupServer> server(new RegistrySetupServer());
    server->setup_ = setup;
    const std::filesystem::path storage = server->dir_.path() / "data";

    {
        RegistryOptions staging_options;
        staging_options.storage_dir = storage;
        const std::unique_ptr<RegistryServer> staging = RegistryServer::start(staging_options);
        fill(staging->host_port());
    }

    RegistryOptions options;
    options.storage_dir = storage;
    switch (setup) {
    case RegistrySetup::kPlainHttp:
        break;
    case RegistrySetup::kTls:
    case RegistrySetup::kMutualTls: {
        server->pki_ = TestPki::create(server->dir_.path());
        RegistryTls tls;
        tls.certificate = server->pki_->server_certificate;
        tls.key = server->pki_->server_key;
        if (setup == RegistrySetup::kMutualTls) {
            tls.client_ca = server->pki_->ca_certificate;
            tls.probe_certificate = server->pki_->client_certificate;
            tls.probe_key = server->pki_->client_key;
        }
        options.tls = tls;
        break;
    }
    case RegistrySetup::kBasicAuth: {
        const ProcessResult hashed = run_process({"htpasswd", "-Bbn", kRegistryUser, kRegistryPassword});
        if (hashed.exit_code != 0) {
            throw std::runtime_error("htpasswd failed (package apache2-utils): " + hashed.err);
        }
        const std::filesystem::path htpasswd = server->dir_.path() / "htpasswd";
        std::ofstream(htpasswd, std::ios::binary | std::ios::trunc) << hashed.out;
        options.htpasswd_file = htpasswd.string();
        break;
    }
    case RegistrySetup::kTokenAuth: {
        TokenIssuerOptions issuer_options;
        issuer_options.username = kRegistryUser;
        issuer_options.password = kRegistryPassword;
        issuer_options.refresh_token = kRefreshToken;
        server->issuer_ = std::make_unique<TokenIssuer>(server->dir_.path(), issuer_options);
        options.token = RegistryTokenAuth{server->issuer_->realm(), issuer_options.service, issuer_options.issuer,
                                          server->issuer_->certificate_bundle()};
        break;
    }
    }

    server->registry_ = RegistryServer::start(options);
    return server;
}

}  // namespace acedt_test
