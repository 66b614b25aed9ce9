#include "plugins/loader.hpp"

#include "plugins/discovery.hpp"
#include "plugins/info_reader.hpp"

#include <boost/dll/shared_library.hpp>
#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <set>
#include <system_error>
#include <variant>

namespace acedt::host::plugins {

namespace {

using EntryFunction = const ace_dt_plugin_info*(const ace_dt_host_api*);

// Libraries of accepted plugins. Never destroyed: commands and their
// strings point into the libraries, and unloading at exit could run plugin
// destructors after host objects they use are gone.
std::vector<boost::dll::shared_library>& kept_libraries() {
    static auto* libraries = new std::vector<boost::dll::shared_library>();
    return *libraries;
}

std::filesystem::path canonical_or_same(const std::filesystem::path& path) {
    std::error_code error;
    auto canonical = std::filesystem::canonical(path, error);
    return error ? path : canonical;
}

// Loads the library and calls its entry function. Returns the library and
// the description, or the reason it is not a usable plugin.
std::variant<std::pair<boost::dll::shared_library, PluginSpec>, std::string> open_plugin(
    const std::filesystem::path& file, const ace_dt_host_api& host_api) {
    boost::dll::shared_library library;
    std::error_code error;
    // RTLD_NOW, so a missing symbol shows up here rather than as a crash
    // in the middle of a command.
    library.load(file, error, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    if (error) {
        const char* detail = dlerror();
        return std::string("cannot be loaded: ") + (detail != nullptr ? detail : error.message());
    }

    if (!library.has(ACE_DT_PLUGIN_ENTRY_SYMBOL)) {
        return std::string("it does not export " ACE_DT_PLUGIN_ENTRY_SYMBOL ", so it is not an ace-dt plugin");
    }
    auto& entry = library.get<EntryFunction>(ACE_DT_PLUGIN_ENTRY_SYMBOL);

    const ace_dt_plugin_info* info = nullptr;
    try {
        info = entry(&host_api);
    } catch (const std::exception& exception) {
        return std::string("its entry function threw an exception: ") + exception.what();
    } catch (...) {
        return std::string("its entry function threw an exception");
    }

    try {
        return std::make_pair(std::move(library), read_plugin_info(info));
    } catch (const InvalidPlugin& invalid) {
        return std::string(invalid.what());
    }
}

std::string describe_commands(const PluginSpec& spec) {
    std::string text;
    for (const auto& command : spec.commands) {
        if (!text.empty()) text += ", ";
        text += command.path_text();
    }
    return text.empty() ? "none" : text;
}

}  // namespace

LoadResult load_plugins(const std::vector<std::filesystem::path>& directories, const ace_dt_host_api& host_api) {
    LoadResult result;
    std::set<std::filesystem::path> seen_directories;
    std::set<std::filesystem::path> seen_files;

    for (const auto& directory : directories) {
        if (!seen_directories.insert(canonical_or_same(directory)).second) continue;

        std::error_code error;
        if (!std::filesystem::is_directory(directory, error)) {
            spdlog::debug("plugin directory {} does not exist", directory.string());
            continue;
        }
        spdlog::debug("searching plugins in {}", directory.string());

        for (const auto& file : list_plugin_files(directory)) {
            if (!seen_files.insert(canonical_or_same(file)).second) continue;

            auto opened = open_plugin(file, host_api);
            if (auto* reason = std::get_if<std::string>(&opened)) {
                result.skipped.push_back({file, std::move(*reason)});
                continue;
            }

            auto& [library, spec] = std::get<0>(opened);
            const std::string summary = spec.name + " " + spec.version + " (ABI " + std::to_string(spec.abi_major) +
                                        "." + std::to_string(spec.abi_minor) + ")";
            const std::string commands = describe_commands(spec);
            if (auto conflict = result.registry.add(LoadedPlugin{std::move(spec), file})) {
                result.skipped.push_back({file, std::move(*conflict)});
                continue;
            }

            kept_libraries().push_back(std::move(library));
            spdlog::debug("loaded plugin {} from {}; commands: {}", summary, file.string(), commands);
        }
    }
    return result;
}

}  // namespace acedt::host::plugins
