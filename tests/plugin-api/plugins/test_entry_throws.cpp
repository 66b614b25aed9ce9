// An entry function that throws instead of returning NULL.
#include <ace_dt/plugin.h>

#include <stdexcept>

ACE_DT_PLUGIN_ENTRY(host) {
    (void)host;
    throw std::logic_error("entry refuses to start");
}
