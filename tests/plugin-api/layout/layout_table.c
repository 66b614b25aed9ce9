/* The layout facts of the plugin.h found on the include path. Lists every
 * member and constant of ABI 1.0; members appended by later minor
 * versions get their own section when that version is frozen. */
#include <ace_dt/plugin.h>

#include "layout_table.h"

#ifndef ABI_LAYOUT_FUNCTION
#error "ABI_LAYOUT_FUNCTION must name the function this copy defines"
#endif

#define TABLE(type)                                        \
    {"sizeof(" #type ")", (long long)sizeof(type), NULL, 1}, \
    {"alignof(" #type ")", (long long)_Alignof(type), NULL, 0},

#define MEMBER(type, member)                                                  \
    {"offsetof(" #type ", " #member ")", (long long)offsetof(type, member), NULL, 0}, \
    {"sizeof(" #type "." #member ")", (long long)sizeof(((type *)0)->member), NULL, 0},

/* An integer member: also records whether its type is signed, which a
 * change such as int32_t to uint32_t alters without changing the size. */
#define INTEGER_MEMBER(type, member) \
    MEMBER(type, member)             \
    {"signed(" #type "." #member ")",                                                \
     (long long)!((__typeof__(((type *)0)->member))-1 > (__typeof__(((type *)0)->member))0), NULL, 0},

#define CONSTANT(name) {#name, (long long)(name), NULL, 0},

static const abi_fact facts[] = {
    {"ACE_DT_ABI_MAJOR", ACE_DT_ABI_MAJOR, NULL, 0},
    {"ACE_DT_ABI_MINOR", ACE_DT_ABI_MINOR, NULL, 1},
    {"ACE_DT_PLUGIN_ENTRY_SYMBOL", 0, ACE_DT_PLUGIN_ENTRY_SYMBOL, 0},
    CONSTANT(ACE_DT_EXIT_OK)
    CONSTANT(ACE_DT_EXIT_FAILURE)
    CONSTANT(ACE_DT_EXIT_USAGE)
    CONSTANT(ACE_DT_EXIT_INTERRUPTED)
    CONSTANT(ACE_DT_LOG_ERROR)
    CONSTANT(ACE_DT_LOG_WARN)
    CONSTANT(ACE_DT_LOG_INFO)
    CONSTANT(ACE_DT_LOG_DEBUG)
    CONSTANT(ACE_DT_FLAG_BOOL)
    CONSTANT(ACE_DT_FLAG_STRING)
    CONSTANT(ACE_DT_FLAG_STRING_LIST)
    CONSTANT(ACE_DT_FLAG_INT)
    CONSTANT(ACE_DT_UNLIMITED)
    {"sizeof(ace_dt_flag_type)", (long long)sizeof(ace_dt_flag_type), NULL, 0},
    {"sizeof(ace_dt_run_fn)", (long long)sizeof(ace_dt_run_fn), NULL, 0},
    {"sizeof(ace_dt_plugin_entry_fn)", (long long)sizeof(ace_dt_plugin_entry_fn), NULL, 0},

    TABLE(ace_dt_flag)
    INTEGER_MEMBER(ace_dt_flag, struct_size)
    MEMBER(ace_dt_flag, long_name)
    INTEGER_MEMBER(ace_dt_flag, short_name)
    INTEGER_MEMBER(ace_dt_flag, type)
    MEMBER(ace_dt_flag, help)
    MEMBER(ace_dt_flag, default_value)
    MEMBER(ace_dt_flag, value_name)

    TABLE(ace_dt_positional)
    INTEGER_MEMBER(ace_dt_positional, struct_size)
    MEMBER(ace_dt_positional, name)
    MEMBER(ace_dt_positional, help)
    INTEGER_MEMBER(ace_dt_positional, min_count)
    INTEGER_MEMBER(ace_dt_positional, max_count)

    TABLE(ace_dt_command)
    INTEGER_MEMBER(ace_dt_command, struct_size)
    MEMBER(ace_dt_command, path)
    MEMBER(ace_dt_command, usage)
    MEMBER(ace_dt_command, short_help)
    MEMBER(ace_dt_command, long_help)
    MEMBER(ace_dt_command, examples)
    MEMBER(ace_dt_command, positionals)
    INTEGER_MEMBER(ace_dt_command, positional_count)
    MEMBER(ace_dt_command, flags)
    INTEGER_MEMBER(ace_dt_command, flag_count)
    MEMBER(ace_dt_command, run)
    MEMBER(ace_dt_command, user_data)

    TABLE(ace_dt_group)
    INTEGER_MEMBER(ace_dt_group, struct_size)
    MEMBER(ace_dt_group, path)
    MEMBER(ace_dt_group, short_help)

    TABLE(ace_dt_plugin_info)
    INTEGER_MEMBER(ace_dt_plugin_info, struct_size)
    INTEGER_MEMBER(ace_dt_plugin_info, abi_major)
    INTEGER_MEMBER(ace_dt_plugin_info, abi_minor)
    MEMBER(ace_dt_plugin_info, name)
    MEMBER(ace_dt_plugin_info, version)
    MEMBER(ace_dt_plugin_info, description)
    MEMBER(ace_dt_plugin_info, commands)
    INTEGER_MEMBER(ace_dt_plugin_info, command_count)
    MEMBER(ace_dt_plugin_info, groups)
    INTEGER_MEMBER(ace_dt_plugin_info, group_count)

    TABLE(ace_dt_host_api)
    INTEGER_MEMBER(ace_dt_host_api, struct_size)
    INTEGER_MEMBER(ace_dt_host_api, abi_major)
    INTEGER_MEMBER(ace_dt_host_api, abi_minor)
    MEMBER(ace_dt_host_api, host_version)
    MEMBER(ace_dt_host_api, positionals)
    MEMBER(ace_dt_host_api, flag_bool)
    MEMBER(ace_dt_host_api, flag_string)
    MEMBER(ace_dt_host_api, flag_string_list)
    MEMBER(ace_dt_host_api, flag_int)
    MEMBER(ace_dt_host_api, flag_is_set)
    MEMBER(ace_dt_host_api, config_json)
    MEMBER(ace_dt_host_api, verbosity)
    MEMBER(ace_dt_host_api, recursive)
    MEMBER(ace_dt_host_api, log)
    MEMBER(ace_dt_host_api, write_stdout)
    MEMBER(ace_dt_host_api, interrupted)
    MEMBER(ace_dt_host_api, set_error)
};

const abi_fact *ABI_LAYOUT_FUNCTION(size_t *count);

const abi_fact *ABI_LAYOUT_FUNCTION(size_t *count) {
    *count = sizeof facts / sizeof facts[0];
    return facts;
}
