#include "plugins/context.hpp"

#include "plugins/host_api.hpp"
#include "plugins/signals.hpp"

#include <spdlog/spdlog.h>

#include <cstring>
#include <exception>

namespace acedt::host::plugins {

FlagValue FlagValue::from_default(const FlagSpec& spec) {
    FlagValue value;
    value.spec = &spec;
    value.bool_value = spec.default_bool;
    value.int_value = spec.default_int;
    value.string_value = spec.default_string;
    value.list_value = spec.default_list;
    return value;
}

namespace {

std::string describe_command(const ace_dt_context& context) {
    return "command \"" + context.command->path_text() + "\" of plugin " + context.plugin->spec.name + " (" +
           context.plugin->file.string() + ")";
}

}  // namespace

RunOutcome run_command(ace_dt_context& context) {
    RunOutcome outcome;
    try {
        outcome.exit_status = context.command->run(&context, context.command->user_data);
    } catch (const std::exception& exception) {
        outcome.exit_status = ACE_DT_EXIT_FAILURE;
        outcome.error_message =
            describe_command(context) + " threw an exception: " + sanitize_plugin_text(exception.what());
        return outcome;
    } catch (...) {
        outcome.exit_status = ACE_DT_EXIT_FAILURE;
        outcome.error_message = describe_command(context) + " threw an exception of unknown type";
        return outcome;
    }

    // Statuses outside 1..255 would wrap in the shell (256 reads as 0),
    // so they become a plain failure.
    if (outcome.exit_status < 0 || outcome.exit_status > 255) outcome.exit_status = ACE_DT_EXIT_FAILURE;

    std::optional<std::string> error;
    {
        std::lock_guard lock(context.error_mutex);
        error = context.error;
    }

    if (standard_output_closed()) {
        // The reader of the output went away, as with `ace-dt ... | head`.
        // Exit as a program killed by SIGPIPE would, without a message.
        outcome.exit_status = kExitStandardOutputClosed;
        outcome.error_message.clear();
    } else if (interrupted()) {
        outcome.exit_status = ACE_DT_EXIT_INTERRUPTED;
        outcome.error_message = error.value_or("interrupted");
    } else if (outcome.exit_status != ACE_DT_EXIT_OK) {
        outcome.error_message = error.value_or(describe_command(context) + " failed with exit status " +
                                               std::to_string(outcome.exit_status));
    }
    return outcome;
}

}  // namespace acedt::host::plugins

acedt::host::plugins::FlagValue* ace_dt_context::find_flag(const char* name) {
    for (auto& flag : flags) {
        if (std::strcmp(flag.spec->long_name.c_str(), name) == 0) return &flag;
    }
    return nullptr;
}

void ace_dt_context::report_null_argument(const char* function, const char* argument) {
    {
        std::lock_guard lock(misuse_mutex);
        if (!reported_functions.insert(function).second) return;
    }
    spdlog::warn("plugin {} ({}) called {}() with {} set to NULL; the call did nothing", plugin->spec.name,
                 plugin->file.string(), function, argument);
}

void ace_dt_context::prepare_views() {
    positional_pointers.clear();
    for (const auto& positional : positionals) positional_pointers.push_back(positional.c_str());
    positional_pointers.push_back(nullptr);

    for (auto& flag : flags) {
        flag.list_pointers.clear();
        for (const auto& item : flag.list_value) flag.list_pointers.push_back(item.c_str());
        flag.list_pointers.push_back(nullptr);
    }
}
