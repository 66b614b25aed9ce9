// Fuzzes the one-pass archive reader (plugins/oci archive_reader.cpp and
// archive_catalog.cpp) with the input as a tar stream, plain or compressed,
// written to a file because the reader takes a path. ArchiveCatalog::read
// and manifest_body document oci::Error (NotFoundError and ArchiveReadError
// among them) as their only exception.
#include "../common/fuzz_target.hpp"
#include "../common/temp_directory.hpp"

#include "archive_catalog.hpp"

#include <acedt/oci/error.hpp>

#include <string>

namespace {

namespace oci = acedt::oci;

// Looks up every manifest each index.json lists, and its referrers, as
// the archive source does for a root and its children.
void visit_catalog(const oci::ArchiveCatalog &catalog) {
    for (const oci::ArchiveIndexFile &index_file : catalog.index_files()) {
        for (const oci::Descriptor &entry : index_file.manifests) {
            (void)catalog.manifests_with_subject(entry.digest);
            try {
                (void)catalog.manifest_body(entry.digest, "oci-archive:fuzz");
            } catch (const oci::Error &) {
                // Documented for a blob that is missing, not a manifest or too large.
            }
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    static const acedt::fuzz::TempDirectory directory;
    const std::string path = directory.write("input.tar", acedt::fuzz::as_text(data, size)).string();

    try {
        visit_catalog(oci::ArchiveCatalog::read(path, "oci-archive:fuzz", oci::ClientHooks{}));
    } catch (const oci::Error &) {
        // Documented: not a tar archive, damaged, truncated or not a layout.
    }
    return 0;
}
