// Manifest access to one registry over the distribution API (GET
// /v2/<repository>/manifests/<tag or digest>), and the ManifestSource built
// on it.
#pragma once

#include <acedt/oci/auth.hpp>
#include <acedt/oci/client_config.hpp>
#include <acedt/oci/descriptor.hpp>
#include <acedt/oci/reference.hpp>
#include <acedt/oci/source.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::oci {

struct ManifestResponse {
    std::string body;
    std::string content_type;  // without parameters, empty when absent
    std::string url;           // the URL requested, for messages
};

// A client for one registry host[:port]. It owns a pool of HTTP connection
// handles, the cache of tokens, and the endpoint that last worked, so
// sources of the same registry should share one client. Thread-safe:
// manifest requests from several threads run concurrently, at most
// ClientConfig::concurrent_http at once, and referrer lookups run one at a
// time.
class RegistryClient {
public:
    // `registry` is a Reference's registry() ("docker.io",
    // "127.0.0.1:5000"). Throws Error when the configured endpoints for it are
    // not http:// or https:// URLs.
    RegistryClient(std::string registry, std::shared_ptr<const ClientConfig> config, ClientHooks hooks,
                   std::shared_ptr<CredentialStore> credentials);
    ~RegistryClient();
    RegistryClient(const RegistryClient &) = delete;
    RegistryClient &operator=(const RegistryClient &) = delete;

    // Fetches the manifest `selector` (a tag or a digest string) of the
    // reference's repository. Responds to authentication challenges, tries
    // the endpoints in order while connections fail, retries HTTP 429, 502,
    // 503 and 504 within the retry policy, checks a Docker-Content-Digest
    // header against the body and limits the body to kMaxManifestBytes.
    // Throws NotFoundError for HTTP 404, InterruptedError on Ctrl-C and Error
    // for anything else, including an HTML page where a manifest belongs.
    // Messages name the repository as the user wrote it, before rewritePull.
    ManifestResponse get_manifest(const Reference &reference, std::string_view selector);

    // Lists the referrers of `subject` in the reference's repository,
    // keeping those of `artifact_type` unless it is empty. How depends on
    // the supportsReferrers setting of the endpoint in use: the referrers
    // API (GET /v2/<repository>/referrers/<digest>, following Link pages and
    // asking the registry to filter by artifactType), the sha256-<hex> tag,
    // or, in auto mode, the API and then the tag once the API returned 404.
    // A response that is the subject itself or not an index means none.
    // Throws Error as get_manifest does.
    std::vector<Descriptor> list_referrers(const Reference &reference, const Digest &subject,
                                           std::string_view artifact_type);

    // The repository path sent to the registry after the rewritePull rules.
    std::string wire_repository(std::string_view repository) const;

    // Base URLs tried in order, without a trailing slash.
    std::vector<std::string> endpoints() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A ManifestSource reading `reference` through `client`. `display_name` is
// the spec as the user wrote it.
std::unique_ptr<ManifestSource> open_registry_source(std::shared_ptr<RegistryClient> client, Reference reference,
                                                     std::string display_name);

}  // namespace acedt::oci
