/* "nulls call" passes NULL to every host function argument that must not
 * be NULL, twice, and prints what each call returned. The host must
 * return an error code, keep running, and warn once per function. */
#include <ace_dt/plugin.h>

#include <stdio.h>
#include <string.h>

static const ace_dt_host_api *host;

static int run(ace_dt_context *ctx, void *user_data) {
    char line[256];
    const char *text = NULL;
    const char *const *items = NULL;
    size_t count = 0;
    int64_t number = 0;
    int value = 0;
    int status[10];
    int round;

    (void)user_data;
    for (round = 0; round < 2; ++round) {
        /* One call per statement, so the calls happen in this order. */
        host->log(ctx, ACE_DT_LOG_ERROR, NULL);
        host->set_error(ctx, NULL);
        status[0] = host->write_stdout(ctx, NULL, 4);
        status[1] = host->flag_bool(ctx, NULL, &value);
        status[2] = host->flag_bool(ctx, "switch", NULL);
        status[3] = host->flag_string(ctx, NULL, &text);
        status[4] = host->flag_string(ctx, "text", NULL);
        status[5] = host->flag_string_list(ctx, "item", NULL, &count);
        status[6] = host->flag_string_list(ctx, "item", &items, NULL);
        status[7] = host->flag_int(ctx, NULL, &number);
        status[8] = host->flag_int(ctx, "number", NULL);
        status[9] = host->flag_is_set(ctx, NULL);
        snprintf(line, sizeof line, "write=%d bool=%d,%d string=%d,%d list=%d,%d int=%d,%d is_set=%d\n", status[0],
                 status[1], status[2], status[3], status[4], status[5], status[6], status[7], status[8], status[9]);
        host->write_stdout(ctx, line, strlen(line));
    }
    return host->write_stdout(ctx, "still running\n", 14) == 0 ? ACE_DT_EXIT_OK : ACE_DT_EXIT_FAILURE;
}

static const ace_dt_flag flags[] = {
    {sizeof(ace_dt_flag), "switch", 0, ACE_DT_FLAG_BOOL, "a boolean", NULL, NULL},
    {sizeof(ace_dt_flag), "text", 0, ACE_DT_FLAG_STRING, "a string", NULL, NULL},
    {sizeof(ace_dt_flag), "item", 0, ACE_DT_FLAG_STRING_LIST, "a list", NULL, NULL},
    {sizeof(ace_dt_flag), "number", 0, ACE_DT_FLAG_INT, "an integer", NULL, NULL},
};

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "nulls call", NULL, "Pass NULL to host functions", NULL, NULL, NULL, 0, flags, 4, run,
     NULL},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-null-arguments", "1.0.0", NULL, commands,
    1, NULL, 0,
};

ACE_DT_PLUGIN_ENTRY(host_table) {
    host = host_table;
    return &info;
}
