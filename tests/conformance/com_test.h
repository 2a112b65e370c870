/* Helpers shared by the WinHttpRequest COM tests (test_com.c, com_dispatch.c). */
#ifndef CONFORMANCE_COM_TEST_H
#define CONFORMANCE_COM_TEST_H

#define COBJMACROS
#include "test.h"
#include <ole2.h>
#include <olectl.h>
#include "httprequest.h"

#define HRW(e) HRESULT_FROM_WIN32(e)

/* a BSTR that lives until 64 more have been made (no frees in the tests) */
BSTR com_bstr(const WCHAR *s);
/* "http://127.0.0.1:<plain peer port><path>" as a BSTR */
BSTR com_url(const WCHAR *path);
VARIANT com_var_missing(void);          /* VT_ERROR DISP_E_PARAMNOTFOUND: an omitted optional */
VARIANT com_var_bool(BOOL b);
VARIANT com_var_i4(LONG l);
VARIANT com_var_str(const WCHAR *s);    /* the BSTR is a com_bstr */
IWinHttpRequest *com_create(void);      /* CoCreateInstance, NULL (and a failed check) if it fails */
/* the response text as UTF-8 in buf (empty on failure) */
void com_text(IWinHttpRequest *req, char *buf, int size);

void com_dispatch_tests(void);
void com_events_tests(void);
void com_register_tests(void);

#endif
