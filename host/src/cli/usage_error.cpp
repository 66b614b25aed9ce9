#include "cli/usage_error.hpp"

#include "cli/help.hpp"

#include <cstdio>

namespace acedt::host::cli {

namespace {

bool has_subcommands(const CLI::App* app) {
    return !app->get_subcommands([](const CLI::App*) { return true; }).empty();
}

// CLI11 reports unknown flags and surplus words together as "extras".
// The first one decides the message.
std::string describe_extra(const std::string& extra, const CLI::App* command) {
    const std::string path = command_path(command);
    if (extra.size() > 1 && extra.front() == '-') return "unknown flag: " + extra;
    if (has_subcommands(command)) return "unknown command \"" + extra + "\" for '" + path + "'";
    return "unexpected argument \"" + extra + "\": '" + path + "' takes no arguments";
}

// CLI11's conversion message reads "Could not convert: NAME = VALUE".
std::string describe_conversion(const std::string& message) {
    const std::string prefix = "Could not convert: ";
    const auto separator = message.find(" = ");
    if (message.rfind(prefix, 0) != 0 || separator == std::string::npos) return message;

    const std::string name = message.substr(prefix.size(), separator - prefix.size());
    const std::string value = message.substr(separator + 3);
    return "invalid value \"" + value + "\" for " + name;
}

// CLI11 reports a flag given without its value as "NAME: 1 required TEXT
// missing".
std::string describe_mismatch(const std::string& message) {
    const auto colon = message.find(": ");
    const bool missing_value = message.find("required") != std::string::npos &&
                               message.find("missing") != std::string::npos;
    if (colon == std::string::npos || !missing_value) return message;
    return "missing value for " + message.substr(0, colon);
}

}  // namespace

const CLI::App* selected_command(const CLI::App& root) {
    const CLI::App* current = &root;
    while (true) {
        const auto selected = current->get_subcommands();
        if (selected.empty()) return current;
        current = selected.front();
    }
}

UsageError to_usage_error(const CLI::ParseError& error, const CLI::App& root) {
    const CLI::App* command = selected_command(root);
    const std::string path = command_path(command);

    if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
        const auto extras = root.remaining(true);
        if (!extras.empty()) return UsageError(describe_extra(extras.front(), command), path);
    }
    if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr) {
        return UsageError(describe_conversion(error.what()), path);
    }
    if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
        return UsageError(describe_mismatch(error.what()), path);
    }
    return UsageError(error.what(), path);
}

void print_usage_error(const UsageError& error) {
    std::fprintf(stderr, "Error: %s\nRun '%s --help' for usage.\n", error.what(), error.command().c_str());
    std::fflush(stderr);
}

}  // namespace acedt::host::cli
