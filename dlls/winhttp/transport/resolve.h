/* whnet.so: host name resolution off the calling thread (resolve.c). */
#ifndef WHNET_RESOLVE_H
#define WHNET_RESOLVE_H

#include <stdint.h>
#include <netdb.h>

struct resolve_job;

/* Numeric hosts (IPv4, IPv6 literals): resolved here and now, *out set,
 * returns 0.  Names: returns 1 and nothing is set.  -1: not an address
 * and the name cannot be looked up (bad arguments). */
int resolve_numeric(const char *host, uint32_t port, struct addrinfo **out);

/* Start looking host up on a thread of its own.  *fd receives a
 * descriptor owned by the job that becomes readable when the lookup ends
 * or deadline_ms (CLOCK_MONOTONIC ms, -1: none) passes, whichever is
 * first.  NULL: out of memory or threads. */
struct resolve_job *resolve_start(const char *host, uint32_t port, int64_t deadline_ms, int *fd);

/* The lookup ended: ERROR_SUCCESS with *out (the caller frees it), or
 * ERROR_WINHTTP_NAME_NOT_RESOLVED; ERROR_IO_PENDING while it goes on. */
uint32_t resolve_result(struct resolve_job *job, struct addrinfo **out);

/* Let go of job (its descriptor is closed; the lookup may still run to
 * its end on its thread, which then frees what is left). */
void resolve_release(struct resolve_job *job);

#endif
