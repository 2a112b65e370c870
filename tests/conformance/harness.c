/* Harness: counters, ok/skip/trace, group dispatch. */
#include <stdarg.h>
#include <stdlib.h>
#include "test.h"
#include "groups.h"
#include "sites.h"

int test_passed, test_failed, test_skipped;

void ok_(const char *file, int line, int cond, const char *fmt, ...)
{
    va_list ap;
    site_count(file, line, cond);
    if (cond) { test_passed++; return; }
    test_failed++;
    printf("%s:%d: Test failed: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!*fmt || fmt[strlen(fmt) - 1] != '\n') printf("\n");
    fflush(stdout);
}

void skip_(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    site_count(file, line, -1);
    test_skipped++;
    printf("%s:%d: Tests skipped: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!*fmt || fmt[strlen(fmt) - 1] != '\n') printf("\n");
    fflush(stdout);
}

void trace_(const char *fmt, ...)
{
    va_list ap;
    if (!getenv("TEST_VERBOSE")) return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

static const struct { const char *name; void (*fn)(void); } groups[] =
{
#define GROUP(n) { #n, test_##n },
    TEST_GROUPS
#undef GROUP
};

int main(int argc, char **argv)
{
    int i, j, ran = 0;
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && !strcmp(argv[1], "--list"))
    {
        for (i = 0; i < (int)(sizeof(groups) / sizeof(groups[0])); i++) printf("%s\n", groups[i].name);
        return 0;
    }
    for (i = 0; i < (int)(sizeof(groups) / sizeof(groups[0])); i++)
    {
        int want = argc <= 1;
        for (j = 1; j < argc; j++) if (!strcmp(argv[j], groups[i].name)) want = 1;
        if (!want) continue;
        int p = test_passed, f = test_failed, s = test_skipped;
        groups[i].fn();
        printf("%s: %d passed, %d failed, %d skipped\n", groups[i].name,
               test_passed - p, test_failed - f, test_skipped - s);
        sites_print(groups[i].name);
    fflush(stdout);
        ran++;
    }
    if (!ran) { fprintf(stderr, "no such group\n"); return 2; }
    return test_failed ? 1 : 0;
}
