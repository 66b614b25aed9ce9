/* Pretends to come from a later minor version of the ABI: every table has
 * an extra member appended, struct_size counts it, and arrays use the
 * larger element size. The host must load it, ignore the extra members
 * and step through the arrays correctly. */
#include <ace_dt/plugin.h>

#include <string.h>

typedef struct future_flag {
    ace_dt_flag base;
    const char *added_later;
} future_flag;

typedef struct future_positional {
    ace_dt_positional base;
    double added_later;
} future_positional;

typedef struct future_command {
    ace_dt_command base;
    const char *added_later[3];
} future_command;

typedef struct future_info {
    ace_dt_plugin_info base;
    const char *added_later;
} future_info;

static const ace_dt_host_api *host;

static int run(ace_dt_context *ctx, void *user_data) {
    const char *level = NULL;
    size_t count = 0;
    const char *const *positionals = host->positionals(ctx, &count);
    char line[256];

    if (host->flag_string(ctx, "level", &level) != 0) level = "(no flag)";
    strcpy(line, "future: ");
    strncat(line, (const char *)user_data, 64);
    strcat(line, " level=");
    strncat(line, level, 64);
    strcat(line, " word=");
    strncat(line, count > 0 ? positionals[0] : "(none)", 64);
    strcat(line, "\n");
    return host->write_stdout(ctx, line, strlen(line)) == 0 ? ACE_DT_EXIT_OK : ACE_DT_EXIT_FAILURE;
}

static const future_flag flags[] = {
    {{sizeof(future_flag), "level", 'l', ACE_DT_FLAG_STRING, "a string", "low", NULL}, "ignored"},
    {{sizeof(future_flag), "other", 0, ACE_DT_FLAG_BOOL, "a bool", NULL, NULL}, "ignored"},
};

static const future_positional positionals[] = {
    {{sizeof(future_positional), "WORD", NULL, 0, 1}, 1.5},
};

static const future_command commands[] = {
    {{sizeof(future_command), "future one", NULL, "First command", NULL, NULL, NULL, 0, NULL, 0, run, (void *)"one"},
     {"x", "y", "z"}},
    {{sizeof(future_command), "future two", NULL, "Second command", NULL, NULL,
      (const ace_dt_positional *)positionals, 1, (const ace_dt_flag *)flags, 2, run, (void *)"two"},
     {"x", "y", "z"}},
};

static const future_info info = {
    {sizeof(future_info), ACE_DT_ABI_MAJOR, 99, "test-future-minor", "2.0.0", "Built against a later minor version",
     (const ace_dt_command *)commands, 2, NULL, 0},
    "ignored",
};

ACE_DT_PLUGIN_ENTRY(host_table) {
    host = host_table;
    return &info.base;
}
