/*
 * Credentials and the 401/407 flow: WinHttpSetCredentials,
 * WinHttpQueryAuthSchemes, the USERNAME/PASSWORD, PROXY_USERNAME/
 * PROXY_PASSWORD and AUTOLOGON_POLICY options, and the Authorization /
 * Proxy-Authorization line of each request.
 *
 * What goes out, per target (server or proxy):
 *  - credentials from WinHttpSetCredentials win over the options (as on
 *    Windows); Basic is sent with the first request already, Digest once a
 *    challenge for it is known;
 *  - credentials from the options are used only to answer a challenge
 *    (Digest if offered, else Basic);
 *  - NTLM, Negotiate and Passport are accepted by WinHttpSetCredentials and
 *    reported by WinHttpQueryAuthSchemes, but no token is produced: Wine's
 *    secur32 needs winbind's ntlm_auth for NTLM and a Kerberos realm for
 *    Negotiate, and NTLM also needs the connection kept across the
 *    handshake, which requests here do not do yet.  The 401 then reaches the
 *    application.
 * WinHttpReceiveResponse answers a 401 (or a proxy's 407) by itself once per
 * target and WinHttpSendRequest, when the request went out without
 * credentials for that target (or with Digest ones and the new challenge
 * says stale=true), had no body to send again, and credentials that answer
 * the challenge are known now (set before sending, or through the options);
 * any other 401/407 after credentials were sent goes to the application.
 *
 * Proxy-Authorization goes on a request sent to a proxy in absolute form
 * (auth_header with the absolute URI) and on the CONNECT of a tunnel
 * (auth_connect_header), never on the request inside the tunnel.  A 407 is
 * answered only when the request went through a proxy.
 */
#include <stdio.h>
#include "private.h"
#include "codec/http_auth.h"

#define TARGETS 2   /* WINHTTP_AUTH_TARGET_SERVER, WINHTTP_AUTH_TARGET_PROXY */

struct auth_target
{
    DWORD scheme;                 /* from WinHttpSetCredentials, 0: none */
    WCHAR *user, *pass;           /* from WinHttpSetCredentials (NULL: default credentials) */
    WCHAR *opt_user, *opt_pass;   /* from the USERNAME/PASSWORD options */
    char *challenge;              /* the last 401/407's challenges, joined with ", " */
    char *nonce;                  /* Digest nonce last answered ... */
    unsigned long nc;             /* ... and how many times */
    DWORD sent;                   /* scheme of the header the last request carried, 0: none */
    BOOL through;                 /* the last request went to this target (for the proxy: through one) */
    BOOL answered;                /* a 401/407 was answered by itself since the last WinHttpSendRequest */
};

struct auth_state
{
    struct auth_target t[TARGETS];
    DWORD autologon;              /* WINHTTP_AUTOLOGON_SECURITY_LEVEL_*, default MEDIUM */
};

static void free_secret(WCHAR *s)
{
    if (s)
    {
        volatile WCHAR *p = s;
        while (*p) *p++ = 0;
        heap_free(s);
    }
}

static void free_secret_a(char *s)
{
    if (s)
    {
        volatile char *p = s;
        while (*p) *p++ = 0;
        heap_free(s);
    }
}

void auth_free(struct request *r)
{
    struct auth_state *a = r->auth;
    int i;

    if (!a) return;
    for (i = 0; i < TARGETS; i++)
    {
        heap_free(a->t[i].user);
        free_secret(a->t[i].pass);
        heap_free(a->t[i].opt_user);
        free_secret(a->t[i].opt_pass);
        heap_free(a->t[i].challenge);
        heap_free(a->t[i].nonce);
    }
    heap_free(a);
    r->auth = NULL;
}

static struct auth_state *auth_get(struct request *r)
{
    if (!r->auth) r->auth = heap_alloc_zero(sizeof(*r->auth));
    return r->auth;
}

static struct request *grab_request_handle(HINTERNET h, DWORD *err)
{
    return (struct request *)grab_typed(h, WINHTTP_HANDLE_TYPE_REQUEST, err);
}

/* ---- challenges ---- */

static const WCHAR *challenge_header(DWORD target)
{
    return target == WINHTTP_AUTH_TARGET_PROXY ? L"Proxy-Authenticate" : L"WWW-Authenticate";
}

/* The schemes offered in the response's challenge headers, and the first of
 * them we know, header by header (a broken header does not hide the others). */
static DWORD offered_schemes(const struct request *r, DWORD target, DWORD *first)
{
    const WCHAR *name = challenge_header(target);
    DWORD bits = 0;
    int i;

    *first = 0;
    for (i = headers_find(&r->resp_headers, name, 0); i >= 0; i = headers_find(&r->resp_headers, name, i + 1))
    {
        char *v = strdupWA(r->resp_headers.items[i].value);
        ha_challenge c;
        size_t pos = 0;
        if (!v) continue;
        while (ha_next_challenge(v, strlen(v), &pos, &c) == 1)
        {
            if (c.scheme && !*first) *first = c.scheme;
            bits |= c.scheme;
        }
        heap_free(v);
    }
    return bits;
}

/* the challenge headers' values joined with ", " (one list, RFC 9110 5.3) */
static char *join_challenges(const struct request *r, DWORD target)
{
    const WCHAR *name = challenge_header(target);
    size_t total = 1;
    char *out, *p;
    int i;

    for (i = headers_find(&r->resp_headers, name, 0); i >= 0; i = headers_find(&r->resp_headers, name, i + 1))
        total += WideCharToMultiByte(CP_UTF8, 0, r->resp_headers.items[i].value, -1, NULL, 0, NULL, NULL) + 2;
    if (!(out = p = heap_alloc(total))) return NULL;
    *p = 0;
    for (i = headers_find(&r->resp_headers, name, 0); i >= 0; i = headers_find(&r->resp_headers, name, i + 1))
    {
        if (p != out) { *p++ = ','; *p++ = ' '; }
        p += WideCharToMultiByte(CP_UTF8, 0, r->resp_headers.items[i].value, -1, p, (int)(total - (p - out)), NULL, NULL) - 1;
    }
    return out;
}

/* A Digest challenge with stale=true: the credentials were right, the nonce
 * too old (RFC 7616 3.3); worth answering again with the new nonce. */
static BOOL challenge_stale(const char *challenge)
{
    ha_challenge c;
    size_t pos = 0;
    char v[8];
    if (!challenge) return FALSE;
    while (ha_next_challenge(challenge, strlen(challenge), &pos, &c) == 1)
        if (c.scheme == HA_SCHEME_DIGEST && ha_param_get(&c, "stale", v, sizeof(v)) == 4 && !_stricmp(v, "true"))
            return TRUE;
    return FALSE;
}

static BOOL challenge_offers(const char *challenge, unsigned scheme)
{
    ha_challenge c;
    size_t pos = 0;
    if (!challenge) return FALSE;
    while (ha_next_challenge(challenge, strlen(challenge), &pos, &c) == 1)
        if (c.scheme == scheme) return TRUE;
    return FALSE;
}

/* The scheme and credentials to answer with, 0 if none. */
static DWORD pick_credentials(const struct auth_target *t, const WCHAR **user, const WCHAR **pass)
{
    if (t->scheme)
    {
        *user = t->user;
        *pass = t->pass;
        return t->scheme;
    }
    if (!t->opt_user && !t->opt_pass) return 0;
    *user = t->opt_user ? t->opt_user : L"";
    *pass = t->opt_pass ? t->opt_pass : L"";
    if (challenge_offers(t->challenge, HA_SCHEME_DIGEST)) return WINHTTP_AUTH_SCHEME_DIGEST;
    if (challenge_offers(t->challenge, HA_SCHEME_BASIC)) return WINHTTP_AUTH_SCHEME_BASIC;
    return 0;
}

/* ---- building the header ---- */

static char *digest_value(struct request *r, struct auth_target *t, const char *user, const char *pass,
                          const char *verb, const char *uri, DWORD *err)
{
    ha_challenge c;
    size_t pos = 0;
    char *method, *out = NULL;

    if (!t->challenge) return NULL;
    if (!(method = verb ? heap_alloc(strlen(verb) + 1) : strdupWA(r->verb))) { *err = ERROR_NOT_ENOUGH_MEMORY; return NULL; }
    if (verb) strcpy(method, verb);
    while (!out && ha_next_challenge(t->challenge, strlen(t->challenge), &pos, &c) == 1)
    {
        char nonce[512], cnonce[33];
        BYTE rnd[16];
        unsigned long nc;
        ha_digest_input in;
        long n;
        DWORD i;

        if (c.scheme != HA_SCHEME_DIGEST || ha_param_get(&c, "nonce", nonce, sizeof(nonce)) < 0) continue;
        nc = (t->nonce && !strcmp(t->nonce, nonce)) ? t->nc + 1 : 1;
        if ((*err = transport_random(rnd, sizeof(rnd)))) break;
        for (i = 0; i < sizeof(rnd); i++) sprintf(cnonce + 2 * i, "%02x", rnd[i]);
        in.user = user;
        in.pass = pass;
        in.method = method;
        in.uri = uri;
        in.cnonce = cnonce;
        in.nc = nc;
        if (!(out = heap_alloc(4096))) { *err = ERROR_NOT_ENOUGH_MEMORY; break; }
        if ((n = ha_digest(&c, &in, out, 4096)) < 0)
        {
            WARN("cannot answer this Digest challenge (%ld)\n", n);
            heap_free(out);
            out = NULL;
            continue;
        }
        if (!t->nonce || strcmp(t->nonce, nonce))
        {
            heap_free(t->nonce);
            t->nonce = heap_alloc(strlen(nonce) + 1);
            if (t->nonce) strcpy(t->nonce, nonce);
        }
        t->nc = nc;
    }
    heap_free(method);
    return out;
}

/* verb: the method the Digest answer is for (NULL: the request's own) */
/* A redirect took the request to another server than the one its connect
 * handle names: the credentials meant for that server are not offered to
 * this one (neither sent nor used to answer its 401). */
static BOOL off_origin(const struct request *r)
{
    INTERNET_PORT port = r->connect->port;
    if (!r->redir_server) return FALSE;
    if (wcsicmp(r->redir_server, r->connect->server)) return TRUE;
    /* a connect handle without a port means the scheme's default */
    if (port == INTERNET_DEFAULT_PORT) return r->redir_port != INTERNET_DEFAULT_HTTP_PORT && r->redir_port != INTERNET_DEFAULT_HTTPS_PORT;
    return r->redir_port != port;
}

static char *make_header(struct request *r, DWORD target, const char *verb, const char *uri, DWORD *err)
{
    struct auth_state *a = r->auth;
    struct auth_target *t;
    const WCHAR *user = NULL, *pass = NULL;
    const char *name = target == WINHTTP_AUTH_TARGET_PROXY ? "Proxy-Authorization: " : "Authorization: ";
    char *user8 = NULL, *pass8 = NULL, *value = NULL, *line = NULL, *path8 = NULL;
    DWORD scheme;

    *err = ERROR_SUCCESS;
    if (!a || target >= TARGETS) return NULL;
    t = &a->t[target];
    t->sent = 0;
    t->through = TRUE;
    if (target == WINHTTP_AUTH_TARGET_SERVER && off_origin(r)) return NULL;
    /* the application's own header wins */
    if (headers_find(&r->req_headers, target == WINHTTP_AUTH_TARGET_PROXY ? L"Proxy-Authorization" : L"Authorization", 0) >= 0)
        return NULL;
    if (!(scheme = pick_credentials(t, &user, &pass))) return NULL;
    if (scheme != WINHTTP_AUTH_SCHEME_BASIC && scheme != WINHTTP_AUTH_SCHEME_DIGEST)
    {
        FIXME("scheme %#lx is not supported (no SSPI here), no credentials sent\n", scheme);
        return NULL;
    }
    if (!(user8 = strdupWA(user)) || !(pass8 = strdupWA(pass))) { *err = ERROR_NOT_ENOUGH_MEMORY; goto done; }
    if (scheme == WINHTTP_AUTH_SCHEME_BASIC)
    {
        size_t cap = 6 + 4 * ((strlen(user8) + strlen(pass8) + 3) / 3) + 1;
        if (!(value = heap_alloc(cap))) { *err = ERROR_NOT_ENOUGH_MEMORY; goto done; }
        if (ha_basic(user8, pass8, value, cap) < 0)
        {
            WARN("user name with ':' cannot go in Basic credentials\n");
            heap_free(value);
            value = NULL;
        }
    }
    else
    {
        /* the request target as it went out (escaped, object_name.c) */
        if (!uri && !(uri = path8 = object_name_escape(r->path, r->open_flags))) { *err = ERROR_NOT_ENOUGH_MEMORY; goto done; }
        value = digest_value(r, t, user8, pass8, verb, uri, err);
    }
    if (!value) goto done;
    if (!(line = heap_alloc(strlen(name) + strlen(value) + 3))) { *err = ERROR_NOT_ENOUGH_MEMORY; goto done; }
    strcpy(line, name);
    strcat(line, value);
    strcat(line, "\r\n");
    t->sent = scheme;
done:
    heap_free(user8);
    free_secret_a(pass8);
    free_secret_a(value);
    heap_free(path8);
    return line;
}

char *auth_header(struct request *r, DWORD target, const char *uri, DWORD *err)
{
    return make_header(r, target, NULL, uri, err);
}

/* Proxy-Authorization for the CONNECT of a tunnel to authority ("host:port",
 * the CONNECT's request-target, which a Digest answer covers). */
char *auth_connect_header(struct request *r, const char *authority, DWORD *err)
{
    return make_header(r, WINHTTP_AUTH_TARGET_PROXY, "CONNECT", authority, err);
}

BOOL auth_on_response(struct request *r)
{
    DWORD target, scheme;
    struct auth_state *a;
    struct auth_target *t;
    const WCHAR *user, *pass;

    if (r->status_code == HTTP_STATUS_DENIED) target = WINHTTP_AUTH_TARGET_SERVER;
    else if (r->status_code == HTTP_STATUS_PROXY_AUTH_REQ) target = WINHTTP_AUTH_TARGET_PROXY;
    else return FALSE;
    if (!(a = auth_get(r))) return FALSE;
    t = &a->t[target];
    heap_free(t->challenge);
    t->challenge = join_challenges(r, target);
    TRACE("%p: %lu, challenge %s\n", r->hdr.handle, r->status_code, t->challenge ? t->challenge : "(none)");
    /* a 407 is answered only when the request went through a proxy */
    if (!t->through || t->answered || r->optional_total || r->hdr.closed) return FALSE;
    if (target == WINHTTP_AUTH_TARGET_SERVER && off_origin(r)) return FALSE;
    /* "automatic authentication is disabled": the 401/407 reaches the application */
    if (r->disabled_features & WINHTTP_DISABLE_AUTHENTICATION) return FALSE;
    if (t->sent && !(t->sent == WINHTTP_AUTH_SCHEME_DIGEST && challenge_stale(t->challenge))) return FALSE;
    if (headers_find(&r->req_headers, target == WINHTTP_AUTH_TARGET_PROXY ? L"Proxy-Authorization" : L"Authorization",
                     0) >= 0)
        return FALSE;   /* the application's own */
    scheme = pick_credentials(t, &user, &pass);
    if (scheme == WINHTTP_AUTH_SCHEME_DIGEST && !challenge_offers(t->challenge, HA_SCHEME_DIGEST)) return FALSE;
    if (scheme != WINHTTP_AUTH_SCHEME_BASIC && scheme != WINHTTP_AUTH_SCHEME_DIGEST) return FALSE;
    t->answered = TRUE;   /* once per WinHttpSendRequest and target */
    return TRUE;
}

void auth_new_send(struct request *r)
{
    int i;
    if (!r->auth) return;
    for (i = 0; i < TARGETS; i++) r->auth->t[i].answered = r->auth->t[i].through = FALSE;
}

/* ---- API ---- */

BOOL WINAPI WinHttpQueryAuthSchemes(HINTERNET hrequest, LPDWORD supported, LPDWORD first, LPDWORD target)
{
    struct request *r;
    DWORD err, bits = 0, first_scheme = 0, which = 0;

    TRACE("%p, %p, %p, %p\n", hrequest, supported, first, target);
    if (!(r = grab_request_handle(hrequest, &err))) { set_error(err); return FALSE; }
    if (!supported || !first || !target) err = ERROR_INVALID_PARAMETER;
    else
    {
        EnterCriticalSection(&r->hdr.cs);
        err = ERROR_INVALID_OPERATION;   /* no response yet, or not a 401/407 */
        if (r->state == REQ_RESPONSE && (r->status_code == HTTP_STATUS_DENIED || r->status_code == HTTP_STATUS_PROXY_AUTH_REQ))
        {
            which = r->status_code == HTTP_STATUS_DENIED ? WINHTTP_AUTH_TARGET_SERVER : WINHTTP_AUTH_TARGET_PROXY;
            if ((bits = offered_schemes(r, which, &first_scheme))) err = ERROR_SUCCESS;
        }
        LeaveCriticalSection(&r->hdr.cs);
        if (!err)
        {
            *supported = bits;
            *first = first_scheme;
            *target = which;
        }
    }
    TRACE("%p -> %lu (%#lx, first %#lx, target %lu)\n", hrequest, err, bits, first_scheme, which);
    release_object(&r->hdr);
    set_error(err);
    return !err;
}

static DWORD set_credentials(struct request *r, DWORD target, DWORD scheme, const WCHAR *user, const WCHAR *pass)
{
    struct auth_state *a;
    struct auth_target *t;
    WCHAR *u = NULL, *p = NULL;

    if (user && !(u = strdupW(user))) return ERROR_NOT_ENOUGH_MEMORY;
    if (pass && !(p = strdupW(pass))) { heap_free(u); return ERROR_NOT_ENOUGH_MEMORY; }
    if (!(a = auth_get(r))) { heap_free(u); free_secret(p); return ERROR_NOT_ENOUGH_MEMORY; }
    t = &a->t[target];
    heap_free(t->user);
    free_secret(t->pass);
    t->scheme = scheme;
    t->user = u;
    t->pass = p;
    return ERROR_SUCCESS;
}

BOOL WINAPI WinHttpSetCredentials(HINTERNET hrequest, DWORD target, DWORD scheme, LPCWSTR user, LPCWSTR pass,
                                  LPVOID params)
{
    struct request *r;
    DWORD err;

    TRACE("%p, %lu, %#lx, %s, %p, %p\n", hrequest, target, scheme, dbg_w(user), pass, params);
    if (!(r = grab_request_handle(hrequest, &err))) { set_error(err); return FALSE; }
    err = ERROR_SUCCESS;
    if (params || (target != WINHTTP_AUTH_TARGET_SERVER && target != WINHTTP_AUTH_TARGET_PROXY))
        err = ERROR_INVALID_PARAMETER;
    else switch (scheme)
    {
    case WINHTTP_AUTH_SCHEME_BASIC:
    case WINHTTP_AUTH_SCHEME_DIGEST:
        if (!user || !pass) err = ERROR_INVALID_PARAMETER;   /* Windows-verified (Wine's tests) */
        break;
    case WINHTTP_AUTH_SCHEME_NTLM:
    case WINHTTP_AUTH_SCHEME_NEGOTIATE:
    case WINHTTP_AUTH_SCHEME_PASSPORT:
        break;   /* NULL user and password: the logged-on user's credentials */
    default:
        err = ERROR_INVALID_PARAMETER;
    }
    if (!err)
    {
        EnterCriticalSection(&r->hdr.cs);
        err = set_credentials(r, target, scheme, user, pass);
        LeaveCriticalSection(&r->hdr.cs);
    }
    release_object(&r->hdr);
    set_error(err);
    return !err;
}

/* ---- options (called from options.c with the object's lock held) ---- */

static WCHAR **option_field(struct auth_state *a, DWORD option)
{
    switch (option)
    {
    case WINHTTP_OPTION_USERNAME: return &a->t[WINHTTP_AUTH_TARGET_SERVER].opt_user;
    case WINHTTP_OPTION_PASSWORD: return &a->t[WINHTTP_AUTH_TARGET_SERVER].opt_pass;
    case WINHTTP_OPTION_PROXY_USERNAME: return &a->t[WINHTTP_AUTH_TARGET_PROXY].opt_user;
    case WINHTTP_OPTION_PROXY_PASSWORD: return &a->t[WINHTTP_AUTH_TARGET_PROXY].opt_pass;
    }
    return NULL;
}

DWORD auth_set_option(struct object *obj, DWORD option, const void *buffer, DWORD len)
{
    struct request *r = (struct request *)obj;
    struct auth_state *a;
    WCHAR **field, *value;

    if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    if (option == WINHTTP_OPTION_AUTOLOGON_POLICY)
    {
        if (!buffer) return ERROR_INVALID_PARAMETER;
        if (len != sizeof(DWORD)) return ERROR_INSUFFICIENT_BUFFER;
        if (*(const DWORD *)buffer > WINHTTP_AUTOLOGON_SECURITY_LEVEL_HIGH) return ERROR_INVALID_PARAMETER;
        if (!(a = auth_get(r))) return ERROR_NOT_ENOUGH_MEMORY;
        a->autologon = *(const DWORD *)buffer;
        return ERROR_SUCCESS;
    }
    /* strings: dwBufferLength counts characters */
    if (!buffer && len) return ERROR_INVALID_PARAMETER;
    if (!(a = auth_get(r))) return ERROR_NOT_ENOUGH_MEMORY;
    if (!(value = strndupW(buffer ? buffer : L"", buffer ? wcsnlen(buffer, len) : 0))) return ERROR_NOT_ENOUGH_MEMORY;
    field = option_field(a, option);
    if (option == WINHTTP_OPTION_PASSWORD || option == WINHTTP_OPTION_PROXY_PASSWORD) free_secret(*field);
    else heap_free(*field);
    *field = value;
    return ERROR_SUCCESS;
}

DWORD auth_get_option(struct object *obj, DWORD option, void *buffer, DWORD *len)
{
    struct request *r = (struct request *)obj;
    const WCHAR *value;

    if (obj->type != WINHTTP_HANDLE_TYPE_REQUEST) return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    if (option == WINHTTP_OPTION_AUTOLOGON_POLICY) return ERROR_INVALID_PARAMETER;   /* set-only */
    value = r->auth ? *option_field(r->auth, option) : NULL;
    if (!value) value = L"";
    return return_string(value, wcslen(value), buffer, len);
}
