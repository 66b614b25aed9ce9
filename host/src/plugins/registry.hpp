// The set of loaded plugins and the command paths they claim.
#pragma once

#include "plugins/specs.hpp"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace acedt::host::plugins {

/// Plugins in load order. The first plugin to claim a plugin name or a
/// command path keeps it; a later plugin that claims either is rejected
/// whole. References to added plugins stay valid for the registry's life.
class PluginRegistry {
public:
    /// Adds `plugin`, or returns why it conflicts with the plugins already
    /// added or with a built-in command.
    std::optional<std::string> add(LoadedPlugin plugin);

    const std::deque<LoadedPlugin>& plugins() const { return plugins_; }

    /// Returns the help line of the group at `path` from the first plugin
    /// that describes it, or nothing.
    std::optional<std::string> group_help(const std::vector<std::string>& path) const;

private:
    std::optional<std::string> find_conflict(const LoadedPlugin& plugin) const;

    std::deque<LoadedPlugin> plugins_;
};

}  // namespace acedt::host::plugins
