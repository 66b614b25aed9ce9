/* A shared library that exports a function, but not the plugin entry. */
#include <ace_dt/plugin.h>

ACE_DT_EXPORT int test_no_entry_answer(void);

ACE_DT_EXPORT int test_no_entry_answer(void) { return 42; }
