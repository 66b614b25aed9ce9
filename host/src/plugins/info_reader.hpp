// Reading and checking the ace_dt_plugin_info a plugin returns.
#pragma once

#include "plugins/specs.hpp"

#include <ace_dt/plugin.h>

#include <stdexcept>
#include <string>

namespace acedt::host::plugins {

/// A plugin description that breaks a rule of the ABI. The message states
/// the rule and the offending value.
class InvalidPlugin : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Command words the host reserves for its own commands.
bool is_builtin_command(const std::string& word);

/// Checks `info` and copies it. Reads only members that lie within each
/// table's struct_size, so tables from a newer minor version work and their
/// extra members are ignored. Arrays are stepped through with the stride
/// the plugin compiled, which is the struct_size of their first element.
/// Throws InvalidPlugin when the plugin's ABI major differs from the
/// host's or a rule is broken.
PluginSpec read_plugin_info(const ace_dt_plugin_info* info);

}  // namespace acedt::host::plugins
