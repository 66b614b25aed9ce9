#include "layout_common.hpp"

#include "json_fields.hpp"

#include <acedt/oci/error.hpp>

namespace acedt::oci::layout_common {
namespace {

// Candidates listed in the message about an ambiguous index.json.
constexpr std::size_t kMaxListedCandidates = 20;

}  // namespace

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

LayoutSpec split_spec(std::string_view spec, std::string_view prefix, std::string_view kind,
                      std::string_view forms, std::string_view empty_path_hint) {
    const std::string invalid = "invalid " + std::string(kind) + " " + in_quotes(spec);
    if (!spec.starts_with(prefix)) {
        throw Error(invalid + ": expected " + std::string(forms));
    }

    LayoutSpec result;
    std::string_view rest = spec.substr(prefix.size());

    const std::size_t at = rest.rfind('@');
    if (at != std::string_view::npos) {
        try {
            result.digest = Digest::parse(rest.substr(at + 1));
            rest = rest.substr(0, at);
        } catch (const Error &) {
            // Not a digest, so the '@' belongs to the path.
        }
    }

    const std::size_t colon = rest.rfind(':');
    if (!result.digest && colon != std::string_view::npos && rest.find('/', colon) == std::string_view::npos) {
        result.tag = std::string(rest.substr(colon + 1));
        rest = rest.substr(0, colon);
        if (result.tag.empty()) {
            throw Error(invalid + ": the tag after the last ':' is empty");
        }
    }

    if (rest.empty()) {
        throw Error(invalid + ": the path is empty" + std::string(empty_path_hint));
    }
    result.path = std::string(rest);
    return result;
}

void check_layout_marker(std::string_view text) {
    const boost::json::value document = json_fields::parse(text);
    const boost::json::object &object = json_fields::to_object(document, "");
    const boost::json::value *version = object.if_contains("imageLayoutVersion");
    if (version == nullptr) {
        json_fields::fail("imageLayoutVersion", "missing");
    }
    json_fields::to_string(*version, "imageLayoutVersion");
}

std::string describe_candidates(const std::vector<const Descriptor *> &entries) {
    std::string list;
    for (std::size_t i = 0; i < entries.size() && i < kMaxListedCandidates; ++i) {
        const Descriptor &entry = *entries[i];
        const std::string *tag = entry.annotation(annotation::kRefName);
        list += i == 0 ? "" : ", ";
        list += tag != nullptr ? *tag + " (" + entry.digest.str() + ")" : entry.digest.str();
    }
    if (entries.size() > kMaxListedCandidates) {
        list += ", and " + std::to_string(entries.size() - kMaxListedCandidates) + " more";
    }
    return list;
}

}  // namespace acedt::oci::layout_common
