// Loading plugin libraries and registering what they describe.
#pragma once

#include "plugins/discovery.hpp"
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

/// The outcome of one entry of a plugin directory.
struct FileReport {
    enum class Outcome {
        kLoaded,     // detail: "NAME VERSION (ABI MAJOR.MINOR)"
        kSkipped,    // a *.so that is not a usable plugin; detail: the reason
        kDuplicate,  // the same file was reached before; detail: its earlier path
        kIgnored,    // not a candidate (see DirectoryEntry); detail: the reason
    };
    std::filesystem::path file;
    Outcome outcome = Outcome::kIgnored;
    std::string detail;
};

/// The outcome of one plugin directory and of each of its entries.
struct DirectoryReport {
    enum class Outcome {
        kSearched,
        kMissing,       // does not exist
        kNotDirectory,  // exists, but is not a directory
        kUnreadable,    // listing failed part way; detail: the error
        kDuplicate,     // the same directory was searched before; detail: its earlier path
    };
    PluginDirectory directory;
    Outcome outcome = Outcome::kSearched;
    std::string detail;
    std::vector<FileReport> files;
};

struct LoadResult {
    PluginRegistry registry;
    std::vector<SkippedFile> skipped;
    std::vector<DirectoryReport> directories;  // one per entry of the search list, in order
};

/// Loads every *.so in `directories`, directory by directory and by file
/// name within each, and passes `host_api` to each entry function. A file
/// that fails any step is skipped with a reason and the others still load.
/// A directory or file reached twice (for example through a link) is
/// loaded once. Loaded libraries stay loaded until the process exits.
LoadResult load_plugins(const std::vector<PluginDirectory>& directories, const ace_dt_host_api& host_api);

}  // namespace acedt::host::plugins
