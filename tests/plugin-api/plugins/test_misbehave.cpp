// Breaks the rules of the plugin API in ways the host must contain:
//   "misbehave flood"   logs 1 MiB per call, three times, then writes one
//                       result line through write_stdout.
//   "misbehave text"    sets an error with control characters and bytes
//                       that are not UTF-8, and returns 3.
//   "misbehave guarded" throws an int inside ace_dt::run_guarded.
#include <ace_dt/plugin.h>
#include <ace_dt/plugin.hpp>

#include <string>

namespace {

const ace_dt_host_api *host = nullptr;

int flood(ace_dt_context *ctx, void *) {
    const std::string message(1024 * 1024, 'x');
    for (int call = 0; call < 3; ++call) {
        host->log(ctx, ACE_DT_LOG_ERROR, message.c_str());
    }
    const std::string result = "result\n";
    return host->write_stdout(ctx, result.data(), result.size()) == 0 ? ACE_DT_EXIT_OK : ACE_DT_EXIT_FAILURE;
}

int bad_text(ace_dt_context *ctx, void *) {
    host->set_error(ctx, "bad \x1b[2J\x1b[31mred\x07 \xff\xfe bytes");
    return 3;
}

int guarded(ace_dt_context *ctx, void *) {
    return ace_dt::run_guarded(host, ctx, [](ace_dt::Context &) -> int { throw 42; });
}

const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "misbehave flood", nullptr, "Log 1 MiB per call", nullptr, nullptr, nullptr, 0, nullptr,
     0, flood, nullptr},
    {sizeof(ace_dt_command), "misbehave text", nullptr, "Set an error with control bytes", nullptr, nullptr, nullptr,
     0, nullptr, 0, bad_text, nullptr},
    {sizeof(ace_dt_command), "misbehave guarded", nullptr, "Throw an int in run_guarded", nullptr, nullptr, nullptr,
     0, nullptr, 0, guarded, nullptr},
};

const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-misbehave", "1.0.0", nullptr, commands, 3,
    nullptr, 0,
};

}  // namespace

ACE_DT_PLUGIN_ENTRY(entry_host) {
    host = entry_host;
    return &info;
}
