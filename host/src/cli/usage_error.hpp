// Command-line mistakes: reported with a hint and exit status 2.
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

namespace acedt::host::cli {

/// A command line the host cannot run. `command` is the path of the
/// command whose help the hint points to, such as "ace-dt mirror diff".
class UsageError : public std::runtime_error {
public:
    UsageError(const std::string& message, std::string command)
        : std::runtime_error(message), command_(std::move(command)) {}

    const std::string& command() const { return command_; }

private:
    std::string command_;
};

/// Returns the deepest command CLI11 selected, or `root` when none.
const CLI::App* selected_command(const CLI::App& root);

/// Converts a CLI11 parse failure into a UsageError with a plain message.
/// `root` must be the app that parsed.
UsageError to_usage_error(const CLI::ParseError& error, const CLI::App& root);

/// Writes "Error: MESSAGE" and "Run 'COMMAND --help' for usage." to stderr.
void print_usage_error(const UsageError& error);

}  // namespace acedt::host::cli
