// Verbosity levels as given with -v/--verbosity or ACE_DT_VERBOSITY.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace acedt::host::logging {

/// Levels on the ACE_DT_LOG_* scale: a message is shown when its level is
/// at or below the verbosity.
inline constexpr int kLevelError = 0;
inline constexpr int kLevelWarn = 4;
inline constexpr int kLevelInfo = 8;
inline constexpr int kLevelDebug = 12;

/// Text listing the accepted forms, for help and error messages.
inline constexpr std::string_view kAcceptedLevelForms =
    "a level (error, warn, info, debug, or a non-negative integer) or PLUGIN=LEVEL";

/// Thrown for a verbosity value that is not a level or PLUGIN=LEVEL.
class VerbosityError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The default verbosity and the per-plugin overrides.
struct VerbositySettings {
    int default_level = kLevelWarn;
    std::map<std::string, int, std::less<>> plugin_levels;

    /// Returns the plugin's own level when one was given, else the default.
    int level_for(std::string_view plugin_name) const;
};

/// Parses one level: an alias (case-insensitive) or a non-negative decimal
/// integer. Returns nothing for anything else.
std::optional<int> parse_level(std::string_view text);

/// True when `text` is a level or PLUGIN=LEVEL, or a comma-separated list
/// of those.
bool is_level_spec(std::string_view text);

/// Builds settings from option values in command-line order; a later value
/// replaces an earlier one for the same target. Each value may hold several
/// comma-separated entries. Throws VerbosityError naming the bad entry.
VerbositySettings parse_verbosity(const std::vector<std::string>& values);

/// Splits `text` at commas, keeping empty parts.
std::vector<std::string> split_commas(std::string_view text);

/// True for a plugin name: one or more ASCII letters, digits, '-' or '_'.
bool is_plugin_name(std::string_view name);

}  // namespace acedt::host::logging
