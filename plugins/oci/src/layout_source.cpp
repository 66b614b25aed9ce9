#include <acedt/oci/error.hpp>
#include <acedt/oci/layout_source.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/referrers.hpp>

#include "fetched_manifest.hpp"
#include "json_fields.hpp"
#include "layout_common.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace acedt::oci {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "oci:";
using layout_common::describe_candidates;
using layout_common::in_quotes;

// Reads a whole file of at most kMaxManifestBytes. `display` names the
// source in messages. A missing file throws NotFoundError.
std::string read_small_file(const fs::path &path, std::string_view display) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
        throw NotFoundError(std::string(display) + ": " + path.string() + " does not exist");
    }
    if (!fs::is_regular_file(status)) {
        throw Error(std::string(display) + ": " + path.string() + " is not a regular file");
    }

    const std::uintmax_t size = fs::file_size(path, error);
    if (error) {
        throw Error(std::string(display) + ": cannot read the size of " + path.string() + ": " + error.message());
    }
    if (size > static_cast<std::uintmax_t>(kMaxManifestBytes)) {
        throw Error(std::string(display) + ": " + path.string() + " has " + std::to_string(size) +
                    " bytes, more than the limit of " + std::to_string(kMaxManifestBytes) + " bytes for manifests");
    }

    // Read straight into a string of the file's size, so that an index of
    // tens of megabytes is not held twice, as a stream buffer would.
    std::ifstream file(path, std::ios::binary);
    std::string contents(static_cast<std::size_t>(size), '\0');
    file.read(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!file.is_open() || file.bad() || file.gcount() != static_cast<std::streamsize>(contents.size())) {
        throw Error(std::string(display) + ": cannot read " + path.string() + ": " +
                    (file.is_open() && !file.bad() ? "the file shrank while it was read" : std::strerror(errno)));
    }
    return contents;
}

void check_layout_marker(const fs::path &root, const std::string &display) {
    const fs::path marker = root / "oci-layout";
    std::string text;
    try {
        text = read_small_file(marker, display);
    } catch (const NotFoundError &) {
        throw Error(display + ": " + root.string() + " is not an OCI image layout: it has no oci-layout file");
    }

    try {
        layout_common::check_layout_marker(text);
    } catch (const Error &error) {
        throw Error(display + ": " + marker.string() + ": " + error.what());
    }
}

std::vector<Descriptor> read_index_entries(const fs::path &root, const std::string &display) {
    const fs::path index_path = root / "index.json";
    std::string text;
    try {
        text = read_small_file(index_path, display);
    } catch (const NotFoundError &) {
        throw Error(display + ": " + root.string() + " is not an OCI image layout: it has no index.json");
    }

    try {
        return parse_manifest(text, media_type::kOciIndex).manifests;
    } catch (const Error &error) {
        throw Error(display + ": " + index_path.string() + ": " + error.what());
    }
}

std::size_t count_distinct_digests(const std::vector<const Descriptor *> &entries) {
    std::set<Digest> digests;
    for (const Descriptor *entry : entries) {
        digests.insert(entry->digest);
    }
    return digests.size();
}

class LayoutSource : public ManifestSource {
public:
    LayoutSource(LayoutSpec spec, std::string display_name)
        : spec_(std::move(spec)), display_name_(std::move(display_name)), root_(spec_.path) {
        std::error_code error;
        if (!fs::is_directory(root_, error)) {
            throw Error(display_name_ + ": " + root_.string() +
                        (fs::exists(root_, error) ? " is not a directory" : " does not exist"));
        }
        check_layout_marker(root_, display_name_);
        entries_ = read_index_entries(root_, display_name_);
    }

    std::string display_name() const override { return display_name_; }

    FetchedManifest fetch_root() override {
        if (spec_.digest) {
            return fetch_by_digest(*spec_.digest);
        }
        return fetch(spec_.tag.empty() ? single_entry() : entry_for_tag());
    }

    FetchedManifest fetch(const Descriptor &descriptor) override {
        check_manifest_size_limit(display_name_, descriptor);
        std::string body = read_blob(descriptor.digest);
        check_against_descriptor(display_name_, descriptor, body);
        return make_fetched_manifest(display_name_, descriptor, std::move(body), descriptor.media_type);
    }

    // Referrers in a layout are the manifests listed in index.json whose
    // subject is `subject`, as `oras copy --to-oci-layout` stores them, plus
    // those of an index tagged with the referrers tag.
    std::vector<Descriptor> referrers(const Digest &subject, std::string_view artifact_type) override {
        std::vector<Descriptor> found;
        std::set<Digest> seen;
        const auto add = [&](const Descriptor &descriptor) {
            if (seen.insert(descriptor.digest).second) {
                found.push_back(descriptor);
            }
        };

        const auto by_subject = subjects().find(subject);
        if (by_subject != subjects().end()) {
            for (const Descriptor &descriptor : by_subject->second) {
                add(descriptor);
            }
        }

        const std::string tag = referrers_tag(subject);
        for (const Descriptor &entry : entries_) {
            const std::string *name = entry.annotation(annotation::kRefName);
            if (name == nullptr || *name != tag || !media_type::is_index(entry.media_type)) {
                continue;
            }
            const std::string body = read_blob(entry.digest);
            check_against_descriptor(display_name_, entry, body);
            for (const Descriptor &descriptor : referrers_from_index(subject, body, entry.media_type, {})) {
                add(descriptor);
            }
        }
        return filter_by_artifact_type(std::move(found), artifact_type);
    }

private:
    // Index.json entries by the subject their manifest names, read once.
    // Entries whose blob is missing or unreadable have no subject here;
    // fetching them reports the problem.
    const std::map<Digest, std::vector<Descriptor>> &subjects() {
        if (subjects_) {
            return *subjects_;
        }
        subjects_.emplace();
        for (const Descriptor &entry : entries_) {
            if (!media_type::is_index(entry.media_type) && !media_type::is_image_manifest(entry.media_type)) {
                continue;
            }
            try {
                const FetchedManifest fetched = fetch(entry);
                if (!fetched.manifest.subject) {
                    continue;
                }
                Descriptor referrer = entry;
                referrer.annotations.erase(std::string(annotation::kRefName));
                for (const auto &[key, value] : fetched.manifest.annotations) {
                    referrer.annotations[key] = value;
                }
                referrer.artifact_type = fetched.manifest.artifact_type;
                if (referrer.artifact_type.empty() && fetched.manifest.config && !fetched.manifest.is_index()) {
                    referrer.artifact_type = fetched.manifest.config->media_type;
                }
                (*subjects_)[fetched.manifest.subject->digest].push_back(std::move(referrer));
            } catch (const Error &) {
                continue;
            }
        }
        return *subjects_;
    }

    // The blob path is built only from a validated digest (a known algorithm
    // and lower-case hex), so it cannot leave blobs/.
    std::string read_blob(const Digest &digest) const {
        const fs::path path = root_ / "blobs" / digest.algorithm() / digest.encoded();
        try {
            return read_small_file(path, display_name_);
        } catch (const NotFoundError &) {
            throw NotFoundError(display_name_ + ": blob " + digest.str() + " not found in the layout (expected at " +
                                path.string() + ")");
        }
    }

    // A digest root need not be listed in index.json. When it is, the entry
    // supplies media type, size and annotations to check against.
    FetchedManifest fetch_by_digest(const Digest &digest) {
        const auto listed = std::find_if(entries_.begin(), entries_.end(),
                                         [&](const Descriptor &entry) { return entry.digest == digest; });
        if (listed != entries_.end()) {
            return fetch(*listed);
        }

        std::string body = read_blob(digest);
        Descriptor descriptor;
        descriptor.digest = digest;
        descriptor.size = static_cast<std::int64_t>(body.size());
        check_against_descriptor(display_name_, descriptor, body);
        return make_fetched_manifest(display_name_, descriptor, std::move(body), "");
    }

    const Descriptor &entry_for_tag() const {
        std::vector<const Descriptor *> tagged;
        std::set<std::string> available;
        for (const Descriptor &entry : entries_) {
            const std::string *name = entry.annotation(annotation::kRefName);
            if (name == nullptr) {
                continue;
            }
            available.insert(*name);
            if (*name == spec_.tag) {
                tagged.push_back(&entry);
            }
        }

        if (tagged.empty()) {
            std::string tags;
            for (const std::string &name : available) {
                tags += (tags.empty() ? "" : ", ") + name;
            }
            throw NotFoundError(display_name_ + ": no manifest tagged " + in_quotes(spec_.tag) + " in index.json; " +
                                (tags.empty() ? "no entry has an " + std::string(annotation::kRefName) + " annotation"
                                              : "available tags: " + tags));
        }
        if (count_distinct_digests(tagged) > 1) {
            throw Error(display_name_ + ": the tag " + in_quotes(spec_.tag) + " names " + std::to_string(tagged.size()) +
                        " different manifests in index.json: " + describe_candidates(tagged) +
                        "; use @DIGEST to choose one");
        }
        return *tagged.front();
    }

    const Descriptor &single_entry() const {
        if (entries_.empty()) {
            throw Error(display_name_ + ": index.json lists no manifests");
        }

        std::vector<const Descriptor *> all;
        for (const Descriptor &entry : entries_) {
            all.push_back(&entry);
        }
        if (count_distinct_digests(all) > 1) {
            throw Error(display_name_ + ": index.json lists " + std::to_string(entries_.size()) +
                        " manifests; add :TAG or @DIGEST to choose one of " + describe_candidates(all));
        }
        return entries_.front();
    }

    LayoutSpec spec_;
    std::string display_name_;
    fs::path root_;
    std::vector<Descriptor> entries_;
    std::optional<std::map<Digest, std::vector<Descriptor>>> subjects_;
};

}  // namespace

LayoutSpec parse_layout_spec(std::string_view spec) {
    return layout_common::split_spec(spec, kPrefix, "layout", "oci:PATH, oci:PATH:TAG or oci:PATH@DIGEST", "");
}

std::unique_ptr<ManifestSource> open_layout_source(std::string_view spec) {
    return std::make_unique<LayoutSource>(parse_layout_spec(spec), std::string(spec));
}

}  // namespace acedt::oci
