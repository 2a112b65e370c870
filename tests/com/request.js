// The WinHttpRequest COM object from JScript, as scripts use it:
//   cscript //nologo request.js PORT
// against the test peer's plain HTTP listener on 127.0.0.1:PORT.  Prints
// each failure as "Test failed: ..." and ends with
// "request.js: N passed, N failed, N skipped" (the conformance group
// comscript runs it).
var passed = 0, failed = 0, skipped = 0;
function ok(cond, msg) {
    if (cond) passed++;
    else { failed++; WScript.Echo("Test failed: " + msg); }
}
function skip(msg) { skipped++; WScript.Echo("Tests skipped: " + msg); }
function hex(n) { return (n >>> 0).toString(16); }
// calls f, returns the error number as unsigned hex ("" if nothing was thrown)
function error_of(f) {
    try { f(); } catch (e) { return hex(e.number); }
    return "";
}

try {
var port = WScript.Arguments.length > 0 ? WScript.Arguments.Item(0) : "";
ok(port != "", "usage: request.js PORT");
var base = "http://127.0.0.1:" + port;
var r = new ActiveXObject("WinHttp.WinHttpRequest.5.1");

// a synchronous POST with a header and a string body
r.Open("POST", base + "/echo-request?js=1", false);
r.SetRequestHeader("X-Script", "jscript");
r.Send("hello from jscript");
ok(r.Status == 200, "Status " + r.Status);
ok(r.StatusText == "OK", "StatusText " + r.StatusText);
var t = r.ResponseText;
ok(t.indexOf('"method":"POST"') >= 0, "method in " + t);
ok(t.indexOf('"x-script":"jscript"') >= 0, "header in " + t);
ok(t.indexOf('"body":"hello from jscript"') >= 0, "body in " + t);
ok(r.GetResponseHeader("Content-Type") == "application/json", "Content-Type " + r.GetResponseHeader("Content-Type"));
ok(r.GetAllResponseHeaders().indexOf("Content-Type: application/json") >= 0, "all headers " + r.GetAllResponseHeaders());
ok(r.Option(2) == 65001, "Option(URLCodePage) " + r.Option(2));
ok(error_of(function () { r.GetResponseHeader("X-None"); }) == "80072f76", "missing header: " +
   error_of(function () { r.GetResponseHeader("X-None"); }));

// statuses other than 200 are no errors
r.Open("GET", base + "/status/404", false);
r.Send();
ok(r.Status == 404, "Status " + r.Status);
ok(r.ResponseText == "status 404", "text " + r.ResponseText);

// ResponseBody: a byte array
r.Open("GET", base + "/big?n=300", false);
r.Send();
var bytes = null;
// (Wine 8's jscript cannot typeof a VT_ARRAY|VT_UI1; VBArray wants VT_VARIANT items)
try { bytes = new VBArray(r.ResponseBody).toArray(); }
catch (e) { skip("VBArray over ResponseBody: error " + hex(e.number) + " (VBArray takes arrays of VARIANTs; ResponseBody is an array of bytes)"); }
if (bytes) {
    ok(bytes.length == 300, "ResponseBody length " + bytes.length);
    var same = true;
    for (var i = 0; i < bytes.length; i++) if (bytes[i] != i % 251) same = false;
    ok(same, "ResponseBody bytes");
}

// asynchronous: Send returns, WaitForResponse waits (seconds)
r.Open("GET", base + "/drip?ms=1000", true);
r.Send();
ok(r.WaitForResponse(60) == true, "WaitForResponse");
ok(r.ResponseText == "0123456789", "async text " + r.ResponseText);

// errors come back as exceptions with the HRESULT
var fresh = new ActiveXObject("WinHttp.WinHttpRequest.5.1");
ok(error_of(function () { fresh.Send(); }) == "80072f44", "Send before Open: " + error_of(function () { fresh.Send(); }));
ok(error_of(function () { fresh.Status; }) == "80072f45", "Status before Send: " + error_of(function () { fresh.Status; }));
fresh.Open("GET", "http://127.0.0.1:1/", false);
ok(error_of(function () { fresh.Send(); }) == "80072efd", "closed port: " + error_of(function () { fresh.Send(); }));

} catch (e) {
    ok(false, "script error " + hex(e.number) + ": " + e.message);
}
WScript.Echo("request.js: " + passed + " passed, " + failed + " failed, " + skipped + " skipped");
WScript.Quit(failed ? 1 : 0);
