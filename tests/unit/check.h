/* Minimal check harness shared by the host unit tests. */
#ifndef UNIT_CHECK_H
#define UNIT_CHECK_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

extern int unit_passed, unit_failed;

#define CHECK(cond) CHECKF(cond, "%s", #cond)
#define CHECKF(cond, ...) do { \
        if (cond) unit_passed++; \
        else { unit_failed++; printf("%s:%d: FAIL: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
    } while (0)
#define CHECK_EQ(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
        CHECKF(a_ == b_, "%s == %s (%lld vs %lld)", #a, #b, a_, b_); } while (0)

/* hex string ("81 05 48") to bytes; spaces ignored; returns the count */
size_t unit_unhex(const char *hex, uint8_t *out);
/* byte string equality with a message */
int unit_mem_eq(const void *a, size_t alen, const void *b, size_t blen);

void test_ws_frame(void);
void test_utf8(void);
void test_handshake(void);
void test_http(void);
void test_url(void);
void test_ws_state(void);
void test_http_date(void);
void test_http_auth(void);
void test_cookie(void);
void test_readahead(void);

#endif
