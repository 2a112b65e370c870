#!/usr/bin/env node
// Test peer for winhttp.dll for Wine: see SCENARIOS.md in this directory
// (that file is the contract; the conformance tests rely on every detail).
// Listens on 127.0.0.1 only (ports chosen by the kernel), prints one JSON
// line with the ports once every listener is ready, and runs until stdin
// closes or SIGTERM.
//
//   node tests/peer/server.js [--certs DIR] [--listen ADDR --name NAME]
//
// Without --certs only the plain `ws` listener runs.  --listen ADDR (for
// the tests on a Windows machine only, README "Running the tests on
// Windows"; our own runs never pass it) listens on ADDR instead, and the
// proxies then also forward to ADDR and NAME (the peer host's name in the
// certificates) as to themselves.
'use strict';
const http = require('http');
const net = require('net');
const https = require('https');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');
const { createValidator } = require('./validator');
const { authResponse } = require('./auth');
const { redirectResponse } = require('./redirect');
const { cookieResponse } = require('./cookie');
const { encodedResponse, trailResponse, rawHeadResponse } = require('./encoding');
const { poolResponse } = require('./http_routes');
const { createProxy } = require('./proxy');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const WS_OPEN = 1;

function log(...args) {
  if (process.env.PEER_VERBOSE) console.error('peer:', ...args);
}

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const LISTEN = argValue('--listen') || '127.0.0.1';

// Content rule: text = ASCII 'a'..'z' repeating, binary = bytes i % 251.
const BINARY_PATTERN = Buffer.from(Array.from({ length: 251 }, (_, i) => i));
const TEXT_PATTERN = Buffer.from('abcdefghijklmnopqrstuvwxyz');
function content(size, type) {
  if (!(size > 0)) return Buffer.alloc(0);
  return Buffer.alloc(size, type === 'text' ? TEXT_PATTERN : BINARY_PATTERN);
}

function intParam(v, dflt) {
  const n = parseInt(v, 10);
  return Number.isFinite(n) && n >= 0 ? n : dflt;
}

// ---------- validation of what clients send (validator.js) ----------
// Every WebSocket connection (every path that answers 101) gets an id and a
// validator fed with every byte the client sends after the 101.  Violations
// go to one process-wide list, served by GET /violations.
const MAX_ITEMS = 50;          // per answer
const MAX_STORED = 1000;       // kept in memory (count goes on)
const MAX_LOGGED_PER_CONNECTION = 20;
const validation = { count: 0, frames: 0, connections: 0, items: [] };
let lastConnectionId = 0;

function watchClient(socket, req, head) {
  const id = ++lastConnectionId;
  const where = req.url;
  let logged = 0;
  validation.connections++;
  const v = createValidator({
    onViolation: (x) => {
      const seq = validation.count++;
      const item = { seq, connection: id, path: where, offset: x.offset, kind: x.kind, description: x.description };
      if (validation.items.length < MAX_STORED) validation.items.push(item);
      if (logged++ < MAX_LOGGED_PER_CONNECTION) {
        console.error(`peer: VIOLATION connection ${id} ${where} at byte ${x.offset}: ${x.kind}: ${x.description}`);
      } else if (logged === MAX_LOGGED_PER_CONNECTION + 1) {
        console.error(`peer: VIOLATION connection ${id}: further violations on this connection not logged`);
      }
    },
  });
  const feed = (d) => {
    const before = v.frames;
    v.push(d);
    validation.frames += v.frames - before;
  };
  if (head && head.length) feed(head);
  // first in line: `ws` unmasks payloads in place in the very Buffers the
  // socket emits, so the validator must see each chunk before it does
  socket.prependListener('data', feed);
  return id;
}

// GET /violations[?since=SEQ]: totals and the first MAX_ITEMS violations
// with seq >= SEQ (of the first MAX_STORED)
function violationsReport(url) {
  const since = intParam(url.searchParams.get('since'), 0);
  return JSON.stringify({ count: validation.count, frames: validation.frames, connections: validation.connections,
                          items: validation.items.filter((x) => x.seq >= since).slice(0, MAX_ITEMS),
                          split: SPLIT_SEED === null ? null : { seed: SPLIT_SEED, ...splitStats } });
}

// ---------- random split points of server output (PEER_SPLIT_SEED) ----------
const SPLIT_SEED = /^\s*-?\d+\s*$/.test(process.env.PEER_SPLIT_SEED || '') ? Number(process.env.PEER_SPLIT_SEED) : null;
const MAX_PIECES = 4;
const splitStats = { writes: 0, pieces: 0 };

// xorshift32 seeded through an integer hash of (seed, connection id)
function prng(seed, id) {
  let x = (Math.imul((seed | 0) ^ 0x3c6ef372, 0x9e3779b1) + Math.imul(id | 0, 0x85ebca6b)) | 0;
  x ^= x >>> 16; x = Math.imul(x, 0x7feb352d); x ^= x >>> 15; x = Math.imul(x, 0x846ca68b); x ^= x >>> 16;
  if (x === 0) x = 0x1234567;
  return () => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

// Cut points (sorted, distinct, inside 1..n-1) for one write of n bytes:
// 0 to 3 of them, half of them near the start (frame headers).
function cutPoints(rand, n) {
  const pieces = Math.min(n, 1 + Math.floor(rand() * MAX_PIECES));
  const cuts = new Set();
  for (let k = 1; k < pieces; k++) {
    const span = rand() < 0.5 ? Math.min(n - 1, 16) : n - 1;
    cuts.add(1 + Math.floor(rand() * span));
  }
  return [...cuts].sort((a, b) => a - b);
}

// From now on every write on this socket goes out cut into pieces, one piece
// per event-loop turn, in order; end() waits for the queue.  cork/uncork
// become no-ops (the queue keeps the order).
function splitOutput(socket, id) {
  const rand = prng(SPLIT_SEED, id);
  const write = socket.write, end = socket.end;
  const queue = [];       // { buf, cb, last } in wire order
  let running = false, endArgs = null, ended = false;
  if (socket.setNoDelay) socket.setNoDelay(true);
  const finish = () => {
    if (endArgs && !ended) { ended = true; end.apply(socket, endArgs); }
  };
  const pump = () => {
    while (queue.length) {
      if (socket.destroyed) {
        const err = new Error('socket destroyed before the write');
        for (const item of queue.splice(0)) if (item.cb) process.nextTick(item.cb, err);
        break;
      }
      const item = queue.shift();
      write.call(socket, item.buf, item.cb);
      if (!item.last && queue.length) { setImmediate(pump); return; }
    }
    running = false;
    finish();
  };
  socket.write = function (chunk, encoding, cb) {
    if (typeof encoding === 'function') { cb = encoding; encoding = undefined; }
    if (endArgs) return write.call(socket, chunk, encoding, cb);  // write after end: the usual error
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding);
    const cuts = cutPoints(rand, buf.length);
    splitStats.writes++;
    splitStats.pieces += cuts.length + 1;
    let at = 0;
    for (const c of cuts) { queue.push({ buf: buf.subarray(at, c), cb: null, last: false }); at = c; }
    queue.push({ buf: buf.subarray(at), cb: cb || null, last: true });
    if (!running) { running = true; pump(); }
    return true;
  };
  socket.end = function (...args) {
    if (endArgs) return socket;
    if (args.length && typeof args[0] !== 'function') {
      const data = args.shift();
      const enc = typeof args[0] === 'string' ? args.shift() : undefined;
      if (data !== undefined && data !== null) socket.write(data, enc);
    }
    endArgs = args;
    if (!running) finish();
    return socket;
  };
  socket.cork = () => {};
  socket.uncork = () => {};
}

// A WebSocket connection after its 101: validate what the client sends,
// split what we send (if asked).  head: bytes that came with the request and
// that nothing puts back into the socket (null when `ws` unshifts them).
function wsConnection(socket, req, head) {
  const id = watchClient(socket, req, head);
  if (SPLIT_SEED !== null) splitOutput(socket, id);
  return id;
}

// ---------- plain HTTP ----------
function plainResponse(req, body, res) {
  const url = new URL(req.url, 'http://x');
  let m;
  if ((m = /^\/status\/(\d{3})$/.exec(url.pathname))) {
    let code = parseInt(m[1], 10);
    if (code < 200) code = 400;  // 1xx (e.g. 101 without an upgrade) cannot be a final answer
    const text = `status ${m[1]}`;
    if (code === 204 || code === 304) {
      // no body allowed by HTTP; no Content-Length either
      res.writeHead(code, { 'X-Peer': 'yes' });
      return res.end();
    }
    res.writeHead(code, { 'Content-Length': Buffer.byteLength(text), 'X-Peer': 'yes' });
    return res.end(text);
  }
  if (url.pathname.startsWith('/auth/') && authResponse(req, url, res)) return;
  if (url.pathname.startsWith('/redirect/') && redirectResponse(req, url, res)) return;
  if (url.pathname.startsWith('/cookie/') && cookieResponse(req, url, res)) return;
  if (url.pathname.startsWith('/encoded/') && encodedResponse(req, url, res)) return;
  if (url.pathname.startsWith('/encoded-trail/') && trailResponse(req, url, res)) return;
  if (url.pathname.startsWith('/raw-head/') && rawHeadResponse(req, url, res)) return;
  if (url.pathname.startsWith('/pool/') && poolResponse(req, url, res)) return;
  // /echo-request/ANYTHING: the same echo, for tests of the request target
  const route = url.pathname.startsWith('/echo-request/') ? '/echo-request' : url.pathname;
  switch (route) {
    case '/chunked':
      res.writeHead(200, { 'Transfer-Encoding': 'chunked', 'Content-Type': 'text/plain' });
      res.write('chunk-1|'); res.write('chunk-22|'); res.write('chunk-333');
      return res.end();
    case '/big': {
      const n = intParam(url.searchParams.get('n'), 0);
      res.writeHead(200, { 'Content-Length': n, 'Content-Type': 'application/octet-stream' });
      return res.end(content(n, 'binary'));
    }
    case '/echo-request': {
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i].toLowerCase();
        headers[k] = Object.prototype.hasOwnProperty.call(headers, k)
          ? headers[k] + ', ' + req.rawHeaders[i + 1] : req.rawHeaders[i + 1];
      }
      const json = JSON.stringify({ method: req.method, url: req.url, headers, body: body.toString('latin1') });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
      return res.end(json);
    }
    case '/tls-session': {
      // whether this TLS connection resumed an earlier session (TLS tests
      // of resumption); the connection closes, so the next request needs
      // a new one (and a new handshake)
      const sock = req.socket;
      const resumed = typeof sock.isSessionReused === 'function' ? (sock.isSessionReused() ? 'yes' : 'no') : 'none';
      res.writeHead(200, { 'X-TLS-Resumed': resumed, 'Content-Length': 2, Connection: 'close' });
      return res.end('ok');
    }
    case '/typed': {
      // body bytes given in hex, sent with the Content-Type given (none if absent)
      const data = Buffer.from(url.searchParams.get('hex') || '', 'hex');
      const h = { 'Content-Length': data.length };
      if (url.searchParams.has('ct')) h['Content-Type'] = url.searchParams.get('ct');
      res.writeHead(200, h);
      return res.end(data);
    }
    case '/close-early':
      res.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
      return;
    case '/close-delimited':
    case '/length-cut': {
      // a body delimited by the connection's close (no Content-Length, not
      // chunked), or with a Content-Length, then the connection ends:
      // end=cut closes TCP at once (over TLS: no close_notify, a
      // truncation), anything else ends it properly (TLS: close_notify)
      const body = 'close-delimited body, 39 bytes long....';
      const head = url.pathname === '/length-cut'
        ? `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
        : 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n';
      const s = res.socket;
      const cut = url.searchParams.get('end') === 'cut';
      s.write(head + body, () => { if (cut) s.destroy(); else s.end(); });
      return;
    }
    case '/client-cert': {
      // the client certificate of this TLS connection: "authorized CN" when
      // the CA vouches for it, "unauthorized REASON CN" otherwise
      const s = req.socket;
      const pc = s.getPeerCertificate ? s.getPeerCertificate() : null;
      const cn = pc && pc.subject ? pc.subject.CN : '-';
      const text = s.authorized ? `authorized ${cn}` : `unauthorized ${s.authorizationError || '-'} ${cn}`;
      res.writeHead(200, { 'Content-Length': Buffer.byteLength(text) });
      return res.end(text);
    }
    case '/multi-header':
      res.writeHead(200, ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Num', '42', 'Content-Length', '2']);
      return res.end('ok');
    case '/violations': {
      const json = violationsReport(url);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
      return res.end(json);
    }
    case '/reject':
      res.writeHead(403, { 'Content-Length': 17, 'Content-Type': 'text/plain' });
      return res.end('no websocket here');
    case '/slow':
      res.writeHead(200, { 'Content-Length': 4 });
      return res.end('slow');
    case '/drip': {
      // headers now, the 10-byte body after ms
      res.writeHead(200, { 'Content-Length': 10 });
      res.flushHeaders();
      return setTimeout(() => res.end('0123456789'), intParam(url.searchParams.get('ms'), 0));
    }
    default:
      res.writeHead(404, { 'Content-Length': 9 });
      return res.end('not found');
  }
}

function onRequest(req, res) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    const go = () => { if (!res.destroyed) plainResponse(req, Buffer.concat(chunks), res); };
    if (url.pathname === '/slow') setTimeout(go, intParam(url.searchParams.get('ms'), 0));
    else go();
  });
  req.on('error', () => {});
  res.on('error', () => {});
}

// A plain answer written on a raw socket (upgrade request to a non-WebSocket
// path); the connection closes afterwards.
function rawPlainAnswer(req, socket, head) {
  const res = new http.ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket);
  res.on('error', () => {});
  res.on('finish', () => { res.detachSocket(socket); socket.end(); });
  // the request body (if any) follows the headers; collect what is there by now
  const chunks = head && head.length ? [Buffer.from(head)] : [];
  const len = intParam(req.headers['content-length'], 0);
  const answer = () => plainResponse(req, Buffer.concat(chunks).subarray(0, len), res);
  if (len > 0 && Buffer.concat(chunks).length < len) {
    const onData = (d) => {
      chunks.push(d);
      if (Buffer.concat(chunks).length >= len) { socket.removeListener('data', onData); answer(); }
    };
    socket.on('data', onData);
  } else answer();
}

// ---------- WebSocket: /echo (a real `ws` server) ----------
function rawCloseFrame(code, reason) {
  if (code === undefined) return frame(8, Buffer.alloc(0));
  const r = Buffer.from(reason || '');
  const p = Buffer.alloc(2 + r.length);
  p.writeUInt16BE(code & 0xffff, 0);
  r.copy(p, 2);
  return frame(8, p);
}

function makeEchoServer() {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 256 * 1024 * 1024,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.size ? protocols.values().next().value : false),
  });
  wss.on('error', (e) => log('wss error', e.message));
  wss.on('connection', (ws, req) => {
    const state = { count: 0, last: null, pings: 0, pingsReceived: 0 };
    ws.on('error', (e) => log('ws error', e.message));
    ws.on('ping', () => { state.pingsReceived++; });
    ws.on('pong', (data) => {
      if (state.pings <= 0) return;  // only answers pongs to our own pings
      state.pings--;
      if (ws.readyState === WS_OPEN) ws.send('pong:' + data.toString('latin1'));
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const text = data.toString();
        if (text.startsWith('cmd:')) {
          try { command(ws, req, text, state); } catch (e) { log('command failed', text, e.message); }
          return;
        }
      }
      state.count++;
      state.last = { type: isBinary ? 'binary' : 'text', length: data.length,
                     sha1: crypto.createHash('sha1').update(data).digest('hex') };
      if (ws.readyState === WS_OPEN) ws.send(data, { binary: isBinary });
    });
  });
  return wss;
}

// Sends a close frame the `ws` library refuses to build (invalid code, long
// reason) by hand, keeping the library's closing handshake state consistent.
function closeByHand(ws, buf) {
  ws._readyState = 2;  // CLOSING
  ws._socket.write(buf, () => {
    ws._closeFrameSent = true;
    if (ws._closeFrameReceived) ws._socket.end();
  });
  setTimeout(() => { if (ws._socket) ws._socket.destroy(); }, 30000).unref();
}

function command(ws, req, text, state) {
  if (ws.readyState !== WS_OPEN) return;
  const parts = text.split(':');
  switch (parts[1]) {
    case 'close': {
      if (parts[2] === undefined || parts[2] === '') return ws.close();
      const code = parseInt(parts[2], 10);
      const reason = parts.slice(3).join(':');
      try { return ws.close(code, reason); } catch (e) { return closeByHand(ws, rawCloseFrame(code, reason)); }
    }
    case 'close-empty':
      return ws.close();
    case 'pings-received':
      return ws.send(String(state.pingsReceived));
    case 'ping': {
      const payload = Buffer.from(parts.slice(2).join(':'));
      state.pings++;
      try { return ws.ping(payload); } catch (e) { return ws._socket.write(frame(9, payload)); }
    }
    case 'frag': {
      const n = Math.max(1, intParam(parts[2], 1)), size = intParam(parts[3], 0), type = parts[4];
      const data = content(size, type);
      const step = Math.ceil(size / n);
      for (let i = 0; i < n; i++) {
        const piece = data.subarray(Math.min(i * step, size), i === n - 1 ? size : Math.min((i + 1) * step, size));
        ws.send(piece, { binary: type === 'binary', fin: i === n - 1 });
      }
      return;
    }
    case 'big':
      return ws.send(content(intParam(parts[2], 0), parts[3]), { binary: parts[3] === 'binary' });
    case 'headers': {
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i].toLowerCase();
        headers[k] = Object.prototype.hasOwnProperty.call(headers, k)
          ? headers[k] + ', ' + req.rawHeaders[i + 1] : req.rawHeaders[i + 1];
      }
      return ws.send(JSON.stringify(headers));
    }
    case 'empty':
      return ws.send(Buffer.alloc(0), { binary: parts[2] === 'binary' });
    case 'count':
      return ws.send(String(state.count));
    case 'lastinfo':
      return ws.send(JSON.stringify(state.last || {}));
    case 'pingflood':
      return pingFlood(ws, intParam(parts[2], 0), intParam(parts[3], 0), state);
    case 'slowread':
      return slowRead(ws, intParam(parts[2], 100));
    default:
      return ws.send('unknown command');
  }
}

// cmd:pingflood:SIZE[:AFTER]: once AFTER more bytes have come in (the
// client's next message is under way), stop reading (the client's sending
// backs up), ping "pf", then one binary message of SIZE bytes; read again
// once that message has been handed to the kernel entirely.  ws.pause()
// pauses the underlying net.Socket and keeps the library from resuming it.
function pingFlood(ws, size, after, state) {
  const socket = ws._socket;
  const until = socket.bytesRead + after;
  const whenFlushed = () => {
    if (socket.destroyed || ws.readyState !== WS_OPEN) return;
    if (socket.writableLength > 0) return setTimeout(whenFlushed, 10);
    log('pingflood: flushed, reading again');
    ws.resume();
  };
  const flood = () => {
    if (socket.bytesRead < until) return;
    socket.removeListener('data', flood);
    if (ws.readyState !== WS_OPEN) return;
    log('pingflood: stop reading at', socket.bytesRead);
    ws.pause();
    state.pings++;
    ws.ping(Buffer.from('pf'));
    ws.send(content(size, 'binary'), { binary: true }, (err) => { if (!err) whenFlushed(); });
  };
  socket.on('data', flood);
  flood();
}

// cmd:slowread:MS: from now on the server takes in one socket read's worth
// (up to 64 KiB) every MS ms, so a large message from the client crawls.
function slowRead(ws, ms) {
  const socket = ws._socket;
  const timer = setInterval(() => {
    if (socket.destroyed || ws.readyState !== WS_OPEN) return clearInterval(timer);
    socket.once('data', () => ws.pause());
    ws.resume();
  }, ms);
  socket.on('close', () => clearInterval(timer));
  ws.pause();
}

// ---------- raw WebSocket endpoints ----------
function frame(opcode, payload, fin = true) {
  const len = payload.length;
  const b0 = (fin ? 0x80 : 0) | opcode;
  let head;
  if (len < 126) head = Buffer.from([b0, len]);
  else if (len < 65536) { head = Buffer.alloc(4); head[0] = b0; head[1] = 126; head.writeUInt16BE(len, 2); }
  else { head = Buffer.alloc(10); head[0] = b0; head[1] = 127; head.writeBigUInt64BE(BigInt(len), 2); }
  return Buffer.concat([head, payload]);
}

function acceptFor(key) {
  return crypto.createHash('sha1').update(key + GUID).digest('base64');
}

function handshake(req, socket, { accept = true, acceptValue, upgradeHeader = true, extra = [] } = {}) {
  const lines = ['HTTP/1.1 101 Switching Protocols'];
  if (upgradeHeader) lines.push('Upgrade: websocket');
  lines.push('Connection: Upgrade');
  if (accept) lines.push('Sec-WebSocket-Accept: ' + (acceptValue || acceptFor(req.headers['sec-websocket-key'] || '')));
  lines.push(...extra);
  socket.write(lines.join('\r\n') + '\r\n\r\n');
}

// Reads and discards; closes TCP when the client does.
function discard(socket) {
  socket.on('data', () => {});
  socket.on('end', () => socket.end());
}

// /raw: parses the client's frames and reports each one as a text frame.
function rawReporter(socket, head) {
  let buf = head && head.length ? Buffer.from(head) : Buffer.alloc(0);
  let closed = false;
  const parse = () => {
    while (!closed) {
      if (buf.length < 2) return;
      const b0 = buf[0], b1 = buf[1];
      let len = b1 & 0x7f, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) {
        if (buf.length < 10) return;
        const big = buf.readBigUInt64BE(2);
        if (big > BigInt(1024 * 1024 * 1024)) { closed = true; socket.destroy(); return; }  // absurd: give up
        len = Number(big); off = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      let mask = Buffer.alloc(4);
      if (masked) { if (buf.length < off + 4) return; mask = Buffer.from(buf.subarray(off, off + 4)); off += 4; }
      if (buf.length < off + len) return;
      const payload = Buffer.from(buf.subarray(off, off + len));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      buf = buf.subarray(off + len);
      const opcode = b0 & 0x0f;
      const report = { fin: b0 >> 7, rsv: (b0 >> 4) & 7, opcode, masked: masked ? 1 : 0, mask: mask.toString('hex'),
                       length: len, payload: payload.subarray(0, 256).toString('hex') };
      socket.write(frame(1, Buffer.from(JSON.stringify(report))));
      if (opcode === 8) {
        closed = true;
        socket.write(frame(8, payload));
        socket.end();
      }
    }
  };
  socket.on('data', (d) => { if (!closed) { buf = Buffer.concat([buf, d]); parse(); } });
  socket.on('end', () => socket.end());
  parse();
}

function isWebSocketUpgrade(req) {
  return (req.headers.upgrade || '').toLowerCase().split(/\s*,\s*/).includes('websocket');
}

function onUpgrade(wss, req, socket, head) {
  socket.on('error', (e) => log('socket error', e.message));
  let url;
  try { url = new URL(req.url, 'http://x'); } catch (e) { return socket.destroy(); }
  const upgradeWs = () => {
    if (socket.destroyed) return;
    // ws writes the 101, then puts `head` back into the socket (unshift),
    // so the validator's 'data' tap sees those bytes too
    wss.handleUpgrade(req, socket, head, (ws) => {
      wsConnection(socket, req, null);
      wss.emit('connection', ws, req);
    });
  };
  if (!isWebSocketUpgrade(req)) return rawPlainAnswer(req, socket, head);
  switch (url.pathname) {
    case '/echo':
      return upgradeWs();
    case '/slow':
      return setTimeout(upgradeWs, intParam(url.searchParams.get('ms'), 0));
    case '/silent':
      handshake(req, socket);
      wsConnection(socket, req, head);
      return discard(socket);
    case '/raw': {
      // optional ext=VALUE / proto=VALUE: that Sec-WebSocket-Extensions /
      // Sec-WebSocket-Protocol in the 101, whatever the client offered
      const extra = [];
      if (url.searchParams.has('ext')) extra.push('Sec-WebSocket-Extensions: ' + url.searchParams.get('ext'));
      if (url.searchParams.has('proto')) extra.push('Sec-WebSocket-Protocol: ' + url.searchParams.get('proto'));
      handshake(req, socket, { extra });
      wsConnection(socket, req, head);
      const hex = url.searchParams.get('send') || '';
      if (hex) socket.write(Buffer.from(hex, 'hex'));
      if (url.searchParams.get('end') === '1') { socket.end(); return discard(socket); }
      if (url.searchParams.get('silent') === '1') return discard(socket);
      return rawReporter(socket, head);
    }
    case '/bad-accept':
      handshake(req, socket, { acceptValue: acceptFor('not the key') });
      wsConnection(socket, req, head);
      return discard(socket);
    case '/no-accept':
      handshake(req, socket, { accept: false });
      wsConnection(socket, req, head);
      return discard(socket);
    case '/no-upgrade':
      handshake(req, socket, { upgradeHeader: false });
      wsConnection(socket, req, head);
      return discard(socket);
    default:
      return rawPlainAnswer(req, socket, head);
  }
}

function listen(server, wss) {
  server.keepAliveTimeout = 0;
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.on('request', onRequest);
  server.on('upgrade', (req, socket, head) => {
    try { onUpgrade(wss, req, socket, head); } catch (e) { log('upgrade failed', e.message); socket.destroy(); }
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable && err.code !== 'ECONNRESET') {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    } else socket.destroy();
  });
  server.on('tlsClientError', (e) => log('tls error', e.message));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LISTEN, () => resolve(server.address().port));
  });
}

// The `mute` listener: accepts TCP connections, reads and drops what comes,
// never writes (a server that hangs mid-handshake, for clients' timeouts).
function listenMute() {
  const server = net.createServer((socket) => {
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LISTEN, () => resolve(server.address().port));
  });
}

async function main() {
  const certs = argValue('--certs');
  const wss = makeEchoServer();
  const servers = { ws: http.createServer() };
  if (certs) {
    const tls = (name, extra) => https.createServer({
      key: fs.readFileSync(path.join(certs, name + '-key.pem')),
      cert: fs.readFileSync(path.join(certs, name + '.pem')),
      ...extra,
    });
    servers.wss = tls('server');
    servers.wss_expired = tls('expired');
    servers.wss_wronghost = tls('wronghost');
    servers.wss_selfsigned = tls('selfsigned');
    // certificate purpose and chain problems (make-certs.sh)
    for (const name of ['clientauth', 'chain', 'notca', 'pathlen', 'nameconst']) servers['wss_' + name] = tls(name);
    // weak algorithms: a SHA-1-signed leaf, an RSA 1024-bit leaf (OpenSSL's level 0 lets node serve them)
    for (const name of ['sha1', 'rsa1024']) servers['wss_' + name] = tls(name, { ciphers: 'DEFAULT@SECLEVEL=0' });
    // one protocol version only
    // asks for a client certificate (listing the test CA) and goes on without
    // one; /client-cert tells what it got
    servers.wss_clientreq = tls('server', { requestCert: true, rejectUnauthorized: false,
                                            ca: fs.readFileSync(path.join(certs, 'ca.pem')) });
    // the valid certificate with a stapled OCSP response: good / revoked
    for (const s of ['good', 'revoked']) {
      const file = path.join(certs, 'ocsp-' + s + '.der');
      if (!fs.existsSync(file)) continue;
      const response = fs.readFileSync(file);
      servers['wss_ocsp_' + s] = tls('server');
      servers['wss_ocsp_' + s].on('OCSPRequest', (cert, issuer, cb) => cb(null, response));
    }
    servers.wss_tls12 = tls('server', { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
    servers.wss_tls13 = tls('server', { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
    servers.wss_tls10 = tls('server', { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
  }
  const ports = {};
  for (const [name, srv] of Object.entries(servers)) ports[name] = await listen(srv, wss);
  ports.mute = await listenMute();
  // the HTTP proxies (proxy.js): open, one that wants Basic credentials, one Digest
  const self = { selfNames: [LISTEN, argValue('--name')].filter(Boolean),
                 upstreamHost: LISTEN === '0.0.0.0' ? '127.0.0.1' : LISTEN, log };
  const proxies = { proxy: createProxy({ pacProxyPort: () => ports.proxy, ...self }),
                    proxy_auth: createProxy({ requireAuth: true, ...self }),
                    proxy_digest: createProxy({ requireAuth: 'digest', ...self }) };
  for (const [name, srv] of Object.entries(proxies)) {
    ports[name] = await new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, LISTEN, () => resolve(srv.address().port));
    });
  }
  process.stdout.write(JSON.stringify(ports) + '\n');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

// A misbehaving client must never take the peer down.
process.on('uncaughtException', (e) => console.error('peer: uncaught', e && e.stack || e));

main().catch((e) => { console.error(e); process.exit(1); });
