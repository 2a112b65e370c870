// Redirect paths of the test peer (see SCENARIOS.md, "Redirects").
//   /redirect/NNN?to=URL   answers NNN (any 3xx) with `Location: URL` taken as
//                          given (relative or absolute), and a short body
//   /redirect/none/NNN     answers NNN without a Location
//   /redirect/chain?n=N    302 to /redirect/chain?n=N-1 (relative), until n=0
//                          answers 200 "chain end"
// What arrives after a redirect is best seen at /echo-request (method, headers
// and body as JSON).
'use strict';

function redirectResponse(req, url, res) {
  let m;
  if ((m = /^\/redirect\/(\d{3})$/.exec(url.pathname))) {
    const to = url.searchParams.get('to');
    if (to === null) return false;
    const body = `redirect ${m[1]}`;
    res.writeHead(parseInt(m[1], 10), { Location: to, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
  if ((m = /^\/redirect\/none\/(\d{3})$/.exec(url.pathname))) {
    res.writeHead(parseInt(m[1], 10), { 'Content-Length': 11 });
    res.end('no location');
    return true;
  }
  if (url.pathname === '/redirect/chain') {
    const n = parseInt(url.searchParams.get('n') || '0', 10);
    if (!(n > 0)) {
      res.writeHead(200, { 'Content-Length': 9 });
      res.end('chain end');
      return true;
    }
    res.writeHead(302, { Location: `chain?n=${n - 1}`, 'Content-Length': 5 });
    res.end('chain');
    return true;
  }
  return false;
}

module.exports = { redirectResponse };
