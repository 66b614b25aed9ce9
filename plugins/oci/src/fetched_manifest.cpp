#include "fetched_manifest.hpp"

#include <acedt/oci/error.hpp>

namespace acedt::oci {

// The default for sources that cannot hold referrers.
std::vector<Descriptor> ManifestSource::referrers(const Digest &, std::string_view) {
    return {};
}

void check_manifest_size_limit(std::string_view source_name, const Descriptor &descriptor) {
    if (descriptor.size > kMaxManifestBytes) {
        throw Error(std::string(source_name) + ": manifest " + descriptor.digest.str() + " has " +
                    std::to_string(descriptor.size) + " bytes, more than the limit of " +
                    std::to_string(kMaxManifestBytes) + " bytes for manifests");
    }
}

void check_against_descriptor(std::string_view source_name, const Descriptor &expected, std::string_view body) {
    const auto actual_size = static_cast<std::int64_t>(body.size());
    if (actual_size == expected.size && expected.digest.matches(body)) {
        return;
    }

    const Digest actual = Digest::compute(expected.digest.algorithm(), body);
    throw Error(std::string(source_name) + ": manifest " + expected.digest.str() +
                " does not match its descriptor: expected " + expected.digest.str() + " (" +
                std::to_string(expected.size) + " bytes), got " + actual.str() + " (" + std::to_string(actual_size) +
                " bytes)");
}

FetchedManifest make_fetched_manifest(std::string_view source_name, Descriptor descriptor, std::string body,
                                      std::string_view fallback_media_type) {
    FetchedManifest fetched;
    try {
        fetched.manifest = parse_manifest(body, fallback_media_type);
    } catch (const Error &error) {
        throw Error(std::string(source_name) + ": manifest " + descriptor.digest.str() + ": " + error.what());
    }

    descriptor.media_type = fetched.manifest.media_type;
    descriptor.size = static_cast<std::int64_t>(body.size());
    fetched.descriptor = std::move(descriptor);
    fetched.body = std::move(body);
    return fetched;
}

}  // namespace acedt::oci
