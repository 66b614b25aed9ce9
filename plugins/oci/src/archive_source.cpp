#include <acedt/oci/archive_source.hpp>
#include <acedt/oci/error.hpp>
#include <acedt/oci/media_type.hpp>
#include <acedt/oci/referrers.hpp>

#include "archive_catalog.hpp"
#include "fetched_manifest.hpp"
#include "layout_common.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <set>

namespace acedt::oci {

namespace {

constexpr std::string_view kPrefix = "oci-archive:";
constexpr std::string_view kStandardInput = "-";
using layout_common::describe_candidates;
using layout_common::in_quotes;

std::size_t count_distinct_digests(const std::vector<const Descriptor *> &entries) {
    std::set<Digest> digests;
    for (const Descriptor *entry : entries) {
        digests.insert(entry->digest);
    }
    return digests.size();
}

// One archive, read once for all the sources that name it. A pass that
// failed is not repeated, because standard input cannot be read twice and a
// file would fail the same way.
class SharedArchive {
public:
    SharedArchive(std::string path, std::string name, ClientHooks hooks)
        : path_(std::move(path)), name_(std::move(name)), hooks_(std::move(hooks)) {}

    const ArchiveCatalog &catalog() {
        std::lock_guard lock(mutex_);
        if (failure_) {
            std::rethrow_exception(failure_);
        }
        if (!catalog_) {
            try {
                catalog_ = ArchiveCatalog::read(path_, name_, hooks_);
            } catch (const InterruptedError &) {
                throw;
            } catch (...) {
                failure_ = std::current_exception();
                throw;
            }
        }
        return *catalog_;
    }

    std::optional<ArchiveSummary> summary() const {
        std::lock_guard lock(mutex_);
        return catalog_ ? std::optional(catalog_->summary()) : std::nullopt;
    }

private:
    std::string path_;
    std::string name_;
    ClientHooks hooks_;
    mutable std::mutex mutex_;
    std::optional<ArchiveCatalog> catalog_;
    std::exception_ptr failure_;
};

class ArchiveSource : public ManifestSource {
public:
    ArchiveSource(ArchiveSpec spec, std::string display_name, std::shared_ptr<SharedArchive> archive)
        : spec_(std::move(spec)), display_name_(std::move(display_name)), archive_(std::move(archive)) {}

    std::string display_name() const override { return display_name_; }

    FetchedManifest fetch_root() override {
        const ArchiveCatalog &catalog = archive_->catalog();
        if (spec_.digest) {
            return fetch_by_digest(catalog, *spec_.digest);
        }
        return fetch(spec_.tag.empty() ? first_index_entry(catalog) : entry_for_tag(catalog));
    }

    FetchedManifest fetch(const Descriptor &descriptor) override {
        check_manifest_size_limit(display_name_, descriptor);
        std::string body = archive_->catalog().manifest_body(descriptor.digest, display_name_);
        check_against_descriptor(display_name_, descriptor, body);
        return make_fetched_manifest(display_name_, descriptor, std::move(body), descriptor.media_type);
    }

    // Referrers in an archive are every manifest in it whose subject is
    // `subject`, as a registry's referrers API returns them, plus those that
    // an index tagged with the referrers tag lists. The index.json entry of a
    // referrer, when it has one, is returned for it, with its annotations.
    std::vector<Descriptor> referrers(const Digest &subject, std::string_view artifact_type) override {
        const ArchiveCatalog &catalog = archive_->catalog();
        std::vector<Descriptor> found;
        std::set<Digest> seen;
        const auto add = [&](const Descriptor &descriptor) {
            if (seen.insert(descriptor.digest).second) {
                found.push_back(descriptor);
            }
        };

        const std::vector<Descriptor> &with_subject = catalog.manifests_with_subject(subject);
        std::set<Digest> referrer_digests;
        for (const Descriptor &descriptor : with_subject) {
            referrer_digests.insert(descriptor.digest);
        }
        const std::string tag = referrers_tag(subject);
        std::vector<Descriptor> tag_indexes;
        for (const ArchiveIndexFile &file : catalog.index_files()) {
            for (const Descriptor &entry : file.manifests) {
                if (referrer_digests.contains(entry.digest)) {
                    add(entry);
                }
                const std::string *name = entry.annotation(annotation::kRefName);
                if (name != nullptr && *name == tag && media_type::is_index(entry.media_type)) {
                    tag_indexes.push_back(entry);
                }
            }
        }
        for (const Descriptor &descriptor : with_subject) {
            add(descriptor);
        }

        for (const Descriptor &index : tag_indexes) {
            const std::string &body = catalog.manifest_body(index.digest, display_name_);
            check_against_descriptor(display_name_, index, body);
            for (const Descriptor &descriptor : referrers_from_index(subject, body, index.media_type, {})) {
                add(descriptor);
            }
        }
        return filter_by_artifact_type(std::move(found), artifact_type);
    }

private:
    // A digest root need not be listed in any index.json. When it is, the
    // entry supplies media type, size and annotations to check against.
    FetchedManifest fetch_by_digest(const ArchiveCatalog &catalog, const Digest &digest) {
        for (const ArchiveIndexFile &file : catalog.index_files()) {
            for (const Descriptor &entry : file.manifests) {
                if (entry.digest == digest) {
                    return fetch(entry);
                }
            }
        }

        std::string body = catalog.manifest_body(digest, display_name_);
        Descriptor descriptor;
        descriptor.digest = digest;
        descriptor.size = static_cast<std::int64_t>(body.size());
        return make_fetched_manifest(display_name_, descriptor, std::move(body), "");
    }

    // Without TAG or DIGEST, the root is the one manifest that the first
    // index.json lists. `ace-dt mirror serialize` writes that file first,
    // listing only the root, and a second one listing every manifest last.
    const Descriptor &first_index_entry(const ArchiveCatalog &catalog) const {
        const ArchiveIndexFile &first = catalog.index_files().front();
        if (first.manifests.empty()) {
            throw Error(display_name_ + ": index.json (entry " + std::to_string(first.entry_number) +
                        " of the archive) lists no manifests");
        }

        std::vector<const Descriptor *> all;
        for (const Descriptor &entry : first.manifests) {
            all.push_back(&entry);
        }
        if (count_distinct_digests(all) > 1) {
            throw Error(display_name_ + ": index.json lists " + std::to_string(all.size()) +
                        " manifests; add :TAG or @DIGEST to choose one of " + describe_candidates(all));
        }
        return first.manifests.front();
    }

    // The entry whose ref.name annotation is TAG, in the first index.json
    // that has one.
    const Descriptor &entry_for_tag(const ArchiveCatalog &catalog) const {
        std::set<std::string> available;
        for (const ArchiveIndexFile &file : catalog.index_files()) {
            std::vector<const Descriptor *> tagged;
            for (const Descriptor &entry : file.manifests) {
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
                continue;
            }
            if (count_distinct_digests(tagged) > 1) {
                throw Error(display_name_ + ": the tag " + in_quotes(spec_.tag) + " names " +
                            std::to_string(tagged.size()) + " different manifests in index.json: " +
                            describe_candidates(tagged) + "; use @DIGEST to choose one");
            }
            return *tagged.front();
        }

        std::string tags;
        for (const std::string &name : available) {
            tags += (tags.empty() ? "" : ", ") + name;
        }
        throw NotFoundError(display_name_ + ": no manifest tagged " + in_quotes(spec_.tag) + " in index.json; " +
                            (tags.empty() ? "no entry has an " + std::string(annotation::kRefName) + " annotation"
                                          : "available tags: " + tags));
    }

    ArchiveSpec spec_;
    std::string display_name_;
    std::shared_ptr<SharedArchive> archive_;
};

// Identifies the file behind a path, so that two spellings of one file, or
// "-" and the file standard input was redirected from, share one pass.
std::string file_identity(const struct stat &status) {
    return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
}

}  // namespace

ArchiveSpec parse_archive_spec(std::string_view spec) {
    LayoutSpec parts = layout_common::split_spec(spec, kPrefix, "archive",
                                                 "oci-archive:PATH, oci-archive:PATH:TAG or oci-archive:PATH@DIGEST",
                                                 " (use - for standard input)");
    return ArchiveSpec{std::move(parts.path), std::move(parts.tag), std::move(parts.digest)};
}

struct ArchiveOpener::State {
    ClientHooks hooks;
    std::mutex mutex;
    // By file identity, in the order the archives were first named.
    std::map<std::string, std::shared_ptr<SharedArchive>> archives;
    std::vector<std::shared_ptr<SharedArchive>> in_order;

    std::shared_ptr<SharedArchive> archive_for(const std::string &identity, const std::string &path) {
        std::lock_guard lock(mutex);
        std::shared_ptr<SharedArchive> &archive = archives[identity];
        if (!archive) {
            const std::string name = std::string(kPrefix) + (path == kStandardInput ? "- (standard input)" : path);
            archive = std::make_shared<SharedArchive>(path, name, hooks);
            in_order.push_back(archive);
        }
        return archive;
    }
};

ArchiveOpener::ArchiveOpener(ClientHooks hooks) : state_(std::make_shared<State>()) {
    state_->hooks = std::move(hooks);
}

ArchiveOpener::~ArchiveOpener() = default;

std::unique_ptr<ManifestSource> ArchiveOpener::open(std::string_view spec) {
    ArchiveSpec parsed = parse_archive_spec(spec);
    const std::string display(spec);

    struct stat status {};
    const bool from_stdin = parsed.path == kStandardInput;
    const int result = from_stdin ? ::fstat(STDIN_FILENO, &status) : ::stat(parsed.path.c_str(), &status);
    if (result != 0) {
        throw Error(display + ": cannot open " + (from_stdin ? std::string("standard input") : parsed.path) + ": " +
                    std::strerror(errno));
    }
    if (from_stdin && ::isatty(STDIN_FILENO) != 0) {
        throw Error(display + ": standard input is a terminal; pipe the archive into ace-dt or redirect it from a file");
    }
    if (S_ISDIR(status.st_mode)) {
        throw Error(display + ": " + parsed.path +
                    " is a directory; oci:PATH reads an OCI image layout directory, oci-archive:PATH a tar file");
    }

    std::shared_ptr<SharedArchive> archive = state_->archive_for(file_identity(status), parsed.path);
    return std::make_unique<ArchiveSource>(std::move(parsed), display, std::move(archive));
}

std::vector<ArchiveSummary> ArchiveOpener::summaries() const {
    std::lock_guard lock(state_->mutex);
    std::vector<ArchiveSummary> result;
    for (const std::shared_ptr<SharedArchive> &archive : state_->in_order) {
        if (std::optional<ArchiveSummary> summary = archive->summary()) {
            result.push_back(std::move(*summary));
        }
    }
    return result;
}

}  // namespace acedt::oci
