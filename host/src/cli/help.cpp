#include "cli/help.hpp"

#include <algorithm>
#include <sstream>

namespace acedt::host::cli {

namespace {

std::string left_column(const FlagHelp& row) {
    std::string text = row.short_name != 0 ? std::string("  -") + row.short_name + ", " : std::string(6, ' ');
    text += "--" + row.long_name;
    if (!row.value_text.empty()) text += " " + row.value_text;
    return text;
}

// Indents every line but the first by `indent` spaces.
std::string indent_continuation(const std::string& text, std::size_t indent) {
    std::string result;
    for (const char c : text) {
        result += c;
        if (c == '\n') result += std::string(indent, ' ');
    }
    return result;
}

std::string indent_lines(const std::string& text, const std::string& prefix) {
    std::istringstream lines(text);
    std::string line;
    std::string result;
    while (std::getline(lines, line)) result += line.empty() ? "\n" : prefix + line + "\n";
    return result;
}

std::string trim_trailing_newlines(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

const CommandHelp* HelpCatalog::find(const CLI::App* app) const {
    const auto found = entries_.find(app);
    return found != entries_.end() ? &found->second : nullptr;
}

std::string command_path(const CLI::App* app) {
    std::vector<std::string> names;
    for (const CLI::App* current = app; current != nullptr; current = current->get_parent()) {
        names.push_back(current->get_name());
    }

    std::string path;
    for (auto name = names.rbegin(); name != names.rend(); ++name) {
        if (!path.empty()) path += ' ';
        path += *name;
    }
    return path;
}

std::string format_flag_table(const std::vector<FlagHelp>& rows) {
    std::size_t width = 0;
    for (const auto& row : rows) width = std::max(width, left_column(row).size());

    std::string table;
    for (const auto& row : rows) {
        const std::string left = left_column(row);
        std::string help = row.help;
        if (!row.default_text.empty()) help += " (default " + row.default_text + ")";

        table += left + std::string(width - left.size() + 3, ' ');
        table += indent_continuation(help, width + 3) + "\n";
    }
    return table;
}

HelpFormatter::HelpFormatter(std::shared_ptr<const HelpCatalog> catalog, std::vector<std::string> default_config_paths)
    : catalog_(std::move(catalog)), default_config_paths_(std::move(default_config_paths)) {}

std::vector<FlagHelp> HelpFormatter::global_options() const {
    std::string paths;
    for (const auto& path : default_config_paths_) paths += (paths.empty() ? "" : ",") + path;

    return {
        {0, "config", "stringArray",
         "configuration file to read, repeatable (also set by\n"
         "ACE_DT_CONFIG, a colon-separated list). The first file that\n"
         "exists is used, the others are ignored.\n",
         "[" + paths + "]"},
        {'r', "recursive", "", "include the referrers of images, recursively", ""},
        {'v', "verbosity", "strings[=warn]",
         "log verbosity as LEVEL or PLUGIN=LEVEL, repeatable or comma\n"
         "separated (also set by ACE_DT_VERBOSITY). Levels: error=0,\n"
         "warn=4, info=8, debug=12, or a number",
         "[warn]"},
    };
}

std::string HelpFormatter::available_commands(const CLI::App* app) const {
    auto subcommands = app->get_subcommands([](const CLI::App*) { return true; });
    if (subcommands.empty()) return "";

    std::sort(subcommands.begin(), subcommands.end(),
              [](const CLI::App* left, const CLI::App* right) { return left->get_name() < right->get_name(); });

    std::size_t width = 11;
    for (const auto* subcommand : subcommands) width = std::max(width, subcommand->get_name().size() + 2);

    std::string text = "Available Commands:\n";
    for (const auto* subcommand : subcommands) {
        const std::string& name = subcommand->get_name();
        text += "  " + name + std::string(width - name.size(), ' ') + subcommand->get_description() + "\n";
    }
    return text;
}

std::string HelpFormatter::make_help(const CLI::App* app, std::string, CLI::AppFormatMode) const {
    const CommandHelp* help = catalog_->find(app);
    const CommandHelp fallback{app->get_description(), command_path(app) + " [flags]", "", {}};
    if (help == nullptr) help = &fallback;

    const bool is_group = !app->get_subcommands([](const CLI::App*) { return true; }).empty();
    std::string text;
    if (!help->description.empty()) text += trim_trailing_newlines(help->description) + "\n\n";
    text += "Usage:\n  " + help->usage + "\n\n";

    if (!help->examples.empty()) text += "Examples:\n" + indent_lines(trim_trailing_newlines(help->examples), "  ") + "\n";
    if (is_group) text += available_commands(app) + "\n";

    std::vector<FlagHelp> own_flags = help->flags;
    own_flags.push_back({'h', "help", "", "show help for " + app->get_name(), ""});
    std::sort(own_flags.begin(), own_flags.end(),
              [](const FlagHelp& left, const FlagHelp& right) { return left.long_name < right.long_name; });
    text += "Options:\n" + format_flag_table(own_flags) + "\n";
    text += "Global options:\n" + format_flag_table(global_options());

    if (is_group) {
        text += "\nRun '" + command_path(app) + " COMMAND --help' for help on a command.\n";
    }
    return text;
}

}  // namespace acedt::host::cli
