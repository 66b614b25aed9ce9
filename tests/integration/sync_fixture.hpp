// Mirror artifacts in the exact format gather writes, shared by the
// integration suites: multi-platform indexes, Docker schema 2 media types,
// nested artifacts two levels deep, an index-fallback artifact, an entry
// without a source annotation and two references to one digest.
#pragma once

#include <acedt_test/layout_builder.hpp>

#include <string>
#include <utility>
#include <vector>

namespace acedt_test {

// (reference, digest), as mirror diff prints it.
using ExpectedRow = std::pair<std::string, std::string>;

struct SyncFixture {
    Blob busybox;        // OCI multi-platform index, also tagged "busybox"
    Blob alpine;         // OCI image
    Blob app;            // Docker schema 2 image
    Blob node_exporter;  // Docker manifest list
    Blob tool;           // one image gathered under two tags
    Blob unnamed;        // entry without any reference annotation
    Blob redis;          // inside the inner nested artifact
    Blob nginx;          // inside the outer nested artifact
    Blob inner;          // mirror artifact nested two levels deep
    Blob outer;          // mirror artifact nested one level deep
    Blob sync45;         // tagged "sync-45": everything above
    Blob sync44;         // tagged "sync-44": alpine, busybox, app
    Blob fallback;       // tagged "fallback": sync-45's entries, written with index fallback

    // Rows of sync-45 without --expand, sorted.
    std::vector<ExpectedRow> sync45_rows() const;
    // Rows of sync-45 with --expand, sorted.
    std::vector<ExpectedRow> sync45_expanded_rows() const;
};

// Writes the fixture into the builder and tags it; calls write_index().
SyncFixture build_sync_fixture(LayoutBuilder &builder);

}  // namespace acedt_test
