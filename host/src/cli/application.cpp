#include "cli/application.hpp"

#include "cli/arguments.hpp"
#include "cli/builtin_commands.hpp"
#include "cli/usage_error.hpp"
#include "config/json.hpp"
#include "config/sample.hpp"
#include "config/search.hpp"
#include "logging/logging.hpp"
#include "plugins/context.hpp"
#include "plugins/discovery.hpp"
#include "plugins/host_api.hpp"
#include "plugins/signals.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#ifndef ACE_DT_VERSION
#error "ACE_DT_VERSION must be defined"
#endif

namespace acedt::host::cli {

namespace {

constexpr const char* kPluginsVerboseHelp =
    "also list every directory searched and every file considered, with the outcome";

constexpr const char* kRootDescription =
    "ace-dt works with mirrors of container images. Its commands come from plugins;\n"
    "'ace-dt plugins' lists the plugins that are loaded.";

void write_stdout(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

void print_error(const std::string& message) {
    std::fprintf(stderr, "Error: %s\n", message.c_str());
    std::fflush(stderr);
}

// Reads the verbosity from the command line, or ACE_DT_VERBOSITY when the
// option is absent. Throws VerbosityError.
logging::VerbositySettings read_verbosity(const std::vector<std::string>& option_values,
                                          const config::Environment& environment) {
    if (!option_values.empty()) return logging::parse_verbosity(option_values);
    if (const auto variable = environment.get("ACE_DT_VERBOSITY")) {
        try {
            return logging::parse_verbosity({*variable});
        } catch (const logging::VerbosityError& error) {
            throw logging::VerbosityError(std::string("ACE_DT_VERBOSITY: ") + error.what());
        }
    }
    return {};
}

}  // namespace

Application::Application(config::Environment environment, std::filesystem::path default_plugin_directory)
    : environment_(std::move(environment)),
      default_plugin_directory_(std::move(default_plugin_directory)),
      root_(kRootDescription, "ace-dt"),
      catalog_(std::make_shared<HelpCatalog>()) {}

int Application::run(const std::vector<std::string>& arguments) {
    const SplitArguments split = normalize_arguments(arguments);
    load_plugins(split.parsed);
    build_command_line();

    // CLI11 parses a vector from its back.
    std::vector<std::string> reversed(split.parsed.rbegin(), split.parsed.rend());
    try {
        root_.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        warn_about_skipped_plugins();
        return print_help(selected_command(root_));
    } catch (const CLI::CallForVersion&) {
        warn_about_skipped_plugins();
        write_stdout(std::string("ace-dt version ") + ACE_DT_VERSION + "\n");
        return ACE_DT_EXIT_OK;
    } catch (const CLI::ParseError& error) {
        warn_about_skipped_plugins();
        print_usage_error(to_usage_error(error, root_));
        return ACE_DT_EXIT_USAGE;
    }

    try {
        return dispatch(split.trailing);
    } catch (const UsageError& error) {
        print_usage_error(error);
        return ACE_DT_EXIT_USAGE;
    }
}

void Application::load_plugins(const std::vector<std::string>& normalized) {
    // The full parse needs the plugins' commands, but loading logs at the
    // user's verbosity, so it is read here first. Invalid values are
    // reported by the full parse.
    try {
        logging::configure_host_logger(read_verbosity(find_verbosity_values(normalized), environment_).default_level);
    } catch (const logging::VerbosityError&) {
        logging::configure_host_logger(logging::kLevelWarn);
    }

    plugin_directories_ = plugins::plugin_directories(environment_, default_plugin_directory_);
    plugins_ = plugins::load_plugins(plugin_directories_, plugins::host_api_table());
}

void Application::warn_about_skipped_plugins() const {
    for (const auto& skipped : plugins_.skipped) {
        spdlog::warn("ignoring plugin file {}: {}", skipped.file.string(), skipped.reason);
    }
}

void Application::build_command_line() {
    std::vector<std::string> default_paths;
    for (const auto& path : config::default_config_paths(environment_)) default_paths.push_back(path.string());

    // Subcommands copy these settings from their parent when created, so
    // they are set before any subcommand exists. Fallthrough lets global
    // options follow a subcommand.
    root_.formatter(std::make_shared<HelpFormatter>(catalog_, std::move(default_paths)));
    root_.fallthrough();
    root_.require_subcommand(0, 1);
    root_.set_version_flag("--version", std::string("ace-dt version ") + ACE_DT_VERSION,
                           "print the version of ace-dt");

    root_.add_option("--config", config_values_)->allow_extra_args(false)->take_all();
    root_.add_flag("-r,--recursive", recursive_);
    root_.add_option("-v,--verbosity", verbosity_values_)->allow_extra_args(false)->take_all();

    catalog_->set(&root_, CommandHelp{kRootDescription, "ace-dt [command]", "",
                                      {{0, "version", "", "print the version of ace-dt", ""}}});

    add_builtin_commands();
    tree_ = std::make_unique<CommandTree>(root_, *catalog_);
    tree_->add_plugins(plugins_.registry);
}

void Application::add_builtin_commands() {
    config_command_ = root_.add_subcommand("config", "Print the effective configuration or a sample file");
    config_command_->add_flag("--sample", print_sample_, "print a commented sample configuration file");
    catalog_->set(config_command_,
                  CommandHelp{"Print the effective configuration as YAML: the configuration file found first,\n"
                              "with defaults filled in and environment variables applied. With --sample,\n"
                              "print a commented configuration file to start from instead.",
                              "ace-dt config [flags]",
                              "Show the configuration that commands use:\n"
                              "ace-dt config\n"
                              "\n"
                              "Start a configuration file from the sample:\n"
                              "ace-dt config --sample > ace-dt-config.yaml",
                              {{0, "sample", "", "print a commented sample configuration file", ""}}});

    plugins_command_ = root_.add_subcommand("plugins", "List the loaded plugins and their commands");
    plugins_command_->add_flag("--verbose", list_plugins_verbosely_, kPluginsVerboseHelp);
    catalog_->set(plugins_command_,
                  CommandHelp{"List the loaded plugins: name, version, ABI version, commands and file.\n"
                              "Then list the plugin files that were skipped and why. With --verbose, also\n"
                              "list every directory searched, in order, and every file in it with what\n"
                              "happened to it: loaded, skipped, ignored or a duplicate.",
                              "ace-dt plugins [flags]",
                              "See why a plugin does not load:\n"
                              "ace-dt plugins --verbose\n"
                              "\n"
                              "Try plugins from another directory first:\n"
                              "ACE_DT_PLUGIN_PATH=$HOME/my-plugins ace-dt plugins",
                              {{0, "verbose", "", kPluginsVerboseHelp, ""}}});
}

int Application::dispatch(const std::vector<std::string>& trailing) {
    const logging::VerbositySettings verbosity = resolve_verbosity();
    logging::configure_host_logger(verbosity.default_level);
    warn_about_unknown_plugins(verbosity);

    const CLI::App* selected = selected_command(root_);
    // `ace-dt plugins` lists skipped files in its output instead.
    if (selected != plugins_command_ || !trailing.empty()) warn_about_skipped_plugins();
    if (CommandBinding* binding = tree_->find(selected)) return run_plugin_command(*binding, trailing, verbosity);

    if (!trailing.empty()) {
        const bool takes_commands = selected != config_command_ && selected != plugins_command_;
        const std::string path = command_path(selected);
        throw UsageError(takes_commands ? "unknown command \"" + trailing.front() + "\" for '" + path + "'"
                                        : "unexpected argument \"" + trailing.front() + "\": '" + path +
                                              "' takes no arguments",
                         path);
    }
    if (selected == config_command_) return run_config_command();
    if (selected == plugins_command_) return run_plugins_command();

    // The root or a group without a subcommand: show what it offers.
    return print_help(selected);
}

logging::VerbositySettings Application::resolve_verbosity() const {
    try {
        return read_verbosity(verbosity_values_, environment_);
    } catch (const logging::VerbosityError& error) {
        throw UsageError(error.what(), command_path(selected_command(root_)));
    }
}

void Application::warn_about_unknown_plugins(const logging::VerbositySettings& settings) const {
    // A plain name for the key, because clang 14 (used by clang-tidy) rejects a
    // lambda that captures a structured binding.
    for (const auto& entry : settings.plugin_levels) {
        const std::string& name = entry.first;
        const auto& loaded = plugins_.registry.plugins();
        const bool known = std::any_of(loaded.begin(), loaded.end(),
                                       [&](const plugins::LoadedPlugin& plugin) { return plugin.spec.name == name; });
        if (!known) spdlog::warn("verbosity is set for plugin {}, but no plugin of that name is loaded", name);
    }
}

std::optional<config::LoadedConfiguration> Application::load_configuration() const {
    const auto search_list = config::resolve_search_list(config_values_, environment_);
    try {
        auto loaded = config::load_configuration(search_list, environment_);
        for (const auto& warning : loaded.warnings) spdlog::warn("{}", warning);

        if (loaded.source) {
            spdlog::info("using configuration file {}", loaded.source->string());
        } else {
            spdlog::info("no configuration file found; using built-in defaults");
        }
        return loaded;
    } catch (const config::ConfigError& error) {
        print_error(error.what());
        return std::nullopt;
    }
}

int Application::run_plugin_command(CommandBinding& binding, const std::vector<std::string>& trailing,
                                    const logging::VerbositySettings& verbosity) {
    // Argument checks come first: a usage error must not depend on the
    // configuration.
    auto flags = collect_flag_values(binding);
    auto positionals = collect_positionals(binding, trailing);

    const auto configuration = load_configuration();
    if (!configuration) return ACE_DT_EXIT_FAILURE;

    ace_dt_context context;
    context.plugin = binding.plugin;
    context.command = binding.command;
    context.positionals = std::move(positionals);
    context.flags = std::move(flags);
    context.config_json = boost::json::serialize(config::to_json(configuration->configuration));
    context.verbosity = verbosity.level_for(binding.plugin->spec.name);
    context.recursive = recursive_;
    context.logger = logging::make_plugin_logger(binding.plugin->spec.name);
    context.prepare_views();

    spdlog::debug("running command \"{}\" of plugin {}", binding.command->path_text(), binding.plugin->spec.name);
    plugins::install_interrupt_handlers();
    const plugins::RunOutcome outcome = plugins::run_command(context);

    std::fflush(stdout);
    if (outcome.exit_status != ACE_DT_EXIT_OK && !outcome.error_message.empty()) print_error(outcome.error_message);
    return outcome.exit_status;
}

int Application::run_config_command() {
    if (print_sample_) {
        write_stdout(std::string(config::sample_configuration()));
        return ACE_DT_EXIT_OK;
    }

    const auto configuration = load_configuration();
    if (!configuration) return ACE_DT_EXIT_FAILURE;
    write_stdout(format_configuration(configuration->configuration));
    return ACE_DT_EXIT_OK;
}

int Application::run_plugins_command() {
    if (plugins_.registry.plugins().empty()) {
        std::string searched;
        for (const auto& directory : plugin_directories_) {
            searched += (searched.empty() ? "" : ", ") + directory.path.string();
        }
        spdlog::warn("no plugins loaded; searched: {}{}", searched.empty() ? "(no directories)" : searched,
                     list_plugins_verbosely_ ? "" : "; 'ace-dt plugins --verbose' lists every file considered");
    }

    std::string text = format_plugin_list(plugins_.registry);
    const std::string skipped = format_skipped_files(plugins_.skipped);
    if (!skipped.empty()) text += (text.empty() ? "" : "\n") + skipped;
    if (list_plugins_verbosely_) text += (text.empty() ? "" : "\n") + format_search_report(plugins_.directories);
    write_stdout(text);
    return ACE_DT_EXIT_OK;
}

int Application::print_help(const CLI::App* app) const {
    write_stdout(app->help());
    return ACE_DT_EXIT_OK;
}

int run_main(int argc, char** argv) {
    plugins::ignore_sigpipe();

    std::vector<std::string> arguments(argv + (argc > 0 ? 1 : 0), argv + argc);
    const auto executable = plugins::executable_path();
    const auto plugin_directory = executable.empty() ? std::filesystem::path() : plugins::default_plugin_directory(executable);

    Application application(config::Environment::process(), plugin_directory);
    const int status = application.run(arguments);
    std::fflush(stdout);
    return status;
}

}  // namespace acedt::host::cli
