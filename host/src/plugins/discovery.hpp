// Finding plugin directories and the files in them.
#pragma once

#include "config/environment.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace acedt::host::plugins {

/// Origin of a searched directory.
enum class DirectorySource {
    kEnvironment,   // an entry of ACE_DT_PLUGIN_PATH
    kInstallation,  // lib/ace-dt/plugins of the installation the executable belongs to
};

struct PluginDirectory {
    std::filesystem::path path;
    DirectorySource source = DirectorySource::kEnvironment;
};

/// One entry of a plugin directory and whether the loader tries it.
struct DirectoryEntry {
    std::filesystem::path path;
    bool candidate = false;  // a *.so regular file, or a link to one
    std::string reason;      // why it is not a candidate; empty for candidates
};

/// Entries of a directory, or the error that stopped the listing.
struct DirectoryListing {
    std::vector<DirectoryEntry> entries;  // sorted by file name
    std::string error;                    // empty when the whole directory was read
};

/// Returns the path of the running executable, with symbolic links
/// resolved, or an empty path when the system does not tell.
std::filesystem::path executable_path();

/// Returns the plugin directory of an installation: the directory at
/// ACE_DT_PLUGIN_DIR_FROM_BIN (set by the build from the install layout,
/// ../lib/ace-dt/plugins by default) from the directory of `executable`.
std::filesystem::path default_plugin_directory(const std::filesystem::path& executable);

/// Returns the directories to search, in order: the entries of
/// ACE_DT_PLUGIN_PATH (colon separated, empty entries skipped), then
/// `default_directory` unless it is empty.
std::vector<PluginDirectory> plugin_directories(const config::Environment& environment,
                                                const std::filesystem::path& default_directory);

/// Lists every entry of `directory`, marking the *.so regular files (or
/// links to them) as candidates and giving the others a reason.
DirectoryListing list_directory(const std::filesystem::path& directory);

/// Returns the candidates of list_directory(), sorted by file name.
/// Returns nothing when the directory does not exist.
std::vector<std::filesystem::path> list_plugin_files(const std::filesystem::path& directory);

}  // namespace acedt::host::plugins
