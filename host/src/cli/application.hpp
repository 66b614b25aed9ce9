// The ace-dt program: parses the command line, loads plugins and runs the
// chosen command.
#pragma once

#include "cli/command_tree.hpp"
#include "cli/help.hpp"
#include "config/environment.hpp"
#include "config/loader.hpp"
#include "logging/verbosity.hpp"
#include "plugins/loader.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace acedt::host::cli {

/// One run of the program. Returns exit statuses as plugin.h defines them:
/// 0 on success, 2 for a usage error, 130 after an interruption, 1 or the
/// command's own status on failure.
class Application {
public:
    /// `default_plugin_directory` is searched after ACE_DT_PLUGIN_PATH; an
    /// empty path searches only the variable's directories.
    Application(config::Environment environment, std::filesystem::path default_plugin_directory);

    /// Runs the program with `arguments` (without the program name).
    int run(const std::vector<std::string>& arguments);

private:
    void load_plugins(const std::vector<std::string>& normalized);
    void build_command_line();
    void add_builtin_commands();
    int dispatch(const std::vector<std::string>& trailing);

    logging::VerbositySettings resolve_verbosity() const;
    void warn_about_unknown_plugins(const logging::VerbositySettings& settings) const;
    /// Logs one warning per skipped plugin file. `ace-dt plugins` lists
    /// them in its output instead, so every other path calls this.
    void warn_about_skipped_plugins() const;
    std::optional<config::LoadedConfiguration> load_configuration() const;

    int run_plugin_command(CommandBinding& binding, const std::vector<std::string>& trailing,
                           const logging::VerbositySettings& verbosity);
    int run_config_command();
    int run_plugins_command();
    int print_help(const CLI::App* app) const;

    config::Environment environment_;
    std::filesystem::path default_plugin_directory_;
    std::vector<plugins::PluginDirectory> plugin_directories_;
    plugins::LoadResult plugins_;

    CLI::App root_;
    std::shared_ptr<HelpCatalog> catalog_;
    std::unique_ptr<CommandTree> tree_;
    CLI::App* config_command_ = nullptr;
    CLI::App* plugins_command_ = nullptr;

    // Values CLI11 writes into.
    std::vector<std::string> config_values_;
    bool recursive_ = false;
    std::vector<std::string> verbosity_values_;
    bool print_sample_ = false;
    bool list_plugins_verbosely_ = false;
};

/// Entry point of the ace-dt executable.
int run_main(int argc, char** argv);

}  // namespace acedt::host::cli
