// Logging on standard error through spdlog. The host and every plugin get
// a logger of their own that share one sink, so lines never interleave.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace acedt::host::logging {

/// Name of the host's own logger, shown in its log lines.
inline constexpr const char* kHostLoggerName = "ace-dt";

/// Maps a level on the ACE_DT_LOG_* scale to the spdlog level it is shown
/// as: 12 and above debug, 8 and above info, 4 and above warn, else error.
spdlog::level::level_enum spdlog_level_for(int level);

/// Creates the host logger if needed, makes it spdlog's default logger and
/// shows only messages at or below `verbosity`.
void configure_host_logger(int verbosity);

/// Creates a logger for one plugin that shares the host's sink. It passes
/// every message on: the caller filters by the plugin's verbosity.
std::shared_ptr<spdlog::logger> make_plugin_logger(const std::string& plugin_name);

}  // namespace acedt::host::logging
