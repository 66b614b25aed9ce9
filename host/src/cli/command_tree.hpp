// Turning plugin registrations into CLI11 commands.
#pragma once

#include "cli/help.hpp"
#include "plugins/context.hpp"
#include "plugins/registry.hpp"

#include <CLI/CLI.hpp>

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace acedt::host::cli {

/// Storage CLI11 writes one flag's values into.
struct FlagBinding {
    const plugins::FlagSpec* spec = nullptr;
    CLI::Option* option = nullptr;
    bool bool_value = false;
    std::string text;  // string and int flags; ints are parsed after CLI11
    std::vector<std::string> list;
};

/// A plugin command in the CLI11 tree and the storage of its arguments.
struct CommandBinding {
    const plugins::LoadedPlugin* plugin = nullptr;
    const plugins::CommandSpec* command = nullptr;
    CLI::App* app = nullptr;
    std::vector<std::string> positionals;
    std::deque<FlagBinding> flags;  // a deque keeps the addresses CLI11 stores valid
};

/// The plugin part of the command tree. Groups are created on demand and
/// shared between plugins.
class CommandTree {
public:
    CommandTree(CLI::App& root, HelpCatalog& catalog) : root_(root), catalog_(catalog) {}

    /// Adds every command of every plugin in `registry`, which must outlive
    /// the tree.
    void add_plugins(const plugins::PluginRegistry& registry);

    /// Returns the binding of a plugin command, or null for a group or a
    /// built-in command.
    CommandBinding* find(const CLI::App* app);

private:
    CLI::App* ensure_group(const std::vector<std::string>& path, const plugins::PluginRegistry& registry);
    void add_command(const plugins::LoadedPlugin& plugin, const plugins::CommandSpec& command,
                     const plugins::PluginRegistry& registry);

    CLI::App& root_;
    HelpCatalog& catalog_;
    std::map<std::vector<std::string>, CLI::App*> groups_;
    std::deque<CommandBinding> bindings_;
};

/// Adds a catch-all positional that collects every word after the command
/// into `values`; the host checks the counts itself.
void add_positional_catcher(CLI::App& app, std::vector<std::string>& values);

/// Returns the flag values of a parsed command: the parsed value of each
/// flag the user gave, the default of the others. Throws UsageError for
/// an integer flag whose value is not a 64-bit integer.
std::vector<plugins::FlagValue> collect_flag_values(const CommandBinding& binding);

/// Returns the positionals of a parsed command, with the words after "--"
/// appended. Throws UsageError when their count breaks the command's
/// min_count and max_count rules.
std::vector<std::string> collect_positionals(const CommandBinding& binding, const std::vector<std::string>& trailing);

/// Returns the usage line of a plugin command, such as
/// "ace-dt mirror diff MIRROR-ARTIFACT [EXISTING-IMAGE...] [flags]".
std::string usage_line(const plugins::CommandSpec& command);

/// Returns a flag's help row, with its type or value name and default.
FlagHelp flag_help(const plugins::FlagSpec& flag);

}  // namespace acedt::host::cli
