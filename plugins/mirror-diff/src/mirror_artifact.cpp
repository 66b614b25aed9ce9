#include "mirror_artifact.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>

#include <boost/json.hpp>

#include <iterator>

namespace acedt::mirror_diff {

bool is_mirror_artifact(const oci::Manifest &manifest) {
    return manifest.is_index() && manifest.artifact_type == kGatherArtifactType;
}

std::vector<oci::Descriptor> index_entries(const oci::Manifest &index, const std::string &where) {
    std::vector<oci::Descriptor> entries = index.manifests;
    std::vector<oci::Descriptor> extra = extra_entries(index, where);
    entries.insert(entries.end(), std::make_move_iterator(extra.begin()), std::make_move_iterator(extra.end()));
    return entries;
}

std::vector<oci::Descriptor> extra_entries(const oci::Manifest &index, const std::string &where) {
    std::vector<oci::Descriptor> entries;
    const auto extra = index.annotations.find(std::string(kExtraManifestsAnnotation));
    if (extra == index.annotations.end()) {
        return entries;
    }

    boost::system::error_code ec;
    const boost::json::value parsed = boost::json::parse(extra->second, ec);
    if (ec || !parsed.is_array()) {
        throw oci::Error(where + ": annotation " + std::string(kExtraManifestsAnnotation) +
                         " is not a JSON array of descriptors");
    }

    const auto &array = parsed.as_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
        try {
            entries.push_back(oci::parse_descriptor_json(boost::json::serialize(array[i])));
        } catch (const oci::Error &e) {
            throw oci::Error(where + ": annotation " + std::string(kExtraManifestsAnnotation) + "[" +
                             std::to_string(i) + "]: " + e.what());
        }
    }
    return entries;
}

std::string entry_reference(const oci::Descriptor &entry) {
    if (const std::string *source = entry.annotation(kSourceAnnotation)) {
        return *source;
    }
    if (const std::string *ref_name = entry.annotation(oci::annotation::kRefName)) {
        return *ref_name;
    }
    return "";
}

std::string describe_manifest(const oci::Manifest &manifest) {
    if (!manifest.is_index()) {
        return "an image manifest (" + manifest.media_type + ")";
    }
    if (manifest.artifact_type.empty()) {
        return "an index without artifactType (" + manifest.media_type + ")";
    }
    return "an index with artifactType \"" + manifest.artifact_type + "\"";
}

}  // namespace acedt::mirror_diff
