// Cookie paths of the test peer (see SCENARIOS.md, "Cookies").
//   /cookie/set?c=VALUE[&c=VALUE...][&status=NNN&to=URL]
//                       answers NNN (default 200) with one `Set-Cookie: VALUE`
//                       per c, in order, as given; `Location: URL` when `to` is
//                       given; body `set N` (N: the number of Set-Cookie fields)
//   /cookie/echo[/ANY]  200; body: the Cookie header fields of the request, as
//                       received, one per line (empty: none); `X-Cookie-Fields: N`
//   /cookie/auth        401 `WWW-Authenticate: Basic realm="cookie"` with
//                       `Set-Cookie: auth=1` unless the request carries both the
//                       cookie auth=1 and an Authorization header; then 200 as
//                       /cookie/echo
'use strict';

function cookieFields(req) {
  const fields = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === 'cookie') fields.push(req.rawHeaders[i + 1]);
  }
  return fields;
}

function echo(req, res) {
  const fields = cookieFields(req);
  const body = fields.join('\n');
  res.writeHead(200, { 'Content-Length': Buffer.byteLength(body, 'latin1'), 'X-Cookie-Fields': fields.length });
  res.end(body, 'latin1');
}

function cookieResponse(req, url, res) {
  if (url.pathname === '/cookie/set') {
    const values = url.searchParams.getAll('c');
    const status = parseInt(url.searchParams.get('status') || '200', 10);
    const to = url.searchParams.get('to');
    const headers = [];
    for (const v of values) headers.push('Set-Cookie', v);
    if (to !== null) headers.push('Location', to);
    const body = `set ${values.length}`;
    headers.push('Content-Length', String(Buffer.byteLength(body)));
    res.writeHead(status >= 200 && status <= 599 ? status : 400, headers);
    res.end(body);
    return true;
  }
  if (url.pathname === '/cookie/echo' || url.pathname.startsWith('/cookie/echo/')) {
    echo(req, res);
    return true;
  }
  if (url.pathname === '/cookie/auth') {
    const hasCookie = cookieFields(req).some((f) => f.split(/;\s*/).includes('auth=1'));
    if (hasCookie && req.headers.authorization) {
      echo(req, res);
      return true;
    }
    const body = 'Unauthorized';
    res.writeHead(401, ['WWW-Authenticate', 'Basic realm="cookie"', 'Set-Cookie', 'auth=1',
                        'Content-Length', String(body.length)]);
    res.end(body);
    return true;
  }
  return false;
}

module.exports = { cookieResponse };
