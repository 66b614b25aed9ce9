#include "plugins/host_api.hpp"

#include "logging/logging.hpp"
#include "plugins/context.hpp"
#include "plugins/signals.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
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

// Length of the UTF-8 sequence at text[i], or 0 when it is not valid UTF-8.
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if ((lead & 0xF0) == 0xE0) length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4) length = 4;
    else return 0;

    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
    }
    return length;
}

// Host functions are called from plugin frames, which may be C code
// without unwind tables, so no exception may leave them. On an exception,
// such as failed allocation, the call does nothing.
void log(ace_dt_context* context, int level, const char* message) noexcept {
    if (context == nullptr || is_null_argument(context, message, "log", "message")) return;
    if (level > context->verbosity) return;
    try {
        context->logger->log(logging::spdlog_level_for(level), "{}", sanitize_plugin_text(message));
    } catch (...) {
    }
}

std::atomic<bool> stdout_closed_flag{false};

std::mutex& stdout_mutex() {
    static std::mutex mutex;
    return mutex;
}

int write_stdout(ace_dt_context* context, const char* data, size_t size) noexcept {
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

void set_error(ace_dt_context* context, const char* message) noexcept {
    if (context == nullptr || is_null_argument(context, message, "set_error", "message")) return;
    try {
        std::string text = sanitize_plugin_text(message);
        std::lock_guard lock(context->error_mutex);
        context->error = std::move(text);
    } catch (...) {
    }
}

}  // namespace

bool standard_output_closed() { return stdout_closed_flag.load(); }

std::string sanitize_plugin_text(std::string_view text) {
    const std::size_t cut = text.size() > kMaxPluginMessageBytes ? text.size() - kMaxPluginMessageBytes : 0;
    text = text.substr(0, kMaxPluginMessageBytes);

    std::string safe;
    safe.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const std::size_t length = utf8_length(text, i);
        // A sequence cut at the size limit is escaped like invalid bytes.
        if (length == 0 || (byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7F) {
            static constexpr char kHex[] = "0123456789ABCDEF";
            safe += "\\x";
            safe += kHex[byte >> 4];
            safe += kHex[byte & 0x0F];
            ++i;
            continue;
        }
        safe.append(text.substr(i, length));
        i += length;
    }
    if (cut > 0) {
        safe += " ... (" + std::to_string(cut) + " more bytes cut)";
    }
    return safe;
}

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
