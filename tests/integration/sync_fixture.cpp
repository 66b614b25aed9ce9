#include "sync_fixture.hpp"

#include <algorithm>

namespace acedt_test {
namespace {

// Options of a gather run with --index-fallback.
MirrorOptions index_fallback() {
    MirrorOptions options;
    options.index_fallback = true;
    return options;
}

std::vector<Entry> sync45_entries(const SyncFixture &f) {
    return {
        sourced(f.busybox, "docker.io/library/busybox:1.36"),
        sourced(f.alpine, "docker.io/library/alpine:3.19"),
        sourced(f.app, "reg.example.com/team/app:2.3.1"),
        sourced(f.node_exporter, "quay.io/prometheus/node-exporter:v1.7.0"),
        sourced(f.tool, "ghcr.io/org/tool:v1"),
        sourced(f.tool, "ghcr.io/org/tool:latest"),
        Entry{f.unnamed, {}, {}},
        sourced(f.outer, "reg.example.com/mirror/base:sync-12"),
    };
}

std::vector<ExpectedRow> sorted(std::vector<ExpectedRow> rows) {
    std::sort(rows.begin(), rows.end());
    return rows;
}

}  // namespace

std::vector<ExpectedRow> SyncFixture::sync45_rows() const {
    return sorted({
        {"docker.io/library/busybox:1.36", busybox.digest},
        {"docker.io/library/alpine:3.19", alpine.digest},
        {"reg.example.com/team/app:2.3.1", app.digest},
        {"quay.io/prometheus/node-exporter:v1.7.0", node_exporter.digest},
        {"ghcr.io/org/tool:v1", tool.digest},
        {"ghcr.io/org/tool:latest", tool.digest},
        {"", unnamed.digest},
        {"reg.example.com/mirror/base:sync-12", outer.digest},
    });
}

std::vector<ExpectedRow> SyncFixture::sync45_expanded_rows() const {
    // --expand replaces the outer nested artifact by its image and by the
    // image of the inner artifact nested in it.
    std::vector<ExpectedRow> rows;
    for (const ExpectedRow &row : sync45_rows()) {
        if (row.second != outer.digest) {
            rows.push_back(row);
        }
    }
    rows.emplace_back("docker.io/library/nginx:1.25", nginx.digest);
    rows.emplace_back("docker.io/library/redis:7", redis.digest);
    return sorted(rows);
}

SyncFixture build_sync_fixture(LayoutBuilder &builder) {
    SyncFixture f;
    f.busybox = builder.add_multi_platform("busybox");
    f.alpine = builder.add_image("alpine");
    f.app = builder.add_image("app", Flavor::Docker);
    f.node_exporter = builder.add_multi_platform("node-exporter", {{"linux", "amd64"}, {"linux", "arm64"}}, Flavor::Docker);
    f.tool = builder.add_image("tool");
    f.unnamed = builder.add_image("unnamed");
    f.redis = builder.add_image("redis");
    f.nginx = builder.add_image("nginx");

    f.inner = builder.add_mirror_artifact({sourced(f.redis, "docker.io/library/redis:7")});
    f.outer = builder.add_mirror_artifact(
        {sourced(f.inner, "reg.example.com/mirror/inner:sync-3"), sourced(f.nginx, "docker.io/library/nginx:1.25")});

    f.sync45 = builder.add_mirror_artifact(sync45_entries(f));
    f.sync44 = builder.add_mirror_artifact({sourced(f.alpine, "docker.io/library/alpine:3.19"),
                                            sourced(f.busybox, "docker.io/library/busybox:1.36"),
                                            sourced(f.app, "reg.example.com/team/app:2.3.1")});
    f.fallback = builder.add_mirror_artifact(sync45_entries(f), index_fallback());

    builder.tag(f.sync45, "sync-45");
    builder.tag(f.sync44, "sync-44");
    builder.tag(f.fallback, "fallback");
    builder.tag(f.busybox, "busybox");
    builder.tag(f.alpine, "alpine");
    builder.write_index();
    return f;
}

}  // namespace acedt_test
