/* SHA-1 (FIPS 180 examples), base64 (RFC 4648 section 10) and the RFC 6455
 * handshake example. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "codec/ws_handshake.h"

static int sha1_is(const void *data, size_t len, const char *hex)
{
    uint8_t got[20], want[20];
    sha1_digest(data, len, got);
    if (unit_unhex(hex, want) != 20) return 0;
    return !memcmp(got, want, 20);
}

static void test_sha1(void)
{
    static const struct { size_t n; const char *hex; } as[] = {
        { 55, "c1c8bbdc22796e28c0e15163d20899b65621d65a" },
        { 56, "c2db330f6083854c99d4b5bfb6e8f29f201be699" },
        { 57, "f08f24908d682555111be7ff6f004e78283d989a" },
        { 63, "03f09f5b158a7a8cdad920bddc29b81c18a551f5" },
        { 64, "0098ba824b5c16427bd7a1122a5a442a25ec644d" },
        { 65, "11655326c708d70319be2610e8a57d9a5b959d3b" },
        { 119, "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56" },
        { 120, "f34c1488385346a55709ba056ddd08280dd4c6d6" },
        { 127, "89d95fa32ed44a7c610b7ee38517ddf57e0bb975" },
        { 128, "ad5b3fdbcb526778c2839d2f151ea753995e26a0" },
        { 129, "d96debf1bdcbc896e6c134ea76e8141f40d78536" },
    };
    static const char s448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const char s896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                               "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    char *million;
    size_t i;

    CHECK(sha1_is("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d"));
    CHECK(sha1_is("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
    CHECK(sha1_is(NULL, 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709"));
    CHECK(sha1_is(s448, sizeof(s448) - 1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"));
    CHECK(sha1_is(s896, sizeof(s896) - 1, "a49b2446a02c645bf419f995b67091253a04a259"));
    CHECK(sha1_is("The quick brown fox jumps over the lazy dog", 43, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"));
    million = malloc(1000000);
    memset(million, 'a', 1000000);
    CHECK(sha1_is(million, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"));
    for (i = 0; i < sizeof(as) / sizeof(as[0]); i++)
        CHECKF(sha1_is(million, as[i].n, as[i].hex), "sha1 of %zu 'a'", as[i].n);
    free(million);
}

static int b64_is(const char *in, size_t len, const char *want)
{
    char out[64];
    size_t n;
    memset(out, 'X', sizeof(out));
    n = base64_encode((const uint8_t *)in, len, out);
    return n == strlen(want) && !strcmp(out, want) && n == 4 * ((len + 2) / 3);
}

static void test_base64(void)
{
    CHECK(b64_is("", 0, ""));
    CHECK(b64_is("f", 1, "Zg=="));
    CHECK(b64_is("fo", 2, "Zm8="));
    CHECK(b64_is("foo", 3, "Zm9v"));
    CHECK(b64_is("foob", 4, "Zm9vYg=="));
    CHECK(b64_is("fooba", 5, "Zm9vYmE="));
    CHECK(b64_is("foobar", 6, "Zm9vYmFy"));
    CHECK(b64_is("\xff\xfe\xfd\xfc\xfb\xfa", 6, "//79/Pv6"));
    CHECK(b64_is("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6", 10, "//79/Pv6+fj39g=="));
    CHECK(b64_is("\0\0\0", 3, "AAAA"));
    CHECK(b64_is("\0", 1, "AA=="));
    {
        /* every 6-bit value appears once, in order */
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        uint8_t in[48];
        char out[65];
        size_t i;
        for (i = 0; i < 16; i++)
        {
            uint32_t v = ((uint32_t)(4 * i) << 18) | ((uint32_t)(4 * i + 1) << 12) | ((uint32_t)(4 * i + 2) << 6) | (4 * i + 3);
            in[3 * i] = (uint8_t)(v >> 16);
            in[3 * i + 1] = (uint8_t)(v >> 8);
            in[3 * i + 2] = (uint8_t)v;
        }
        CHECK_EQ(base64_encode(in, 48, out), 64);
        CHECK(!strcmp(out, alphabet));
    }
}

static void test_ws_keys(void)
{
    static const char key[] = "dGhlIHNhbXBsZSBub25jZQ==";
    static const char accept[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    char out[WS_ACCEPT_LEN + 1];
    char k[WS_KEY_LEN + 1];
    uint8_t nonce[16];

    memcpy(nonce, "the sample nonce", 16);
    memset(k, 'X', sizeof(k));
    ws_make_key(nonce, k);
    CHECK(!strcmp(k, key));
    CHECK_EQ(strlen(k), WS_KEY_LEN);

    memset(out, 'X', sizeof(out));
    ws_accept_for_key(key, strlen(key), out);
    CHECK(!strcmp(out, accept));
    CHECK_EQ(strlen(out), WS_ACCEPT_LEN);

    CHECK(ws_accept_matches(key, 24, accept, 28));
    CHECK(ws_accept_matches(key, 24, " s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 29));
    CHECK(ws_accept_matches(key, 24, "\t s3pPLMBiTxaQ9kYGzzhZRbK+xOo= \t", 32));
    CHECK(!ws_accept_matches(key, 24, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo", 27));
    CHECK(!ws_accept_matches(key, 24, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=x", 29));
    CHECK(!ws_accept_matches(key, 24, "S3pPLMBiTxaQ9kYGzzhZRbK+xOo=", 28));
    CHECK(!ws_accept_matches(key, 24, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r", 29));
    CHECK(!ws_accept_matches(key, 24, "", 0));
    CHECK(!ws_accept_matches(key, 24, "   ", 3));
    CHECK(!ws_accept_matches("dGhlIHNhbXBsZSBub25jZQ=!", 24, accept, 28));
    CHECK(!ws_accept_matches(key, 23, accept, 28));
}

void test_handshake(void)
{
    test_sha1();
    test_base64();
    test_ws_keys();
}
