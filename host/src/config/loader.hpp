// Reading the YAML configuration file.
#pragma once

#include "config/configuration.hpp"
#include "config/environment.hpp"
#include "config/search.hpp"

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace acedt::host::config {

/// A configuration that cannot be used. The message names the file, the
/// line and the key, or the environment variable, that is wrong.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The outcome of loading: the effective configuration, the file it came
/// from (nothing when built-in defaults were used) and one warning per
/// unknown key.
struct LoadedConfiguration {
    Configuration configuration;
    std::optional<std::filesystem::path> source;
    std::vector<std::string> warnings;
};

/// Returns the built-in defaults; cachePath depends on XDG_CACHE_HOME and
/// HOME.
Configuration default_configuration(const Environment& environment);

/// Parses one configuration document over `defaults`. `file_name` is used
/// in messages only. Appends one warning per unknown key to `warnings`.
/// Throws ConfigError for malformed YAML, a missing or wrong apiVersion or
/// kind, or an invalid value. An empty document leaves `defaults` as is.
Configuration parse_configuration(const std::string& text, const std::string& file_name,
                                  Configuration defaults, std::vector<std::string>& warnings);

/// Loads the first file of `list` that exists, then applies environment
/// overrides. Throws ConfigError when the list came from --config or
/// ACE_DT_CONFIG and none of its files exists, when the file cannot be
/// read, or when parse_configuration or an override fails.
LoadedConfiguration load_configuration(const SearchList& list, const Environment& environment);

}  // namespace acedt::host::config
