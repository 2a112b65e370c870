/* HTTP authentication codec: hashes, base64, Basic, challenge parsing,
 * Digest responses (vectors from RFC 1321, FIPS 180-2, RFC 4648, RFC 7617,
 * RFC 2617 and RFC 7616). */
#include <string.h>
#include "check.h"
#include "codec/hash.h"
#include "codec/http_auth.h"

static const char *digest_hex(enum hash_alg alg, const char *text, size_t piece)
{
    static char hex[2 * HASH_MAX_LEN + 1];
    uint8_t d[HASH_MAX_LEN];
    hash_ctx h;
    size_t len = strlen(text), off = 0, n;

    hash_init(&h, alg);
    while (off < len)   /* in pieces of `piece` bytes to exercise the block buffer */
    {
        n = piece && len - off > piece ? piece : len - off;
        hash_update(&h, text + off, n);
        off += n;
    }
    n = hash_final(&h, d);
    hash_hex(d, n, hex);
    return hex;
}

static void test_hashes(void)
{
    static const char *const eighty = "12345678901234567890123456789012345678901234567890123456789012345678901234567890";
    size_t piece;

    static const size_t pieces[] = { 0, 1, 7, 63, 64, 65 };
    unsigned i;

    for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++)
    {
        piece = pieces[i];
        CHECK(!strcmp(digest_hex(HASH_SHA1, "abc", piece), "a9993e364706816aba3e25717850c26c9cd0d89d"));
        CHECK(!strcmp(digest_hex(HASH_SHA1, eighty, piece), "50abf5706a150990a08b2c5ea40fa0e585554732"));
        CHECK(!strcmp(digest_hex(HASH_SHA1, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", piece),
                      "84983e441c3bd26ebaae4aa1f95129e5e54670f1"));
        CHECK(!strcmp(digest_hex(HASH_MD5, "", piece), "d41d8cd98f00b204e9800998ecf8427e"));
        CHECK(!strcmp(digest_hex(HASH_MD5, "abc", piece), "900150983cd24fb0d6963f7d28e17f72"));
        CHECK(!strcmp(digest_hex(HASH_MD5, "message digest", piece), "f96b697d7cb7938d525a2f31aaf161d0"));
        CHECK(!strcmp(digest_hex(HASH_MD5, eighty, piece), "57edf4a22be3c955ac49da2e2107b67a"));
        CHECK(!strcmp(digest_hex(HASH_SHA256, "", piece), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        CHECK(!strcmp(digest_hex(HASH_SHA256, "abc", piece), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        CHECK(!strcmp(digest_hex(HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", piece),
                      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    }
}

static void test_base64_basic(void)
{
    static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
    static const char *const want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
    char out[64];
    size_t i;

    for (i = 0; i < sizeof(in) / sizeof(in[0]); i++)
    {
        size_t n = ha_base64(in[i], strlen(in[i]), out);
        CHECKF(n == strlen(want[i]) && !strcmp(out, want[i]), "base64(%s) = %s", in[i], out);
    }
    CHECK_EQ(ha_basic("Aladdin", "open sesame", out, sizeof(out)), 34);
    CHECK(!strcmp(out, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
    CHECK_EQ(ha_basic("user", "", out, sizeof(out)), 14);       /* "user:" */
    CHECK(!strcmp(out, "Basic dXNlcjo="));
    CHECK_EQ(ha_basic("us:er", "x", out, sizeof(out)), -1);     /* RFC 7617: no ':' in the user-id */
    CHECK_EQ(ha_basic("Aladdin", "open sesame", out, 34), -1);  /* no room for the NUL */
    CHECK_EQ(ha_basic("Aladdin", "open sesame", out, 35), 34);
}

static int str_is(ha_str s, const char *want) { return s.len == strlen(want) && !memcmp(s.p, want, s.len); }

static void test_challenges(void)
{
    /* RFC 7235 section 4.1's example: two challenges in one field */
    const char *s = "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"";
    char buf[64];
    ha_challenge c;
    size_t pos = 0;
    int i;

    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(str_is(c.name, "Newauth") && c.scheme == 0 && c.nparams == 3 && !c.token68.len);
    CHECK_EQ(ha_param_get(&c, "TITLE", buf, sizeof(buf)), 15);
    CHECK(!strcmp(buf, "Login to \"apps\""));
    CHECK_EQ(ha_param_get(&c, "type", buf, sizeof(buf)), 1);
    CHECK(!c.params[1].quoted && c.params[0].quoted);
    CHECK_EQ(ha_param_get(&c, "nonce", buf, sizeof(buf)), -1);
    CHECK_EQ(ha_param_get(&c, "title", buf, 15), -2);
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(c.scheme == HA_SCHEME_BASIC && c.nparams == 1);
    CHECK(ha_param_get(&c, "realm", buf, sizeof(buf)) == 6 && !strcmp(buf, "simple"));
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 0);

    /* several header fields joined with ", " (Wine's multi-scheme test server sends these three) */
    s = "Bearer, Basic realm=\"placebo\", NTLM";
    pos = 0;
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(str_is(c.name, "Bearer") && !c.scheme && !c.nparams);
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(c.scheme == HA_SCHEME_BASIC && c.nparams == 1);
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(c.scheme == HA_SCHEME_NTLM && !c.nparams);
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 0);

    /* token68 (with padding), case-insensitive scheme names, empty list elements */
    s = " ,negotiate YIIFyQYGKwYBBQUCoII/+FvTCC== , , passport1.4 , digest realm=r, nonce=n ,";
    pos = 0;
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(c.scheme == HA_SCHEME_NEGOTIATE && str_is(c.token68, "YIIFyQYGKwYBBQUCoII/+FvTCC=="));
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(c.scheme == HA_SCHEME_PASSPORT);
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(c.scheme == HA_SCHEME_DIGEST && c.nparams == 2);
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 0);

    /* parameters with spaces around '=' (BWS) */
    s = "Basic realm = \"x y\" , charset=UTF-8";
    pos = 0;
    CHECK_EQ(ha_next_challenge(s, strlen(s), &pos, &c), 1);
    CHECK(c.nparams == 2 && ha_param_get(&c, "realm", buf, sizeof(buf)) == 3 && !strcmp(buf, "x y"));

    /* nothing at all */
    pos = 0;
    CHECK_EQ(ha_next_challenge("", 0, &pos, &c), 0);
    pos = 0;
    CHECK_EQ(ha_next_challenge(" , ,", 4, &pos, &c), 0);

    /* syntax errors */
    {
        static const char *const bad[] = {
            "Basic realm=\"unterminated", "=x", "Basic realm=\"a\" junk", "Basic realm=\"a\\", "Basic=x",
            "Basic a=1, b=", "Basic \"q\"", "Basic a=1, =2", "Basic realm=\"a\001b\"",
            "Basic realm=\"a\\\177\"",
        };
        size_t k;
        for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
        {
            int rc = 1;
            pos = 0;
            while (rc == 1) rc = ha_next_challenge(bad[k], strlen(bad[k]), &pos, &c);
            CHECKF(rc == -1, "'%s' should not parse (%d)", bad[k], rc);
        }
    }

    /* more parameters than the parser keeps: an error, never an overflow */
    {
        char many[512] = "Digest ";
        for (i = 0; i < HA_MAX_PARAMS + 1; i++) sprintf(many + strlen(many), "%sp%d=v", i ? ", " : "", i);
        pos = 0;
        CHECK_EQ(ha_next_challenge(many, strlen(many), &pos, &c), -1);
        many[strlen(many) - strlen(", p16=v")] = 0;
        pos = 0;
        CHECK_EQ(ha_next_challenge(many, strlen(many), &pos, &c), 1);
        CHECK_EQ(c.nparams, HA_MAX_PARAMS);
    }
}

static int parse_one(const char *s, ha_challenge *c)
{
    size_t pos = 0;
    return ha_next_challenge(s, strlen(s), &pos, c);
}

static void test_digest(void)
{
    ha_digest_input in;
    ha_challenge c;
    char out[1024];
    long n;

    /* RFC 2617 section 3.5 */
    CHECK_EQ(parse_one("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                       "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"", &c), 1);
    in.user = "Mufasa";
    in.pass = "Circle Of Life";
    in.method = "GET";
    in.uri = "/dir/index.html";
    in.cnonce = "0a4f113b";
    in.nc = 1;
    n = ha_digest(&c, &in, out, sizeof(out));
    CHECK(n == (long)strlen(out));
    CHECKF(!strcmp(out, "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", algorithm=MD5, "
                        "response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", "
                        "qop=auth, nc=00000001, cnonce=\"0a4f113b\""), "%s", out);
    CHECK_EQ(ha_digest(&c, &in, out, 100), -2);

    /* RFC 7616 section 3.9.1, MD5 and SHA-256 */
    in.pass = "Circle of Life";
    in.cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    CHECK_EQ(parse_one("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, "
                       "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                       "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", &c), 1);
    CHECK(ha_digest(&c, &in, out, sizeof(out)) > 0);
    CHECKF(strstr(out, "response=\"8ca523f5e9506fed4657c9700eebdbec\"") != NULL, "%s", out);
    CHECK_EQ(parse_one("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
                       "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                       "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"", &c), 1);
    CHECK(ha_digest(&c, &in, out, sizeof(out)) > 0);
    CHECKF(strstr(out, "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"") != NULL, "%s", out);
    CHECK(strstr(out, "algorithm=SHA-256,") != NULL);

    /* RFC 2069 form (no qop): H(HA1:nonce:HA2), no nc/cnonce sent */
    CHECK_EQ(parse_one("Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"", &c), 1);
    in.user = "Mufasa";
    in.pass = "CircleOfLife";
    in.uri = "/dir/index.html";
    CHECK(ha_digest(&c, &in, out, sizeof(out)) > 0);
    /* RFC 2069 section 2.4's example response */
    CHECKF(strstr(out, "response=\"1949323746fe6a43ef61f9606e7febea\"") != NULL, "%s", out);
    CHECK(!strstr(out, "qop") && !strstr(out, "cnonce") && !strstr(out, "opaque"));

    /* MD5-sess: HA1 = MD5(MD5(user:realm:pass):nonce:cnonce) */
    CHECK_EQ(parse_one("Digest realm=\"r\", nonce=\"n\", qop=auth, algorithm=md5-SESS", &c), 1);
    in.user = "u"; in.pass = "p"; in.method = "GET"; in.uri = "/"; in.cnonce = "c"; in.nc = 0x1a;
    CHECK(ha_digest(&c, &in, out, sizeof(out)) > 0);
    {
        char ha1[33], ha1s[64 + 1], ha2[33], buf[256];
        strcpy(ha1, digest_hex(HASH_MD5, "u:r:p", 0));
        sprintf(ha1s, "%s:n:c", ha1);
        strcpy(ha1s, digest_hex(HASH_MD5, ha1s, 0));
        strcpy(ha2, digest_hex(HASH_MD5, "GET:/", 0));
        sprintf(buf, "%s:n:0000001a:c:auth:%s", ha1s, ha2);
        sprintf(ha1, "%.32s", digest_hex(HASH_MD5, buf, 0));
        sprintf(buf, "response=\"%s\"", ha1);
        CHECKF(strstr(out, buf) != NULL, "%s lacks %s", out, buf);
        CHECK(strstr(out, "nc=0000001a") != NULL && strstr(out, "algorithm=MD5-sess") != NULL);
    }

    /* quotes in the user name are escaped */
    CHECK_EQ(parse_one("Digest realm=\"a\\\"b\", nonce=\"n\"", &c), 1);
    in.user = "x\"y\\z";
    CHECK(ha_digest(&c, &in, out, sizeof(out)) > 0);
    CHECKF(!strncmp(out, "Digest username=\"x\\\"y\\\\z\", realm=\"a\\\"b\"", 37), "%s", out);

    /* what it cannot answer */
    in.user = "u";
    CHECK_EQ(parse_one("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", &c), 1);
    CHECK_EQ(ha_digest(&c, &in, out, sizeof(out)), -1);
    CHECK_EQ(parse_one("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", &c), 1);
    CHECK_EQ(ha_digest(&c, &in, out, sizeof(out)), -1);
    CHECK_EQ(parse_one("Digest realm=\"r\"", &c), 1);
    CHECK_EQ(ha_digest(&c, &in, out, sizeof(out)), -1);
    CHECK_EQ(parse_one("Digest nonce=\"n\"", &c), 1);
    CHECK_EQ(ha_digest(&c, &in, out, sizeof(out)), -1);
    CHECK_EQ(parse_one("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess", &c), 1);   /* -sess needs qop */
    CHECK_EQ(ha_digest(&c, &in, out, sizeof(out)), -1);
    CHECK_EQ(parse_one("Basic realm=\"r\", nonce=\"n\"", &c), 1);
    CHECK_EQ(ha_digest(&c, &in, out, sizeof(out)), -1);
}

void test_http_auth(void)
{
    test_hashes();
    test_base64_basic();
    test_challenges();
    test_digest();
}
