/* Claims "test echo", which test-good registers first because its file
 * name sorts first. The host must reject this plugin whole, so its other
 * command "conflict only" must not exist either. */
#include <ace_dt/plugin.h>

static int run(ace_dt_context *ctx, void *user_data) {
    (void)ctx;
    (void)user_data;
    return ACE_DT_EXIT_OK;
}

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "conflict only", NULL, "Never available", NULL, NULL, NULL, 0, NULL, 0, run, NULL},
    {sizeof(ace_dt_command), "test echo", NULL, "Already taken", NULL, NULL, NULL, 0, NULL, 0, run, NULL},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-path-conflict", "1.0.0", NULL,
    commands, 2, NULL, 0,
};

ACE_DT_PLUGIN_ENTRY(host) {
    (void)host;
    return &info;
}
