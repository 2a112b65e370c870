/*
 * The WinHttpRequest COM object (CLSID_WinHttpRequest): internal declarations.
 * It sits on our own public WinHttp* API: one session per object, a connect
 * handle per Open, a fresh request handle per Send.
 */
#ifndef WINHTTP_COM_REQUEST_OBJECT_H
#define WINHTTP_COM_REQUEST_OBJECT_H

#define COBJMACROS
#include "private.h"
#include <ole2.h>
#include <wchar.h>
#include <stdio.h>
#include <olectl.h>
#include "httprequest.h"

/* where the object is in its life (checked by every method) */
enum req_state
{
    COMREQ_INIT,       /* created, or after Abort: no Open yet */
    COMREQ_OPEN,       /* Open done, no Send yet */
    COMREQ_SENDING,    /* Send in progress (async: on the worker thread) */
    COMREQ_RESPONSE,   /* the whole response is here */
    COMREQ_FAILED      /* the last Send failed (error in send_hr) */
};

struct winhttp_request
{
    IWinHttpRequest IWinHttpRequest_iface;
    IConnectionPointContainer IConnectionPointContainer_iface;
    IConnectionPoint IConnectionPoint_iface;
    IWinHttpRequestEvents *sink;    /* the one advised sink (async mode events) */
    LONG refs;
    CRITICAL_SECTION cs;
    enum req_state state;
    BOOL async;

    HINTERNET session, connect, request;
    WCHAR *verb, *url, *path;       /* path includes the query */
    BOOL secure;

    WCHAR *headers;                 /* "Name: value\r\n"... set by SetRequestHeader */
    BYTE *body; DWORD body_len;     /* what Send sends */

    /* settings kept across Open */
    int timeouts[4];                /* resolve, connect, send, receive (ms) */
    DWORD proxy_setting;            /* HTTPREQUEST_PROXYSETTING_* */
    WCHAR *proxy_server, *proxy_bypass;
    WCHAR *cred_user[2], *cred_pass[2]; /* [HTTPREQUEST_SETCREDENTIALS_FOR_*] */
    DWORD autologon;
    WCHAR *user_agent;
    DWORD url_codepage;
    BOOL escape_percent, url_escape_disable, url_escape_disable_query;
    DWORD ssl_ignore_flags;
    BOOL enable_redirects, https_to_http_redirects, enable_http11, revocation_check;
    BOOL enable_tracing, revert_impersonation, passport;
    DWORD secure_protocols;         /* 0: the session's default */
    DWORD max_redirects;            /* 0: the session's default */

    /* the response */
    HRESULT send_hr;
    DWORD status;
    WCHAR *status_text;
    BYTE *resp; DWORD resp_len;
    HANDLE done_event;              /* async: set when the worker is done */
    HANDLE thread;
    LONG generation;                /* bumped by Open/Abort: a late worker's result is dropped */
};

static inline struct winhttp_request *impl_from_IWinHttpRequest(IWinHttpRequest *iface)
{
    return CONTAINING_RECORD(iface, struct winhttp_request, IWinHttpRequest_iface);
}

/* com.c: objects alive (DllCanUnloadNow) */
void com_object_created(void);
void com_object_destroyed(void);

/* com_typeinfo.c */
HMODULE com_module(void);
HRESULT com_get_typeinfo(REFGUID guid, ITypeInfo **ti);
const WCHAR *com_module_path(void);

/* request_object.c */
HRESULT winhttp_request_create(REFIID iid, void **obj);

/* request_send.c */
HRESULT request_send(struct winhttp_request *r, VARIANT body);
HRESULT request_wait(struct winhttp_request *r, DWORD ms, VARIANT_BOOL *done);
void request_abort_locked(struct winhttp_request *r);   /* cs held */
HRESULT request_decode_text(struct winhttp_request *r, BSTR *text);

/* request_events.c */
void request_events_init(struct winhttp_request *r);
BOOL request_query_events(struct winhttp_request *r, REFIID iid, void **obj);

/* request_option.c */
HRESULT request_get_option(struct winhttp_request *r, WinHttpRequestOption opt, VARIANT *value);
HRESULT request_put_option(struct winhttp_request *r, WinHttpRequestOption opt, VARIANT value);

#endif
