// The host side of the plugin ABI: the table of functions plugins call.
#pragma once

#include <ace_dt/plugin.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace acedt::host::plugins {

/// The table passed to every entry function. It lives for the whole
/// process.
const ace_dt_host_api& host_api_table();

/// True once a write_stdout call failed because the reader of standard
/// output went away (EPIPE), as when the output is piped into `head`.
bool standard_output_closed();

/// Maximum bytes of one log or error message from a plugin; longer text is
/// cut, so a plugin cannot flood standard error with one call.
inline constexpr std::size_t kMaxPluginMessageBytes = 64 * 1024;

/// Makes text from a plugin safe to print: control characters other than
/// newline and tab, and bytes that are not valid UTF-8, become \xNN, and
/// text beyond kMaxPluginMessageBytes is cut with a note of how much.
std::string sanitize_plugin_text(std::string_view text);

}  // namespace acedt::host::plugins
