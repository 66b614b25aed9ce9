// Fuzzes the OCI image layout reader (plugins/oci layout_source.cpp and
// layout_common.cpp) with the input as index.json. The layout's blobs
// directory is a symbolic link to examples/sync-45/blobs, so index.json
// entries that name those blobs are fetched and parsed too. Opening,
// fetching and listing referrers document oci::Error (NotFoundError among
// them) as their only exception.
#include "../common/fuzz_target.hpp"
#include "../common/temp_directory.hpp"

#include <acedt/oci/error.hpp>
#include <acedt/oci/layout_source.hpp>

#include <filesystem>
#include <memory>
#include <string>

#ifndef ACE_DT_FUZZ_EXAMPLE_BLOBS
#error "ACE_DT_FUZZ_EXAMPLE_BLOBS must name the blobs directory of an example layout"
#endif

namespace {

namespace oci = acedt::oci;

bool prepare_layout(const acedt::fuzz::TempDirectory &directory) {
    directory.write("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    std::filesystem::create_directory_symlink(ACE_DT_FUZZ_EXAMPLE_BLOBS, directory.path() / "blobs");
    return true;
}

const acedt::fuzz::TempDirectory &layout_directory() {
    static const acedt::fuzz::TempDirectory directory;
    static const bool prepared = prepare_layout(directory);
    (void)prepared;
    return directory;
}

// Opens the layout through `spec` and walks one level down from the root,
// as traversal does.
void open_and_fetch(const std::string &spec) {
    try {
        const std::unique_ptr<oci::ManifestSource> source = oci::open_layout_source(spec);
        const oci::FetchedManifest root = source->fetch_root();
        (void)source->referrers(root.descriptor.digest, "");
        for (const oci::Descriptor &entry : root.manifest.manifests) {
            (void)source->fetch(entry);
        }
    } catch (const oci::Error &) {
        // Documented: not a layout, no such tag, a missing or mismatched blob.
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    const acedt::fuzz::TempDirectory &directory = layout_directory();
    directory.write("index.json", acedt::fuzz::as_text(data, size));

    const std::string path = directory.path().string();
    open_and_fetch("oci:" + path);
    open_and_fetch("oci:" + path + ":sync-45");
    return 0;
}
