// Output of the host's own commands, `ace-dt plugins` and `ace-dt config`.
#pragma once

#include "config/loader.hpp"
#include "plugins/registry.hpp"

#include <string>

namespace acedt::host::cli {

/// One block per plugin: name, version, ABI version, description,
/// commands and file, separated by blank lines.
std::string format_plugin_list(const plugins::PluginRegistry& registry);

/// The effective configuration as a YAML document.
std::string format_configuration(const config::Configuration& configuration);

}  // namespace acedt::host::cli
