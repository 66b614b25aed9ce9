/* Built against the frozen copy of the released ABI 1.0 header
 * (tests/plugin-api/frozen/1.0), never against the current one, so it
 * stands for a plugin compiled when 1.0 was current. It calls every host
 * function 1.0 offers; the current host must load it and serve them all. */
#include <ace_dt/plugin.h>

#include <stdio.h>
#include <string.h>

#if ACE_DT_ABI_MAJOR != 1 || ACE_DT_ABI_MINOR != 0
#error "test-abi-1-0 must be compiled against the frozen ABI 1.0 header"
#endif

static const ace_dt_host_api *host;

static int print(ace_dt_context *ctx, const char *text) {
    return host->write_stdout(ctx, text, strlen(text));
}

static int run_all(ace_dt_context *ctx, void *user_data) {
    char line[512];
    size_t count = 0;
    size_t index;
    const char *const *words = host->positionals(ctx, &count);
    const char *text = NULL;
    const char *const *items = NULL;
    size_t item_count = 0;
    int64_t number = 0;
    int switch_value = 0;
    int64_t fail_status = 0;

    (void)user_data;
    host->log(ctx, ACE_DT_LOG_INFO, "abi10 all starts");

    print(ctx, "words=");
    for (index = 0; index < count; ++index) {
        print(ctx, index > 0 ? "|" : "");
        print(ctx, words[index]);
    }
    print(ctx, "\n");

    host->flag_string(ctx, "text", &text);
    host->flag_string_list(ctx, "item", &items, &item_count);
    host->flag_int(ctx, "number", &number);
    host->flag_bool(ctx, "switch", &switch_value);
    snprintf(line, sizeof line, "text=%s set=%d\nitems=%u\nnumber=%lld\nswitch=%d\n", text,
             host->flag_is_set(ctx, "text"), (unsigned)item_count, (long long)number, switch_value);
    print(ctx, line);

    snprintf(line, sizeof line, "verbosity=%d recursive=%d interrupted=%d\n", host->verbosity(ctx),
             host->recursive(ctx), host->interrupted(ctx));
    print(ctx, line);
    snprintf(line, sizeof line, "host-abi=%u.%u host-table=%s\n", (unsigned)host->abi_major,
             (unsigned)host->abi_minor, host->struct_size >= sizeof(ace_dt_host_api) ? "complete" : "short");
    print(ctx, line);
    print(ctx, strstr(host->config_json(ctx), "\"apiVersion\"") != NULL ? "config=json\n" : "config=missing\n");

    host->flag_int(ctx, "fail", &fail_status);
    if (fail_status != 0) {
        host->set_error(ctx, "abi10 failed as asked");
        return (int)fail_status;
    }
    return ACE_DT_EXIT_OK;
}

static int run_mirror(ace_dt_context *ctx, void *user_data) {
    (void)user_data;
    return print(ctx, "mirror abi10 ok\n") == 0 ? ACE_DT_EXIT_OK : ACE_DT_EXIT_FAILURE;
}

static const ace_dt_positional all_positionals[] = {
    {sizeof(ace_dt_positional), "WORD", "words to print", 0, ACE_DT_UNLIMITED},
};

static const ace_dt_flag all_flags[] = {
    {sizeof(ace_dt_flag), "text", 't', ACE_DT_FLAG_STRING, "a string", "none", "TEXT"},
    {sizeof(ace_dt_flag), "item", 0, ACE_DT_FLAG_STRING_LIST, "a list", NULL, NULL},
    {sizeof(ace_dt_flag), "number", 'n', ACE_DT_FLAG_INT, "an integer", "-3", NULL},
    {sizeof(ace_dt_flag), "switch", 0, ACE_DT_FLAG_BOOL, "a boolean", NULL, NULL},
    {sizeof(ace_dt_flag), "fail", 0, ACE_DT_FLAG_INT, "fail with this status", NULL, NULL},
};

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "abi10 all", NULL, "Use every host function of ABI 1.0", NULL, NULL, all_positionals, 1,
     all_flags, 5, run_all, NULL},
    {sizeof(ace_dt_command), "mirror abi10", NULL, "A command in the shared mirror group", NULL, NULL, NULL, 0, NULL,
     0, run_mirror, NULL},
};

static const ace_dt_group groups[] = {
    {sizeof(ace_dt_group), "abi10", "Commands of a plugin built against the frozen ABI 1.0 header"},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-abi-1-0", "1.0.0",
    "Built against the frozen ABI 1.0 header", commands, 2, groups, 1,
};

ACE_DT_PLUGIN_ENTRY(host_table) {
    host = host_table;
    return &info;
}
