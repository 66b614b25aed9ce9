// ManifestSource over a registry repository.
#include <acedt/oci/auth.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/registry_client.hpp>

#include "fetched_manifest.hpp"

#include <array>

namespace acedt::oci {

std::string ManifestSource::store_key() const {
    return {};
}

bool ManifestSource::is_thread_safe() const {
    return false;
}

namespace {

// Content types that do not identify the manifest kind. With one of these,
// the body's mediaType (or else the descriptor's) decides.
constexpr std::array<std::string_view, 4> kGenericContentTypes = {
    "application/json", "application/octet-stream", "binary/octet-stream", "text/plain"};

std::string_view specific_content_type(std::string_view content_type) {
    for (std::string_view generic : kGenericContentTypes) {
        if (content_type == generic) {
            return {};
        }
    }
    return content_type;
}

class RegistrySource : public ManifestSource {
public:
    RegistrySource(std::shared_ptr<RegistryClient> client, Reference reference, std::string display_name)
        : client_(std::move(client)), reference_(std::move(reference)), display_name_(std::move(display_name)) {}

    std::string display_name() const override { return display_name_; }

    FetchedManifest fetch_root() override {
        ManifestResponse response = client_->get_manifest(reference_, reference_.manifest_selector());

        Descriptor descriptor;
        descriptor.size = static_cast<std::int64_t>(response.body.size());
        if (const std::optional<Digest> &expected = reference_.digest()) {
            if (!expected->matches(response.body)) {
                throw Error(display_name_ + ": the registry returned a manifest with the digest " +
                            Digest::compute(expected->algorithm(), response.body).str() + " instead of " +
                            expected->str());
            }
            descriptor.digest = *expected;
        } else {
            descriptor.digest = Digest::sha256_of(response.body);
        }

        const std::string_view fallback = specific_content_type(response.content_type);
        return make_fetched_manifest(display_name_, std::move(descriptor), std::move(response.body), fallback);
    }

    FetchedManifest fetch(const Descriptor &descriptor) override {
        check_manifest_size_limit(display_name_, descriptor);

        ManifestResponse response = client_->get_manifest(reference_, descriptor.digest.str());
        check_against_descriptor(display_name_, descriptor, response.body);

        std::string_view fallback = specific_content_type(response.content_type);
        if (fallback.empty()) {
            fallback = descriptor.media_type;
        }
        return make_fetched_manifest(display_name_, descriptor, std::move(response.body), fallback);
    }

    std::vector<Descriptor> referrers(const Digest &subject, std::string_view artifact_type) override {
        return client_->list_referrers(reference_, subject, artifact_type);
    }

    // An invalid rewritePull result leaves the key empty; fetch then
    // reports the problem.
    std::string store_key() const override {
        try {
            return normalize_registry_host(reference_.registry()) + "/" +
                   client_->wire_repository(reference_.repository());
        } catch (const Error &) {
            return {};
        }
    }

    bool is_thread_safe() const override { return true; }

private:
    std::shared_ptr<RegistryClient> client_;
    Reference reference_;
    std::string display_name_;
};

}  // namespace

std::unique_ptr<ManifestSource> open_registry_source(std::shared_ptr<RegistryClient> client, Reference reference,
                                                     std::string display_name) {
    return std::make_unique<RegistrySource>(std::move(client), std::move(reference), std::move(display_name));
}

}  // namespace acedt::oci
