/* Built against a made-up ABI 1.1 header (tests/plugin-api/synthetic/1.1)
 * that appends report_progress to ace_dt_host_api and homepage to
 * ace_dt_plugin_info. On a host of ABI 1.0 it must load, and its commands
 * must find out through struct_size that report_progress is missing:
 * "newer progress" needs it and fails with a message, "newer optional"
 * works without it. Calling the missing member would read past the end of
 * the host's table. */
#include <ace_dt/plugin.h>

#include <stdio.h>
#include <string.h>

#if ACE_DT_ABI_MAJOR != 1 || ACE_DT_ABI_MINOR != 1
#error "test-abi-1-1 must be compiled against the synthetic ABI 1.1 header"
#endif

static const ace_dt_host_api *host;

static int has_report_progress(void) { return ACE_DT_HAS_MEMBER(host, ace_dt_host_api, report_progress); }

static int run_progress(ace_dt_context *ctx, void *user_data) {
    char message[256];
    (void)user_data;
    if (!has_report_progress()) {
        snprintf(message, sizeof message,
                 "this command needs report_progress from plugin ABI 1.1, but this ace-dt implements ABI %u.%u; "
                 "install a newer ace-dt",
                 (unsigned)host->abi_major, (unsigned)host->abi_minor);
        host->set_error(ctx, message);
        return ACE_DT_EXIT_FAILURE;
    }
    host->report_progress(ctx, 1, 1);
    return host->write_stdout(ctx, "progress reported\n", 18) == 0 ? ACE_DT_EXIT_OK : ACE_DT_EXIT_FAILURE;
}

static int run_optional(ace_dt_context *ctx, void *user_data) {
    (void)user_data;
    if (has_report_progress()) {
        host->report_progress(ctx, 1, 1);
    } else {
        host->log(ctx, ACE_DT_LOG_WARN, "this ace-dt lacks report_progress (ABI 1.1); continuing without progress");
    }
    return host->write_stdout(ctx, "optional done\n", 14) == 0 ? ACE_DT_EXIT_OK : ACE_DT_EXIT_FAILURE;
}

static const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "newer progress", NULL, "Needs report_progress", NULL, NULL, NULL, 0, NULL, 0,
     run_progress, NULL},
    {sizeof(ace_dt_command), "newer optional", NULL, "Uses report_progress when the host has it", NULL, NULL, NULL,
     0, NULL, 0, run_optional, NULL},
};

static const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-abi-1-1", "1.1.0",
    "Built against a synthetic ABI 1.1 header", commands, 2, NULL, 0, "docs/plugin-guide.md",
};

ACE_DT_PLUGIN_ENTRY(host_table) {
    host = host_table;
    return &info;
}
