// An HTTP proxy for the conformance tests (see SCENARIOS.md, "Proxy").
// Forwards absolute-form requests (GET http://127.0.0.1:PORT/...) and
// tunnels CONNECT 127.0.0.1:PORT, to loopback only (and to the peer's own
// address and name, selfNames, when it listens on another address than
// 127.0.0.1): any other target is refused with 403.  With requireAuth (true or 'basic'), every proxied
// request and CONNECT must carry "Proxy-Authorization: Basic
// base64(user:pass)", else 407 with "Proxy-Authenticate: Basic
// realm=\"peer-proxy\"".  With requireAuth 'digest', Digest credentials for
// user:pass (RFC 7616, MD5, qop=auth, checked as auth.js checks a server's:
// realm, a nonce we issued, a growing nonce count, the uri equal to the
// request-target - the absolute URI, or host:port for a CONNECT - and the
// response for the request's method), else 407 with a fresh Digest
// challenge.  A wrong password is answered with 407 again.
// Its own paths (origin-form requests to the proxy itself):
//   GET /stats        {"requests":N,"connects":N,"refused":N,"upgrades":N,
//                      "accepted":N (requests and CONNECTs whose credentials
//                      passed), "lastAuth":..,"lastConnectAuth":..,
//                      "lastTarget":..}
//   GET /proxy.pac    a PAC script: URLs containing "/pac-proxied" go
//                     through PROXY 127.0.0.1:PACPORT (or the peer's own
//                     address the script was fetched from), the rest DIRECT
//   GET /bad.pac      a script that is not JavaScript
'use strict';
const http = require('http');
const net = require('net');
const { digestProblem, digestChallenge } = require('./auth');

const REALM = 'peer-proxy';
const CREDENTIALS = 'user:pass';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function createProxy({ requireAuth = false, pacProxyPort = () => 0, log = () => {}, selfNames = [],
                       upstreamHost = '127.0.0.1' } = {}) {
  const self = new Set(selfNames.map((n) => n.toLowerCase()));
  const stats = { requests: 0, connects: 0, refused: 0, upgrades: 0, accepted: 0, lastAuth: null, lastConnectAuth: null,
                  lastTarget: null };
  const expected = 'Basic ' + Buffer.from(CREDENTIALS).toString('base64');
  const digest = requireAuth === 'digest';
  const [user, pass] = CREDENTIALS.split(':');
  const server = http.createServer();
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;

  const authorized = (req) => {
    if (!requireAuth) return true;
    const auth = req.headers['proxy-authorization'];
    const ok = digest ? digestProblem(auth, req, user, pass, 'MD5') === '' : auth === expected;
    if (ok) stats.accepted++;
    return ok;
  };
  const challenge = () => (digest ? digestChallenge('MD5') : `Basic realm="${REALM}"`);
  const denyBody = 'proxy authentication required';
  const denyHead = (extra) => 'HTTP/1.1 407 Proxy Authentication Required\r\n' +
    `Proxy-Authenticate: ${challenge()}\r\nContent-Type: text/plain\r\n` +
    `Content-Length: ${denyBody.length}\r\n${extra}\r\n`;

  // host[:port] of an absolute URL or a CONNECT target, loopback only
  function target(hostname, port) {
    const h = (hostname || '').toLowerCase();
    if (!LOOPBACK.has(h) && !self.has(h)) return null;
    const p = parseInt(port, 10);
    if (!(p > 0 && p < 65536)) return null;
    return { host: h === '::1' || h === '[::1]' ? '::1' : upstreamHost, port: p };
  }

  function ownPath(req, res) {
    const url = new URL(req.url, 'http://proxy');
    if (url.pathname === '/stats') {
      const body = JSON.stringify(stats);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      return res.end(body);
    }
    if (url.pathname === '/proxy.pac') {
      const asked = (req.headers.host || '').replace(/:[0-9]*$/, '').toLowerCase();
      const me = self.has(asked) ? asked : '127.0.0.1';
      const body = 'function FindProxyForURL(url, host) {\n' +
        '  if (url.indexOf("/pac-proxied") >= 0) return "PROXY ' + me + ':' + pacProxyPort() + '; DIRECT";\n' +
        '  return "DIRECT";\n}\n';
      res.writeHead(200, { 'Content-Type': 'application/x-ns-proxy-autoconfig', 'Content-Length': body.length });
      return res.end(body);
    }
    if (url.pathname === '/bad.pac') {
      const body = 'this is {{ not JavaScript';
      res.writeHead(200, { 'Content-Type': 'application/x-ns-proxy-autoconfig', 'Content-Length': body.length });
      return res.end(body);
    }
    res.writeHead(404, { 'Content-Length': 0 });
    res.end();
  }

  server.on('request', (req, res) => {
    if (!/^http:\/\//i.test(req.url)) return ownPath(req, res);
    stats.requests++;
    stats.lastAuth = req.headers['proxy-authorization'] || null;
    let url;
    try { url = new URL(req.url); } catch (e) { res.writeHead(400, { 'Content-Length': 0 }); return res.end(); }
    stats.lastTarget = url.host;
    if (!authorized(req)) {
      stats.refused++;
      res.writeHead(407, { 'Proxy-Authenticate': challenge(), 'Content-Type': 'text/plain',
                           'Content-Length': denyBody.length });
      return res.end(denyBody);
    }
    const t = target(url.hostname, url.port || '80');
    if (!t) { stats.refused++; res.writeHead(403, { 'Content-Length': 0 }); return res.end(); }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = http.request({ host: t.host, port: t.port, method: req.method, path: url.pathname + url.search, headers },
      (ur) => {
        const h = { ...ur.headers, via: '1.1 peer-proxy' };
        res.writeHead(ur.statusCode, ur.statusMessage, h);
        ur.pipe(res);
      });
    up.on('error', (e) => { log('proxy upstream', e.message); if (!res.headersSent) { res.writeHead(502, { 'Content-Length': 0 }); } res.end(); });
    req.pipe(up);
  });

  // ws:// through the proxy: an absolute-form upgrade request, forwarded raw
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => {});
    stats.upgrades++;
    let url;
    try { url = new URL(req.url); } catch (e) { return socket.destroy(); }
    if (!authorized(req)) { stats.refused++; return socket.end(denyHead('Connection: close\r\n') + denyBody); }
    const t = target(url.hostname, url.port || '80');
    if (!t) { stats.refused++; return socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'); }
    const up = net.connect(t.port, t.host, () => {
      const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const n = req.rawHeaders[i].toLowerCase();
        if (n === 'proxy-authorization' || n === 'proxy-connection') continue;
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      up.write(lines.join('\r\n') + '\r\n\r\n');
      if (head && head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('close', () => up.destroy());
  });

  server.on('connect', (req, socket, head) => {
    socket.on('error', () => {});
    stats.connects++;
    stats.lastConnectAuth = req.headers['proxy-authorization'] || null;
    stats.lastTarget = req.url;
    if (!authorized(req)) {
      stats.refused++;
      return socket.end(denyHead('Connection: close\r\n') + denyBody);
    }
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url || '');
    const t = m && target(m[1], m[2]);
    if (!t) { stats.refused++; return socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'); }
    const up = net.connect(t.port, t.host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head && head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', (e) => {
      log('tunnel upstream', e.message);
      if (socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    socket.on('close', () => up.destroy());
  });
  server.on('clientError', (err, socket) => socket.destroy());
  return server;
}

module.exports = { createProxy, CREDENTIALS, REALM };
