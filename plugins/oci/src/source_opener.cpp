#include <acedt/oci/auth.hpp>
#include <acedt/oci/layout_source.hpp>
#include <acedt/oci/reference.hpp>
#include <acedt/oci/registry_client.hpp>
#include <acedt/oci/source.hpp>

#include <map>
#include <mutex>

namespace acedt::oci {

struct SourceOpener::State {
    std::shared_ptr<const ClientConfig> config;
    ClientHooks hooks;
    std::shared_ptr<CredentialStore> credentials;
    std::mutex mutex;
    // One client per registry host[:port], lower-cased, so that sources of
    // the same registry share connections and tokens.
    std::map<std::string, std::shared_ptr<RegistryClient>> clients;

    std::shared_ptr<RegistryClient> client_for(const std::string &registry) {
        std::lock_guard lock(mutex);
        const std::string key = normalize_registry_host(registry);
        std::shared_ptr<RegistryClient> &client = clients[key];
        if (!client) {
            client = std::make_shared<RegistryClient>(registry, config, hooks, credentials);
        }
        return client;
    }
};

SourceOpener::SourceOpener(ClientConfig config, ClientHooks hooks) : state_(std::make_unique<State>()) {
    state_->credentials = std::make_shared<CredentialStore>(config.registry_auth_file);
    state_->config = std::make_shared<const ClientConfig>(std::move(config));
    state_->hooks = std::move(hooks);
}

SourceOpener::~SourceOpener() = default;

std::unique_ptr<ManifestSource> SourceOpener::open(std::string_view spec) {
    if (spec.starts_with("oci:")) {
        return open_layout_source(spec);
    }

    Reference reference = Reference::parse(spec);
    std::shared_ptr<RegistryClient> client = state_->client_for(reference.registry());
    return open_registry_source(std::move(client), std::move(reference), std::string(spec));
}

}  // namespace acedt::oci
