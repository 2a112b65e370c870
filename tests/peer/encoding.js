// Compressed bodies and raw (byte-for-byte) response heads of the test peer
// (see SCENARIOS.md, "Content-Encoding" and "Raw responses").
//
//   /encoded/CODING?n=N[&data=rand][&mode=length|chunked|close][&corrupt=1][&truncate=1]
//     CODING: gzip, x-gzip, deflate (RFC 1950 zlib wrapper), deflate-raw (a
//     bare RFC 1951 stream sent as "deflate"), identity (no Content-Encoding).
//     The plain body is N bytes of the peer's pattern (i % 251) or, with
//     data=rand, N seeded pseudo-random bytes; headers X-Plain-Length,
//     X-Plain-SHA1 (of the plain body) and X-Encoded-SHA1 (of the bytes sent).
//     mode: framing by Content-Length (default), chunked (pieces of up to
//     7000 bytes), or close (no length, the connection closes).  corrupt=1:
//     a gzip/zlib header followed by a deflate block of the reserved type
//     (invalid at once); truncate=1: only the first half of the compressed
//     stream (the framing itself is complete); empty=1: no body bytes at all
//     (with n=0: "Content-Encoding: gzip" on an empty body, as servers send).
//   /encoded-trail/gzip?n=N&trail=T&mode=close|chunked
//     a gzip body of N pattern bytes followed by T bytes of junk (0x5a) inside
//     the framing, written raw on the socket; then the connection is held
//     open (no close, no last chunk) until the client closes it (or 60 s).
//   /raw-head/NAME   writes the response head NAME (below) and its body, byte
//     for byte, on the connection, then closes it.
'use strict';
const crypto = require('crypto');
const zlib = require('zlib');

const PATTERN = Buffer.from(Array.from({ length: 251 }, (_, i) => i));

function plainBody(n, rand) {
  const b = Buffer.alloc(n);
  if (rand) {
    let x = 0x2545f491;
    for (let i = 0; i < n; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      b[i] = x & 0xff;
    }
  } else {
    for (let i = 0; i < n; i += PATTERN.length) PATTERN.copy(b, i, 0, Math.min(PATTERN.length, n - i));
  }
  return b;
}

function sha1(b) { return crypto.createHash('sha1').update(b).digest('hex'); }

function encode(coding, plain, corrupt) {
  if (corrupt) {
    // BFINAL 1, BTYPE 11 (reserved): "invalid block type"
    const bad = Buffer.from([0x07, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22]);
    if (coding === 'deflate') return Buffer.concat([Buffer.from([0x78, 0x9c]), bad]);
    if (coding === 'deflate-raw') return bad;
    return Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]), bad]);
  }
  switch (coding) {
    case 'gzip': case 'x-gzip': return zlib.gzipSync(plain);
    case 'deflate': return zlib.deflateSync(plain);
    case 'deflate-raw': return zlib.deflateRawSync(plain);
    default: return plain;
  }
}

function encodedResponse(req, url, res) {
  const m = /^\/encoded\/(gzip|x-gzip|deflate|deflate-raw|identity)$/.exec(url.pathname);
  if (!m) return false;
  const coding = m[1];
  const n = Math.max(0, parseInt(url.searchParams.get('n') || '0', 10) || 0);
  const plain = plainBody(n, url.searchParams.get('data') === 'rand');
  let body = encode(coding, plain, url.searchParams.get('corrupt') === '1');
  if (url.searchParams.get('empty') === '1') body = Buffer.alloc(0);  // a coding named, no bytes at all
  if (url.searchParams.get('truncate') === '1') body = body.subarray(0, body.length >> 1);
  const mode = url.searchParams.get('mode') || 'length';
  const headers = ['X-Plain-Length', String(n), 'X-Plain-SHA1', sha1(plain), 'X-Encoded-SHA1', sha1(body),
                   'Content-Type', 'application/octet-stream'];
  if (coding !== 'identity') headers.push('Content-Encoding', coding === 'deflate-raw' ? 'deflate' : coding);
  if (mode === 'chunked') {
    headers.push('Transfer-Encoding', 'chunked');
    res.writeHead(200, headers);
    for (let i = 0; i < body.length; i += 7000) res.write(body.subarray(i, i + 7000));
    res.end();
  } else if (mode === 'close') {
    headers.push('Connection', 'close');
    res.shouldKeepAlive = false;
    res.writeHead(200, headers);
    res.end(body);
  } else {
    headers.push('Content-Length', String(body.length));
    res.writeHead(200, headers);
    res.end(body);
  }
  return true;
}

// Response heads for the tolerance tests: each is sent exactly as written
// (the body "hello" follows where the head has a Content-Length: 5).
const RAW_HEADS = {
  'http10': 'HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  'no-reason': 'HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello',
  'no-reason-sp': 'HTTP/1.1 200 \r\nContent-Length: 5\r\n\r\nhello',
  'extra-spaces': 'HTTP/1.1   200   Fine  Day\r\nContent-Length: 5\r\n\r\nhello',
  'status-only': 'HTTP/1.1 200\r\n\r\nhello',
  'bare-lf': 'HTTP/1.1 200 OK\nContent-Length: 5\nX-Test: lf\n\nhello',
  'mixed-eol': 'HTTP/1.1 200 OK\r\nContent-Length: 5\nX-Test: mixed\r\n\nhello',
  'no-colon': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nThisLineHasNoColon\r\nX-Test: after\r\n\r\nhello',
  // the first line after the status line is no field: nothing came before it
  'no-colon-first': 'HTTP/1.1 200 OK\r\nThisLineHasNoColon\r\nContent-Length: 5\r\nX-Test: after\r\n\r\nhello',
  'obs-fold': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: first\r\n  second\r\n\r\nhello',
  'space-before-colon': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test : spaced\r\n\r\nhello',
  'empty-name': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n: nameless\r\nX-Test: after\r\n\r\nhello',
  'empty-value': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test:\r\n\r\nhello',
  'long-value': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: ' + 'v'.repeat(16000) + '\r\n\r\nhello',
  'lowercase-version': 'http/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  'no-version': '200 OK\r\nContent-Length: 5\r\n\r\nhello',
  'bad-status': 'HTTP/1.1 2x0 OK\r\nContent-Length: 5\r\n\r\nhello',
  'nul-in-header': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: a\0b\r\n\r\nhello',
  // two Content-Length fields that disagree: no framing to trust (RFC 9112 6.3),
  // the body runs to the close
  'cl-conflict': 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-Test: two\r\nContent-Length: 5\r\n\r\nhello',
  'cl-same': 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Test: same\r\nContent-Length: 5\r\n\r\nhello',
  'huge-head': 'HTTP/1.1 200 OK\r\n' + ('X-Fill: ' + 'f'.repeat(990) + '\r\n').repeat(200) + 'Content-Length: 5\r\n\r\nhello',
};

function trailResponse(req, url, res) {
  if (url.pathname !== '/encoded-trail/gzip') return false;
  const n = Math.max(0, parseInt(url.searchParams.get('n') || '0', 10) || 0);
  const trail = Math.max(0, parseInt(url.searchParams.get('trail') || '0', 10) || 0);
  const plain = plainBody(n, false);
  const body = Buffer.concat([zlib.gzipSync(plain), Buffer.alloc(trail, 0x5a)]);
  const chunked = url.searchParams.get('mode') === 'chunked';
  const sock = res.socket;
  let head = 'HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Encoding: gzip\r\n' +
             `X-Plain-Length: ${n}\r\nX-Plain-SHA1: ${sha1(plain)}\r\n`;
  head += chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : 'Connection: close\r\n\r\n';
  sock.write(head, 'latin1');
  if (!chunked) sock.write(body);
  else for (let i = 0; i < body.length; i += 7000) {
    const piece = body.subarray(i, i + 7000);
    sock.write(piece.length.toString(16) + '\r\n');
    sock.write(piece);
    sock.write('\r\n');
  }
  const t = setTimeout(() => sock.destroy(), 60000);
  t.unref();
  sock.on('close', () => clearTimeout(t));
  return true;
}

function rawHeadResponse(req, url, res) {
  const m = /^\/raw-head\/([a-z0-9-]+)$/.exec(url.pathname);
  if (!m || !Object.prototype.hasOwnProperty.call(RAW_HEADS, m[1])) return false;
  res.socket.end(Buffer.from(RAW_HEADS[m[1]], 'latin1'));
  return true;
}

module.exports = { encodedResponse, trailResponse, rawHeadResponse, RAW_HEADS };
