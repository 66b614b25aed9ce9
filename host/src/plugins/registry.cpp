#include "plugins/registry.hpp"

#include "plugins/info_reader.hpp"

#include <algorithm>

namespace acedt::host::plugins {

namespace {

bool is_strict_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
    return prefix.size() < path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

std::string owner(const LoadedPlugin& plugin) {
    return "plugin " + plugin.spec.name + " (" + plugin.file.string() + ")";
}

}  // namespace

std::optional<std::string> PluginRegistry::add(LoadedPlugin plugin) {
    if (auto conflict = find_conflict(plugin)) return conflict;
    plugins_.push_back(std::move(plugin));
    return std::nullopt;
}

std::optional<std::string> PluginRegistry::group_help(const std::vector<std::string>& path) const {
    for (const auto& plugin : plugins_) {
        for (const auto& group : plugin.spec.groups) {
            if (group.path == path) return group.short_help;
        }
    }
    return std::nullopt;
}

std::optional<std::string> PluginRegistry::find_conflict(const LoadedPlugin& plugin) const {
    for (const auto& command : plugin.spec.commands) {
        if (is_builtin_command(command.path.front())) {
            return "command \"" + command.path_text() + "\" clashes with the built-in command \"" +
                   command.path.front() + "\"";
        }
    }

    for (const auto& existing : plugins_) {
        if (existing.spec.name == plugin.spec.name) {
            return "plugin name \"" + plugin.spec.name + "\" is already taken by " + owner(existing);
        }

        for (const auto& taken : existing.spec.commands) {
            for (const auto& command : plugin.spec.commands) {
                const std::string path = "\"" + command.path_text() + "\"";
                if (taken.path == command.path) {
                    return "command " + path + " is already provided by " + owner(existing);
                }
                if (is_strict_prefix(taken.path, command.path)) {
                    return "command " + path + " would be below \"" + taken.path_text() + "\", which is a command of " +
                           owner(existing);
                }
                if (is_strict_prefix(command.path, taken.path)) {
                    return "command " + path + " is already a group that contains \"" + taken.path_text() +
                           "\" of " + owner(existing);
                }
            }
        }
    }
    return std::nullopt;
}

}  // namespace acedt::host::plugins
