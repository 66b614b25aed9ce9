// Referrers of a manifest in a registry: the referrers API with its Link
// pages and artifactType filter, and the referrers tag schema for
// registries without that API.
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/referrers.hpp>

#include "registry_client_impl.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace acedt::oci {

namespace {

constexpr int kLogInfo = 8;

constexpr std::size_t kMaxAlgorithmLength = 32;
constexpr std::size_t kMaxEncodedLength = 64;
// A registry that pages forever is broken; real lists fit in a few pages.
constexpr std::size_t kMaxPages = 1000;

constexpr std::string_view kArtifactTypeFilter = "artifactType";

bool is_tag_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

std::string tag_part(std::string_view text, std::size_t max_length) {
    std::string part(text.substr(0, max_length));
    std::replace_if(part.begin(), part.end(), [](char c) { return !is_tag_char(c); }, '-');
    return part;
}

std::string trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

// Finds the target of rel="next" in Link header values (RFC 8288), such as
// `</v2/app/referrers/sha256:...?n=10&last=x>; rel="next"`. A value may
// hold several links separated by commas.
std::string next_link(const std::vector<std::string> &values) {
    for (const std::string &value : values) {
        std::size_t position = 0;
        while (true) {
            const std::size_t open = value.find('<', position);
            if (open == std::string::npos) {
                break;
            }
            const std::size_t close = value.find('>', open);
            if (close == std::string::npos) {
                break;
            }
            const std::string target = value.substr(open + 1, close - open - 1);
            const std::size_t end = std::min(value.find('<', close), value.size());
            std::string parameters = value.substr(close + 1, end - close - 1);
            std::transform(parameters.begin(), parameters.end(), parameters.begin(),
                           [](unsigned char c) { return std::tolower(c); });

            const std::size_t rel = parameters.find("rel=");
            if (rel != std::string::npos) {
                std::string relations = parameters.substr(rel + 4);
                relations = relations.substr(0, relations.find(';'));
                std::erase(relations, '"');
                std::replace(relations.begin(), relations.end(), ',', ' ');
                for (std::size_t start = 0; start < relations.size();) {
                    const std::size_t stop = std::min(relations.find(' ', start), relations.size());
                    if (relations.substr(start, stop - start) == "next") {
                        return trim(target);
                    }
                    start = stop + 1;
                }
            }
            position = close + 1;
        }
    }
    return {};
}

bool filter_applied(const http::Response &response) {
    for (const std::string &value : response.header_values("oci-filters-applied")) {
        std::size_t start = 0;
        while (start <= value.size()) {
            const std::size_t comma = std::min(value.find(',', start), value.size());
            if (trim(std::string_view(value).substr(start, comma - start)) == kArtifactTypeFilter) {
                return true;
            }
            start = comma + 1;
        }
    }
    return false;
}

}  // namespace

std::string referrers_tag(const Digest &subject) {
    return tag_part(subject.algorithm(), kMaxAlgorithmLength) + "-" + tag_part(subject.encoded(), kMaxEncodedLength);
}

std::vector<Descriptor> filter_by_artifact_type(std::vector<Descriptor> descriptors, std::string_view artifact_type) {
    if (!artifact_type.empty()) {
        std::erase_if(descriptors, [&](const Descriptor &descriptor) { return descriptor.artifact_type != artifact_type; });
    }
    return descriptors;
}

std::vector<Descriptor> referrers_from_index(const Digest &subject, std::string_view body,
                                             std::string_view fallback_media_type, std::string_view artifact_type) {
    if (subject.matches(body)) {
        return {};
    }
    const Manifest manifest = parse_manifest(body, fallback_media_type);
    if (!manifest.is_index()) {
        return {};
    }
    return filter_by_artifact_type(manifest.manifests, artifact_type);
}

ReferrersMode RegistryClient::Impl::referrers_mode() const {
    const EndpointSettings *settings = endpoint_settings(endpoints[preferred]);
    return settings != nullptr ? settings->supports_referrers : ReferrersMode::kAuto;
}

std::vector<Descriptor> RegistryClient::list_referrers(const Reference &reference, const Digest &subject,
                                                       std::string_view artifact_type) {
    std::lock_guard lock(impl_->mutex);
    Impl &impl = *impl_;

    const std::string wire = impl.wire_repository(reference.repository());
    const std::string where = reference.registry() + "/" + reference.repository();
    const ReferrersMode mode = impl.referrers_mode();
    const bool api_known_missing = impl.endpoints_without_referrers_api.count(impl.endpoints[impl.preferred]) != 0;

    const auto from_tag = [&]() -> std::vector<Descriptor> {
        const std::string tag = referrers_tag(subject);
        ManifestResponse response;
        try {
            response = impl.fetch_manifest(reference, tag);
        } catch (const NotFoundError &) {
            return {};
        }
        try {
            std::vector<Descriptor> found = referrers_from_index(subject, response.body, response.content_type, artifact_type);
            if (found.empty() && subject.matches(response.body)) {
                impl.transport.hooks().log(kLogInfo, "the referrers tag " + tag + " of " + where +
                                                         " names the subject itself; it has no referrers");
            }
            return found;
        } catch (const Error &error) {
            impl.transport.hooks().log(kLogInfo, "the referrers tag " + tag + " of " + where +
                                                     " is not an index of referrers (" + error.what() +
                                                     "); it has no referrers");
            return {};
        }
    };
    if (mode == ReferrersMode::kTag || (mode == ReferrersMode::kAuto && api_known_missing)) {
        return from_tag();
    }

    ApiRequest request;
    request.path = "/v2/" + wire + "/referrers/" + subject.str();
    if (!artifact_type.empty()) {
        request.path += "?artifactType=" + http::escape_query_value(artifact_type);
    }
    request.accept = std::string(media_type::kOciIndex);
    request.scope = "repository:" + wire + ":pull";
    request.repository = reference.repository();

    std::string endpoint;
    http::Response response;
    try {
        response = impl.request_with_endpoints(request, endpoint);
    } catch (const http::TransportError &error) {
        throw Error("referrers of " + where + "@" + subject.str() + ": " + error.what());
    }

    if (response.status == 404) {
        if (mode == ReferrersMode::kApi) {
            throw Error("referrers of " + where + "@" + subject.str() + ": " + http::redact_url(endpoint) +
                        " has no referrers API (HTTP 404 from " + http::redact_url(response.url) +
                        "), but registryConfig.endpointConfig sets supportsReferrers to api for it; set it to tag or "
                        "auto");
        }
        impl.endpoints_without_referrers_api.insert(endpoint);
        impl.transport.hooks().log(kLogInfo, http::redact_url(endpoint) +
                                                 " has no referrers API (HTTP 404); using referrers tags from now on");
        return from_tag();
    }

    std::vector<Descriptor> referrers;
    std::set<std::string> visited{response.url};
    for (std::size_t page = 1;; ++page) {
        if (response.status < 200 || response.status > 299) {
            throw Error("referrers of " + where + "@" + subject.str() + ": " + describe_failure(response));
        }

        std::vector<Descriptor> listed;
        try {
            listed = referrers_from_index(subject, response.body,
                                          media_type::strip_parameters(response.header("content-type")), {});
        } catch (const Error &error) {
            throw Error("referrers of " + where + "@" + subject.str() + ": invalid response from " +
                        http::redact_url(response.url) + ": " + error.what());
        }
        if (listed.empty() && !response.body.empty() && subject.matches(response.body)) {
            impl.transport.hooks().log(kLogInfo, "the referrers API at " + http::redact_url(response.url) +
                                                     " returned the subject itself; treating it as no referrers");
        }
        if (!artifact_type.empty() && !filter_applied(response)) {
            listed = filter_by_artifact_type(std::move(listed), artifact_type);
        }
        referrers.insert(referrers.end(), listed.begin(), listed.end());

        const std::string next = next_link(response.header_values("link"));
        if (next.empty()) {
            break;
        }
        const std::string next_url = http::resolve_url(response.url, next);
        if (http::url_origin(next_url) != http::url_origin(endpoint)) {
            throw Error("referrers of " + where + "@" + subject.str() + ": the registry's next page is on " +
                        http::url_origin(next_url) + ", another origin than " + http::redact_url(endpoint) +
                        "; it is not requested, so that credentials stay with the registry");
        }
        if (page >= kMaxPages || !visited.insert(next_url).second) {
            throw Error("referrers of " + where + "@" + subject.str() + ": the registry's Link pages " +
                        (page >= kMaxPages ? "go on past " + std::to_string(kMaxPages) + " pages"
                                           : "lead back to " + http::redact_url(next_url)));
        }
        try {
            response = impl.request_authenticated(endpoint, next_url, request);
        } catch (const http::TransportError &error) {
            throw Error("referrers of " + where + "@" + subject.str() + ": " + error.what());
        }
    }
    return referrers;
}

}  // namespace acedt::oci
