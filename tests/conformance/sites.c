/* Per-check results for comparing runs (tools/compare-runs.sh): with
 * TEST_SITES set, every ok()/skip() site is counted, and at the end of a
 * group one line per site is printed, sorted by file and line:
 *     site: GROUP FILE:LINE passed N failed N skipped N
 * FILE is the source file's base name; nothing in these lines depends on
 * ports, addresses, timings or pointers, so a run under Wine and one on
 * Windows compare line by line. */
#include <stdlib.h>
#include "test.h"
#include "sites.h"

#define SITES_MAX 8192   /* a power of two, more than there are ok() calls in the sources */

struct site { const char *file; int line, passed, failed, skipped; };
static struct site table[SITES_MAX];
static int used, overflow;
static SRWLOCK lock = SRWLOCK_INIT;
static int enabled = -1;

static const char *base_name(const char *file)
{
    const char *p, *b = file;
    for (p = file; *p; p++) if (*p == '/' || *p == '\\') b = p + 1;
    return b;
}

void site_count(const char *file, int line, int result)
{
    unsigned h;
    if (enabled < 0) enabled = getenv("TEST_SITES") != NULL;
    if (!enabled) return;
    h = ((unsigned)(ULONG_PTR)file * 31u + (unsigned)line * 2654435761u) & (SITES_MAX - 1);
    AcquireSRWLockExclusive(&lock);
    while (table[h].file && (table[h].file != file || table[h].line != line)) h = (h + 1) & (SITES_MAX - 1);
    if (!table[h].file)
    {
        if (used >= SITES_MAX / 2) { overflow++; ReleaseSRWLockExclusive(&lock); return; }
        table[h].file = file;
        table[h].line = line;
        used++;
    }
    if (result > 0) table[h].passed++;
    else if (!result) table[h].failed++;
    else table[h].skipped++;
    ReleaseSRWLockExclusive(&lock);
}

static int by_place(const void *a, const void *b)
{
    const struct site *x = a, *y = b;
    int c;
    if (!x->file || !y->file) return !x->file - !y->file;
    if ((c = strcmp(base_name(x->file), base_name(y->file)))) return c;
    return x->line - y->line;
}

void sites_print(const char *group)
{
    int i;
    if (enabled <= 0) return;
    AcquireSRWLockExclusive(&lock);
    qsort(table, SITES_MAX, sizeof(table[0]), by_place);
    for (i = 0; i < SITES_MAX && table[i].file; i++)
        printf("site: %s %s:%d passed %d failed %d skipped %d\n", group, base_name(table[i].file), table[i].line,
               table[i].passed, table[i].failed, table[i].skipped);
    if (overflow) printf("site: %s (%d checks at sites beyond the table's %d)\n", group, overflow, SITES_MAX / 2);
    memset(table, 0, sizeof(table));
    used = overflow = 0;
    ReleaseSRWLockExclusive(&lock);
}
