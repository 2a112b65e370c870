/* The test groups, one function each (test_NAME in test_NAME.c). */
#ifndef CONFORMANCE_GROUPS_H
#define CONFORMANCE_GROUPS_H

#define TEST_GROUPS \
    GROUP(handles) GROUP(options) GROUP(crackurl) GROUP(http) GROUP(tls) \
    GROUP(upgrade) GROUP(websocket) GROUP(close) GROUP(protocol) GROUP(stress) \
    GROUP(async) GROUP(keepalive) GROUP(scale) GROUP(model) GROUP(wsrules) GROUP(sizes) GROUP(time) \
    GROUP(asyncsend) GROUP(auth) GROUP(proxy) GROUP(redirect) GROUP(cookie) \
    GROUP(decompress) GROUP(tolerance) GROUP(pool) GROUP(com) GROUP(comscript) \
    GROUP(resolve)

#define GROUP(n) void test_##n(void);
TEST_GROUPS
#undef GROUP

#endif
