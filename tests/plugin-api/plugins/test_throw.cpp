// Breaks the rule that no exception may leave a plugin: "throw now"
// throws a std::runtime_error and "throw other" an int.
#include <ace_dt/plugin.h>

#include <stdexcept>

namespace {

int throw_runtime_error(ace_dt_context*, void*) { throw std::runtime_error("boom from the plugin"); }

int throw_int(ace_dt_context*, void*) { throw 42; }

const ace_dt_command commands[] = {
    {sizeof(ace_dt_command), "throw now", nullptr, "Throw a std::runtime_error", nullptr, nullptr, nullptr, 0, nullptr,
     0, throw_runtime_error, nullptr},
    {sizeof(ace_dt_command), "throw other", nullptr, "Throw an int", nullptr, nullptr, nullptr, 0, nullptr, 0,
     throw_int, nullptr},
};

const ace_dt_plugin_info info = {
    sizeof(ace_dt_plugin_info), ACE_DT_ABI_MAJOR, ACE_DT_ABI_MINOR, "test-throw", "1.0.0", nullptr, commands, 2,
    nullptr, 0,
};

}  // namespace

ACE_DT_PLUGIN_ENTRY(host) {
    (void)host;
    return &info;
}
