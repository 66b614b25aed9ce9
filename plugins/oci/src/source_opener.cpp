#include <acedt/oci/archive_source.hpp>
#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/layout_source.hpp>
#include <acedt/oci/reference.hpp>
#include <acedt/oci/registry_client.hpp>
#include <acedt/oci/source.hpp>

#include <filesystem>
#include <map>
#include <mutex>

namespace acedt::oci {
namespace {

// Rejects a reference without a registry host that also names a local
// path, such as "examples/sync-45:sync-45" for an OCI layout written
// without "oci:". Read as a reference it would go to Docker Hub, which is
// rarely what the user meant and fails slowly on a network without access.
void reject_local_path_read_as_docker_hub(std::string_view spec, const Reference &reference) {
    if (reference.registry() != "docker.io" || spec.starts_with("docker.io/") || spec.starts_with("index.docker.io/")) {
        return;
    }

    const std::string text(spec);
    const std::size_t cut = text.find_first_of(":@");
    for (const std::string &candidate : {text, text.substr(0, cut)}) {
        std::error_code ec;
        if (!candidate.empty() && std::filesystem::exists(candidate, ec)) {
            throw Error(text + " is read as the Docker Hub reference " + reference.str() + ", but " + candidate +
                        " is a local path: write oci:" + text + " to read an OCI layout, or docker.io/" + text +
                        " to use Docker Hub");
        }
    }
}

}  // namespace

struct SourceOpener::State {
    std::shared_ptr<const ClientConfig> config;
    ClientHooks hooks;
    std::shared_ptr<CredentialStore> credentials;
    std::mutex mutex;
    // One client per registry host[:port], lower-cased, so that sources of
    // the same registry share connections and tokens.
    std::map<std::string, std::shared_ptr<RegistryClient>> clients;
    // Archives (oci-archive:), each read once however many sources name it.
    std::unique_ptr<ArchiveOpener> archives;

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
    state_->credentials = std::make_shared<CredentialStore>(
        config.credential_files ? *config.credential_files : default_credential_files(config.registry_auth_file),
        hooks.log);
    state_->config = std::make_shared<const ClientConfig>(std::move(config));
    state_->hooks = std::move(hooks);
    state_->archives = std::make_unique<ArchiveOpener>(state_->hooks);
}

SourceOpener::~SourceOpener() = default;

std::unique_ptr<ManifestSource> SourceOpener::open(std::string_view spec) {
    if (spec.starts_with("oci-archive:")) {
        return state_->archives->open(spec);
    }
    if (spec.starts_with("oci:")) {
        return open_layout_source(spec);
    }

    Reference reference = Reference::parse(spec);
    reject_local_path_read_as_docker_hub(spec, reference);
    std::shared_ptr<RegistryClient> client = state_->client_for(reference.registry());
    return open_registry_source(std::move(client), std::move(reference), std::string(spec));
}

}  // namespace acedt::oci
