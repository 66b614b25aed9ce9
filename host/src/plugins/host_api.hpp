// The host side of the plugin ABI: the table of functions plugins call.
#pragma once

#include <ace_dt/plugin.h>

namespace acedt::host::plugins {

/// The table passed to every entry function. It lives for the whole
/// process.
const ace_dt_host_api& host_api_table();

/// True once a write_stdout call failed because the reader of standard
/// output went away (EPIPE), as when the output is piped into `head`.
bool standard_output_closed();

}  // namespace acedt::host::plugins
