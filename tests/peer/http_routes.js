// Keep-alive routes (/pool/...) for the `pool` conformance group: every
// answer names the TCP connection that carried it, so tests can prove that
// a connection was reused (SCENARIOS.md, "Connection reuse").
'use strict';

const ids = new WeakMap();   // socket -> { id, requests, closeNext }
let lastId = 0;
let posts = 0;               // POST requests to /pool/ seen (a retry must not repeat one)

function connOf(socket) {
  let c = ids.get(socket);
  if (!c) { c = { id: ++lastId, requests: 0, closeNext: false }; ids.set(socket, c); }
  return c;
}

function intParam(v, dflt) {
  const n = parseInt(v, 10);
  return Number.isFinite(n) && n >= 0 ? n : dflt;
}

// TRUE when handled.  Runs after the request body was read.
function poolResponse(req, url, res) {
  if (!url.pathname.startsWith('/pool/')) return false;
  const socket = req.socket;
  const c = connOf(socket);
  c.requests++;
  if (c.idleTimer) { clearTimeout(c.idleTimer); c.idleTimer = null; }
  if (req.method === 'POST') posts++;
  if (c.closeNext) {
    // the server closes the idle connection just as the next request comes:
    // nothing of a response is sent
    socket.destroy();
    return true;
  }
  const tag = { 'X-Conn': String(c.id), 'X-Conn-Requests': String(c.requests) };
  const name = url.pathname.slice('/pool/'.length);
  let m;
  if ((m = /^status\/(\d{3})$/.exec(name))) {
    res.writeHead(parseInt(m[1], 10), tag);   // 204 / 304: no body, no Content-Length
    return res.end(), true;
  }
  switch (name) {
    case 'conn': {
      // body "conn N" (also for HEAD: node then sends the headers only)
      const body = `conn ${c.id}`;
      res.writeHead(200, { ...tag, 'Content-Length': Buffer.byteLength(body) });
      return res.end(body), true;
    }
    case 'big': {
      const n = intParam(url.searchParams.get('n'), 0);
      res.writeHead(200, { ...tag, 'Content-Length': n });
      return res.end(Buffer.alloc(n, 'x')), true;
    }
    case 'len0':
      res.writeHead(200, { ...tag, 'Content-Length': 0 });
      return res.end(), true;
    case 'chunked':
      res.writeHead(200, { ...tag, 'Transfer-Encoding': 'chunked' });
      res.write('one|'); res.write('two');
      return res.end(), true;
    case 'close':
      // Connection: close, written raw so that the server keeps the
      // connection open: only the client's rule keeps it from reuse
      socket.write(`HTTP/1.1 200 OK\r\nX-Conn: ${c.id}\r\nConnection: close\r\nContent-Length: 5\r\n\r\nclose`);
      return true;
    case 'http10':
      // an HTTP/1.0 answer without keep-alive; the server leaves the
      // connection open, so only the client's rule keeps it from reuse
      socket.write(`HTTP/1.0 200 OK\r\nX-Conn: ${c.id}\r\nContent-Length: 4\r\n\r\nhttp`);
      return true;
    case 'ims': {
      // conditional: 304 when If-Modified-Since came (echoed in X-IMS)
      const ims = req.headers['if-modified-since'];
      if (ims) {
        res.writeHead(304, { ...tag, 'X-IMS': ims });
        return res.end(), true;
      }
      res.writeHead(200, { ...tag, 'Content-Length': 4, 'Last-Modified': 'Sat, 01 Jan 2000 00:00:00 GMT' });
      return res.end('full'), true;
    }
    case 'interim': {
      // n interim 1xx answers (100, 102, 103 in turn), then the final one
      const n = intParam(url.searchParams.get('n'), 1);
      const lines = ['100 Continue', '102 Processing', '103 Early Hints'];
      for (let i = 0; i < n; i++) socket.write(`HTTP/1.1 ${lines[i % 3]}\r\nX-Interim: ${i}\r\n\r\n`);
      res.writeHead(200, { ...tag, 'Content-Length': 5 });
      return res.end('final'), true;
    }
    case 'pipelined': {
      // the answer plus, in the same write, a complete second answer: the
      // client must keep those bytes as the start of the next response
      const extra = `HTTP/1.1 200 OK\r\nX-Pipelined: yes\r\nX-Conn: ${c.id}\r\nConnection: close\r\n` +
                    'Content-Length: 9\r\n\r\npipelined';
      socket.write(`HTTP/1.1 200 OK\r\nX-Conn: ${c.id}\r\nContent-Length: 5\r\n\r\nfirst${extra}`);
      c.closeNext = true;   // the real answer to the next request is never sent
      return true;
    }
    case 'close-next': {
      // answered normally (keep-alive); the next request on this connection
      // finds it closed by the server
      c.closeNext = true;
      res.writeHead(200, { ...tag, 'Content-Length': 2 });
      return res.end('ok'), true;
    }
    case 'idle-close': {
      // answered (keep-alive); the server ends the connection once it has
      // been idle ms milliseconds (an idle timeout)
      const ms = intParam(url.searchParams.get('ms'), 200);
      res.on('finish', () => { c.idleTimer = setTimeout(() => socket.end(), ms); });
      res.writeHead(200, { ...tag, 'Content-Length': 2 });
      return res.end('ok'), true;
    }
    case 'cookie-close-next':
      // like close-next, with a cookie (pooled=1)
      c.closeNext = true;
      res.writeHead(200, { ...tag, 'Set-Cookie': 'pooled=1; Path=/', 'Content-Length': 2 });
      return res.end('ok'), true;
    case 'cookie-echo': {
      // the request's Cookie header as the body
      const body = req.headers.cookie || '';
      res.writeHead(200, { ...tag, 'Content-Length': Buffer.byteLength(body) });
      return res.end(body), true;
    }
    case 'gzip': {
      // n bytes of a fixed pseudo-random pattern (byte i: bits 16..23 of
      // the i-th step of x = x * 1103515245 + 12345, x starting at 1),
      // gzip-encoded: it hardly compresses, so the encoded body is about n
      // bytes too; chunked=1: sent chunked, in pieces of 1000 bytes
      const n = intParam(url.searchParams.get('n'), 100);
      const plain = Buffer.alloc(n);
      let x = 1;
      for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; plain[i] = (x >>> 16) & 0xff; }
      const body = require('zlib').gzipSync(plain);
      if (url.searchParams.get('chunked') === '1') {
        res.writeHead(200, { ...tag, 'Content-Encoding': 'gzip', 'Transfer-Encoding': 'chunked' });
        for (let i = 0; i < body.length; i += 1000) res.write(body.subarray(i, i + 1000));
        return res.end(), true;
      }
      res.writeHead(200, { ...tag, 'Content-Encoding': 'gzip', 'Content-Length': body.length });
      return res.end(body), true;
    }
    case 'posts': {
      const body = String(posts);
      res.writeHead(200, { ...tag, 'Content-Length': body.length });
      return res.end(body), true;
    }
    default:
      return false;
  }
}

module.exports = { poolResponse };
