#include "cli/builtin_commands.hpp"

#include "config/json.hpp"

#include <algorithm>

namespace acedt::host::cli {

namespace {

using plugins::DirectoryReport;
using plugins::FileReport;

std::string describe_source(plugins::DirectorySource source) {
    switch (source) {
        case plugins::DirectorySource::kEnvironment: return "from ACE_DT_PLUGIN_PATH";
        case plugins::DirectorySource::kInstallation: return "the plugin directory of this installation";
    }
    return "";
}

const char* outcome_word(FileReport::Outcome outcome) {
    switch (outcome) {
        case FileReport::Outcome::kLoaded: return "loaded";
        case FileReport::Outcome::kSkipped: return "skipped";
        case FileReport::Outcome::kDuplicate: return "duplicate";
        case FileReport::Outcome::kIgnored: return "ignored";
    }
    return "";
}

std::string describe_file(const FileReport& file) {
    switch (file.outcome) {
        case FileReport::Outcome::kDuplicate: return "the same file as " + file.detail + ", loaded once";
        default: return file.detail;
    }
}

// The line under a directory that was not searched, or empty.
std::string describe_unsearched(const DirectoryReport& report) {
    switch (report.outcome) {
        case DirectoryReport::Outcome::kMissing: return "does not exist";
        case DirectoryReport::Outcome::kNotDirectory: return "is not a directory";
        case DirectoryReport::Outcome::kDuplicate: return "already searched as " + report.detail;
        case DirectoryReport::Outcome::kUnreadable:
            return report.files.empty() ? "cannot be read: " + report.detail
                                        : "reading stopped part way: " + report.detail;
        case DirectoryReport::Outcome::kSearched: return "";
    }
    return "";
}

}  // namespace

std::string format_plugin_list(const plugins::PluginRegistry& registry) {
    std::string text;
    for (const auto& plugin : registry.plugins()) {
        const auto& spec = plugin.spec;
        if (!text.empty()) text += "\n";

        text += spec.name + " " + spec.version + "\n";
        text += "  ABI:         " + std::to_string(spec.abi_major) + "." + std::to_string(spec.abi_minor) + "\n";
        if (!spec.description.empty()) text += "  Description: " + spec.description + "\n";

        text += "  Commands:    ";
        for (std::size_t index = 0; index < spec.commands.size(); ++index) {
            if (index > 0) text += "\n               ";
            text += spec.commands[index].path_text();
        }
        text += (spec.commands.empty() ? "(none)\n" : "\n");
        text += "  File:        " + plugin.file.string() + "\n";
    }
    return text;
}

std::string format_skipped_files(const std::vector<plugins::SkippedFile>& skipped) {
    if (skipped.empty()) return "";
    std::string text = "Skipped files:\n";
    for (const auto& file : skipped) text += "  " + file.file.string() + ": " + file.reason + "\n";
    return text;
}

std::string format_search_report(const std::vector<DirectoryReport>& directories) {
    const bool variable_used = std::any_of(directories.begin(), directories.end(), [](const DirectoryReport& report) {
        return report.directory.source == plugins::DirectorySource::kEnvironment;
    });
    std::string text = "Plugin directories, in search order";
    text += variable_used ? ":\n" : " (ACE_DT_PLUGIN_PATH is not set or empty):\n";
    if (directories.empty()) text += "  (none: the location of the executable is unknown)\n";

    for (const auto& report : directories) {
        text += "  " + report.directory.path.string() + " (" + describe_source(report.directory.source) + ")\n";

        const std::string unsearched = describe_unsearched(report);
        if (!unsearched.empty()) text += "    " + unsearched + "\n";
        if (report.outcome == DirectoryReport::Outcome::kSearched && report.files.empty()) text += "    no files\n";

        for (const auto& file : report.files) {
            std::string word = outcome_word(file.outcome);
            word.resize(std::max<std::size_t>(word.size() + 1, 11), ' ');
            text += "    " + word + file.file.filename().string() + ": " + describe_file(file) + "\n";
        }
    }
    return text;
}

std::string format_configuration(const config::Configuration& configuration) {
    return config::to_yaml(config::to_json(configuration));
}

}  // namespace acedt::host::cli
