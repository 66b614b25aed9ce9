// Finding plugin files.
#pragma once

#include "config/environment.hpp"

#include <filesystem>
#include <vector>

namespace acedt::host::plugins {

/// Returns the path of the running executable, with symbolic links
/// resolved, or an empty path when the system does not tell.
std::filesystem::path executable_path();

/// Returns the plugin directory of an installation: lib/ace-dt/plugins
/// beside the bin directory that contains `executable`.
std::filesystem::path default_plugin_directory(const std::filesystem::path& executable);

/// Returns the directories to search, in order: the entries of
/// ACE_DT_PLUGIN_PATH (colon separated), then `default_directory`.
std::vector<std::filesystem::path> plugin_directories(const config::Environment& environment,
                                                      const std::filesystem::path& default_directory);

/// Returns the *.so files in `directory` (regular files or links to them),
/// sorted by file name. Returns nothing when the directory does not exist.
std::vector<std::filesystem::path> list_plugin_files(const std::filesystem::path& directory);

}  // namespace acedt::host::plugins
