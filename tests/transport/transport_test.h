/* Shared by the files of the transport test (transport_test.exe). */
#ifndef TRANSPORT_TEST_H
#define TRANSPORT_TEST_H

#include <windows.h>
#include <stdint.h>
#include "whnet.h"

#define ERR_TIMEOUT       12002
#define ERR_NOT_RESOLVED  12007
#define ERR_CANCELLED     12017
#define ERR_CANNOT_CONNECT 12029
#define ERR_CONNECTION    12030
#define ERR_SECURE        12175

extern const struct whnet_ops *ops;
extern const char *current;   /* name of the running test, for failure lines */

#define ok(cond, ...) ok_(__LINE__, !!(cond), __VA_ARGS__)
void ok_(int line, int cond, const char *fmt, ...);

uint16_t port(const char *name);                      /* from PORTS; exits if missing */
uint32_t open_conn(const char *server, whnet_conn *c);
uint32_t open_tls(const char *server, const char *name, uint32_t ignore, uint32_t *errs, whnet_conn *c);
uint32_t recv_all(whnet_conn c, void *buf, uint32_t len, uint32_t timeout);  /* ~0u on early EOF */
uint32_t send1(whnet_conn c, const void *data, uint32_t len);
void fill_pattern(unsigned char *p, size_t len, size_t offset);

void test_nowait(void);   /* test_nowait.c: send_nowait and watch_write */

#endif
