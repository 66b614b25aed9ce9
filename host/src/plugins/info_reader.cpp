#include "plugins/info_reader.hpp"

#include "logging/verbosity.hpp"

#include <charconv>
#include <cstddef>
#include <cstring>
#include <set>

namespace acedt::host::plugins {

namespace {

// Size of each table as ABI 1.0 defines it: up to the end of its last 1.0
// member. A table whose struct_size is smaller lacks required members.
template <typename Table>
constexpr std::size_t minimum_size();
template <>
constexpr std::size_t minimum_size<ace_dt_plugin_info>() {
    return offsetof(ace_dt_plugin_info, group_count) + sizeof(std::size_t);
}
template <>
constexpr std::size_t minimum_size<ace_dt_command>() {
    return offsetof(ace_dt_command, user_data) + sizeof(void*);
}
template <>
constexpr std::size_t minimum_size<ace_dt_flag>() {
    return offsetof(ace_dt_flag, value_name) + sizeof(const char*);
}
template <>
constexpr std::size_t minimum_size<ace_dt_positional>() {
    return offsetof(ace_dt_positional, max_count) + sizeof(std::uint32_t);
}
template <>
constexpr std::size_t minimum_size<ace_dt_group>() {
    return offsetof(ace_dt_group, short_help) + sizeof(const char*);
}

std::string in_quotes(const std::string& text) { return "\"" + text + "\""; }

// Copies a table into a zeroed host struct, reading no byte at or beyond
// the plugin's struct_size. Members the plugin did not compile stay zero.
template <typename Table>
Table copy_table(const void* address, const std::string& label) {
    std::size_t struct_size = 0;
    std::memcpy(&struct_size, address, sizeof struct_size);
    if (struct_size < minimum_size<Table>()) {
        throw InvalidPlugin(label + ": struct_size is " + std::to_string(struct_size) + ", smaller than the " +
                            std::to_string(minimum_size<Table>()) + " bytes of ABI 1.0");
    }

    Table copy{};
    std::memcpy(&copy, address, std::min(struct_size, sizeof(Table)));
    return copy;
}

// Copies an array whose element size is the plugin's struct_size, which
// may differ from the host's sizeof when the plugin used another minor
// version.
template <typename Table>
std::vector<Table> copy_array(const Table* first, std::size_t count, const std::string& label) {
    std::vector<Table> tables;
    if (count == 0) return tables;
    if (first == nullptr) throw InvalidPlugin(label + " is NULL but its count is " + std::to_string(count));

    const auto* bytes = reinterpret_cast<const unsigned char*>(first);
    const Table head = copy_table<Table>(bytes, label + "[0]");
    const std::size_t stride = head.struct_size;

    for (std::size_t index = 0; index < count; ++index) {
        const std::string item = label + "[" + std::to_string(index) + "]";
        const Table table = copy_table<Table>(bytes + index * stride, item);
        if (table.struct_size != stride) {
            throw InvalidPlugin(item + ": struct_size is " + std::to_string(table.struct_size) + ", but " + label +
                                "[0] has " + std::to_string(stride) + "; all elements must have the same size");
        }
        tables.push_back(table);
    }
    return tables;
}

std::string require_string(const char* value, const std::string& label) {
    if (value == nullptr) throw InvalidPlugin(label + " is NULL");
    return value;
}

std::string optional_string(const char* value) { return value != nullptr ? value : ""; }

bool is_word(const std::string& word) {
    return logging::is_plugin_name(word) && word.front() != '-';
}

// Splits a command path at single spaces; every word must be a valid name.
std::vector<std::string> split_path(const std::string& path, const std::string& label) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto space = path.find(' ', start);
        if (space == std::string::npos) space = path.size();
        words.push_back(path.substr(start, space - start));
        start = space + 1;
    }

    for (const auto& word : words) {
        if (!is_word(word)) {
            throw InvalidPlugin(label + " " + in_quotes(path) +
                                " is invalid: expected words of letters, digits, '-' and '_' separated by "
                                "single spaces");
        }
    }
    return words;
}

std::optional<std::int64_t> parse_int(const std::string& text) {
    std::int64_t value = 0;
    const char* first = text.data() + (!text.empty() && text[0] == '+' ? 1 : 0);
    const auto [end, error] = std::from_chars(first, text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

void parse_flag_default(FlagSpec& flag, const std::string& label) {
    const std::string& text = flag.default_text;
    switch (flag.type) {
        case FlagType::kBool:
            if (text == "true") {
                flag.default_bool = true;
            } else if (!text.empty() && text != "false") {
                throw InvalidPlugin(label + ": default " + in_quotes(text) + " is not \"true\" or \"false\"");
            }
            break;
        case FlagType::kInt:
            if (!text.empty()) {
                const auto value = parse_int(text);
                if (!value) throw InvalidPlugin(label + ": default " + in_quotes(text) + " is not a 64-bit integer");
                flag.default_int = *value;
            }
            break;
        case FlagType::kString: flag.default_string = text; break;
        case FlagType::kStringList:
            if (!text.empty()) flag.default_list = logging::split_commas(text);
            break;
    }
}

// Names the host's global options and help flag take; a command flag may
// not reuse them.
bool is_reserved_long_name(const std::string& name) {
    return name == "help" || name == "config" || name == "recursive" || name == "verbosity";
}
bool is_reserved_short_name(char name) { return name == 'h' || name == 'r' || name == 'v'; }

bool is_ascii_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

FlagSpec read_flag(const ace_dt_flag& table, const std::string& label) {
    FlagSpec flag;
    flag.long_name = require_string(table.long_name, label + ".long_name");
    const std::string named = label + " (--" + flag.long_name + ")";
    if (!is_word(flag.long_name)) {
        throw InvalidPlugin(named + ": long_name must be letters, digits, '-' and '_', not starting with '-'");
    }
    if (is_reserved_long_name(flag.long_name)) {
        throw InvalidPlugin(named + ": --" + flag.long_name + " is reserved by the host");
    }

    flag.short_name = table.short_name;
    if (flag.short_name != 0 && !is_ascii_alnum(flag.short_name)) {
        throw InvalidPlugin(named + ": short_name must be an ASCII letter or digit, or 0");
    }
    if (is_reserved_short_name(flag.short_name)) {
        throw InvalidPlugin(named + ": -" + std::string(1, flag.short_name) + " is reserved by the host");
    }

    if (table.type < ACE_DT_FLAG_BOOL || table.type > ACE_DT_FLAG_INT) {
        throw InvalidPlugin(named + ": unknown type " + std::to_string(table.type));
    }
    flag.type = static_cast<FlagType>(table.type);
    flag.help = require_string(table.help, named + ".help");
    flag.value_name = optional_string(table.value_name);
    flag.default_text = optional_string(table.default_value);
    parse_flag_default(flag, named);
    return flag;
}

std::vector<FlagSpec> read_flags(const ace_dt_command& command, const std::string& label) {
    std::vector<FlagSpec> flags;
    std::set<std::string> long_names;
    std::set<char> short_names;

    const auto tables = copy_array(command.flags, command.flag_count, label + ".flags");
    for (std::size_t index = 0; index < tables.size(); ++index) {
        FlagSpec flag = read_flag(tables[index], label + ".flags[" + std::to_string(index) + "]");
        if (!long_names.insert(flag.long_name).second) {
            throw InvalidPlugin(label + ": flag --" + flag.long_name + " is declared twice");
        }
        if (flag.short_name != 0 && !short_names.insert(flag.short_name).second) {
            throw InvalidPlugin(label + ": short flag -" + std::string(1, flag.short_name) + " is declared twice");
        }
        flags.push_back(std::move(flag));
    }
    return flags;
}

std::vector<PositionalSpec> read_positionals(const ace_dt_command& command, const std::string& label) {
    std::vector<PositionalSpec> positionals;
    const auto tables = copy_array(command.positionals, command.positional_count, label + ".positionals");
    for (std::size_t index = 0; index < tables.size(); ++index) {
        const std::string item = label + ".positionals[" + std::to_string(index) + "]";
        PositionalSpec positional;
        positional.name = require_string(tables[index].name, item + ".name");
        positional.help = optional_string(tables[index].help);
        positional.min_count = tables[index].min_count;
        positional.max_count = tables[index].max_count;

        const std::string named = item + " (" + positional.name + ")";
        if (positional.max_count == 0 || positional.max_count < positional.min_count) {
            throw InvalidPlugin(named + ": max_count must be at least 1 and at least min_count");
        }
        // An optional positional has max_count above min_count too, so this
        // also keeps required positionals from following optional ones.
        if (positional.max_count > positional.min_count && index + 1 < tables.size()) {
            throw InvalidPlugin(named + ": only the last positional may take a variable number of values");
        }
        positionals.push_back(std::move(positional));
    }
    return positionals;
}

CommandSpec read_command(const ace_dt_command& table, const std::string& label) {
    CommandSpec command;
    const std::string path = require_string(table.path, label + ".path");
    command.path = split_path(path, label + ".path");

    const std::string named = "command " + in_quotes(path);
    command.usage = optional_string(table.usage);
    command.short_help = require_string(table.short_help, named + ": short_help");
    command.long_help = optional_string(table.long_help);
    command.examples = optional_string(table.examples);
    command.positionals = read_positionals(table, named);
    command.flags = read_flags(table, named);
    if (table.run == nullptr) throw InvalidPlugin(named + ": run is NULL");
    command.run = table.run;
    command.user_data = table.user_data;
    return command;
}

bool is_prefix(const std::vector<std::string>& prefix, const std::vector<std::string>& path) {
    return prefix.size() < path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

void check_command_paths(const std::vector<CommandSpec>& commands) {
    for (std::size_t i = 0; i < commands.size(); ++i) {
        for (std::size_t j = 0; j < commands.size(); ++j) {
            if (i != j && commands[i].path == commands[j].path) {
                throw InvalidPlugin("command " + in_quotes(commands[i].path_text()) + " is declared twice");
            }
            if (is_prefix(commands[i].path, commands[j].path)) {
                throw InvalidPlugin("command " + in_quotes(commands[i].path_text()) + " is also the group of " +
                                    in_quotes(commands[j].path_text()));
            }
        }
    }
}

}  // namespace

bool is_builtin_command(const std::string& word) { return word == "config" || word == "plugins"; }

PluginSpec read_plugin_info(const ace_dt_plugin_info* info) {
    if (info == nullptr) throw InvalidPlugin("the entry function returned NULL");

    // The major version decides the layout of everything after it, so it
    // is checked before any other member.
    if (ACE_DT_HAS_MEMBER(info, ace_dt_plugin_info, abi_major) && info->abi_major != ACE_DT_ABI_MAJOR) {
        throw InvalidPlugin("built for ABI " + std::to_string(info->abi_major) + "." +
                            std::to_string(info->abi_minor) + ", but this host implements ABI " +
                            std::to_string(ACE_DT_ABI_MAJOR) + "." + std::to_string(ACE_DT_ABI_MINOR) +
                            " and loads only plugins of major version " + std::to_string(ACE_DT_ABI_MAJOR));
    }
    const auto table = copy_table<ace_dt_plugin_info>(info, "ace_dt_plugin_info");

    PluginSpec spec;
    spec.abi_major = table.abi_major;
    spec.abi_minor = table.abi_minor;
    spec.name = require_string(table.name, "ace_dt_plugin_info.name");
    if (!logging::is_plugin_name(spec.name)) {
        throw InvalidPlugin("plugin name " + in_quotes(spec.name) + " is invalid: expected letters, digits, '-' and '_'");
    }
    spec.version = require_string(table.version, "ace_dt_plugin_info.version");
    spec.description = optional_string(table.description);

    const auto commands = copy_array(table.commands, table.command_count, "ace_dt_plugin_info.commands");
    for (std::size_t index = 0; index < commands.size(); ++index) {
        spec.commands.push_back(read_command(commands[index], "commands[" + std::to_string(index) + "]"));
    }
    check_command_paths(spec.commands);

    const auto groups = copy_array(table.groups, table.group_count, "ace_dt_plugin_info.groups");
    for (std::size_t index = 0; index < groups.size(); ++index) {
        const std::string label = "groups[" + std::to_string(index) + "]";
        GroupSpec group;
        group.path = split_path(require_string(groups[index].path, label + ".path"), label + ".path");
        group.short_help = require_string(groups[index].short_help, label + ".short_help");
        spec.groups.push_back(std::move(group));
    }
    return spec;
}

}  // namespace acedt::host::plugins
