/*
 * ace-dt plugin ABI: the whole contract between the ace-dt host and a
 * command plugin. Plain C99; also compiles as C++.
 *
 * A plugin is a shared library that exports one symbol,
 * ACE_DT_PLUGIN_ENTRY_SYMBOL, of type ace_dt_plugin_entry_fn. The host
 * calls it once after loading the library and receives a description of
 * the plugin and its commands. When the user runs one of those commands,
 * the host parses the command line and calls the command's `run` callback
 * with a context through which the plugin reads its arguments and talks to
 * the host.
 *
 * Versioning
 * ----------
 * ACE_DT_ABI_MAJOR changes only when an existing member changes meaning or
 * position; the host refuses plugins whose major differs from its own.
 * ACE_DT_ABI_MINOR grows when members are appended to a table. Every table
 * starts with `struct_size` (the sizeof the table as the writer compiled
 * it), so the reader can tell which members exist:
 *   - a reader never touches a member that lies at or beyond the writer's
 *     struct_size (use ACE_DT_HAS_MEMBER);
 *   - members are only ever appended at the END of a table.
 *
 * DO NOT INSERT, REMOVE, REORDER OR RETYPE MEMBERS OF ANY TABLE BELOW.
 * Append new members at the end, under a comment naming the minor version
 * that added them, and bump ACE_DT_ABI_MINOR.
 *
 * Arrays
 * ------
 * The host steps through an array of tables using the struct_size of its
 * first element as the stride, so every element of one array must carry the
 * same struct_size.
 *
 * Strings
 * -------
 * Every `const char *` is NUL-terminated UTF-8. Unless a comment says
 * otherwise, strings passed from plugin to host are borrowed: the host
 * copies what it keeps before the call returns. Strings the host hands to a
 * plugin are owned by the host and stay valid as the comment next to them
 * says.
 *
 * Threads
 * -------
 * The host calls the entry function and `run` on its main thread. While
 * `run` executes, the plugin may call the host functions marked
 * "thread-safe" from any thread it created, as long as every such call
 * returns before `run` returns.
 *
 * Errors
 * ------
 * No C++ exception may leave any function of the plugin. A `run` callback
 * reports failure by returning a non-zero exit status and, optionally,
 * setting a message with `set_error`; the host prints that message on
 * standard error as "Error: MESSAGE" and exits with the status.
 */
#ifndef ACE_DT_PLUGIN_H
#define ACE_DT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACE_DT_ABI_MAJOR 1
#define ACE_DT_ABI_MINOR 0

/* Name of the one symbol a plugin exports. */
#define ACE_DT_PLUGIN_ENTRY_SYMBOL "ace_dt_plugin_entry"

/* Non-zero when `table` (a pointer) was written with a struct_size large
 * enough to include `member`. Check it before reading any member that was
 * appended after ABI minor 0. */
#define ACE_DT_HAS_MEMBER(table, type, member)                        \
    ((table) != NULL &&                                               \
     (table)->struct_size >= offsetof(type, member) + sizeof((table)->member))

/* Exit statuses with a fixed meaning. Any other non-zero value is a
 * command-specific failure. */
#define ACE_DT_EXIT_OK 0
#define ACE_DT_EXIT_FAILURE 1
#define ACE_DT_EXIT_USAGE 2
#define ACE_DT_EXIT_INTERRUPTED 130

/* Log levels, on the scale of the host's --verbosity option: a message is
 * shown when its level is at or below the plugin's verbosity. Values in
 * between are allowed (for example 10 is shown from verbosity 10 up). */
#define ACE_DT_LOG_ERROR 0
#define ACE_DT_LOG_WARN 4
#define ACE_DT_LOG_INFO 8
#define ACE_DT_LOG_DEBUG 12

/* Types of command-line flags. */
typedef enum ace_dt_flag_type {
    ACE_DT_FLAG_BOOL = 0,        /* --name, takes no value */
    ACE_DT_FLAG_STRING = 1,      /* --name VALUE, last one wins */
    ACE_DT_FLAG_STRING_LIST = 2, /* --name A --name B,C: repeatable, comma separated */
    ACE_DT_FLAG_INT = 3          /* --name 42, a signed 64-bit integer */
} ace_dt_flag_type;

/* One flag of a command. All strings are owned by the plugin and must stay
 * valid for as long as the library is loaded (string literals are the
 * usual choice). */
typedef struct ace_dt_flag {
    size_t struct_size;        /* sizeof(ace_dt_flag) as the plugin compiled it */
    const char *long_name;     /* "output" for --output; required */
    char short_name;           /* 'o' for -o, or 0 for none */
    int32_t type;              /* an ace_dt_flag_type value */
    const char *help;          /* one line for --help; required */
    /* Default as text: "true"/"false" for bools, a decimal for integers, a
     * comma-separated list for string lists. NULL means false, 0, "" or an
     * empty list. */
    const char *default_value;
    const char *value_name;    /* shown in help, such as "FORMAT"; may be NULL */
} ace_dt_flag;

/* One positional argument, or a run of them. */
typedef struct ace_dt_positional {
    size_t struct_size;  /* sizeof(ace_dt_positional) as the plugin compiled it */
    const char *name;    /* shown in help, such as "MIRROR-ARTIFACT"; required */
    const char *help;    /* one line; may be NULL */
    uint32_t min_count;  /* 1 for a required argument, 0 for an optional one */
    /* Maximum count; ACE_DT_UNLIMITED for "any number". Only the last
     * positional of a command may have max_count above min_count. */
    uint32_t max_count;
} ace_dt_positional;

#define ACE_DT_UNLIMITED UINT32_MAX

/* Opaque handle for one command invocation. Valid only during `run`. */
typedef struct ace_dt_context ace_dt_context;

/* Runs a command. Returns an exit status (ACE_DT_EXIT_OK on success).
 * `user_data` is the command's user_data member. */
typedef int (*ace_dt_run_fn)(ace_dt_context *ctx, void *user_data);

/* One command. Strings and arrays are owned by the plugin and must stay
 * valid while the library is loaded. */
typedef struct ace_dt_command {
    size_t struct_size;     /* sizeof(ace_dt_command) as the plugin compiled it */
    /* Space-separated path below the root, such as "mirror diff". Missing
     * parent groups ("mirror") are created by the host and shared between
     * plugins. Required. */
    const char *path;
    /* Usage line, such as "ace-dt mirror diff MIRROR-ARTIFACT [EXISTING-IMAGE...]"
     * or the shorter "diff MIRROR-ARTIFACT [EXISTING-IMAGE...]", to which
     * the host prefixes the parent groups. The host appends " [flags]"
     * once. NULL: the host builds the line from the path and positionals. */
    const char *usage;
    const char *short_help; /* one line; required */
    const char *long_help;  /* paragraphs; may be NULL */
    const char *examples;   /* free text shown under "Examples:"; may be NULL */
    const ace_dt_positional *positionals; /* may be NULL when count is 0 */
    size_t positional_count;
    const ace_dt_flag *flags; /* may be NULL when count is 0 */
    size_t flag_count;
    ace_dt_run_fn run;      /* required */
    void *user_data;        /* passed to run unchanged */
} ace_dt_command;

/* Help text for a command group such as "mirror". Optional: a group that no
 * plugin describes gets a generic help line. */
typedef struct ace_dt_group {
    size_t struct_size;     /* sizeof(ace_dt_group) as the plugin compiled it */
    const char *path;       /* "mirror"; required */
    const char *short_help; /* required */
} ace_dt_group;

/* What a plugin returns from its entry function. Owned by the plugin; must
 * stay valid while the library is loaded. */
typedef struct ace_dt_plugin_info {
    size_t struct_size;     /* sizeof(ace_dt_plugin_info) as the plugin compiled it */
    uint32_t abi_major;     /* ACE_DT_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;     /* ACE_DT_ABI_MINOR the plugin was built with */
    /* Short unique name, such as "mirror-diff": letters, digits, '-' and
     * '_'. Used in logs and with --verbosity NAME=LEVEL. Required. */
    const char *name;
    const char *version;    /* the plugin's own version; required */
    const char *description;/* one line; may be NULL */
    const ace_dt_command *commands;
    size_t command_count;
    const ace_dt_group *groups; /* may be NULL when count is 0 */
    size_t group_count;
} ace_dt_plugin_info;

/* Functions the host offers. The table is owned by the host and stays valid
 * while the plugin is loaded. Every function that takes a context may only
 * be called while that context's `run` is executing. */
typedef struct ace_dt_host_api {
    size_t struct_size;  /* sizeof(ace_dt_host_api) as the host compiled it */
    uint32_t abi_major;  /* the host's ACE_DT_ABI_MAJOR */
    uint32_t abi_minor;  /* the host's ACE_DT_ABI_MINOR */
    const char *host_version; /* such as "0.1.0"; owned by the host */

    /* --- ABI 1.0 --- */

    /* Positional arguments in command-line order. Sets *count. The array
     * and its strings are owned by the host and valid during run. */
    const char *const *(*positionals)(ace_dt_context *ctx, size_t *count);

    /* Flag values, looked up by long name. Each returns 0 on success and
     * -1 when the command declares no flag of that name and type. A flag
     * the user did not give reads as its default. Strings and arrays are
     * owned by the host and valid during run. */
    int (*flag_bool)(ace_dt_context *ctx, const char *name, int *value);
    int (*flag_string)(ace_dt_context *ctx, const char *name, const char **value);
    int (*flag_string_list)(ace_dt_context *ctx, const char *name,
                            const char *const **values, size_t *count);
    int (*flag_int)(ace_dt_context *ctx, const char *name, int64_t *value);
    /* 1 when the user gave the flag on the command line, 0 when not, -1 for
     * an unknown name. */
    int (*flag_is_set)(ace_dt_context *ctx, const char *name);

    /* The effective shared configuration (files, defaults and environment
     * overrides applied) as a JSON object. Owned by the host, valid during
     * run. Thread-safe. */
    const char *(*config_json)(ace_dt_context *ctx);

    /* The plugin's verbosity on the ACE_DT_LOG_* scale. Thread-safe. */
    int (*verbosity)(ace_dt_context *ctx);

    /* 1 when the user passed -r/--recursive, else 0. Thread-safe. */
    int (*recursive)(ace_dt_context *ctx);

    /* Logs one message on standard error through the host's logger, tagged
     * with the plugin's name; dropped when `level` is above the plugin's
     * verbosity. Thread-safe. */
    void (*log)(ace_dt_context *ctx, int level, const char *message);

    /* Writes bytes to standard output. Returns 0, or -1 when the write
     * failed (for example a closed pipe). Thread-safe; concurrent calls
     * do not interleave within one call's data. */
    int (*write_stdout)(ace_dt_context *ctx, const char *data, size_t size);

    /* 1 once the user has pressed Ctrl-C (SIGINT) or sent SIGTERM, else 0.
     * A command that gets 1 should stop soon and return
     * ACE_DT_EXIT_INTERRUPTED. Thread-safe and cheap to poll. */
    int (*interrupted)(ace_dt_context *ctx);

    /* Sets the message the host prints when run returns non-zero. The host
     * copies it; a later call replaces an earlier one. */
    void (*set_error)(ace_dt_context *ctx, const char *message);
} ace_dt_host_api;

/* The entry function. `host` is owned by the host and stays valid while the
 * library is loaded. Returns the plugin's description, or NULL when the
 * plugin cannot run with this host (it should log nothing itself). */
typedef const ace_dt_plugin_info *(*ace_dt_plugin_entry_fn)(const ace_dt_host_api *host);

#if defined(_WIN32)
#define ACE_DT_EXPORT __declspec(dllexport)
#else
#define ACE_DT_EXPORT __attribute__((visibility("default")))
#endif

/* Declares the entry function with the right linkage and visibility:
 *   ACE_DT_PLUGIN_ENTRY(host) { ... return &info; } */
#ifdef __cplusplus
#define ACE_DT_PLUGIN_ENTRY(host_param)                                      \
    extern "C" ACE_DT_EXPORT const ace_dt_plugin_info *ace_dt_plugin_entry( \
        const ace_dt_host_api *host_param)
#else
#define ACE_DT_PLUGIN_ENTRY(host_param)                        \
    ACE_DT_EXPORT const ace_dt_plugin_info *ace_dt_plugin_entry( \
        const ace_dt_host_api *host_param)
#endif

#ifdef __cplusplus
}
#endif

#endif /* ACE_DT_PLUGIN_H */
