/* Claims an ABI major version the host does not implement. */
#include <ace_dt/plugin.h>

static int run(ace_dt_context *ctx, void *user_data) {
    (void)ctx;
    (void)user_data;
    return ACE_DT_EXIT_OK;
}

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "abi wrong", NULL, "Never available", NULL, NULL, NULL, 0, NULL, 0, run, NULL},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR + 1, 0, "test-abi-major", "1.0.0", NULL, commands, 1, NULL, 0,
};

ACE_DT_PLUGIN_ENTRY(host) {
    (void)host;
    return &info;
}
