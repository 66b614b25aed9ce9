/* Facts about the binary layout that one copy of plugin.h declares, for
 * comparing header versions that cannot be included in one file (they
 * share their include guard and type names). layout_table.c is compiled
 * once per header, each time naming its function through
 * ABI_LAYOUT_FUNCTION. */
#ifndef ACE_DT_TEST_LAYOUT_TABLE_H
#define ACE_DT_TEST_LAYOUT_TABLE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One fact, such as "offsetof(ace_dt_flag, help)" = 16. */
typedef struct abi_fact {
    const char *name;
    long long value;
    const char *text;  /* for string constants, else NULL */
    /* Non-zero when a later minor version may make the value larger: the
     * size of a table, which grows as members are appended, and
     * ACE_DT_ABI_MINOR. Every other fact must stay equal. */
    int may_grow;
} abi_fact;

#ifdef __cplusplus
}
#endif

#endif
