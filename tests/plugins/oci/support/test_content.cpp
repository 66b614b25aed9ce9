#include "support/test_content.hpp"

#include "support/temp_dir.hpp"

#include <boost/json/serialize.hpp>

namespace acedt::oci::testing {

namespace json = boost::json;

namespace {

json::object to_json_object(const std::map<std::string, std::string> &map) {
    json::object object;
    for (const auto &[key, value] : map) {
        object[key] = value;
    }
    return object;
}

}  // namespace

Blob make_blob(std::string_view media_type, std::string data) {
    Blob blob;
    blob.media_type = std::string(media_type);
    blob.digest = sha256_digest(data);
    blob.size = static_cast<std::int64_t>(data.size());
    blob.data = std::move(data);
    return blob;
}

json::object descriptor_of(const Blob &blob, const std::map<std::string, std::string> &annotations) {
    json::object descriptor;
    descriptor["mediaType"] = blob.media_type;
    descriptor["digest"] = blob.digest;
    descriptor["size"] = blob.size;
    if (!annotations.empty()) {
        descriptor["annotations"] = to_json_object(annotations);
    }
    return descriptor;
}

SampleImage make_sample_image(std::string_view name) {
    SampleImage image;

    json::object config;
    config["architecture"] = "amd64";
    config["os"] = "linux";
    config["config"] = json::object{{"Labels", json::object{{"name", std::string(name)}}}};
    image.config = make_blob(kOciConfigType, json::serialize(config));

    image.layer = make_blob(kOciLayerType, "layer bytes of " + std::string(name));

    json::object manifest;
    manifest["schemaVersion"] = 2;
    manifest["mediaType"] = kOciManifestType;
    manifest["config"] = descriptor_of(image.config);
    manifest["layers"] = json::array{descriptor_of(image.layer)};
    image.manifest = make_blob(kOciManifestType, json::serialize(manifest));
    return image;
}

Blob make_index(const std::vector<json::object> &entries, std::string_view artifact_type,
                const std::map<std::string, std::string> &annotations) {
    json::object index;
    index["schemaVersion"] = 2;
    index["mediaType"] = kOciIndexType;
    if (!artifact_type.empty()) {
        index["artifactType"] = artifact_type;
    }
    json::array manifests;
    for (const json::object &entry : entries) {
        manifests.push_back(entry);
    }
    index["manifests"] = std::move(manifests);
    if (!annotations.empty()) {
        index["annotations"] = to_json_object(annotations);
    }
    return make_blob(kOciIndexType, json::serialize(index));
}

}  // namespace acedt::oci::testing
