// Loading plugin libraries and registering what they describe.
#pragma once

#include "plugins/registry.hpp"

#include <ace_dt/plugin.h>

#include <filesystem>
#include <string>
#include <vector>

namespace acedt::host::plugins {

/// A file that was not loaded as a plugin, and why.
struct SkippedFile {
    std::filesystem::path file;
    std::string reason;
};

struct LoadResult {
    PluginRegistry registry;
    std::vector<SkippedFile> skipped;
};

/// Loads every *.so in `directories`, directory by directory and by file
/// name within each, and passes `host_api` to each entry function. A file
/// that fails any step is skipped with a reason and the others still load.
/// A directory or file reached twice (for example through a link) is
/// loaded once. Loaded libraries stay loaded until the process exits.
LoadResult load_plugins(const std::vector<std::filesystem::path>& directories, const ace_dt_host_api& host_api);

}  // namespace acedt::host::plugins
