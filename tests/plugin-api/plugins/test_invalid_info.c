/* Declares the flag --dup twice, which the host must reject. */
#include <ace_dt/plugin.h>

static int run(ace_dt_context *ctx, void *user_data) {
    (void)ctx;
    (void)user_data;
    return ACE_DT_EXIT_OK;
}

static const ace_dt_flag flags[] = {
    {sizeof(ace_dt_flag), "dup", 0, ACE_DT_FLAG_BOOL, "first", NULL, NULL},
    {sizeof(ace_dt_flag), "dup", 0, ACE_DT_FLAG_STRING, "second", NULL, NULL},
};

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "invalid flags", NULL, "Never available", NULL, NULL, NULL, 0, flags, 2, run, NULL},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-invalid-info", "1.0.0", NULL, commands, 1,
    NULL, 0,
};

ACE_DT_PLUGIN_ENTRY(host) {
    (void)host;
    return &info;
}
