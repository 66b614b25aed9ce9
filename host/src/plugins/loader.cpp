#include "plugins/loader.hpp"

#include "plugins/discovery.hpp"
#include "plugins/elf_check.hpp"
#include "plugins/info_reader.hpp"

#include <boost/dll/shared_library.hpp>
#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <map>
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
    if (auto truncation = find_truncation(file)) return "cannot be loaded: " + *truncation;

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

// Tries one candidate file and records the outcome in `report`.
void load_file(const std::filesystem::path& file, const ace_dt_host_api& host_api, LoadResult& result,
               DirectoryReport& report) {
    auto opened = open_plugin(file, host_api);
    if (auto* reason = std::get_if<std::string>(&opened)) {
        report.files.push_back({file, FileReport::Outcome::kSkipped, *reason});
        result.skipped.push_back({file, std::move(*reason)});
        return;
    }

    auto& [library, spec] = std::get<0>(opened);
    const std::string summary = spec.name + " " + spec.version + " (ABI " + std::to_string(spec.abi_major) + "." +
                                std::to_string(spec.abi_minor) + ")";
    const std::string commands = describe_commands(spec);
    if (auto conflict = result.registry.add(LoadedPlugin{std::move(spec), file})) {
        report.files.push_back({file, FileReport::Outcome::kSkipped, *conflict});
        result.skipped.push_back({file, std::move(*conflict)});
        return;
    }

    kept_libraries().push_back(std::move(library));
    report.files.push_back({file, FileReport::Outcome::kLoaded, summary});
    spdlog::debug("loaded plugin {} from {}; commands: {}", summary, file.string(), commands);
}

// Sets the outcome of a directory that cannot be searched and returns
// true, or returns false for a directory.
bool is_unsearchable(DirectoryReport& report) {
    const auto& path = report.directory.path;
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (status.type() == std::filesystem::file_type::not_found) {
        report.outcome = DirectoryReport::Outcome::kMissing;
        spdlog::debug("plugin directory {} does not exist", path.string());
        return true;
    }
    if (status.type() == std::filesystem::file_type::none) {
        report.outcome = DirectoryReport::Outcome::kUnreadable;
        report.detail = error.message();
        spdlog::warn("reading plugin directory {} failed: {}", path.string(), report.detail);
        return true;
    }
    if (status.type() != std::filesystem::file_type::directory) {
        report.outcome = DirectoryReport::Outcome::kNotDirectory;
        spdlog::debug("plugin directory {} is not a directory", path.string());
        return true;
    }
    return false;
}

// Loads the candidates of one directory. `seen_files` maps the canonical
// path of each file tried so far to the path it was first reached by.
void search_directory(DirectoryReport& report, const ace_dt_host_api& host_api, LoadResult& result,
                      std::map<std::filesystem::path, std::filesystem::path>& seen_files) {
    const auto& path = report.directory.path;
    spdlog::debug("searching plugins in {}", path.string());

    auto listing = list_directory(path);
    if (!listing.error.empty()) {
        report.outcome = DirectoryReport::Outcome::kUnreadable;
        report.detail = listing.error;
        spdlog::warn("reading plugin directory {} failed: {}", path.string(), listing.error);
    }

    for (auto& entry : listing.entries) {
        if (!entry.candidate) {
            report.files.push_back({entry.path, FileReport::Outcome::kIgnored, std::move(entry.reason)});
            continue;
        }
        const auto [earlier, new_file] = seen_files.emplace(canonical_or_same(entry.path), entry.path);
        if (!new_file) {
            report.files.push_back({entry.path, FileReport::Outcome::kDuplicate, earlier->second.string()});
            continue;
        }
        load_file(entry.path, host_api, result, report);
    }
}

}  // namespace

LoadResult load_plugins(const std::vector<PluginDirectory>& directories, const ace_dt_host_api& host_api) {
    LoadResult result;
    std::map<std::filesystem::path, std::filesystem::path> seen_directories;  // canonical path -> first path
    std::map<std::filesystem::path, std::filesystem::path> seen_files;

    for (const auto& directory : directories) {
        DirectoryReport& report = result.directories.emplace_back();
        report.directory = directory;

        const auto [first, inserted] = seen_directories.emplace(canonical_or_same(directory.path), directory.path);
        if (!inserted) {
            report.outcome = DirectoryReport::Outcome::kDuplicate;
            report.detail = first->second.string();
            continue;
        }
        if (is_unsearchable(report)) continue;

        search_directory(report, host_api, result, seen_files);
    }
    return result;
}

}  // namespace acedt::host::plugins
