/* An entry function that declines to run with this host. */
#include <ace_dt/plugin.h>

ACE_DT_PLUGIN_ENTRY(host) {
    (void)host;
    return NULL;
}
