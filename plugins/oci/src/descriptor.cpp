#include <acedt/oci/descriptor.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include "json_fields.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

namespace acedt::oci {

namespace json = boost::json;
using json_fields::fail;
using json_fields::find;
using json_fields::member_path;

namespace {

constexpr std::string_view kSchema1Message =
    "Docker schema 1 manifests are not supported; convert the image to Docker schema 2 or OCI, "
    "for example with `skopeo copy --format oci`";

std::string required_string(const json::object &object, std::string_view key, std::string_view path) {
    const json::value *member = object.if_contains(json::string_view(key.data(), key.size()));
    if (member == nullptr) {
        fail(member_path(path, key), "missing");
    }
    return json_fields::to_string(*member, member_path(path, key));
}

std::string optional_string(const json::object &object, std::string_view key, std::string_view path) {
    const json::value *member = find(object, key);
    return member == nullptr ? std::string() : json_fields::to_string(*member, member_path(path, key));
}

Digest parse_digest_member(const json::object &object, std::string_view path) {
    const std::string text = required_string(object, "digest", path);
    try {
        return Digest::parse(text);
    } catch (const Error &error) {
        fail(member_path(path, "digest"), error.what());
    }
}

std::int64_t parse_size_member(const json::object &object, std::string_view path) {
    const json::value *member = object.if_contains("size");
    if (member == nullptr) {
        fail(member_path(path, "size"), "missing");
    }

    const std::int64_t size = json_fields::to_int64(*member, member_path(path, "size"));
    if (size < 0) {
        fail(member_path(path, "size"), "must not be negative, found " + std::to_string(size));
    }
    return size;
}

// The image specification requires architecture and os, but only their types
// are checked here, because a listing tool gains nothing from rejecting an
// index over a platform that it never interprets.
Platform parse_platform(const json::value &value, std::string_view path) {
    const json::object &object = json_fields::to_object(value, path);
    Platform platform;
    platform.architecture = optional_string(object, "architecture", path);
    platform.os = optional_string(object, "os", path);
    platform.variant = optional_string(object, "variant", path);
    return platform;
}

std::map<std::string, std::string> parse_annotations(const json::object &object, std::string_view path) {
    const json::value *member = find(object, "annotations");
    if (member == nullptr) {
        return {};
    }
    return json_fields::to_string_map(*member, member_path(path, "annotations"));
}

Descriptor parse_descriptor_value(const json::value &value, std::string_view path) {
    const json::object &object = json_fields::to_object(value, path);

    Descriptor descriptor;
    descriptor.media_type = required_string(object, "mediaType", path);
    descriptor.digest = parse_digest_member(object, path);
    descriptor.size = parse_size_member(object, path);
    descriptor.artifact_type = optional_string(object, "artifactType", path);
    descriptor.annotations = parse_annotations(object, path);

    if (const json::value *platform = find(object, "platform")) {
        descriptor.platform = parse_platform(*platform, member_path(path, "platform"));
    }
    return descriptor;
}

std::vector<Descriptor> parse_descriptor_array(const json::value &value, std::string_view path) {
    std::vector<Descriptor> descriptors;
    const json::array &array = json_fields::to_array(value, path);
    descriptors.reserve(array.size());
    for (std::size_t i = 0; i < array.size(); ++i) {
        descriptors.push_back(parse_descriptor_value(array[i], json_fields::element_path(path, i)));
    }
    return descriptors;
}

// Rejects Docker schema 1 by media type or schemaVersion, and anything
// else that is not schemaVersion 2.
void check_schema_version(const json::object &object, std::string_view media_type) {
    if (media_type::is_schema1(media_type)) {
        throw Error(std::string(kSchema1Message));
    }

    const json::value *member = object.if_contains("schemaVersion");
    if (member == nullptr) {
        fail("schemaVersion", "missing; expected 2");
    }
    if (member->is_int64() && member->get_int64() == 1) {
        throw Error(std::string(kSchema1Message));
    }
    if (!member->is_int64() || member->get_int64() != 2) {
        fail("schemaVersion", "expected 2, found " + json::serialize(*member));
    }
}

// The body's mediaType, else the caller's fallback, else a type inferred from
// the members that only one kind of document has.
std::string decide_media_type(const json::object &object, std::string_view body_media_type,
                              std::string_view fallback) {
    if (!body_media_type.empty()) {
        return std::string(body_media_type);
    }
    if (!fallback.empty()) {
        return std::string(media_type::strip_parameters(fallback));
    }
    if (find(object, "manifests") != nullptr) {
        return std::string(media_type::kOciIndex);
    }
    if (find(object, "config") != nullptr) {
        return std::string(media_type::kOciManifest);
    }
    throw Error("cannot determine the document type: it has no mediaType, and neither a manifests array (index) "
                "nor a config descriptor (image manifest)");
}

void check_required_members(const Manifest &manifest, const json::object &object) {
    if (media_type::is_index(manifest.media_type) && find(object, "manifests") == nullptr) {
        fail("manifests", "missing, but the media type " + manifest.media_type + " requires it");
    }
    if (media_type::is_image_manifest(manifest.media_type) && !manifest.config) {
        fail("config", "missing, but the media type " + manifest.media_type + " requires it");
    }
}

}  // namespace

const std::string *Descriptor::annotation(std::string_view key) const {
    const auto found = annotations.find(std::string(key));
    return found == annotations.end() ? nullptr : &found->second;
}

Descriptor parse_descriptor_json(std::string_view json_text) {
    return parse_descriptor_value(json_fields::parse(json_text), "");
}

bool Manifest::is_index() const {
    return media_type::is_index(media_type);
}

Manifest parse_manifest(std::string_view body, std::string_view fallback_media_type) {
    // The document lives only in this function, so its nodes come from one
    // arena freed at once: an index of 100,000 entries makes about a
    // million small allocations otherwise.
    // TODO: the text, this document and the parsed descriptors exist at the
    // same time, so a 24 MB index of 100,000 entries peaks at about 150 MB
    // of heap (measured with heaptrack). A streaming parser that builds the
    // descriptors directly would need no document.
    json::monotonic_resource arena;
    const json::value document = json_fields::parse(body, &arena);
    const json::object &object = json_fields::to_object(document, "");

    const std::string body_media_type = optional_string(object, "mediaType", "");
    check_schema_version(object, body_media_type.empty() ? fallback_media_type : body_media_type);

    Manifest manifest;
    manifest.media_type = decide_media_type(object, body_media_type, fallback_media_type);
    manifest.artifact_type = optional_string(object, "artifactType", "");
    manifest.annotations = parse_annotations(object, "");

    if (const json::value *manifests = find(object, "manifests")) {
        manifest.manifests = parse_descriptor_array(*manifests, "manifests");
    }
    if (const json::value *config = find(object, "config")) {
        manifest.config = parse_descriptor_value(*config, "config");
    }
    if (const json::value *layers = find(object, "layers")) {
        manifest.layers = parse_descriptor_array(*layers, "layers");
    }
    if (const json::value *subject = find(object, "subject")) {
        manifest.subject = parse_descriptor_value(*subject, "subject");
    }

    check_required_members(manifest, object);
    return manifest;
}

}  // namespace acedt::oci
