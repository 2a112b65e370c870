/*
 * whnet.so: inflating response bodies with zlib (Content-Encoding gzip and
 * deflate), for WINHTTP_OPTION_DECOMPRESSION.  One inflater per body; the
 * PE side feeds it the body's bytes as they come (whnet.h, version 4).
 */
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "whnet.h"
#include "whnet_unixcall.h"

#define ERROR_SUCCESS              0
#define ERROR_NOT_ENOUGH_MEMORY    8
#define ERROR_INVALID_DATA         13
#define ERROR_INVALID_PARAMETER    87

struct inflater
{
    z_stream z;
    uint32_t kind;
    int started;      /* inflateInit2 done */
    int ended;        /* Z_STREAM_END seen */
    int broken;       /* corrupt: every later call fails */
};

__attribute__((visibility("hidden"))) unsigned int whnet_inflate_create(void *args);
__attribute__((visibility("hidden"))) unsigned int whnet_inflate(void *args);
__attribute__((visibility("hidden"))) unsigned int whnet_inflate_free(void *args);

static uint32_t start(struct inflater *f, int window_bits)
{
    int rc = inflateInit2(&f->z, window_bits);
    if (rc == Z_MEM_ERROR) return ERROR_NOT_ENOUGH_MEMORY;
    if (rc != Z_OK) return ERROR_INVALID_DATA;
    f->started = 1;
    return ERROR_SUCCESS;
}

/* RFC 1950 2.2: CM 8 (deflate), CINFO <= 7, the check bits make the first
 * 16 bits a multiple of 31.  A bare deflate stream rarely passes all three. */
static int zlib_header(const uint8_t *p)
{
    return (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && ((p[0] << 8) | p[1]) % 31 == 0;
}

unsigned int whnet_inflate_create(void *args)
{
    struct whnet_inflate_create_args *a = args;
    struct inflater *f;

    a->inflater = 0;
    if (a->kind != WHNET_INFLATE_GZIP && a->kind != WHNET_INFLATE_DEFLATE)
    {
        a->ret = ERROR_INVALID_PARAMETER;
        return 0;
    }
    if (!(f = calloc(1, sizeof(*f))))
    {
        a->ret = ERROR_NOT_ENOUGH_MEMORY;
        return 0;
    }
    f->kind = a->kind;
    /* gzip: window 15 plus 16 (gzip wrapper); deflate waits for two bytes */
    if (f->kind == WHNET_INFLATE_GZIP && (a->ret = start(f, 15 + 16)))
    {
        free(f);
        return 0;
    }
    a->inflater = (uint64_t)(uintptr_t)f;
    a->ret = ERROR_SUCCESS;
    return 0;
}

unsigned int whnet_inflate(void *args)
{
    struct whnet_inflate_args *a = args;
    struct inflater *f = (struct inflater *)(uintptr_t)a->inflater;
    const uint8_t *in = (const uint8_t *)(uintptr_t)a->in;
    int rc;

    a->consumed = a->produced = a->end = 0;
    if (!f) { a->ret = ERROR_INVALID_PARAMETER; return 0; }
    if (f->broken) { a->ret = ERROR_INVALID_DATA; return 0; }
    if (f->ended) { a->end = 1; a->ret = ERROR_SUCCESS; return 0; }
    if (!f->started)
    {
        if (a->in_len < 2) { a->ret = ERROR_SUCCESS; return 0; }  /* more input first */
        if ((a->ret = start(f, zlib_header(in) ? 15 : -15))) { f->broken = 1; return 0; }
    }
    f->z.next_in = (Bytef *)in;
    f->z.avail_in = a->in_len;
    f->z.next_out = (Bytef *)(uintptr_t)a->out;
    f->z.avail_out = a->out_len;
    rc = inflate(&f->z, Z_NO_FLUSH);
    a->consumed = a->in_len - f->z.avail_in;
    a->produced = a->out_len - f->z.avail_out;
    f->z.next_in = f->z.next_out = NULL;
    switch (rc)
    {
    case Z_STREAM_END:
        f->ended = 1;
        a->end = 1;
        /* fall through */
    case Z_OK:
    case Z_BUF_ERROR:   /* no progress possible now: not an error */
        a->ret = ERROR_SUCCESS;
        break;
    case Z_MEM_ERROR:
        f->broken = 1;
        a->ret = ERROR_NOT_ENOUGH_MEMORY;
        break;
    default:            /* Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR */
        f->broken = 1;
        a->ret = ERROR_INVALID_DATA;
        break;
    }
    return 0;
}

unsigned int whnet_inflate_free(void *args)
{
    struct whnet_conn_args *a = args;
    struct inflater *f = (struct inflater *)(uintptr_t)a->conn;

    if (f)
    {
        if (f->started) inflateEnd(&f->z);
        free(f);
    }
    a->ret = ERROR_SUCCESS;
    return 0;
}
