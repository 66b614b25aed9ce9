// The ace_dt_context handed to a plugin's run callback, and running it.
#pragma once

#include "plugins/specs.hpp"

#include <ace_dt/plugin.h>
#include <spdlog/logger.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace acedt::host::plugins {

/// The value of one flag for one run: the parsed value when the user gave
/// the flag, else the default.
struct FlagValue {
    const FlagSpec* spec = nullptr;
    bool set = false;
    bool bool_value = false;
    std::int64_t int_value = 0;
    std::string string_value;
    std::vector<std::string> list_value;
    std::vector<const char*> list_pointers;  // views of list_value for the C API

    /// Returns a value holding the flag's default.
    static FlagValue from_default(const FlagSpec& spec);
};

/// Exit status when standard output was closed by its reader: 128 plus
/// SIGPIPE (13), as the shell reports a program killed by that signal.
inline constexpr int kExitStandardOutputClosed = 141;

/// Exit status and error message of one run.
struct RunOutcome {
    int exit_status = ACE_DT_EXIT_OK;
    std::string error_message;  // empty on success, and when nothing is to be printed
};

}  // namespace acedt::host::plugins

/// One command invocation. Everything the host API hands out points into
/// this object, so it must outlive the run callback. Defined in the global
/// namespace because plugin.h declares it there.
struct ace_dt_context {
    const acedt::host::plugins::LoadedPlugin* plugin = nullptr;
    const acedt::host::plugins::CommandSpec* command = nullptr;
    std::vector<std::string> positionals;
    std::vector<const char*> positional_pointers;
    std::vector<acedt::host::plugins::FlagValue> flags;
    std::string config_json;
    int verbosity = 4;
    bool recursive = false;
    std::shared_ptr<spdlog::logger> logger;

    std::mutex error_mutex;
    std::optional<std::string> error;

    /// Logs a warning that names the plugin and its file when a host
    /// function was called with a NULL it does not accept, such as a NULL
    /// message for log(). Each function is reported once per run, so a
    /// plugin that does this in a loop produces one line. Thread-safe.
    void report_null_argument(const char* function, const char* argument);

    std::mutex misuse_mutex;
    std::set<std::string> reported_functions;  // functions already named by report_null_argument

    /// Finds a flag by long name, or returns null.
    acedt::host::plugins::FlagValue* find_flag(const char* name);

    /// Points the C views at the strings; call once all values are final.
    void prepare_views();
};

namespace acedt::host::plugins {

/// Calls the command's run callback with `context` and the host table.
/// An exception escaping the plugin becomes status 1 and a message naming
/// the plugin file. An interruption (SIGINT or SIGTERM during the run)
/// becomes status 130 whatever run returned, because the command may have
/// stopped early.
RunOutcome run_command(ace_dt_context& context);

}  // namespace acedt::host::plugins
