#include "plugins/host_api.hpp"

#include "logging/logging.hpp"
#include "plugins/context.hpp"
#include "plugins/signals.hpp"

#include <cstdio>
#include <atomic>
#include <cerrno>
#include <mutex>

#ifndef ACE_DT_VERSION
#error "ACE_DT_VERSION must be defined"
#endif

namespace acedt::host::plugins {

namespace {

// Every function checks its pointers, because a NULL from a plugin must
// give an error code rather than a crash in the host. A NULL where the
// header requires a value is also reported once per run and function
// (report_null_argument), so the plugin's author learns about it.

// Reports a NULL required argument; returns true when `value` is NULL.
bool is_null_argument(ace_dt_context* context, const void* value, const char* function, const char* argument) {
    if (value != nullptr) return false;
    if (context != nullptr) context->report_null_argument(function, argument);
    return true;
}

const char* const* get_positionals(ace_dt_context* context, size_t* count) {
    static const char* const empty[] = {nullptr};
    if (context == nullptr) {
        if (count != nullptr) *count = 0;
        return empty;
    }
    if (count != nullptr) *count = context->positionals.size();
    return context->positional_pointers.data();
}

FlagValue* find_typed_flag(ace_dt_context* context, const char* name, FlagType type, const char* function) {
    if (context == nullptr || is_null_argument(context, name, function, "name")) return nullptr;
    FlagValue* flag = context->find_flag(name);
    return flag != nullptr && flag->spec->type == type ? flag : nullptr;
}

int flag_bool(ace_dt_context* context, const char* name, int* value) {
    FlagValue* flag = find_typed_flag(context, name, FlagType::kBool, "flag_bool");
    if (flag == nullptr || is_null_argument(context, value, "flag_bool", "value")) return -1;
    *value = flag->bool_value ? 1 : 0;
    return 0;
}

int flag_string(ace_dt_context* context, const char* name, const char** value) {
    FlagValue* flag = find_typed_flag(context, name, FlagType::kString, "flag_string");
    if (flag == nullptr || is_null_argument(context, value, "flag_string", "value")) return -1;
    *value = flag->string_value.c_str();
    return 0;
}

int flag_string_list(ace_dt_context* context, const char* name, const char* const** values, size_t* count) {
    FlagValue* flag = find_typed_flag(context, name, FlagType::kStringList, "flag_string_list");
    if (flag == nullptr || is_null_argument(context, values, "flag_string_list", "values") ||
        is_null_argument(context, count, "flag_string_list", "count")) {
        return -1;
    }
    *values = flag->list_pointers.data();
    *count = flag->list_value.size();
    return 0;
}

int flag_int(ace_dt_context* context, const char* name, int64_t* value) {
    FlagValue* flag = find_typed_flag(context, name, FlagType::kInt, "flag_int");
    if (flag == nullptr || is_null_argument(context, value, "flag_int", "value")) return -1;
    *value = flag->int_value;
    return 0;
}

int flag_is_set(ace_dt_context* context, const char* name) {
    if (context == nullptr || is_null_argument(context, name, "flag_is_set", "name")) return -1;
    const FlagValue* flag = context->find_flag(name);
    if (flag == nullptr) return -1;
    return flag->set ? 1 : 0;
}

const char* config_json(ace_dt_context* context) {
    return context != nullptr ? context->config_json.c_str() : "{}";
}

int verbosity(ace_dt_context* context) { return context != nullptr ? context->verbosity : 0; }

int recursive(ace_dt_context* context) { return context != nullptr && context->recursive ? 1 : 0; }

void log(ace_dt_context* context, int level, const char* message) {
    if (context == nullptr || is_null_argument(context, message, "log", "message")) return;
    if (level > context->verbosity) return;
    context->logger->log(logging::spdlog_level_for(level), "{}", message);
}

std::atomic<bool> stdout_closed_flag{false};

std::mutex& stdout_mutex() {
    static std::mutex mutex;
    return mutex;
}

int write_stdout(ace_dt_context* context, const char* data, size_t size) {
    if (context == nullptr) return -1;
    if (size > 0 && is_null_argument(context, data, "write_stdout", "data")) return -1;
    if (size == 0) return 0;

    // One lock around write and flush keeps each call's bytes together and
    // in call order. SIGPIPE is ignored, so a closed pipe gives EPIPE here.
    std::lock_guard lock(stdout_mutex());
    const std::size_t written = std::fwrite(data, 1, size, stdout);
    const bool flushed = std::fflush(stdout) == 0;
    if (written != size || !flushed) {
        if (errno == EPIPE) stdout_closed_flag.store(true);
        std::clearerr(stdout);
        return -1;
    }
    return 0;
}

int is_interrupted(ace_dt_context*) { return interrupted() ? 1 : 0; }

void set_error(ace_dt_context* context, const char* message) {
    if (context == nullptr || is_null_argument(context, message, "set_error", "message")) return;
    std::lock_guard lock(context->error_mutex);
    context->error = message;
}

}  // namespace

bool standard_output_closed() { return stdout_closed_flag.load(); }

const ace_dt_host_api& host_api_table() {
    static const ace_dt_host_api table = [] {
        ace_dt_host_api api{};
        api.struct_size = sizeof(ace_dt_host_api);
        api.abi_major = ACE_DT_ABI_MAJOR;
        api.abi_minor = ACE_DT_ABI_MINOR;
        api.host_version = ACE_DT_VERSION;
        api.positionals = get_positionals;
        api.flag_bool = flag_bool;
        api.flag_string = flag_string;
        api.flag_string_list = flag_string_list;
        api.flag_int = flag_int;
        api.flag_is_set = flag_is_set;
        api.config_json = config_json;
        api.verbosity = verbosity;
        api.recursive = recursive;
        api.log = log;
        api.write_stdout = write_stdout;
        api.interrupted = is_interrupted;
        api.set_error = set_error;
        return api;
    }();
    return table;
}

}  // namespace acedt::host::plugins
