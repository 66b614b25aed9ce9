// Help output laid out like the help of the original Go tool: description,
// Usage, Examples, Available Commands, Options and Global options.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace acedt::host::cli {

/// One row of an options table.
struct FlagHelp {
    char short_name = 0;
    std::string long_name;
    std::string value_text;  // such as "string" or "FORMAT"; empty for a bool
    std::string help;
    std::string default_text;  // such as "[table]" or "\"x\""; empty for none
};

/// Help content of one command or group. Its subcommands are not listed
/// here because the formatter reads them from the CLI11 tree.
struct CommandHelp {
    std::string description;
    std::string usage;  // the full usage line, such as "ace-dt mirror diff A [B...] [flags]"
    std::string examples;
    std::vector<FlagHelp> flags;  // without -h/--help, which every command has
};

/// Help texts by CLI11 command.
class HelpCatalog {
public:
    void set(const CLI::App* app, CommandHelp help) { entries_[app] = std::move(help); }
    const CommandHelp* find(const CLI::App* app) const;

private:
    std::map<const CLI::App*, CommandHelp> entries_;
};

/// Returns the command's path from the root, such as "ace-dt mirror diff".
std::string command_path(const CLI::App* app);

/// Renders rows as "  -o, --output strings   help (default [table])",
/// aligned on the longest left column.
std::string format_flag_table(const std::vector<FlagHelp>& rows);

/// Renders help through the catalog. Installed on the root command, so
/// every command and CLI11's own help calls use it.
class HelpFormatter : public CLI::FormatterBase {
public:
    /// `default_config_paths` is shown as the default of --config.
    HelpFormatter(std::shared_ptr<const HelpCatalog> catalog, std::vector<std::string> default_config_paths);

    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;

    /// The "Global options:" rows.
    std::vector<FlagHelp> global_options() const;

private:
    std::string available_commands(const CLI::App* app) const;

    std::shared_ptr<const HelpCatalog> catalog_;
    std::vector<std::string> default_config_paths_;
};

}  // namespace acedt::host::cli
