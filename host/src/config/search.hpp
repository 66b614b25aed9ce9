// Where the configuration file is looked for.
#pragma once

#include "config/environment.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acedt::host::config {

/// Where a list of configuration paths came from. It decides what happens
/// when none of the files exists.
enum class SearchOrigin {
    kDefault,      // built-in list: no file means built-in defaults
    kEnvironment,  // ACE_DT_CONFIG: no file is an error
    kOption,       // --config: no file is an error
};

/// The configuration files to try, in order; the first one present wins.
struct SearchList {
    std::vector<std::filesystem::path> paths;
    SearchOrigin origin = SearchOrigin::kDefault;
};

/// Returns ace-dt-config.yaml, XDG_CONFIG_HOME/ace/dt/config.yaml (with
/// ~/.config when XDG_CONFIG_HOME is unset) and /etc/ace/dt/config.yaml.
std::vector<std::filesystem::path> default_config_paths(const Environment& environment);

/// Builds the list: --config values replace ACE_DT_CONFIG (colon
/// separated), which replaces the default list. Empty entries are skipped.
SearchList resolve_search_list(const std::vector<std::string>& option_values,
                               const Environment& environment);

/// Returns the first path that exists, whatever its type, or nothing.
std::optional<std::filesystem::path> first_present(const SearchList& list);

}  // namespace acedt::host::config
