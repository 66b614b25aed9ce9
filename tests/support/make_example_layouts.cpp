// Writes the example OCI layout shipped under examples/: two mirror
// artifacts, tagged sync-44 and sync-45, that share some images. The
// content is deterministic, so running this again gives identical bytes.
//
// Usage: make-example-layouts DIR   (writes DIR/sync-45, replacing it)

#include <acedt_test/layout_builder.hpp>

#include <exception>
#include <filesystem>
#include <iostream>

using acedt_test::Blob;
using acedt_test::Flavor;
using acedt_test::LayoutBuilder;
using acedt_test::MirrorOptions;
using acedt_test::sourced;

namespace {

// Each image's seed is the reference it stands for, so the single file in
// its layer names the image.
void write_sync_45(const std::filesystem::path &dir) {
    LayoutBuilder layout(dir);

    // Images in both mirror artifacts.
    Blob busybox = layout.add_multi_platform("docker.io/library/busybox:1.36");
    Blob node_exporter = layout.add_image("quay.io/prometheus/node-exporter:v1.7.0");
    Blob debian = layout.add_image("docker.io/library/debian:12");

    // The previous sync, gathered with index fallback, so its two index
    // entries (busybox and the nested mirror artifact) are in the
    // extra-manifests annotation instead of `manifests`.
    Blob ubi_92 = layout.add_image("registry.access.redhat.com/ubi9/ubi-minimal:9.2");
    Blob base_sync_11 = layout.add_mirror_artifact({
        sourced(debian, "docker.io/library/debian:12"),
        sourced(ubi_92, "registry.access.redhat.com/ubi9/ubi-minimal:9.2"),
    });
    MirrorOptions fallback;
    fallback.index_fallback = true;
    Blob sync_44 = layout.add_mirror_artifact(
        {
            sourced(layout.add_image("docker.io/library/alpine:3.18"), "docker.io/library/alpine:3.18"),
            sourced(busybox, "docker.io/library/busybox:1.36"),
            sourced(layout.add_image("ghcr.io/org/tool:v0.9"), "ghcr.io/org/tool:v0.9"),
            sourced(node_exporter, "quay.io/prometheus/node-exporter:v1.7.0"),
            sourced(layout.add_image("reg.example.com/team/app:2.3.0", Flavor::Docker), "reg.example.com/team/app:2.3.0"),
            sourced(base_sync_11, "reg.example.com/mirror/base:sync-11"),
        },
        fallback);

    // The current sync. ghcr.io/org/tool:v1 and :latest name one image, and
    // the nested mirror artifact lists busybox again.
    Blob tool_v1 = layout.add_image("ghcr.io/org/tool:v1");
    Blob base_sync_12 = layout.add_mirror_artifact({
        sourced(debian, "docker.io/library/debian:12"),
        sourced(layout.add_image("registry.access.redhat.com/ubi9/ubi-minimal:9.3"),
                "registry.access.redhat.com/ubi9/ubi-minimal:9.3"),
        sourced(busybox, "docker.io/library/busybox:1.36"),
    });
    Blob sync_45 = layout.add_mirror_artifact({
        sourced(layout.add_image("docker.io/library/alpine:3.19"), "docker.io/library/alpine:3.19"),
        sourced(busybox, "docker.io/library/busybox:1.36"),
        sourced(tool_v1, "ghcr.io/org/tool:v1"),
        sourced(tool_v1, "ghcr.io/org/tool:latest"),
        sourced(node_exporter, "quay.io/prometheus/node-exporter:v1.7.0"),
        sourced(layout.add_image("reg.example.com/team/app:2.3.1", Flavor::Docker), "reg.example.com/team/app:2.3.1"),
        sourced(base_sync_12, "reg.example.com/mirror/base:sync-12"),
    });

    layout.tag(sync_44, "sync-44");
    layout.tag(sync_45, "sync-45");

    std::cout << dir.string() << ":\n"
              << "  sync-44 " << sync_44.digest << "\n"
              << "  sync-45 " << sync_45.digest << "\n";
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: make-example-layouts DIR\n"
                  << "Writes the example OCI layout DIR/sync-45, replacing an existing one.\n";
        return 2;
    }

    try {
        std::filesystem::path dir = std::filesystem::path(argv[1]) / "sync-45";
        std::filesystem::remove_all(dir);
        write_sync_45(dir);
    } catch (const std::exception &error) {
        std::cerr << "make-example-layouts: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
