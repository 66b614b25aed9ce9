// Rewriting the command line before CLI11 parses it.
#pragma once

#include <string>
#include <vector>

namespace acedt::host::cli {

/// The command line split at the first "--".
struct SplitArguments {
    std::vector<std::string> parsed;  // before "--": options and commands
    std::vector<std::string> trailing;  // after "--": positionals only
};

/// Prepares arguments (without the program name) for CLI11:
///  - -v and --verbosity take an optional value, which CLI11 cannot
///    express. They take the next word as the value unless it starts with
///    '-' or there is none, in which case they become --verbosity=warn.
///    -vLEVEL and -v=LEVEL become --verbosity=LEVEL.
///  - Everything after the first "--" goes to `trailing`. CLI11 ends a
///    subcommand at "--" once its required positionals are filled, so the
///    host hands these to the command itself.
SplitArguments normalize_arguments(const std::vector<std::string>& arguments);

/// Returns the values of --verbosity in normalized arguments, in order,
/// without checking them. Used to set the log level before the full parse.
std::vector<std::string> find_verbosity_values(const std::vector<std::string>& normalized);

}  // namespace acedt::host::cli
