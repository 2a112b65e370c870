// HTTP authentication paths of the test peer (see SCENARIOS.md, "Authentication").
// Basic (RFC 7617) and Digest (RFC 7616: MD5, MD5-sess, SHA-256, SHA-256-sess,
// qop=auth) checked properly: user, password, realm, a nonce we issued, the
// uri, and a nonce count that only grows.
'use strict';
const crypto = require('crypto');

const REALM = 'peer@127.0.0.1';
const OPAQUE = 'b7d0c9e1a2f34d5e';
const issued = new Map();   // nonce -> highest nc seen (0: none yet)
const staled = new Set();   // nonces of ?stale=1 answers: used once, then stale

function newNonce() {
  const n = crypto.randomBytes(18).toString('base64');
  issued.set(n, 0);
  if (issued.size > 10000) issued.delete(issued.keys().next().value);
  return n;
}

// "Digest a=b, c="d"" -> { a: 'b', c: 'd' } (names lowercased); null if malformed
function parseParams(s) {
  const out = {};
  let i = 0;
  const ws = () => { while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++; };
  ws();
  while (i < s.length) {
    const m = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/.exec(s.slice(i));
    if (!m) return null;
    const name = m[0].toLowerCase();
    i += m[0].length;
    while (s[i] === ' ') i++;
    if (s[i] !== '=') return null;
    i++;
    while (s[i] === ' ') i++;
    let value = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') i++;
        value += s[i++];
      }
      if (s[i] !== '"') return null;
      i++;
    } else {
      const v = /^[^\s,]+/.exec(s.slice(i));
      if (!v) return null;
      value = v[0];
      i += value.length;
    }
    out[name] = value;
    ws();
  }
  return out;
}

function basicOk(auth, user, pass) {
  const m = /^Basic\s+(\S+)$/i.exec(auth || '');
  return !!m && Buffer.from(m[1], 'base64').toString('utf8') === `${user}:${pass}`;
}

const ALGS = { 'md5': 'md5', 'md5-sess': 'md5', 'sha-256': 'sha256', 'sha-256-sess': 'sha256' };

// why the Digest credentials are wrong, or '' when they are right
function digestProblem(auth, req, user, pass, algorithm, stale = false) {
  const m = /^Digest\s+(.*)$/i.exec(auth || '');
  if (!m) return 'no Digest credentials';
  const p = parseParams(m[1]);
  if (!p) return 'malformed Digest credentials';
  for (const k of ['username', 'realm', 'nonce', 'uri', 'response']) if (!(k in p)) return `no ${k}`;
  if (p.username !== user) return 'wrong user';
  if (p.realm !== REALM) return 'wrong realm';
  if (p.uri !== req.url) return `uri ${p.uri} is not the request's ${req.url}`;
  if ((p.algorithm || 'MD5').toLowerCase() !== algorithm.toLowerCase()) return 'wrong algorithm';
  if (p.opaque !== OPAQUE) return 'wrong opaque';
  if (!issued.has(p.nonce) && !staled.has(p.nonce)) return 'unknown nonce';
  if (p.qop !== 'auth' || !/^[0-9a-f]{8}$/.test(p.nc || '') || !p.cnonce) return 'qop=auth, nc and cnonce needed';
  const nc = parseInt(p.nc, 16);
  if (issued.has(p.nonce) && nc <= issued.get(p.nonce)) return `nonce count ${p.nc} did not grow`;
  const h = (s) => crypto.createHash(ALGS[algorithm.toLowerCase()]).update(s, 'utf8').digest('hex');
  let ha1 = h(`${user}:${REALM}:${pass}`);
  if (/-sess$/i.test(algorithm)) ha1 = h(`${ha1}:${p.nonce}:${p.cnonce}`);
  const ha2 = h(`${req.method}:${p.uri}`);
  const want = h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
  if (p.response !== want) return 'wrong response (password?)';
  if (staled.has(p.nonce)) return 'stale nonce';
  issued.set(p.nonce, nc);
  if (stale) { issued.delete(p.nonce); staled.add(p.nonce); }
  return '';
}

function digestChallenge(algorithm, stale = false) {
  return `Digest realm="${REALM}", qop="auth", algorithm=${algorithm}, nonce="${newNonce()}", opaque="${OPAQUE}"` +
         (stale ? ', stale=true' : '');
}

function deny(res, status, headers, why) {
  const body = 'Unauthorized';
  res.writeHead(status, { ...headers, 'X-Auth-Problem': why, 'Content-Length': body.length, 'Content-Type': 'text/plain' });
  res.end(body);
}

function allow(res, scheme) {
  const body = 'Hello World';
  res.writeHead(200, { 'X-Auth-Scheme': scheme, 'Content-Length': body.length, 'Content-Type': 'text/plain' });
  res.end(body);
}

// Handles /auth/... paths; returns false for other paths.
function authResponse(req, url, res) {
  const user = url.searchParams.get('user') || 'user';
  const pass = url.searchParams.has('pass') ? url.searchParams.get('pass') : 'pwd';
  const auth = req.headers.authorization;
  switch (url.pathname) {
    case '/auth/basic':
      if (basicOk(auth, user, pass)) allow(res, 'Basic');
      else deny(res, 401, { 'WWW-Authenticate': `Basic realm="${REALM}"` }, auth ? 'wrong Basic credentials' : 'no credentials');
      return true;
    case '/auth/digest': {
      const algorithm = url.searchParams.get('algorithm') || 'MD5';
      if (!ALGS[algorithm.toLowerCase()]) { deny(res, 400, {}, 'unknown algorithm'); return true; }
      const why = digestProblem(auth, req, user, pass, algorithm, url.searchParams.get('stale') === '1');
      if (!why) allow(res, 'Digest');
      else deny(res, 401, { 'WWW-Authenticate': digestChallenge(algorithm, why === 'stale nonce') }, why);
      return true;
    }
    case '/auth/multi': {
      // several schemes in several header fields; Basic or Digest get in
      if (basicOk(auth, user, pass)) { allow(res, 'Basic'); return true; }
      let why = auth ? digestProblem(auth, req, user, pass, 'MD5') : 'no credentials';
      if (!why) { allow(res, 'Digest'); return true; }
      deny(res, 401, { 'WWW-Authenticate': ['Bearer realm="api"', 'Negotiate, NTLM', digestChallenge('MD5'),
                                            `Basic realm="${REALM}"`] }, why);
      return true;
    }
    case '/auth/multi-wine':
      // the three headers of Wine's Windows-verified multi-scheme test
      deny(res, 401, { 'WWW-Authenticate': ['Bearer', `Basic realm="${REALM}"`, 'NTLM'] }, 'always');
      return true;
    case '/auth/bearer':
      deny(res, 401, { 'WWW-Authenticate': 'Bearer realm="api"' }, 'always');
      return true;
    case '/auth/proxy':
      // a 407 as a proxy would send it (no proxy here): Proxy-Authenticate
      deny(res, 407, { 'Proxy-Authenticate': [`Basic realm="proxy"`, 'NTLM'] }, 'always');
      return true;
  }
  return false;
}

module.exports = { authResponse, parseParams, digestProblem, digestChallenge, REALM };
