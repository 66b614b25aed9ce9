#include "cli/command_tree.hpp"

#include "cli/usage_error.hpp"

#include <charconv>
#include <optional>

namespace acedt::host::cli {

namespace {

using plugins::FlagType;

std::string option_names(const plugins::FlagSpec& flag) {
    std::string names = "--" + flag.long_name;
    if (flag.short_name != 0) names = std::string("-") + flag.short_name + "," + names;
    return names;
}

std::string positional_syntax(const plugins::PositionalSpec& positional) {
    const bool many = positional.max_count > 1;
    const std::string name = positional.name + (many ? "..." : "");
    return positional.min_count > 0 ? name : "[" + name + "]";
}

std::string join_list(const std::vector<std::string>& values) {
    std::string joined;
    for (const auto& value : values) joined += (joined.empty() ? "" : ",") + value;
    return joined;
}

std::uint64_t total_min(const plugins::CommandSpec& command) {
    std::uint64_t total = 0;
    for (const auto& positional : command.positionals) total += positional.min_count;
    return total;
}

// Returns the maximum number of positionals, or nothing for unlimited.
std::optional<std::uint64_t> total_max(const plugins::CommandSpec& command) {
    std::uint64_t total = 0;
    for (const auto& positional : command.positionals) {
        if (positional.max_count == ACE_DT_UNLIMITED) return std::nullopt;
        total += positional.max_count;
    }
    return total;
}

// Names the first positional that is short of values when `count` were given.
std::string first_missing(const plugins::CommandSpec& command, std::size_t count) {
    std::uint64_t needed = 0;
    for (const auto& positional : command.positionals) {
        needed += positional.min_count;
        if (needed > count) return positional.name;
    }
    return command.positionals.back().name;
}

}  // namespace

void add_positional_catcher(CLI::App& app, std::vector<std::string>& values) {
    app.add_option("arguments", values)->expected(0, -1);
}

std::string usage_line(const plugins::CommandSpec& command) {
    std::vector<std::string> parents(command.path.begin(), command.path.end() - 1);
    const std::string prefix = "ace-dt " + (parents.empty() ? "" : plugins::join_words(parents) + " ");

    if (command.usage.empty()) {
        std::string line = prefix + command.path.back();
        for (const auto& positional : command.positionals) line += " " + positional_syntax(positional);
        return line + " [flags]";
    }

    // plugin.h documents the usage as starting with the command's own
    // name, as in "diff MIRROR-ARTIFACT". A complete line starting with
    // "ace-dt", or one without the name, is accepted too. " [flags]" is
    // added once.
    std::string usage = command.usage;
    const std::string flags_suffix = " [flags]";
    if (usage.size() >= flags_suffix.size() &&
        usage.compare(usage.size() - flags_suffix.size(), flags_suffix.size(), flags_suffix) == 0) {
        usage.erase(usage.size() - flags_suffix.size());
    }

    if (usage.rfind("ace-dt ", 0) == 0) return usage + flags_suffix;
    const std::string& name = command.path.back();
    const bool has_name = usage == name || usage.rfind(name + " ", 0) == 0;
    return prefix + (has_name ? "" : name + " ") + usage + flags_suffix;
}

FlagHelp flag_help(const plugins::FlagSpec& flag) {
    FlagHelp help;
    help.short_name = flag.short_name;
    help.long_name = flag.long_name;
    help.help = flag.help;

    switch (flag.type) {
        case FlagType::kBool:
            if (flag.default_bool) help.default_text = "true";
            break;
        case FlagType::kString:
            help.value_text = flag.value_name.empty() ? "string" : flag.value_name;
            if (!flag.default_string.empty()) help.default_text = "\"" + flag.default_string + "\"";
            break;
        case FlagType::kStringList:
            help.value_text = flag.value_name.empty() ? "strings" : flag.value_name;
            if (!flag.default_list.empty()) help.default_text = "[" + join_list(flag.default_list) + "]";
            break;
        case FlagType::kInt:
            help.value_text = flag.value_name.empty() ? "int" : flag.value_name;
            if (flag.default_int != 0) help.default_text = std::to_string(flag.default_int);
            break;
    }
    return help;
}

void CommandTree::add_plugins(const plugins::PluginRegistry& registry) {
    for (const auto& plugin : registry.plugins()) {
        for (const auto& command : plugin.spec.commands) add_command(plugin, command, registry);
    }
}

CommandBinding* CommandTree::find(const CLI::App* app) {
    for (auto& binding : bindings_) {
        if (binding.app == app) return &binding;
    }
    return nullptr;
}

CLI::App* CommandTree::ensure_group(const std::vector<std::string>& path, const plugins::PluginRegistry& registry) {
    if (path.empty()) return &root_;
    if (const auto found = groups_.find(path); found != groups_.end()) return found->second;

    CLI::App* parent = ensure_group(std::vector<std::string>(path.begin(), path.end() - 1), registry);
    const std::string description =
        registry.group_help(path).value_or("Commands under '" + plugins::join_words(path) + "'");
    CLI::App* group = parent->add_subcommand(path.back(), description);
    // At most one subcommand, so that a later word that happens to name a
    // sibling command stays a positional of the chosen command.
    group->require_subcommand(0, 1);

    catalog_.set(group, CommandHelp{description, "ace-dt " + plugins::join_words(path) + " [command]", "", {}});
    groups_[path] = group;
    return group;
}

void CommandTree::add_command(const plugins::LoadedPlugin& plugin, const plugins::CommandSpec& command,
                              const plugins::PluginRegistry& registry) {
    CLI::App* parent = ensure_group(std::vector<std::string>(command.path.begin(), command.path.end() - 1), registry);
    CLI::App* app = parent->add_subcommand(command.path.back(), command.short_help);

    CommandBinding& binding = bindings_.emplace_back();
    binding.plugin = &plugin;
    binding.command = &command;
    binding.app = app;
    add_positional_catcher(*app, binding.positionals);

    CommandHelp help{command.long_help.empty() ? command.short_help : command.long_help, usage_line(command),
                     command.examples, {}};
    for (const auto& flag : command.flags) {
        FlagBinding& flag_binding = binding.flags.emplace_back();
        flag_binding.spec = &flag;
        flag_binding.bool_value = flag.default_bool;

        const std::string names = option_names(flag);
        switch (flag.type) {
            case FlagType::kBool: flag_binding.option = app->add_flag(names, flag_binding.bool_value, flag.help); break;
            case FlagType::kString:
            case FlagType::kInt:
                flag_binding.option = app->add_option(names, flag_binding.text, flag.help)
                                          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
                break;
            case FlagType::kStringList:
                // One value per occurrence, split at commas, all occurrences kept.
                flag_binding.option = app->add_option(names, flag_binding.list, flag.help)
                                          ->delimiter(',')
                                          ->allow_extra_args(false)
                                          ->take_all();
                break;
        }
        help.flags.push_back(flag_help(flag));
    }
    catalog_.set(app, std::move(help));
}

std::vector<plugins::FlagValue> collect_flag_values(const CommandBinding& binding) {
    std::vector<plugins::FlagValue> values;
    for (const auto& flag : binding.flags) {
        plugins::FlagValue value = plugins::FlagValue::from_default(*flag.spec);
        value.set = flag.option->count() > 0;
        if (!value.set) {
            values.push_back(std::move(value));
            continue;
        }

        switch (flag.spec->type) {
            case FlagType::kBool: value.bool_value = flag.bool_value; break;
            case FlagType::kString: value.string_value = flag.text; break;
            case FlagType::kStringList: value.list_value = flag.list; break;
            case FlagType::kInt: {
                const std::string& text = flag.text;
                const char* first = text.data() + (!text.empty() && text[0] == '+' ? 1 : 0);
                const auto [end, error] = std::from_chars(first, text.data() + text.size(), value.int_value);
                if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
                    throw UsageError("invalid value \"" + text + "\" for --" + flag.spec->long_name +
                                         ": expected a 64-bit integer",
                                     command_path(binding.app));
                }
                break;
            }
        }
        values.push_back(std::move(value));
    }
    return values;
}

std::vector<std::string> collect_positionals(const CommandBinding& binding, const std::vector<std::string>& trailing) {
    std::vector<std::string> positionals = binding.positionals;
    positionals.insert(positionals.end(), trailing.begin(), trailing.end());

    const plugins::CommandSpec& command = *binding.command;
    const std::string path = command_path(binding.app);
    if (positionals.size() < total_min(command)) {
        throw UsageError("missing argument " + first_missing(command, positionals.size()) + " (requires at least " +
                             std::to_string(total_min(command)) + ", got " + std::to_string(positionals.size()) + ")",
                         path);
    }

    const auto maximum = total_max(command);
    if (maximum && positionals.size() > *maximum) {
        const std::string& extra = positionals[*maximum];
        if (*maximum == 0) {
            throw UsageError("unexpected argument \"" + extra + "\": '" + path + "' takes no arguments", path);
        }
        throw UsageError("too many arguments, starting at \"" + extra + "\": '" + path + "' takes at most " +
                             std::to_string(*maximum),
                         path);
    }
    return positionals;
}

}  // namespace acedt::host::cli
