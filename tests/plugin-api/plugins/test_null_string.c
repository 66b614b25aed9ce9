/* Leaves short_help NULL, which the header requires. The host must skip
 * the plugin with a message naming the file and the member. */
#include <ace_dt/plugin.h>

static int run(ace_dt_context *ctx, void *user_data) {
    (void)ctx;
    (void)user_data;
    return ACE_DT_EXIT_OK;
}

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "nulls missing", NULL, NULL, NULL, NULL, NULL, 0, NULL, 0, run, NULL},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-null-string", "1.0.0", NULL, commands, 1,
    NULL, 0,
};

ACE_DT_PLUGIN_ENTRY(host) {
    (void)host;
    return &info;
}
