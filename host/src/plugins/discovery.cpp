#include "plugins/discovery.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <system_error>

#ifndef ACE_DT_PLUGIN_DIR_FROM_BIN
#error "ACE_DT_PLUGIN_DIR_FROM_BIN must name the plugin directory relative to the bin directory"
#endif

namespace acedt::host::plugins {

namespace {

DirectoryEntry classify_entry(const std::filesystem::directory_entry& entry) {
    DirectoryEntry result;
    result.path = entry.path();
    if (entry.path().extension() != ".so") {
        result.reason = "the name does not end in .so";
        return result;
    }

    // Follows links, so a link to a plugin counts as the plugin.
    std::error_code error;
    const auto status = entry.status(error);
    if (error || status.type() == std::filesystem::file_type::not_found) {
        result.reason = "it is a broken link";
    } else if (status.type() == std::filesystem::file_type::directory) {
        result.reason = "it is a directory";
    } else if (status.type() != std::filesystem::file_type::regular) {
        result.reason = "it is not a regular file";
    } else {
        result.candidate = true;
    }
    return result;
}

}  // namespace

std::filesystem::path executable_path() {
    std::error_code error;
    auto path = boost::dll::program_location(error);
    if (error) return {};
    return path;
}

std::filesystem::path default_plugin_directory(const std::filesystem::path& executable) {
    return (executable.parent_path() / ACE_DT_PLUGIN_DIR_FROM_BIN).lexically_normal();
}

std::vector<PluginDirectory> plugin_directories(const config::Environment& environment,
                                                const std::filesystem::path& default_directory) {
    std::vector<PluginDirectory> directories;
    if (const auto variable = environment.get("ACE_DT_PLUGIN_PATH")) {
        std::size_t start = 0;
        while (start <= variable->size()) {
            auto colon = variable->find(':', start);
            if (colon == std::string::npos) colon = variable->size();
            if (colon > start) {
                directories.push_back({variable->substr(start, colon - start), DirectorySource::kEnvironment});
            }
            start = colon + 1;
        }
    }
    if (!default_directory.empty()) directories.push_back({default_directory, DirectorySource::kInstallation});
    return directories;
}

DirectoryListing list_directory(const std::filesystem::path& directory) {
    DirectoryListing listing;
    std::error_code error;
    for (std::filesystem::directory_iterator entry(directory, error), end; !error && entry != end;
         entry.increment(error)) {
        listing.entries.push_back(classify_entry(*entry));
    }
    if (error) listing.error = error.message();

    std::sort(listing.entries.begin(), listing.entries.end(),
              [](const auto& left, const auto& right) { return left.path.filename() < right.path.filename(); });
    return listing;
}

std::vector<std::filesystem::path> list_plugin_files(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : list_directory(directory).entries) {
        if (entry.candidate) files.push_back(entry.path);
    }
    return files;
}

}  // namespace acedt::host::plugins
