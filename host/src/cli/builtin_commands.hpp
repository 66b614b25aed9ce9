// Output of the host's own commands, `ace-dt plugins` and `ace-dt config`.
#pragma once

#include "config/loader.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"

#include <string>
#include <vector>

namespace acedt::host::cli {

/// One block per plugin: name, version, ABI version, description,
/// commands and file, separated by blank lines.
std::string format_plugin_list(const plugins::PluginRegistry& registry);

/// A "Skipped files:" section with one "FILE: REASON" line per file, or
/// nothing when no file was skipped.
std::string format_skipped_files(const std::vector<plugins::SkippedFile>& skipped);

/// A "Plugin directories" section: every directory in search order with
/// where it came from, and below it every entry with its outcome.
std::string format_search_report(const std::vector<plugins::DirectoryReport>& directories);

/// The effective configuration as a YAML document.
std::string format_configuration(const config::Configuration& configuration);

}  // namespace acedt::host::cli
