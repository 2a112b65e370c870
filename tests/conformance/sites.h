/* Per-check results (sites.c): counted when TEST_SITES is set. */
#ifndef CONFORMANCE_SITES_H
#define CONFORMANCE_SITES_H
/* result: 1 passed, 0 failed, -1 skipped */
void site_count(const char *file, int line, int result);
/* prints the group's sites and starts over */
void sites_print(const char *group);
#endif
