/* hello: an example ace-dt plugin in plain C.
 *
 * It adds two commands:
 *   ace-dt hello greet [NAME...]   a command in a group of its own, "hello"
 *   ace-dt mirror settings         a command in the "mirror" group, which
 *                                  other plugins share
 * and shows the parts of the ABI most plugins use: flags, positionals, the
 * shared configuration, the verbosity, logging, output and errors.
 *
 * Build it against an installed ace-dt with CMake (see CMakeLists.txt) or
 * in one line:
 *   cc -shared -fPIC -fvisibility=hidden -Wl,--no-undefined \
 *      $(pkg-config --cflags ace-dt-plugin) hello.c -o hello.so
 */
#include <ace_dt/plugin.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* The host's function table, saved by the entry function. It stays valid
 * while the plugin is loaded. */
static const ace_dt_host_api *host;

/* Writes a NUL-terminated string to standard output through the host.
 * Returns 0, or -1 when the write failed (for example a closed pipe). */
static int write_text(ace_dt_context *ctx, const char *text) {
    return host->write_stdout(ctx, text, strlen(text));
}

/* ---- hello greet ------------------------------------------------------ */

enum { kMaxTimes = 10 };

static int run_greet(ace_dt_context *ctx, void *user_data) {
    const char *greeting = NULL;
    int shout = 0;
    int64_t times = 0;
    size_t name_count = 0;
    const char *const *names = host->positionals(ctx, &name_count);
    static const char *const default_names[] = {"world"};
    char line[512];
    char message[128];
    size_t index;
    int64_t round;

    (void)user_data;

    /* Each lookup returns 0 because the command declares these flags with
     * these types. A flag the user did not give reads as its default. */
    host->flag_string(ctx, "greeting", &greeting);
    host->flag_bool(ctx, "shout", &shout);
    host->flag_int(ctx, "times", &times);

    /* The flag's type allows this value but the command does not, so it
     * fails with a message and the usage exit status. The host prints
     * "Error: MESSAGE" on standard error and exits with the status. */
    if (times < 1 || times > kMaxTimes) {
        snprintf(message, sizeof message, "invalid value %lld for --times: expected 1 to %d", (long long)times,
                 kMaxTimes);
        host->set_error(ctx, message);
        return ACE_DT_EXIT_USAGE;
    }
    if (name_count == 0) {
        names = default_names;
        name_count = 1;
    }

    snprintf(message, sizeof message, "greeting %zu name(s) %lld time(s)", name_count, (long long)times);
    host->log(ctx, ACE_DT_LOG_INFO, message);

    for (round = 0; round < times; ++round) {
        for (index = 0; index < name_count; ++index) {
            char *at;

            /* The host drops messages above the verbosity anyway. Checking
             * first skips building a message that would be dropped. */
            if (host->verbosity(ctx) >= ACE_DT_LOG_DEBUG) {
                snprintf(message, sizeof message, "greeting name %zu of %zu", index + 1, name_count);
                host->log(ctx, ACE_DT_LOG_DEBUG, message);
            }
            if (host->interrupted(ctx)) {
                host->set_error(ctx, "interrupted");
                return ACE_DT_EXIT_INTERRUPTED;
            }

            if (snprintf(line, sizeof line, "%s, %s!\n", greeting, names[index]) >= (int)sizeof line) {
                snprintf(message, sizeof message, "greeting %zu is longer than %zu bytes", index + 1,
                         sizeof line - 1);
                host->set_error(ctx, message);
                return ACE_DT_EXIT_FAILURE;
            }
            if (shout) {
                for (at = line; *at != '\0'; ++at) *at = (char)toupper((unsigned char)*at);
            }
            if (write_text(ctx, line) != 0) {
                host->set_error(ctx, "writing to standard output failed");
                return ACE_DT_EXIT_FAILURE;
            }
        }
    }
    return ACE_DT_EXIT_OK;
}

/* ---- mirror settings -------------------------------------------------- */

/* config_json() returns the configuration as one JSON object. A plugin
 * that needs more than a few top-level values is better served by a JSON
 * library (Debian 12 packages libjson-c-dev and libcjson-dev, for
 * example). The helpers below find one top-level member, so the example
 * needs nothing but the C library. */

static const char *skip_space(const char *at) {
    while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r') ++at;
    return at;
}

/* Returns the position after the string that starts at the quote `at`, or
 * NULL when it is not terminated. */
static const char *string_end(const char *at) {
    for (++at; *at != '\0' && *at != '"'; ++at) {
        if (*at == '\\' && at[1] != '\0') ++at;
    }
    return *at == '"' ? at + 1 : NULL;
}

/* Returns the position of the ',' or closing bracket after the value that
 * starts at `at`, or NULL when the text ends inside the value. */
static const char *value_end(const char *at) {
    int depth = 0;
    for (;;) {
        switch (*at) {
            case '\0': return NULL;
            case '"':
                at = string_end(at);
                if (at == NULL) return NULL;
                continue;
            case '{':
            case '[': ++depth; break;
            case '}':
            case ']':
                if (depth == 0) return at;
                --depth;
                break;
            case ',':
                if (depth == 0) return at;
                break;
            default: break;
        }
        ++at;
    }
}

/* Finds the member `key` of the top-level object in `json` and sets
 * [*start, *end) to its value as JSON text. Returns 1 when found, 0 when
 * not. Keys are compared as written, so `key` must need no escapes. */
static int find_member(const char *json, const char *key, const char **start, const char **end) {
    const size_t key_length = strlen(key);
    const char *at = skip_space(json);

    if (*at != '{') return 0;
    at = skip_space(at + 1);
    while (*at == '"') {
        const char *name = at + 1;
        const char *name_end = string_end(at);
        const char *value;
        const char *after;

        if (name_end == NULL) return 0;
        at = skip_space(name_end);
        if (*at != ':') return 0;
        value = skip_space(at + 1);
        after = value_end(value);
        if (after == NULL) return 0;

        if ((size_t)(name_end - 1 - name) == key_length && memcmp(name, key, key_length) == 0) {
            *start = value;
            *end = after;
            while (*end > *start && isspace((unsigned char)(*end)[-1])) --*end;
            return 1;
        }
        at = skip_space(after);
        if (*at != ',') return 0;
        at = skip_space(at + 1);
    }
    return 0;
}

/* Writes one setting as "KEY: VALUE". A string value is written without
 * its quotes, with \" and \\ unescaped and other escapes kept as they
 * are. Any other value is written as JSON. Returns 0, or -1 when a write
 * failed. */
static int write_setting(ace_dt_context *ctx, const char *key, const char *start, const char *end) {
    const char *run;
    const char *at;

    if (write_text(ctx, key) != 0 || write_text(ctx, ": ") != 0) return -1;
    if (*start != '"') {
        if (host->write_stdout(ctx, start, (size_t)(end - start)) != 0) return -1;
        return write_text(ctx, "\n");
    }

    run = start + 1;
    for (at = run; at < end - 1; ++at) {
        if (*at == '\\' && (at[1] == '"' || at[1] == '\\')) {
            if (host->write_stdout(ctx, run, (size_t)(at - run)) != 0) return -1;
            run = ++at; /* the escaped character starts the next run */
        }
    }
    if (host->write_stdout(ctx, run, (size_t)(end - 1 - run)) != 0) return -1;
    return write_text(ctx, "\n");
}

static int run_settings(ace_dt_context *ctx, void *user_data) {
    static const char *const default_keys[] = {"cachePath", "concurrentHTTP"};
    const char *const *keys = default_keys;
    size_t key_count = 2;
    const char *json = host->config_json(ctx);
    char message[256];
    size_t index;

    (void)user_data;
    host->flag_string_list(ctx, "key", &keys, &key_count);
    if (key_count == 0) {
        keys = default_keys;
        key_count = 2;
    }

    for (index = 0; index < key_count; ++index) {
        const char *start = NULL;
        const char *end = NULL;

        if (!find_member(json, keys[index], &start, &end)) {
            snprintf(message, sizeof message,
                     "the configuration has no setting \"%s\"; 'ace-dt config' lists the settings", keys[index]);
            host->set_error(ctx, message);
            return ACE_DT_EXIT_FAILURE;
        }
        if (write_setting(ctx, keys[index], start, end) != 0) {
            host->set_error(ctx, "writing to standard output failed");
            return ACE_DT_EXIT_FAILURE;
        }
    }
    return ACE_DT_EXIT_OK;
}

/* ---- what the plugin registers ---------------------------------------- */

/* Tables and strings must stay valid while the library is loaded, so they
 * are static constants. Every table starts with its own sizeof, from which
 * the host learns the ABI minor version the plugin was compiled with. */

static const ace_dt_positional greet_positionals[] = {
    {sizeof(ace_dt_positional), "NAME", "who to greet (default: world)", 0, ACE_DT_UNLIMITED},
};

static const ace_dt_flag greet_flags[] = {
    {sizeof(ace_dt_flag), "greeting", 'g', ACE_DT_FLAG_STRING, "word to greet with", "Hello", "TEXT"},
    {sizeof(ace_dt_flag), "shout", 0, ACE_DT_FLAG_BOOL, "write the greeting in capitals", NULL, NULL},
    {sizeof(ace_dt_flag), "times", 'n', ACE_DT_FLAG_INT, "greet everyone this many times, 1 to 10", "1", "N"},
};

static const ace_dt_flag settings_flags[] = {
    {sizeof(ace_dt_flag), "key", 'k', ACE_DT_FLAG_STRING_LIST,
     "top-level settings to print (default: cachePath and concurrentHTTP)", NULL, "KEY"},
};

static const ace_dt_command commands[] = {
    {
        sizeof(ace_dt_command),
        "hello greet",
        "greet [NAME...]",
        "Greet people by name",
        "Write one greeting per name to standard output. At -v info the command\n"
        "logs how many greetings it writes.",
        "Greet two people twice:\n"
        "ace-dt hello greet Ada Grace --times 2",
        greet_positionals, 1,
        greet_flags, 3,
        run_greet, NULL,
    },
    {
        sizeof(ace_dt_command),
        "mirror settings",
        NULL,
        "Print settings from the shared configuration",
        "Print top-level settings of the ace-dt configuration as KEY: VALUE lines.",
        "Print the cache directory:\n"
        "ace-dt mirror settings --key cachePath",
        NULL, 0,
        settings_flags, 1,
        run_settings, NULL,
    },
};

static const ace_dt_group groups[] = {
    {sizeof(ace_dt_group), "hello", "Example commands from the plugin guide"},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info),
    ACE_DT_ABI_MAJOR,
    ACE_DT_ABI_MINOR,
    "hello",
    "1.0.0",
    "Example plugin in C: greetings and configuration settings",
    commands, 2,
    groups, 1,
};

/* The one exported symbol. The host calls it once after loading the
 * library. A plugin that cannot work with this host returns NULL. */
ACE_DT_PLUGIN_ENTRY(host_table) {
    if (host_table->abi_major != ACE_DT_ABI_MAJOR) return NULL;
    host = host_table;
    return &info;
}
