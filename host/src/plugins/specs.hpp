// Host-side copies of what a plugin registers. The host reads each plugin
// table once, checks it and copies it into these types; everything after
// loading works on the copies and never reads a plugin table again.
#pragma once

#include <ace_dt/plugin.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace acedt::host::plugins {

enum class FlagType { kBool, kString, kStringList, kInt };

/// One flag of a command, with its default already parsed.
struct FlagSpec {
    std::string long_name;
    char short_name = 0;  // 0 for none
    FlagType type = FlagType::kBool;
    std::string help;
    std::string value_name;  // empty when the plugin gave none
    std::string default_text;  // as the plugin wrote it; empty for NULL

    bool default_bool = false;
    std::int64_t default_int = 0;
    std::string default_string;
    std::vector<std::string> default_list;
};

struct PositionalSpec {
    std::string name;
    std::string help;
    std::uint32_t min_count = 0;
    std::uint32_t max_count = 0;  // ACE_DT_UNLIMITED for any number
};

/// One command: where it sits in the command tree and how to run it.
struct CommandSpec {
    std::vector<std::string> path;  // such as {"mirror", "diff"}
    std::string usage;
    std::string short_help;
    std::string long_help;
    std::string examples;
    std::vector<PositionalSpec> positionals;
    std::vector<FlagSpec> flags;
    ace_dt_run_fn run = nullptr;
    void* user_data = nullptr;

    /// The path joined with spaces, such as "mirror diff".
    std::string path_text() const;
};

struct GroupSpec {
    std::vector<std::string> path;
    std::string short_help;
};

/// A plugin as it describes itself.
struct PluginSpec {
    std::string name;
    std::string version;
    std::string description;
    std::uint32_t abi_major = 0;
    std::uint32_t abi_minor = 0;
    std::vector<CommandSpec> commands;
    std::vector<GroupSpec> groups;
};

/// A plugin that loaded and passed every check. Its library stays loaded
/// until the process exits.
struct LoadedPlugin {
    PluginSpec spec;
    std::filesystem::path file;
};

/// Joins words with single spaces.
std::string join_words(const std::vector<std::string>& words);

}  // namespace acedt::host::plugins
