#include "plugins/discovery.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <system_error>

#ifndef ACE_DT_PLUGIN_DIR_FROM_BIN
#error "ACE_DT_PLUGIN_DIR_FROM_BIN must name the plugin directory relative to the bin directory"
#endif

namespace acedt::host::plugins {

std::filesystem::path executable_path() {
    std::error_code error;
    auto path = boost::dll::program_location(error);
    if (error) return {};
    return path;
}

std::filesystem::path default_plugin_directory(const std::filesystem::path& executable) {
    return (executable.parent_path() / ACE_DT_PLUGIN_DIR_FROM_BIN).lexically_normal();
}

std::vector<std::filesystem::path> plugin_directories(const config::Environment& environment,
                                                      const std::filesystem::path& default_directory) {
    std::vector<std::filesystem::path> directories;
    if (const auto variable = environment.get("ACE_DT_PLUGIN_PATH")) {
        std::size_t start = 0;
        while (start <= variable->size()) {
            auto colon = variable->find(':', start);
            if (colon == std::string::npos) colon = variable->size();
            if (colon > start) directories.emplace_back(variable->substr(start, colon - start));
            start = colon + 1;
        }
    }
    if (!default_directory.empty()) directories.push_back(default_directory);
    return directories;
}

std::vector<std::filesystem::path> list_plugin_files(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> files;
    std::error_code error;
    for (std::filesystem::directory_iterator entry(directory, error), end; !error && entry != end;
         entry.increment(error)) {
        std::error_code status_error;
        if (entry->path().extension() == ".so" && entry->is_regular_file(status_error)) {
            files.push_back(entry->path());
        }
    }

    std::sort(files.begin(), files.end(),
              [](const auto& left, const auto& right) { return left.filename() < right.filename(); });
    return files;
}

}  // namespace acedt::host::plugins
