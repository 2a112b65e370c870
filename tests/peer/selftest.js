#!/usr/bin/env node
// Self-test of the test peer (tests/peer/server.js) against its contract,
// tests/peer/SCENARIOS.md.  Makes certificates with make-certs.sh in a
// temporary directory, starts the peer, exercises every path with node
// clients (ws, http/https, raw TCP/TLS sockets), and prints a closing line
// "N passed, N failed".  Exit status is non-zero on any failure.
'use strict';
const path = require('path');
const fs = require('fs');
const os = require('os');
const net = require('net');
const tls = require('tls');
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { spawn, execFileSync } = require('child_process');

const here = __dirname;
const { createValidator, validCloseCode, utf8ErrorIndex } = require(path.join(here, 'validator.js'));
let WebSocket, Sender;
try {
  WebSocket = require(path.join(here, '..', 'node_modules', 'ws'));
  Sender = require(path.join(here, '..', 'node_modules', 'ws', 'lib', 'sender.js'));
} catch (e) {
  console.error('selftest: the ws package is missing: run `cd tests && npm ci`');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
let passed = 0, failed = 0;
function check(name, cond, detail) {
  if (cond) { passed++; if (process.env.SELFTEST_VERBOSE) console.log('ok   ' + name); return true; }
  failed++;
  console.log('FAIL ' + name + (detail !== undefined ? ': ' + (typeof detail === 'string' ? detail : JSON.stringify(detail)) : ''));
  return false;
}
function eq(name, got, want) {
  const g = typeof got === 'string' ? got : JSON.stringify(got);
  const w = typeof want === 'string' ? want : JSON.stringify(want);
  return check(name, g === w, `got ${g === undefined ? 'undefined' : g.slice(0, 300)}, want ${w.slice(0, 300)}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, rej) => { t = setTimeout(() => rej(new Error('timeout: ' + what)), ms); })])
    .finally(() => clearTimeout(t));
}

// ---------- content rules ----------
function content(size, type) {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = type === 'text' ? 97 + (i % 26) : i % 251;
  return b;
}
const sha1 = (b) => crypto.createHash('sha1').update(b).digest('hex');

// ---------- peer process ----------
let certs, ca, ports, peer, peerExited = null;

function startPeer(args, env = {}) {
  return new Promise((resolve, reject) => {
    const penv = { ...process.env, ...env };
    if (!('PEER_SPLIT_SEED' in env)) delete penv.PEER_SPLIT_SEED;
    const p = spawn(process.execPath, [path.join(here, 'server.js'), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: penv });
    let out = '', err = '';
    const t = setTimeout(() => reject(new Error('peer did not print its ports in 20 s: ' + err)), 20000);
    p.stderr.on('data', (d) => { err += d; if (process.env.SELFTEST_VERBOSE) process.stderr.write(d); });
    p.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0 && !p.portsLine) {
        p.portsLine = out.slice(0, nl);
        clearTimeout(t);
        resolve(p);
      }
    });
    p.on('exit', (code, sig) => { p.exitInfo = { code, sig }; clearTimeout(t); reject(new Error('peer exited early: ' + err)); });
    p.stderrText = () => err;
    p.stdoutText = () => out;
  });
}
function waitExit(p, ms) {
  if (p.exitInfo) return Promise.resolve(p.exitInfo);
  return withTimeout(new Promise((r) => p.on('exit', (code, sig) => r({ code, sig }))), ms, 'peer exit');
}

// ---------- HTTP clients ----------
function request(port, reqPath, { method = 'GET', headers = {}, body, secure = false, servername, agentOpts = {} } = {}) {
  return withTimeout(new Promise((resolve, reject) => {
    const mod = secure ? https : http;
    const req = mod.request({ host: '127.0.0.1', port, path: reqPath, method, headers, agent: false,
                              servername, ...(secure ? { ca } : {}), ...agentOpts }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, raw: res.rawHeaders,
                                    body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  }), 10000, 'request ' + reqPath);
}

// ---------- raw socket client ----------
class Raw {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.ended = false;
    this.closed = false;
    this.error = null;
    this.waiters = [];
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake(); });
    sock.on('end', () => { this.ended = true; this.wake(); });
    sock.on('close', () => { this.closed = true; this.ended = true; this.wake(); });
    sock.on('error', (e) => { this.error = e; this.wake(); });
  }
  static connect(port, secure = false) {
    return withTimeout(new Promise((resolve, reject) => {
      const s = secure
        ? tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => resolve(new Raw(s)))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(new Raw(s)));
      s.once('error', reject);
    }), 5000, 'connect');
  }
  wake() { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }
  // waits until fn() returns non-undefined (checked on every event)
  wait(fn, ms = 5000, what = 'data') {
    return withTimeout(new Promise((resolve, reject) => {
      const test = () => {
        let v;
        try { v = fn(); } catch (e) { return reject(e); }
        if (v !== undefined) return resolve(v);
        if (this.ended || this.error) return reject(new Error(`connection ended while waiting for ${what}`));
        this.waiters.push(test);
      };
      test();
    }), ms, what);
  }
  write(b) { this.sock.write(b); }
  end() { this.sock.end(); }
  destroy() { this.sock.destroy(); }
  take(n) { const b = this.buf.subarray(0, n); this.buf = this.buf.subarray(n); return Buffer.from(b); }
  // HTTP response head (status line + headers); the rest stays in buf
  async head() {
    const i = await this.wait(() => { const k = this.buf.indexOf('\r\n\r\n'); return k >= 0 ? k : undefined; }, 5000, 'response head');
    const text = this.take(i + 4).toString('latin1');
    const lines = text.split('\r\n').filter(Boolean);
    const status = parseInt(lines[0].split(' ')[1], 10);
    const headers = {};
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      const k = l.slice(0, c).trim().toLowerCase();
      headers[k] = k in headers ? headers[k] + ', ' + l.slice(c + 1).trim() : l.slice(c + 1).trim();
    }
    return { statusLine: lines[0], status, headers };
  }
  async frame(ms = 5000) {
    return this.wait(() => {
      const f = parseFrame(this.buf);
      if (!f) return undefined;
      this.buf = this.buf.subarray(f.size);
      return f;
    }, ms, 'frame');
  }
  async rest(ms = 5000) { await this.wait(() => (this.ended ? true : undefined), ms, 'end'); return this.take(this.buf.length); }
  waitEnd(ms = 5000) { return withTimeout(new Promise((r) => { const t = () => (this.ended ? r(true) : this.waiters.push(t)); t(); }), ms, 'end'); }
}

function parseFrame(buf) {
  if (buf.length < 2) return null;
  let len = buf[1] & 0x7f, off = 2;
  if (len === 126) { if (buf.length < 4) return null; len = buf.readUInt16BE(2); off = 4; }
  else if (len === 127) { if (buf.length < 10) return null; len = Number(buf.readBigUInt64BE(2)); off = 10; }
  const masked = (buf[1] & 0x80) !== 0;
  let mask = null;
  if (masked) { if (buf.length < off + 4) return null; mask = buf.subarray(off, off + 4); off += 4; }
  if (buf.length < off + len) return null;
  const payload = Buffer.from(buf.subarray(off, off + len));
  if (mask) for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
  return { fin: buf[0] >> 7, rsv: (buf[0] >> 4) & 7, opcode: buf[0] & 15, masked, len, payload,
           size: off + len, bytes: Buffer.from(buf.subarray(0, off + len)) };
}

// a client frame (masked unless mask === null)
function cframe(opcode, payload, { fin = 1, rsv = 0, mask = Buffer.from([1, 2, 3, 4]), lenForm } = {}) {
  payload = Buffer.from(payload);
  const len = payload.length;
  const form = lenForm || (len < 126 ? 7 : len < 65536 ? 16 : 64);
  let head;
  const b0 = (fin ? 0x80 : 0) | (rsv << 4) | opcode, m = mask ? 0x80 : 0;
  if (form === 7) head = Buffer.from([b0, m | len]);
  else if (form === 16) { head = Buffer.alloc(4); head[0] = b0; head[1] = m | 126; head.writeUInt16BE(len, 2); }
  else { head = Buffer.alloc(10); head[0] = b0; head[1] = m | 127; head.writeBigUInt64BE(BigInt(len), 2); }
  if (!mask) return Buffer.concat([head, payload]);
  const p = Buffer.from(payload);
  for (let i = 0; i < p.length; i++) p[i] ^= mask[i & 3];
  return Buffer.concat([head, mask, p]);
}

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = crypto.createHash('sha1').update(KEY + GUID).digest('base64');
function upgradeRequest(p, extra = '') {
  return `GET ${p} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
         `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;
}
async function rawUpgrade(port, p, { secure = false, extra = '' } = {}) {
  const r = await Raw.connect(port, secure);
  r.write(upgradeRequest(p, extra));
  const h = await r.head();
  return { r, h };
}

// ---------- ws client helpers ----------
function wsOpen(url, opts = {}, protocols) {
  return withTimeout(new Promise((resolve, reject) => {
    const ws = protocols ? new WebSocket(url, protocols, { perMessageDeflate: false, ...opts })
                         : new WebSocket(url, { perMessageDeflate: false, ...opts });
    ws.queue = [];
    ws.waiters = [];
    ws.on('message', (data, isBinary) => { ws.queue.push({ data, isBinary }); const w = ws.waiters.shift(); if (w) w(); });
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
    ws.on('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => { const e = new Error('unexpected response ' + res.statusCode); e.status = res.statusCode;
                            e.body = Buffer.concat(chunks).toString(); e.headers = res.headers; reject(e); });
    });
  }), 10000, 'ws open ' + url);
}
function wsNext(ws, ms = 5000) {
  return withTimeout(new Promise((resolve) => {
    const take = () => resolve(ws.queue.shift());
    if (ws.queue.length) take(); else ws.waiters.push(take);
  }), ms, 'ws message');
}
function wsClosed(ws, ms = 5000) {
  return withTimeout(new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))), ms, 'ws close');
}
async function wsFails(url, opts = {}) {
  try {
    const ws = await wsOpen(url, opts);
    ws.terminate();
    return null;
  } catch (e) { return e; }
}


// ---------- validator.js on its own ----------
// runs the validator over bytes cut at the given offsets
function validate(bytes, cuts = []) {
  const v = createValidator();
  let at = 0;
  for (const c of cuts) { v.push(bytes.subarray(at, c)); at = c; }
  v.push(bytes.subarray(at));
  return v;
}
const kinds = (v) => v.violations.map((x) => x.kind);
// a correct client encoder: the `ws` library's own frame builder, masked
function wsFrame(opcode, payload, fin = true) {
  return Buffer.concat(Sender.frame(Buffer.from(payload), { fin, rsv1: false, opcode, mask: true, readOnly: false }));
}
const m = (i) => Buffer.from([i & 255, (i * 7 + 1) & 255, (i * 13 + 2) & 255, (i * 31 + 3) & 255]);

function testValidatorUnit() {
  // a valid stream: every frame kind, fragments with a UTF-8 character cut
  // between them, control frames inside a message, all three length forms
  const eacute = Buffer.from('h\u00e9\u20ac\u{1f600}!');   // 68 c3a9 e282ac f09f9880 21
  const frames = [
    cframe(1, 'hello', { mask: m(1) }),
    cframe(1, eacute.subarray(0, 2), { fin: 0, mask: m(2) }),
    cframe(9, 'ping', { mask: m(3) }),
    cframe(0, eacute.subarray(2, 6), { fin: 0, mask: m(4) }),
    cframe(10, '', { mask: m(5) }),
    cframe(0, eacute.subarray(6), { fin: 1, mask: m(6) }),
    cframe(2, content(300, 'binary'), { mask: m(7) }),
    cframe(2, Buffer.from([0xff, 0xfe]), { fin: 0, mask: m(8) }),
    cframe(0, Buffer.from([0xc3]), { fin: 1, mask: m(9) }),           // binary: no UTF-8 rule
    cframe(1, '', { mask: Buffer.alloc(4) }),                           // all-zero key, once
    cframe(1, content(126, 'text'), { mask: m(11) }),
    cframe(8, Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye \u00fc')]), { mask: m(12) }),
  ];
  const stream = Buffer.concat(frames);
  let v = validate(stream);
  eq('validator: valid stream, one push', [kinds(v), v.frames, v.offset], [[], frames.length, stream.length]);
  let bad = [];
  for (let i = 1; i < stream.length; i++) {
    v = validate(stream, [i]);
    if (v.violations.length || v.frames !== frames.length) bad.push([i, kinds(v), v.frames]);
  }
  eq('validator: valid stream cut at every byte boundary', bad.slice(0, 5), []);
  bad = [];
  for (let i = 1; i + 7 < stream.length; i += 3) {
    v = validate(stream, [i, i + 2, i + 7]);
    if (v.violations.length || v.frames !== frames.length) bad.push([i, kinds(v)]);
  }
  eq('validator: valid stream cut in four pieces', bad.slice(0, 5), []);
  v = validate(stream, Array.from({ length: stream.length - 1 }, (_, i) => i + 1));
  eq('validator: valid stream byte by byte', [kinds(v), v.frames], [[], frames.length]);

  // every violation kind; each also fed byte by byte (same result expected)
  const p126 = Buffer.alloc(126, 0x61);
  const cases = [
    ['unmasked', cframe(1, 'hi', { mask: null }), ['unmasked']],
    ['mask reused', Buffer.concat([cframe(1, 'a', { mask: m(1) }), cframe(1, 'b', { mask: m(1) })]), ['mask-reused']],
    ['zero mask reused', Buffer.concat([cframe(2, 'a', { mask: Buffer.alloc(4) }), cframe(9, '', { mask: Buffer.alloc(4) })]), ['mask-reused']],
    ['mask repeats, not consecutive', Buffer.concat([cframe(1, 'a', { mask: m(1) }), cframe(1, 'b', { mask: m(2) }),
                                                      cframe(1, 'c', { mask: m(1) })]), []],
    ['RSV1', cframe(1, 'hi', { rsv: 4 }), ['rsv']],
    ['RSV2', cframe(2, 'hi', { rsv: 2 }), ['rsv']],
    ['RSV3', cframe(9, '', { rsv: 1 }), ['rsv']],
    ['opcode 3', cframe(3, 'hi'), ['opcode']],
    ['opcode 7', cframe(7, ''), ['opcode']],
    ['opcode 11', cframe(11, ''), ['opcode']],
    ['opcode 15', cframe(15, 'x'), ['opcode']],
    ['16-bit form for 125', cframe(2, Buffer.alloc(125), { lenForm: 16 }), ['length-encoding']],
    ['16-bit form for 0', cframe(2, '', { lenForm: 16 }), ['length-encoding']],
    ['64-bit form for 65535', cframe(2, Buffer.alloc(65535), { lenForm: 64 }), ['length-encoding']],
    ['64-bit form for 1', cframe(1, 'x', { lenForm: 64 }), ['length-encoding']],
    ['16-bit form for 126 is right', cframe(2, Buffer.alloc(126)), []],
    ['64-bit form for 65536 is right', cframe(2, Buffer.alloc(65536)), []],
    ['64-bit length top bit', Buffer.from('81ff8000000000000002' + '01020304' + '6a6b', 'hex'), ['length-top-bit']],
    ['64-bit length over 2^53', Buffer.from('82ff0040000000000000' + '01020304', 'hex'), ['length-absurd']],
    ['ping of 126', cframe(9, p126), ['control-length']],
    ['close of 126', cframe(8, Buffer.concat([Buffer.from([3, 232]), p126.subarray(2)])), ['control-length']],
    ['pong of 125 is right', cframe(10, p126.subarray(1)), []],
    ['fragmented ping', cframe(9, 'p', { fin: 0 }), ['control-fragmented']],
    ['fragmented close', cframe(8, Buffer.from([3, 232]), { fin: 0 }), ['control-fragmented']],
    ['continuation first', cframe(0, 'x', { mask: m(1) }), ['continuation']],
    ['continuation after a whole message', Buffer.concat([cframe(1, 'a', { mask: m(1) }), cframe(0, 'b', { mask: m(2) })]), ['continuation']],
    ['text inside a message', Buffer.concat([cframe(1, 'a', { fin: 0, mask: m(1) }), cframe(1, 'b', { mask: m(2) })]), ['data-in-message']],
    ['binary inside a message', Buffer.concat([cframe(2, 'a', { fin: 0, mask: m(1) }), cframe(2, 'b', { mask: m(2) })]), ['data-in-message']],
    ['invalid UTF-8', cframe(1, Buffer.from('c328', 'hex')), ['utf8']],
    ['overlong 2-byte', cframe(1, Buffer.from('c0af', 'hex')), ['utf8']],
    ['overlong 3-byte', cframe(1, Buffer.from('e080af', 'hex')), ['utf8']],
    ['overlong 4-byte', cframe(1, Buffer.from('f08080af', 'hex')), ['utf8']],
    ['surrogate', cframe(1, Buffer.from('eda080', 'hex')), ['utf8']],
    ['above U+10FFFF', cframe(1, Buffer.from('f4908080', 'hex')), ['utf8']],
    ['byte 0xf5', cframe(1, Buffer.from('61f5', 'hex')), ['utf8']],
    ['lone continuation byte', cframe(1, Buffer.from('80', 'hex')), ['utf8']],
    ['text ends inside a character', cframe(1, Buffer.from('61e282', 'hex')), ['utf8']],
    ['bad UTF-8 across fragments', Buffer.concat([cframe(1, Buffer.from('c3', 'hex'), { fin: 0, mask: m(1) }),
                                                   cframe(0, Buffer.from('28', 'hex'), { mask: m(2) })]), ['utf8']],
    ['U+10FFFF, U+FFFF, U+E000 are valid', cframe(1, Buffer.from('f48fbfbf' + 'efbfbf' + 'ee8080', 'hex')), []],
    ['close payload of 1 byte', cframe(8, Buffer.from([3])), ['close-length']],
    ['close code 1005', cframe(8, Buffer.from([0x03, 0xed])), ['close-code']],
    ['close code 1006', cframe(8, Buffer.from([0x03, 0xee])), ['close-code']],
    ['close code 1004', cframe(8, Buffer.from([0x03, 0xec])), ['close-code']],
    ['close code 1015', cframe(8, Buffer.from([0x03, 0xf7])), ['close-code']],
    ['close code 999', cframe(8, Buffer.from([0x03, 0xe7])), ['close-code']],
    ['close code 2999', cframe(8, Buffer.from([0x0b, 0xb7])), ['close-code']],
    ['close code 5000', cframe(8, Buffer.from([0x13, 0x88])), ['close-code']],
    ['close code 1014 is right', cframe(8, Buffer.from([0x03, 0xf6])), []],
    ['close reason not UTF-8', cframe(8, Buffer.from('03e8c328', 'hex')), ['close-reason-utf8']],
    ['close reason cut inside a character', cframe(8, Buffer.from('03e8e282', 'hex')), ['close-reason-utf8']],
    ['frame after close', Buffer.concat([cframe(8, ''), cframe(1, 'late', { mask: m(7) })]), ['after-close']],
    ['one byte after close', Buffer.concat([cframe(8, Buffer.from([3, 232]), { mask: m(1) }), Buffer.from([0])]), ['after-close']],
    ['several at once', cframe(1, Buffer.from('c328', 'hex'), { mask: null, rsv: 4, lenForm: 16 }),
     ['length-encoding', 'unmasked', 'rsv', 'utf8']],
  ];
  for (const [name, bytes, want] of cases) {
    const whole = validate(bytes);
    const bytewise = validate(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
    eq(`validator: ${name}`, [kinds(whole), kinds(bytewise)], [want, want]);
  }
  // offsets: of the frame, of the bad UTF-8 byte, of the first byte after close
  {
    const a = cframe(1, 'ok', { mask: m(1) }), b = cframe(1, 'x', { mask: null }), c = cframe(1, Buffer.from('61ff', 'hex'), { mask: m(3) });
    const close = cframe(8, '', { mask: m(4) });
    v = validate(Buffer.concat([a, b, c, close, Buffer.from('zz')]));
    eq('validator: offsets', v.violations.map((x) => [x.kind, x.offset]),
       [['unmasked', a.length], ['utf8', a.length + b.length + 6 + 1], ['after-close', a.length + b.length + c.length + close.length]]);
  }
  // an unfinished frame or message at the end is not a violation
  v = validate(Buffer.concat([cframe(1, 'abc', { fin: 0, mask: m(1) }), cframe(0, 'abcdef', { mask: m(2) }).subarray(0, 8)]));
  eq('validator: cut off inside a frame and a message', [kinds(v), v.frames], [[], 2]);

  // frames from a correct encoder (ws's own), every length form
  const sizes = [0, 1, 125, 126, 127, 65535, 65536, 65537];
  const enc = [];
  for (const size of sizes) {
    enc.push(wsFrame(1, content(size, 'text')), wsFrame(2, crypto.randomBytes(size)));
    if (size > 0) enc.push(wsFrame(1, content(size, 'text'), false), wsFrame(0, Buffer.from('\u00e9'), true));
  }
  enc.push(wsFrame(9, 'x'), wsFrame(10, Buffer.alloc(125)), wsFrame(8, Buffer.concat([Buffer.from([0x0f, 0xa0]), Buffer.from('done')])));
  const all = Buffer.concat(enc);
  const rnd = crypto.randomBytes(64);
  const cuts = [];
  for (let at = 0, k = 0; ; k++) { at += 1 + (rnd[k % 64] * 997) % 20000; if (at >= all.length) break; cuts.push(at); }
  v = validate(all);
  const v2 = validate(all, cuts);
  eq('validator: ws-encoded frames of sizes 0..65537 pass', [kinds(v), v.frames, kinds(v2), v2.frames],
     [[], enc.length, [], enc.length]);

  // the helpers
  const codes = [[0, false], [999, false], [1000, true], [1001, true], [1002, true], [1003, true], [1004, false],
                 [1005, false], [1006, false], [1007, true], [1011, true], [1012, true], [1013, true], [1014, true],
                 [1015, false], [1016, false], [2999, false], [3000, true], [4999, true], [5000, false], [65535, false]];
  eq('validCloseCode', codes.filter(([c, ok]) => validCloseCode(c) !== ok), []);
  eq('utf8ErrorIndex', ['', '61', 'c3a9', 'c328', 'e282', 'eda080', 'f4908080'].map((h) => utf8ErrorIndex(Buffer.from(h, 'hex'))),
     [-1, -1, -1, 1, 2, 1, 1]);
}

// ---------- validation and splitting through a running peer ----------
async function peerReport(port, since = 0) {
  const r = await request(port, `/violations?since=${since}`);
  return JSON.parse(r.body.toString());
}

// waits until the peer's stderr matches re (checked on every stderr chunk)
function waitStderr(p, re, ms = 5000) {
  return withTimeout(new Promise((resolve) => {
    const test = () => { if (re.test(p.stderrText())) { p.stderr.removeListener('data', test); resolve(); } };
    p.stderr.on('data', test);
    test();
  }), ms, 'peer stderr ' + re);
}

// the main peer (no PEER_SPLIT_SEED) after every test: the tests' deliberate
// client mistakes are on its list; no splitting
async function testMainPeerReport() {
  const rep = await peerReport(ports.ws);
  check('/violations: the deliberate mistakes were seen', rep.count > 10 && rep.items.length === Math.min(rep.count, 50) &&
        rep.connections > 10 && rep.frames > rep.count, [rep.count, rep.items.length, rep.connections, rep.frames]);
  const kindsSeen = new Set(rep.items.map((x) => x.kind));
  check('/violations: items have seq, connection, path, offset, kind, description',
        rep.items.every((x, i) => x.seq === i && Number.isInteger(x.connection) && typeof x.path === 'string' &&
                        Number.isInteger(x.offset) && typeof x.kind === 'string' && typeof x.description === 'string') &&
        kindsSeen.has('unmasked') && kindsSeen.has('mask-reused'), rep.items.slice(0, 3));
  const later = await peerReport(ports.ws, 5);
  eq('/violations?since=5', [later.count, later.items], [rep.count, rep.items.filter((x) => x.seq >= 5)]);
  eq('/violations: no splitting without PEER_SPLIT_SEED', rep.split, null);
  const viaTls = await request(ports.wss, '/violations', { secure: true });
  eq('/violations on the TLS listener too', JSON.parse(viaTls.body.toString()).count >= rep.count, true);
}

// with PEER_SPLIT_SEED set: validation end to end, then the contract again
async function testSplitPeer(seed) {
  const p = await startPeer(['--certs', certs], { PEER_SPLIT_SEED: String(seed) });
  const port = JSON.parse(p.portsLine).ws;
  try {
    let rep = await peerReport(port);
    eq('split peer: fresh report', [rep.count, rep.items, rep.connections, rep.split && rep.split.seed], [0, [], 0, seed]);
    // a correct client (ws) produces no violation
    {
      const ws = await wsOpen(`ws://127.0.0.1:${port}/echo`);
      const sent = [];
      for (const size of [0, 1, 125, 126, 127, 65535, 65536, 65537]) {
        const t = content(size, 'text').toString(), b = crypto.randomBytes(size);
        ws.send(t); ws.send(b, { binary: true });
        sent.push([t, false], [b, true]);
      }
      ws.send('h\u00e9', { fin: false }); ws.send('\u20ac', { fin: false }); ws.send('', { fin: true });
      sent.push(['h\u00e9\u20ac', false]);
      ws.ping('x');
      let okCount = 0;
      for (const [data, bin] of sent) {
        const msg = await wsNext(ws, 10000);
        if (msg.isBinary === bin && Buffer.from(data).equals(msg.data)) okCount++;
      }
      eq('split peer: ws client echoes intact', okCount, sent.length);
      ws.close(4000, 'bye \u00fc');
      eq('split peer: ws client close answered', await wsClosed(ws), { code: 4000, reason: 'bye \u00fc' });
      rep = await peerReport(port);
      eq('split peer: a correct ws client makes no violation', [rep.count, rep.items], [0, []]);
      check('split peer: its frames were checked', rep.frames >= sent.length + 2 + 1 && rep.connections === 1, rep);
    }
    // an unmasked frame sent together with the upgrade request (the `head` bytes)
    {
      const r = await Raw.connect(port);
      r.write(Buffer.concat([Buffer.from(upgradeRequest('/echo?head')), cframe(1, 'hi', { mask: null })]));
      const h = await r.head();
      const f = await r.frame();
      eq('split peer: unmasked frame in the request -> ws fails with 1002', [h.status, f.opcode, f.payload.readUInt16BE(0)], [101, 8, 1002]);
      await r.waitEnd().catch(() => {});
      r.destroy();
      rep = await peerReport(port);
      eq('split peer: one violation, at byte 0 of the client stream', [rep.count, rep.items.map((x) => [x.path, x.kind, x.offset])],
         [1, [['/echo?head', 'unmasked', 0]]]);
      check('split peer: the violation says what broke', /MASK/.test(rep.items[0] && rep.items[0].description), rep.items);
      await waitStderr(p, /peer: VIOLATION .*\/echo\?head.*unmasked/).then(() => check('split peer: violation printed on stderr', true),
        (e) => check('split peer: violation printed on stderr', false, p.stderrText()));
    }
    // an unmasked frame on its own, after the handshake
    {
      const before = rep.count;
      const { r } = await rawUpgrade(port, '/echo');
      r.write(cframe(2, 'xyz', { mask: null }));
      await r.frame();
      r.destroy();
      rep = await peerReport(port, before);
      eq('split peer: unmasked frame to /echo', [rep.count - before, rep.items.map((x) => [x.path, x.kind])], [1, [['/echo', 'unmasked']]]);
    }
    // the hand-written paths are checked too
    {
      const before = rep.count;
      const { r } = await rawUpgrade(port, '/raw?send=');
      r.write(Buffer.concat([cframe(1, 'a', { mask: m(1), rsv: 2 }), cframe(8, Buffer.from([3, 232]), { mask: m(2) }), Buffer.from('x')]));
      await r.frame(); await r.frame(); await r.frame();   // two reports, the close
      await r.waitEnd().catch(() => {});
      r.destroy();
      const s = await Raw.connect(port);
      s.write(Buffer.concat([Buffer.from(upgradeRequest('/silent')), cframe(9, 'p', { fin: 0, mask: m(3) })]));
      await s.head();
      s.end();
      await s.waitEnd().catch(() => {});
      s.destroy();
      rep = await peerReport(port, before);
      eq('split peer: /raw and /silent validated', [rep.count - before, rep.items.map((x) => [x.path, x.kind])],
         [3, [['/raw?send=', 'rsv'], ['/raw?send=', 'after-close'], ['/silent', 'control-fragmented']]]);
    }
    // server output really is cut: more pieces than writes
    {
      const ws = await wsOpen(`ws://127.0.0.1:${port}/echo`);
      let reads = 0;
      ws._socket.on('data', () => reads++);
      const before = (await peerReport(port)).split;
      const sizes = [0, 1, 125, 126, 65535, 65536, 65537, 1048576];
      const got = [];
      for (const type of ['binary', 'text']) {
        for (const size of sizes) {
          ws.send(`cmd:big:${size}:${type}`);
          const msg = await wsNext(ws, 20000);
          got.push(msg.isBinary === (type === 'binary') && msg.data.equals(content(size, type)) ? 'ok' : `${type} ${size}: ${msg.data.length}`);
        }
      }
      ws.send('cmd:frag:7:70000:binary');
      const fm = await wsNext(ws, 20000);
      got.push(fm.isBinary && fm.data.equals(content(70000, 'binary')) ? 'ok' : 'frag');
      eq('split peer: messages of sizes 0..1 MiB arrive intact', got, got.map(() => 'ok'));
      const after = (await peerReport(port)).split;
      check('split peer: writes were cut into more pieces', after.pieces - before.pieces > after.writes - before.writes &&
            after.writes - before.writes >= 2 * 2 * sizes.length, [before, after]);
      if (process.env.SELFTEST_VERBOSE) console.log(`split peer: ${reads} client reads`);
      ws.close();
      await wsClosed(ws);
    }
    // the whole contract holds with splitting on
    await testEcho(`ws://127.0.0.1:${port}`, 'split ws');
    await testEcho(`wss://localhost:${JSON.parse(p.portsLine).wss}`, 'split wss', { ca });
    await testEchoFrames(port, false, 'split ws');
    await testRawPaths(port, false, 'split ws');
    check('split peer: no uncaught exception', !/uncaught/.test(p.stderrText()), p.stderrText().slice(0, 2000));
  } finally {
    p.stdin.end();
    const st = await waitExit(p, 5000).catch(() => null);
    if (!st) p.kill('SIGKILL');
  }
}

// ---------- the tests ----------
// mute: accepts, takes what comes, never answers, keeps the connection
function testMute() {
  return new Promise((resolve) => {
    const sock = net.connect(ports.mute, '127.0.0.1');
    let got = 0, closed = false;
    sock.on('data', (d) => { got += d.length; });
    sock.on('close', () => { closed = true; });
    sock.on('error', () => {});
    sock.on('connect', () => {
      sock.write(Buffer.alloc(100000, 0x16));
      setTimeout(() => {
        check('mute: nothing comes back', got === 0, got);
        check('mute: the connection stays open', !closed);
        sock.destroy();
        resolve();
      }, 300);
    });
  });
}

async function testStartup() {
  const obj = JSON.parse(peer.portsLine);
  eq('ports line has the twenty-two listeners', Object.keys(obj).sort(),
     ['mute', 'proxy', 'proxy_auth', 'proxy_digest', 'ws', 'wss', 'wss_chain', 'wss_clientauth', 'wss_clientreq',
      'wss_expired', 'wss_nameconst', 'wss_notca', 'wss_ocsp_good', 'wss_ocsp_revoked', 'wss_pathlen', 'wss_rsa1024',
      'wss_selfsigned', 'wss_sha1', 'wss_tls10', 'wss_tls12', 'wss_tls13', 'wss_wronghost']);
  check('ports are distinct numbers', new Set(Object.values(obj)).size === 22 &&
        Object.values(obj).every((p) => Number.isInteger(p) && p > 0 && p < 65536), obj);
  check('exactly one line on stdout', peer.stdoutText().split('\n').filter(Boolean).length === 1, peer.stdoutText());
  ports = obj;
}

async function testPlainHttp(port, secure, tag) {
  let r = await request(port, '/status/200', { secure });
  eq(`${tag} /status/200 status`, r.status, 200);
  eq(`${tag} /status/200 body`, r.body.toString(), 'status 200');
  eq(`${tag} /status/200 X-Peer`, r.headers['x-peer'], 'yes');
  eq(`${tag} /status/200 Content-Length`, r.headers['content-length'], '10');

  if (secure) return;
  r = await request(port, '/status/404', { method: 'POST', body: 'x' });
  eq('/status/404 POST', [r.status, r.body.toString(), r.headers['x-peer']], [404, 'status 404', 'yes']);
  r = await request(port, '/status/503', { method: 'PUT' });
  eq('/status/503 PUT', [r.status, r.body.toString()], [503, 'status 503']);
  r = await request(port, '/status/101');
  eq('/status/101 without upgrade -> 400', r.status, 400);
  r = await request(port, '/status/204');
  eq('/status/204 no body', [r.status, r.body.length, r.headers['x-peer']], [204, 0, 'yes']);
  r = await request(port, '/status/302');
  eq('/status/302', [r.status, r.body.toString()], [302, 'status 302']);

  // chunked: three chunks plus an empty last chunk, on the wire
  {
    const c = await Raw.connect(port);
    c.write('GET /chunked HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const h = await c.head();
    eq('/chunked status', h.status, 200);
    eq('/chunked Transfer-Encoding', h.headers['transfer-encoding'], 'chunked');
    const body = (await c.rest()).toString('latin1');
    eq('/chunked wire body (3 chunks + last)', body, '8\r\nchunk-1|\r\n9\r\nchunk-22|\r\n9\r\nchunk-333\r\n0\r\n\r\n');
  }
  r = await request(port, '/chunked');
  eq('/chunked decoded body', r.body.toString(), 'chunk-1|chunk-22|chunk-333');

  for (const n of [0, 1, 251, 100000, 1048576]) {
    r = await request(port, `/big?n=${n}`);
    check(`/big?n=${n}`, r.status === 200 && r.headers['content-length'] === String(n) &&
          r.body.length === n && r.body.equals(content(n, 'binary')), [r.status, r.headers['content-length'], r.body.length]);
  }

  // /encoded: each coding decodes (node's zlib) to the plain body its headers describe
  {
    const zlib = require('zlib');
    const decode = { gzip: zlib.gunzipSync, 'x-gzip': zlib.gunzipSync, deflate: zlib.inflateSync,
                     'deflate-raw': zlib.inflateRawSync, identity: (b) => b };
    for (const coding of Object.keys(decode)) {
      for (const mode of ['length', 'chunked', 'close']) {
        r = await request(port, `/encoded/${coding}?n=70001&mode=${mode}`);
        const plain = decode[coding](r.body);
        check(`/encoded/${coding} ${mode}`, r.status === 200 && plain.equals(content(70001, 'binary')) &&
              r.headers['x-plain-length'] === '70001' &&
              r.headers['x-encoded-sha1'] === crypto.createHash('sha1').update(r.body).digest('hex') &&
              (coding === 'identity' ? !r.headers['content-encoding']
                : r.headers['content-encoding'] === (coding === 'deflate-raw' ? 'deflate' : coding)),
              [r.status, plain.length, r.headers['content-encoding']]);
      }
    }
    r = await request(port, '/encoded/gzip?n=5000&corrupt=1');
    let threw = false;
    try { zlib.gunzipSync(r.body); } catch (e) { threw = true; }
    check('/encoded corrupt does not decode', threw, r.body.length);
    r = await request(port, '/encoded/gzip?n=65537&data=rand&truncate=1');
    threw = false;
    try { zlib.gunzipSync(r.body); } catch (e) { threw = true; }
    check('/encoded truncated does not decode', threw && r.headers['content-length'] === String(r.body.length),
          r.body.length);
  }
  // /raw-head: the bytes exactly as listed
  {
    const { RAW_HEADS } = require('./encoding');
    for (const name of ['obs-fold', 'bare-lf', 'nul-in-header']) {
      const c = await Raw.connect(port);
      c.write(`GET /raw-head/${name} HTTP/1.1\r\nHost: x\r\n\r\n`);
      const all = await c.rest();
      check(`/raw-head/${name} byte for byte`, all.equals(Buffer.from(RAW_HEADS[name], 'latin1')), all.length);
    }
  }

  // echo-request: duplicates joined, lowercased names, latin1 body
  {
    const c = await Raw.connect(port);
    const body = Buffer.from([0x68, 0x69, 0x00, 0xe9, 0xff]);
    c.write(Buffer.concat([Buffer.from('POST /echo-request?q=1 HTTP/1.1\r\nHost: localhost\r\nX-Dup: a\r\nx-dup: b\r\n' +
      'X-Mixed-Case: V\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\n'), body]));
    const h = await c.head();
    const rest = await c.rest();
    eq('/echo-request status', h.status, 200);
    eq('/echo-request Content-Type', h.headers['content-type'], 'application/json');
    eq('/echo-request Content-Length', h.headers['content-length'], String(rest.length));
    let j = {};
    try { j = JSON.parse(rest.toString()); } catch (e) { check('/echo-request JSON', false, rest.toString()); }
    eq('/echo-request method', j.method, 'POST');
    eq('/echo-request url', j.url, '/echo-request?q=1');
    eq('/echo-request duplicate headers', j.headers && j.headers['x-dup'], 'a, b');
    eq('/echo-request lowercased name', j.headers && j.headers['x-mixed-case'], 'V');
    eq('/echo-request host', j.headers && j.headers.host, 'localhost');
    eq('/echo-request body latin1', j.body, body.toString('latin1'));
  }
  r = await request(port, '/echo-request', { method: 'GET' });
  eq('/echo-request GET empty body', JSON.parse(r.body.toString()).body, '');

  {
    const c = await Raw.connect(port);
    c.write('GET /close-early HTTP/1.1\r\nHost: x\r\n\r\n');
    const all = (await c.rest()).toString('latin1');
    eq('/close-early bytes then close', all, 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
  }

  r = await request(port, '/multi-header');
  eq('/multi-header status+body', [r.status, r.body.toString()], [200, 'ok']);
  eq('/multi-header Set-Cookie', r.headers['set-cookie'], ['a=1', 'b=2']);
  eq('/multi-header X-Num', r.headers['x-num'], '42');

  r = await request(port, '/reject');
  eq('/reject (plain)', [r.status, r.body.toString(), r.headers['content-length']], [403, 'no websocket here', '17']);

  // keep-alive: two requests on one connection
  {
    const c = await Raw.connect(port);
    c.write('GET /status/200 HTTP/1.1\r\nHost: x\r\n\r\nGET /status/201 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const all = (await c.rest()).toString('latin1');
    check('keep-alive: two answers on one connection', /status 200/.test(all) && /HTTP\/1\.1 201[^]*status 201$/.test(all), all);
  }

  // upgrade requests to non-WebSocket paths get the plain answer
  {
    const { r: c, h } = await rawUpgrade(port, '/status/200');
    eq('websocket upgrade to /status/200 -> plain 200', [h.status, h.headers['x-peer']], [200, 'yes']);
    const b = await c.wait(() => (c.buf.length >= 10 ? c.take(10).toString() : undefined));
    eq('websocket upgrade to /status/200 body', b, 'status 200');
    c.destroy();
  }
  {
    const { r: c, h } = await rawUpgrade(port, '/status/101');
    eq('websocket upgrade to /status/101 -> 400', h.status, 400);
    c.destroy();
  }
  {
    const { r: c, h } = await rawUpgrade(port, '/chunked');
    eq('websocket upgrade to /chunked -> chunked answer', [h.status, h.headers['transfer-encoding']], [200, 'chunked']);
    const body = (await c.rest()).toString('latin1');
    eq('websocket upgrade to /chunked body', body, '8\r\nchunk-1|\r\n9\r\nchunk-22|\r\n9\r\nchunk-333\r\n0\r\n\r\n');
  }
  {
    const { r: c, h } = await rawUpgrade(port, '/multi-header');
    eq('websocket upgrade to /multi-header', [h.status, h.headers['set-cookie'], h.headers['x-num']], [200, 'a=1, b=2', '42']);
    c.destroy();
  }
  {
    const c = await Raw.connect(port);
    c.write('GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n');
    const h = await c.head();
    check('non-websocket upgrade to /echo: no 101', h.status !== 101 && h.status >= 200, h.statusLine);
    c.destroy();
  }
  {
    // upgrade + body to /echo-request
    const c = await Raw.connect(port);
    c.write('POST /echo-request HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nabc`);
    const h = await c.head();
    const rest = await c.rest();
    let j = {};
    try { j = JSON.parse(rest.toString()); } catch (e) { /* checked below */ }
    eq('websocket upgrade to /echo-request -> plain answer with body', [h.status, j.method, j.body], [200, 'POST', 'abc']);
  }
  {
    const { r: c, h } = await rawUpgrade(port, '/reject');
    const body = await c.wait(() => (c.buf.length >= 17 ? c.take(17).toString() : undefined));
    eq('/reject upgrade -> 403 + body', [h.status, h.headers['content-length'], body], [403, '17', 'no websocket here']);
    c.destroy();
  }
  {
    const e = await wsFails(`ws://127.0.0.1:${port}/reject`);
    eq('/reject via ws client', e && [e.status, e.body], [403, 'no websocket here']);
  }
  {
    const t0 = Date.now();
    r = await request(port, '/slow?ms=300');
    check('/slow?ms=300 plain waits', Date.now() - t0 >= 280 && r.status === 200, Date.now() - t0);
  }
}

async function testEcho(base, tag, opts = {}) {
  // protocols
  {
    const ws = await wsOpen(`${base}/echo`, opts, ['chat.v2', 'chat.v1']);
    eq(`${tag} first offered protocol selected`, ws.protocol, 'chat.v2');
    ws.terminate();
    const ws2 = await wsOpen(`${base}/echo?anything=1`, opts);
    eq(`${tag} no protocol offered -> none`, ws2.protocol, '');
    ws2.send('hello?');
    const m = await wsNext(ws2);
    eq(`${tag} /echo?anything echoes`, [m.data.toString(), m.isBinary], ['hello?', false]);
    ws2.terminate();
  }
  const ws = await wsOpen(`${base}/echo`, { ...opts, headers: { 'X-Test': 'yes' } });
  const roundtrip = async (data, binary) => { ws.send(data, { binary }); return wsNext(ws); };

  let m = await roundtrip('hello', false);
  eq(`${tag} text echo`, [m.data.toString(), m.isBinary], ['hello', false]);
  m = await roundtrip(Buffer.from([0, 1, 2, 255]), true);
  eq(`${tag} binary echo`, [m.data.toString('hex'), m.isBinary], ['000102ff', true]);
  m = await roundtrip(Buffer.from('cmd:count'), true);
  eq(`${tag} binary "cmd:" is data, echoed`, [m.data.toString(), m.isBinary], ['cmd:count', true]);
  m = await roundtrip('', false);
  eq(`${tag} empty text echo`, [m.data.length, m.isBinary], [0, false]);
  m = await roundtrip('h\u00e9\u20ac\u{1f600}', false);
  eq(`${tag} UTF-8 echo`, m.data.toString(), 'h\u00e9\u20ac\u{1f600}');
  const big = crypto.randomBytes(3 * 1024 * 1024);
  m = await roundtrip(big, true);
  check(`${tag} 3 MiB binary echo`, m.isBinary && m.data.equals(big), m.data.length);
  // fragmented client message is reassembled and echoed as one
  ws.send('abc', { fin: false }); ws.send('def', { fin: false }); ws.send('ghi', { fin: true });
  m = await wsNext(ws);
  eq(`${tag} fragmented client message echoed whole`, [m.data.toString(), m.isBinary], ['abcdefghi', false]);

  ws.send('cmd:count');
  m = await wsNext(ws);
  eq(`${tag} cmd:count`, m.data.toString(), '7');
  ws.send('cmd:count');
  m = await wsNext(ws);
  eq(`${tag} cmd:count excludes commands`, m.data.toString(), '7');

  const data = crypto.randomBytes(1000);
  await roundtrip(data, true);
  ws.send('cmd:lastinfo');
  m = await wsNext(ws);
  eq(`${tag} cmd:lastinfo binary`, JSON.parse(m.data.toString()), { type: 'binary', length: 1000, sha1: sha1(data) });
  await roundtrip('xyz', false);
  ws.send('cmd:lastinfo');
  m = await wsNext(ws);
  eq(`${tag} cmd:lastinfo text`, JSON.parse(m.data.toString()), { type: 'text', length: 3, sha1: sha1(Buffer.from('xyz')) });

  ws.send('cmd:headers');
  m = await wsNext(ws);
  {
    let j = {};
    try { j = JSON.parse(m.data.toString()); } catch (e) { /* below */ }
    check(`${tag} cmd:headers`, !m.isBinary && j['x-test'] === 'yes' && j['sec-websocket-version'] === '13' &&
          typeof j['sec-websocket-key'] === 'string' && /websocket/i.test(j.upgrade), j);
  }

  for (const type of ['text', 'binary']) {
    ws.send(`cmd:empty:${type}`);
    m = await wsNext(ws);
    eq(`${tag} cmd:empty:${type}`, [m.data.length, m.isBinary], [0, type === 'binary']);
    for (const size of [1048576, 70000, 300]) {
      ws.send(`cmd:big:${size}:${type}`);
      m = await wsNext(ws);
      check(`${tag} cmd:big:${size}:${type}`, m.isBinary === (type === 'binary') && m.data.equals(content(size, type)), m.data.length);
    }
  }
  ws.send('cmd:frag:5:1000:binary');
  m = await wsNext(ws);
  check(`${tag} cmd:frag:5:1000:binary reassembled`, m.isBinary && m.data.equals(content(1000, 'binary')), m.data.length);
  ws.send('cmd:frag:3:90:text');
  m = await wsNext(ws);
  check(`${tag} cmd:frag:3:90:text reassembled`, !m.isBinary && m.data.equals(content(90, 'text')), m.data.length);

  // ping
  for (const payload of ['hello', '']) {
    const gotPing = new Promise((r) => ws.once('ping', (d) => r(d.toString())));
    ws.send(`cmd:ping:${payload}`);
    eq(`${tag} cmd:ping:${payload} sends ping`, await withTimeout(gotPing, 5000, 'ping'), payload);
    m = await wsNext(ws);
    eq(`${tag} cmd:ping:${payload} -> pong message`, [m.data.toString(), m.isBinary], [`pong:${payload}`, false]);
  }

  // server-initiated closes
  ws.send('cmd:close:4001:bye');
  let c = await wsClosed(ws);
  eq(`${tag} cmd:close:4001:bye`, c, { code: 4001, reason: 'bye' });
  for (const [cmd, want] of [['cmd:close:1000:', { code: 1000, reason: '' }],
                             ['cmd:close:1001:a:b', { code: 1001, reason: 'a:b' }],
                             ['cmd:close-empty', { code: 1005, reason: '' }]]) {
    const w = await wsOpen(`${base}/echo`, opts);
    w.send(cmd);
    c = await wsClosed(w);
    eq(`${tag} ${cmd}`, c, want);
  }
  // client-initiated closes: the same code and reason come back
  for (const [code, reason] of [[4000, 'client bye'], [1000, ''], [undefined, '']]) {
    const w = await wsOpen(`${base}/echo`, opts);
    w.close(code, reason);
    c = await wsClosed(w);
    eq(`${tag} client close ${code} '${reason}' answered`, c, { code: code || 1005, reason });
  }
}

// /echo at the frame level (fragmentation layout, close frames, TCP close)
async function testEchoFrames(port, secure, tag) {
  const { r, h } = await rawUpgrade(port, '/echo', { secure, extra: 'Sec-WebSocket-Protocol: p1, p2\r\n' });
  eq(`${tag} raw /echo 101`, [h.status, h.headers['sec-websocket-accept'], h.headers['sec-websocket-protocol']], [101, ACCEPT, 'p1']);
  r.write(cframe(1, 'cmd:frag:3:90:text'));
  const fr = [await r.frame(), await r.frame(), await r.frame()];
  eq(`${tag} cmd:frag:3:90:text frames`, fr.map((f) => [f.fin, f.opcode, f.len, f.masked]),
     [[0, 1, 30, false], [0, 0, 30, false], [1, 0, 30, false]]);
  r.write(cframe(1, 'cmd:frag:5:1000:binary'));
  const fb = [];
  for (let i = 0; i < 5; i++) fb.push(await r.frame());
  eq(`${tag} cmd:frag:5:1000:binary frames`, fb.map((f) => [f.fin, f.opcode, f.len]),
     [[0, 2, 200], [0, 0, 200], [0, 0, 200], [0, 0, 200], [1, 0, 200]]);
  check(`${tag} frag binary content`, Buffer.concat(fb.map((f) => f.payload)).equals(content(1000, 'binary')));
  r.write(cframe(1, 'cmd:big:70000:binary'));
  const bf = await r.frame();
  eq(`${tag} cmd:big one frame, 64-bit length`, [bf.fin, bf.opcode, bf.len, bf.bytes[1]], [1, 2, 70000, 127]);
  r.write(cframe(1, 'cmd:empty:text'));
  const ef = await r.frame();
  eq(`${tag} cmd:empty:text frame`, [ef.fin, ef.opcode, ef.len], [1, 1, 0]);
  // a fragmented client message with an interleaved ping
  r.write(Buffer.concat([cframe(2, 'ab', { fin: 0 }), cframe(9, 'pp'), cframe(0, 'cd')]));
  const pong = await r.frame();
  eq(`${tag} client ping answered with pong`, [pong.opcode, pong.payload.toString()], [10, 'pp']);
  const fe = await r.frame();
  eq(`${tag} fragmented binary echoed`, [fe.fin, fe.opcode, fe.payload.toString()], [1, 2, 'abcd']);
  r.write(cframe(1, 'cmd:ping:xyz'));
  const pf = await r.frame();
  eq(`${tag} cmd:ping frame`, [pf.opcode, pf.payload.toString()], [9, 'xyz']);
  r.write(cframe(10, 'xyz'));
  const pm = await r.frame();
  eq(`${tag} pong message after pong`, [pm.opcode, pm.payload.toString()], [1, 'pong:xyz']);
  // close with code and reason: answered with the same payload, then TCP closes
  r.write(cframe(8, Buffer.concat([Buffer.from([0x0f, 0xa2]), Buffer.from('see ya')])));
  const cf = await r.frame();
  eq(`${tag} close echoed`, [cf.opcode, cf.payload.toString('hex')], [8, '0fa2' + Buffer.from('see ya').toString('hex')]);
  await r.waitEnd().then(() => check(`${tag} server closes TCP after close`, true),
                         (e) => check(`${tag} server closes TCP after close`, false, e.message));
  r.destroy();

  // empty close answered with an empty close
  {
    const { r: c } = await rawUpgrade(port, '/echo', { secure });
    c.write(cframe(8, ''));
    const f = await c.frame();
    eq(`${tag} empty close answered with empty close`, [f.opcode, f.len], [8, 0]);
    await c.waitEnd().then(() => check(`${tag} TCP closed after empty close`, true),
                           (e) => check(`${tag} TCP closed after empty close`, false, e.message));
    c.destroy();
  }
  // server close frames on the wire
  for (const [cmd, hex] of [['cmd:close:4001:bye', '0fa1' + Buffer.from('bye').toString('hex')],
                            ['cmd:close:1000:', '03e8'], ['cmd:close-empty', '']]) {
    const { r: c } = await rawUpgrade(port, '/echo', { secure });
    c.write(cframe(1, cmd));
    const f = await c.frame();
    eq(`${tag} ${cmd} frame`, [f.fin, f.opcode, f.payload.toString('hex')], [1, 8, hex]);
    c.write(cframe(8, f.payload));
    await c.waitEnd().then(() => check(`${tag} ${cmd}: TCP closed after the client's answer`, true),
                           (e) => check(`${tag} ${cmd}: TCP closed after the client's answer`, false, e.message));
    c.destroy();
  }
  if (secure) return;
  // codes the ws library would refuse still go out as asked
  {
    const { r: c } = await rawUpgrade(port, '/echo');
    c.write(cframe(1, 'cmd:close:1005:x'));
    const f = await c.frame();
    eq('cmd:close:1005:x frame (built by hand)', [f.opcode, f.payload.toString('hex')], [8, '03ed78']);
    c.write(cframe(8, '')); // peer must not crash whatever we answer
    await c.waitEnd().catch(() => {});
    c.destroy();
  }
  {
    const { r: c } = await rawUpgrade(port, '/echo');
    c.write(cframe(1, 'cmd:ping:' + 'p'.repeat(130)));
    const f = await c.frame();
    eq('oversized cmd:ping still sent', [f.opcode, f.len], [9, 130]);
    c.destroy();
  }
  // a misbehaving client (unmasked frame) must not crash the peer
  {
    const { r: c } = await rawUpgrade(port, '/echo');
    c.write(cframe(1, 'hi', { mask: null }));
    await c.waitEnd().catch(() => {});
    c.destroy();
    const c2 = await Raw.connect(port);
    c2.write('GARBAGE\r\n\r\n');
    await c2.waitEnd().catch(() => {});
    c2.destroy();
    const c3 = await Raw.connect(port);
    c3.write(upgradeRequest('/echo').slice(0, 40));
    c3.destroy();
    const r2 = await request(port, '/status/200');
    eq('peer survives misbehaving clients', r2.status, 200);
  }
}

async function testRawPaths(port, secure, tag) {
  // /raw?send=HEX&end=1
  {
    const { r, h } = await rawUpgrade(port, '/raw?send=810268698802' + '03e8&end=1', { secure });
    eq(`${tag} /raw handshake`, [h.status, h.headers.upgrade, (h.headers.connection || '').toLowerCase(), h.headers['sec-websocket-accept']],
       [101, 'websocket', 'upgrade', ACCEPT]);
    const rest = await r.rest();
    eq(`${tag} /raw send+end bytes then close`, rest.toString('hex'), '8102686988' + '0203e8');
    r.destroy();
  }
  {
    const { r, h } = await rawUpgrade(port, '/raw?send=&end=1', { secure });
    const rest = await r.rest();
    eq(`${tag} /raw empty send + end`, [h.status, rest.length], [101, 0]);
    r.destroy();
  }
  // /raw reporting client frames
  {
    const { r, h } = await rawUpgrade(port, '/raw?send=890170', { secure });
    eq(`${tag} /raw (no end) 101`, h.status, 101);
    const first = await r.frame();
    eq(`${tag} /raw sent bytes first`, first.bytes.toString('hex'), '890170');
    const report = async (bytes, what, splitWrite) => {
      if (splitWrite) for (const b of bytes) { r.write(Buffer.from([b])); }
      else r.write(bytes);
      const f = await r.frame();
      if (!check(`${tag} /raw report is unmasked text (${what})`, f.opcode === 1 && f.fin === 1 && !f.masked, f)) return {};
      return JSON.parse(f.payload.toString());
    };
    let j = await report(cframe(1, 'hi', { mask: Buffer.from('01020304', 'hex') }), 'masked text');
    eq(`${tag} /raw report masked text`, j,
       { fin: 1, rsv: 0, opcode: 1, masked: 1, mask: '01020304', length: 2, payload: '6869' });
    j = await report(cframe(2, 'xy', { mask: null, fin: 0, rsv: 5 }), 'unmasked rsv');
    eq(`${tag} /raw report unmasked, rsv, fin 0`, j,
       { fin: 0, rsv: 5, opcode: 2, masked: 0, mask: '00000000', length: 2, payload: '7879' });
    const p200 = content(200, 'binary');
    j = await report(cframe(2, p200, { mask: Buffer.from('a1b2c3d4', 'hex') }), '16-bit length');
    eq(`${tag} /raw report 16-bit length`, [j.length, j.mask, j.payload], [200, 'a1b2c3d4', p200.toString('hex')]);
    const p70k = content(70000, 'text');
    j = await report(cframe(1, p70k), '64-bit length');
    eq(`${tag} /raw report 64-bit length, payload cut at 256`, [j.length, j.payload], [70000, p70k.subarray(0, 256).toString('hex')]);
    j = await report(cframe(1, 'x', { lenForm: 64 }), 'non-minimal length');
    eq(`${tag} /raw report non-minimal 64-bit length`, [j.length, j.payload], [1, '78']);
    j = await report(cframe(9, 'pq'), 'ping, byte by byte');
    eq(`${tag} /raw report ping written byte by byte`, [j.opcode, j.payload], [9, '7071']);
    // two frames in one write
    r.write(Buffer.concat([cframe(1, 'a'), cframe(1, 'b')]));
    const f1 = JSON.parse((await r.frame()).payload.toString()), f2 = JSON.parse((await r.frame()).payload.toString());
    eq(`${tag} /raw two frames in one write`, [f1.payload, f2.payload], ['61', '62']);
    j = await report(cframe(8, Buffer.from('03e8' + '6f6b', 'hex')), 'close');
    eq(`${tag} /raw report close`, [j.opcode, j.length, j.payload], [8, 4, '03e86f6b']);
    const cf = await r.frame();
    eq(`${tag} /raw close answered with same payload`, cf.bytes.toString('hex'), '880403e86f6b');
    await r.waitEnd().then(() => check(`${tag} /raw TCP closed after close`, true),
                           (e) => check(`${tag} /raw TCP closed after close`, false, e.message));
    r.destroy();
  }
  // empty close on /raw
  {
    const { r } = await rawUpgrade(port, '/raw?send=', { secure });
    r.write(cframe(8, ''));
    const j = JSON.parse((await r.frame()).payload.toString());
    const cf = await r.frame();
    eq(`${tag} /raw empty close`, [j.opcode, j.length, cf.bytes.toString('hex')], [8, 0, '8800']);
    r.destroy();
  }
  // /raw frames that arrive with the upgrade request itself
  {
    const r = await Raw.connect(port, secure);
    r.write(Buffer.concat([Buffer.from(upgradeRequest('/raw?send=')), cframe(1, 'early')]));
    const h = await r.head();
    const j = JSON.parse((await r.frame()).payload.toString());
    eq(`${tag} /raw frame sent together with the request`, [h.status, j.payload], [101, Buffer.from('early').toString('hex')]);
    r.destroy();
  }

  // /silent
  {
    const { r, h } = await rawUpgrade(port, '/silent', { secure });
    eq(`${tag} /silent handshake`, [h.status, h.headers['sec-websocket-accept'], h.headers.upgrade], [101, ACCEPT, 'websocket']);
    r.write(cframe(1, 'anyone?'));
    r.write(cframe(9, 'p'));
    r.write(cframe(8, Buffer.from('03e8', 'hex')));
    await sleep(400);
    eq(`${tag} /silent sends nothing (not even a close)`, [r.buf.length, r.ended], [0, false]);
    r.end();
    await r.waitEnd().then(() => check(`${tag} /silent closes when the client does`, true),
                           (e) => check(`${tag} /silent closes when the client does`, false, e.message));
    r.destroy();
  }
  // bad handshakes
  {
    const { r, h } = await rawUpgrade(port, '/bad-accept', { secure });
    check(`${tag} /bad-accept: 101 with a wrong accept`, h.status === 101 && h.headers.upgrade === 'websocket' &&
          !!h.headers['sec-websocket-accept'] && h.headers['sec-websocket-accept'] !== ACCEPT, h);
    await sleep(150);
    eq(`${tag} /bad-accept then nothing`, r.buf.length, 0);
    r.destroy();
  }
  {
    const { r, h } = await rawUpgrade(port, '/no-accept', { secure });
    check(`${tag} /no-accept: 101 without accept`, h.status === 101 && h.headers.upgrade === 'websocket' &&
          !('sec-websocket-accept' in h.headers), h);
    r.destroy();
  }
  {
    const { r, h } = await rawUpgrade(port, '/no-upgrade', { secure });
    check(`${tag} /no-upgrade: 101, right accept, no Upgrade`, h.status === 101 && !('upgrade' in h.headers) &&
          h.headers['sec-websocket-accept'] === ACCEPT, h);
    r.destroy();
  }
  const base = `${secure ? 'wss' : 'ws'}://localhost:${port}`;
  const opts = secure ? { ca } : {};
  for (const p of ['/bad-accept', '/no-accept', '/no-upgrade']) {
    const e = await wsFails(base + p, opts);
    check(`${tag} ws client refuses ${p}`, e !== null, 'connected');
  }
  // /slow
  {
    const t0 = Date.now();
    const ws = await wsOpen(`${base}/slow?ms=500`, opts);
    const dt = Date.now() - t0;
    check(`${tag} /slow?ms=500 waits before answering`, dt >= 450, dt);
    ws.send('after wait');
    const m = await wsNext(ws);
    ws.send('cmd:count');
    const n = await wsNext(ws);
    eq(`${tag} /slow then behaves like /echo`, [m.data.toString(), n.data.toString()], ['after wait', '1']);
    ws.terminate();
  }
  {
    // nothing at all is sent during the wait
    const { r } = await (async () => {
      const c = await Raw.connect(port, secure);
      c.write(upgradeRequest('/slow?ms=400'));
      return { r: c };
    })();
    await sleep(250);
    eq(`${tag} /slow: no bytes during the wait`, r.buf.length, 0);
    const h = await r.head();
    eq(`${tag} /slow: then 101`, [h.status, h.headers['sec-websocket-accept']], [101, ACCEPT]);
    r.destroy();
  }
}

async function testTls() {
  // the good listener
  const r = await request(ports.wss, '/status/200', { secure: true, servername: 'localhost' });
  eq('wss: https with the CA (localhost)', r.status, 200);
  const r2 = await request(ports.wss, '/status/200', { secure: true, agentOpts: { servername: undefined } });
  eq('wss: https with the CA (127.0.0.1)', r2.status, 200);
  {
    const ws = await wsOpen(`wss://127.0.0.1:${ports.wss}/echo`, { ca });
    ws.send('over tls');
    const m = await wsNext(ws);
    eq('wss: echo via IP name', m.data.toString(), 'over tls');
    ws.terminate();
  }
  const e0 = await wsFails(`wss://localhost:${ports.wss}/echo`);
  check('wss: refused without the CA', e0 && /self[- ]signed|unable to (get|verify)/i.test(e0.message + e0.code), e0 && e0.message);

  const expect = [
    ['wss_expired', /CERT_HAS_EXPIRED|expired/i],
    ['wss_wronghost', /ALTNAME|Hostname\/IP does not match|altnames/i],
    ['wss_selfsigned', /SELF_SIGNED|self[- ]signed/i],
  ];
  for (const [name, re] of expect) {
    const e = await wsFails(`wss://localhost:${ports[name]}/echo`, { ca });
    check(`${name}: verification fails (with the CA)`, e && re.test(`${e.code} ${e.message}`), e ? `${e.code} ${e.message}` : 'connected');
    let err = null;
    try { await request(ports[name], '/status/200', { secure: true, servername: 'localhost' }); } catch (x) { err = x; }
    check(`${name}: https verification fails`, err && re.test(`${err.code} ${err.message}`), err ? err.message : 'ok');
    // same paths when the client does not verify
    const ok = await request(ports[name], '/status/200', { secure: true, agentOpts: { rejectUnauthorized: false } });
    eq(`${name}: serves the same paths (unverified)`, [ok.status, ok.body.toString()], [200, 'status 200']);
    const ws = await wsOpen(`wss://localhost:${ports[name]}/echo`, { rejectUnauthorized: false });
    ws.send('x');
    eq(`${name}: /echo works (unverified)`, (await wsNext(ws)).data.toString(), 'x');
    ws.terminate();
  }
  // certificate details
  const peerCert = (port) => withTimeout(new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      const c = s.getPeerCertificate(); s.destroy(); resolve(c);
    });
    s.on('error', reject);
  }), 5000, 'peer cert');
  const cs = await peerCert(ports.wss);
  check('wss cert: SAN localhost, 127.0.0.1, ::1', /DNS:localhost/.test(cs.subjectaltname) &&
        /IP Address:127\.0\.0\.1/.test(cs.subjectaltname) && /IP Address:0:0:0:0:0:0:0:1|IP Address:::1/.test(cs.subjectaltname),
        cs.subjectaltname);
  check('wss cert: valid now', new Date(cs.valid_from) < new Date() && new Date(cs.valid_to) > new Date(), [cs.valid_from, cs.valid_to]);
  const ce = await peerCert(ports.wss_expired);
  check('expired cert: notAfter in the past, names OK', new Date(ce.valid_to) < new Date() && /DNS:localhost/.test(ce.subjectaltname),
        [ce.valid_to, ce.subjectaltname]);
  const cw = await peerCert(ports.wss_wronghost);
  eq('wronghost cert: only wrong.example', cw.subjectaltname, 'DNS:wrong.example');
  const cx = await peerCert(ports.wss_selfsigned);
  check('selfsigned cert: self-issued, names OK', cx.issuer.CN === cx.subject.CN && /DNS:localhost/.test(cx.subjectaltname) &&
        cx.issuer.CN !== cs.issuer.CN && cx.fingerprint256 !== cs.fingerprint256, [cx.issuer, cx.subjectaltname]);
}

// the HTTP proxies (proxy.js)
function connectThrough(proxyPort, target, headers = '') {
  return withTimeout(new Promise((resolve, reject) => {
    const sock = net.connect(proxyPort, '127.0.0.1', () => {
      sock.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${headers}\r\n`);
    });
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end >= 0) { sock.removeAllListeners('data'); resolve({ sock, head: buf.subarray(0, end).toString(), rest: buf.subarray(end + 4) }); }
    });
    sock.on('error', reject);
  }), 10000, 'CONNECT ' + target);
}

async function proxyStats(port) {
  return JSON.parse((await request(port, '/stats')).body.toString());
}

async function testProxy() {
  const before = await proxyStats(ports.proxy);
  let r = await request(ports.proxy, `http://127.0.0.1:${ports.ws}/status/200`);
  check('proxy: absolute-form GET forwarded', r.status === 200 && r.body.toString() === 'status 200' &&
        r.headers.via === '1.1 peer-proxy', [r.status, r.headers]);
  r = await request(ports.proxy, 'http://10.255.255.1:80/');
  eq('proxy: no target beyond loopback', r.status, 403);
  const c = await connectThrough(ports.proxy, `localhost:${ports.wss}`, 'Proxy-Authorization: Basic eDp5\r\n');
  check('proxy: CONNECT to loopback', /^HTTP\/1\.1 200 /.test(c.head), c.head);
  const t = tls.connect({ socket: c.sock, servername: 'localhost', ca });
  await withTimeout(new Promise((resolve, reject) => { t.once('secureConnect', resolve); t.once('error', reject); }), 10000, 'TLS in tunnel');
  check('proxy: TLS through the tunnel', t.authorized, t.authorizationError);
  t.destroy();
  const c2 = await connectThrough(ports.proxy, 'example.invalid:443');
  check('proxy: CONNECT beyond loopback refused', /^HTTP\/1\.1 403 /.test(c2.head), c2.head);
  c2.sock.destroy();
  const after = await proxyStats(ports.proxy);
  check('proxy: /stats counts', after.requests === before.requests + 2 && after.connects === before.connects + 2 &&
        after.refused === before.refused + 2 && after.lastConnectAuth === null, [before, after]);
  r = await request(ports.proxy, '/proxy.pac');
  check('proxy: PAC file names the proxy', r.status === 200 && r.body.toString().includes(`PROXY 127.0.0.1:${ports.proxy}`),
        r.body.toString());
  // the variant asking for Basic credentials
  r = await request(ports.proxy_auth, `http://127.0.0.1:${ports.ws}/status/200`);
  check('proxy_auth: 407 with Proxy-Authenticate', r.status === 407 && r.headers['proxy-authenticate'] === 'Basic realm="peer-proxy"',
        [r.status, r.headers]);
  r = await request(ports.proxy_auth, `http://127.0.0.1:${ports.ws}/status/200`,
                    { headers: { 'Proxy-Authorization': 'Basic ' + Buffer.from('user:pass').toString('base64') } });
  eq('proxy_auth: forwarded with credentials', r.status, 200);
  const c3 = await connectThrough(ports.proxy_auth, `localhost:${ports.wss}`);
  check('proxy_auth: CONNECT without credentials: 407', /^HTTP\/1\.1 407 [^]*Proxy-Authenticate: Basic realm="peer-proxy"/.test(c3.head), c3.head);
  c3.sock.destroy();
  r = await request(ports.proxy_auth, `http://127.0.0.1:${ports.ws}/status/200`,
                    { headers: { 'Proxy-Authorization': 'Basic ' + Buffer.from('user:wrong').toString('base64') } });
  eq('proxy_auth: wrong password: 407 again', r.status, 407);

  // the variant asking for Digest credentials
  const target = `http://127.0.0.1:${ports.ws}/status/200`;
  const pd = ports.proxy_digest;
  const d0 = await proxyStats(pd);
  r = await request(pd, target);
  const ch = r.headers['proxy-authenticate'] || '';
  check('proxy_digest: 407 with a Digest challenge', r.status === 407 && /^Digest realm="[^"]+", qop="auth", algorithm=MD5, nonce="/.test(ch),
        [r.status, ch]);
  r = await request(pd, target, { headers: { 'Proxy-Authorization': digestAnswer(ch, { user: 'user', pass: 'pass', uri: target }) } });
  eq('proxy_digest: forwarded with the right answer', r.status, 200);
  r = await request(pd, target, { headers: { 'Proxy-Authorization': digestAnswer(ch, { user: 'user', pass: 'pass', uri: target }) } });
  eq('proxy_digest: the same nc again: 407', r.status, 407);
  r = await request(pd, target, { headers: { 'Proxy-Authorization': digestAnswer(ch, { user: 'user', pass: 'wrong', uri: target, nc: 2 }) } });
  check('proxy_digest: wrong password: 407 and a new challenge', r.status === 407 && /^Digest /.test(r.headers['proxy-authenticate'] || ''),
        [r.status, r.headers]);
  r = await request(pd, target, { headers: { 'Proxy-Authorization': digestAnswer(ch, { user: 'user', pass: 'pass', uri: '/status/200', nc: 3 }) } });
  eq('proxy_digest: a uri that is not the request-target: 407', r.status, 407);
  const authority = `localhost:${ports.wss}`;
  const c4 = await connectThrough(pd, authority);
  const ch4 = (/Proxy-Authenticate: (.*)/.exec(c4.head) || [])[1] || '';
  check('proxy_digest: CONNECT without credentials: 407', /^HTTP\/1\.1 407 /.test(c4.head) && /^Digest /.test(ch4), c4.head);
  c4.sock.destroy();
  const c5 = await connectThrough(pd, authority,
    `Proxy-Authorization: ${digestAnswer(ch4, { user: 'user', pass: 'pass', method: 'GET', uri: authority })}\r\n`);
  check('proxy_digest: CONNECT answered for GET: 407', /^HTTP\/1\.1 407 /.test(c5.head), c5.head);
  c5.sock.destroy();
  const c6 = await connectThrough(pd, authority,
    `Proxy-Authorization: ${digestAnswer(ch4, { user: 'user', pass: 'pass', method: 'CONNECT', uri: authority, nc: 2 })}\r\n`);
  check('proxy_digest: CONNECT with the right answer', /^HTTP\/1\.1 200 /.test(c6.head), c6.head);
  c6.sock.destroy();
  const d1 = await proxyStats(pd);
  check('proxy_digest: /stats counts accepted credentials', d1.accepted === d0.accepted + 2 && d1.refused === d0.refused + 6,
        [d0, d1]);
}

async function testLifecycle() {
  // without --certs: only the plain listener and the proxies; SIGTERM ends it
  const p = await startPeer([]);
  const obj = JSON.parse(p.portsLine);
  eq('without --certs: only ws, mute and the proxies', Object.keys(obj).sort(),
     ['mute', 'proxy', 'proxy_auth', 'proxy_digest', 'ws']);
  const r = await request(obj.ws, '/status/200');
  eq('without --certs: serves', r.status, 200);
  p.kill('SIGTERM');
  const st = await waitExit(p, 5000).catch(() => null);
  check('exits on SIGTERM', st !== null, st);
  if (!st) p.kill('SIGKILL');
}

// ---------- authentication paths (auth.js) ----------
function digestAnswer(challenge, { user, pass, method = 'GET', uri, nc = 1, cnonce = 'c0ffee', alg }) {
  const { parseParams } = require(path.join(here, 'auth.js'));
  const p = parseParams(challenge.replace(/^Digest\s+/i, ''));
  const a = alg || p.algorithm || 'MD5';
  const h = (x) => crypto.createHash(/^sha-256/i.test(a) ? 'sha256' : 'md5').update(x).digest('hex');
  let ha1 = h(`${user}:${p.realm}:${pass}`);
  if (/-sess$/i.test(a)) ha1 = h(`${ha1}:${p.nonce}:${cnonce}`);
  const ncs = nc.toString(16).padStart(8, '0');
  const resp = h(`${ha1}:${p.nonce}:${ncs}:${cnonce}:auth:${h(`${method}:${uri}`)}`);
  return `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="${uri}", algorithm=${a}, ` +
         `response="${resp}", opaque="${p.opaque}", qop=auth, nc=${ncs}, cnonce="${cnonce}"`;
}

async function testCookie(port, secure) {
  const tag = secure ? 'wss' : 'ws';
  const opts = { secure, servername: secure ? 'localhost' : undefined };
  const q = `c=${encodeURIComponent('a=1; Path=/')}&c=${encodeURIComponent('b=2; Max-Age=5')}`;
  let r = await request(port, `/cookie/set?${q}`, opts);
  eq(`${tag} cookie/set: status, Set-Cookie fields, body`, [r.status, r.headers['set-cookie'], r.body.toString()],
     [200, ['a=1; Path=/', 'b=2; Max-Age=5'], 'set 2']);
  r = await request(port, `/cookie/set?c=x%3D1&status=302&to=${encodeURIComponent('/cookie/echo')}`, opts);
  eq(`${tag} cookie/set with a redirect`, [r.status, r.headers.location, r.headers['set-cookie']],
     [302, '/cookie/echo', ['x=1']]);
  r = await request(port, '/cookie/echo', opts);
  eq(`${tag} cookie/echo without cookies`, [r.status, r.headers['x-cookie-fields'], r.body.toString()], [200, '0', '']);
  r = await request(port, '/cookie/echo/sub', { ...opts, headers: { Cookie: 'a=1;  b=2' } });
  eq(`${tag} cookie/echo: the field as sent`, [r.headers['x-cookie-fields'], r.body.toString()], ['1', 'a=1;  b=2']);
  r = await request(port, '/cookie/auth', opts);
  eq(`${tag} cookie/auth without cookie`, [r.status, r.headers['set-cookie'], r.headers['www-authenticate']],
     [401, ['auth=1'], 'Basic realm="cookie"']);
  r = await request(port, '/cookie/auth', { ...opts, headers: { Authorization: 'Basic dXNlcjpwd2Q=' } });
  eq(`${tag} cookie/auth without the cookie`, r.status, 401);
  r = await request(port, '/cookie/auth', { ...opts, headers: { Authorization: 'Basic dXNlcjpwd2Q=', Cookie: 'z=0; auth=1' } });
  eq(`${tag} cookie/auth with both`, [r.status, r.body.toString()], [200, 'z=0; auth=1']);
}

async function testRedirect(port, secure) {
  const tag = secure ? 'wss' : 'ws';
  const opts = { secure, servername: secure ? 'localhost' : undefined };
  for (const code of [301, 302, 303, 307, 308]) {
    const r = await request(port, `/redirect/${code}?to=${encodeURIComponent('/echo-request?x=1')}`, opts);
    eq(`${tag} redirect/${code}: status, Location, body`, [r.status, r.headers.location, r.body.toString()],
       [code, '/echo-request?x=1', `redirect ${code}`]);
  }
  let r = await request(port, `/redirect/302?to=${encodeURIComponent('http://127.0.0.1:1/x')}`, opts);
  eq(`${tag} redirect absolute Location as given`, r.headers.location, 'http://127.0.0.1:1/x');
  r = await request(port, '/redirect/chain?n=2', opts);
  eq(`${tag} redirect/chain n=2`, [r.status, r.headers.location], [302, 'chain?n=1']);
  r = await request(port, '/redirect/chain?n=0', opts);
  eq(`${tag} redirect/chain n=0`, [r.status, r.body.toString()], [200, 'chain end']);
  r = await request(port, '/redirect/none/301', opts);
  eq(`${tag} redirect/none/301`, [r.status, r.headers.location, r.body.toString()], [301, undefined, 'no location']);
}

async function testAuth(port) {
  const basic = (u, p) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
  let r = await request(port, '/auth/basic');
  eq('auth/basic without credentials: 401', r.status, 401);
  eq('auth/basic challenge', r.headers['www-authenticate'], 'Basic realm="peer@127.0.0.1"');
  eq('auth/basic 401 body', r.body.toString(), 'Unauthorized');
  r = await request(port, '/auth/basic', { headers: { Authorization: basic('user', 'pwd') } });
  eq('auth/basic right credentials: 200', [r.status, r.body.toString()], [200, 'Hello World']);
  r = await request(port, '/auth/basic', { headers: { Authorization: basic('user', 'pwd2') } });
  eq('auth/basic wrong password: 401', r.status, 401);
  r = await request(port, '/auth/basic?user=Aladdin&pass=open%20sesame',
                    { headers: { Authorization: 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==' } });
  eq('auth/basic user/pass from the query (RFC 7617 example)', r.status, 200);

  for (const alg of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess']) {
    const uri = `/auth/digest?algorithm=${alg}`;
    r = await request(port, uri);
    eq(`auth/digest ${alg}: 401 first`, r.status, 401);
    const ch = r.headers['www-authenticate'] || '';
    check(`auth/digest ${alg}: challenge`, new RegExp(`^Digest realm="peer@127.0.0.1", qop="auth", algorithm=${alg}, nonce="[^"]+", opaque="`).test(ch), ch);
    r = await request(port, uri, { headers: { Authorization: digestAnswer(ch, { user: 'user', pass: 'pwd', uri }) } });
    eq(`auth/digest ${alg}: right answer 200`, [r.status, r.headers['x-auth-problem']], [200, undefined]);
    r = await request(port, uri, { headers: { Authorization: digestAnswer(ch, { user: 'user', pass: 'pwd', uri }) } });
    eq(`auth/digest ${alg}: the same nc again is refused`, [r.status, r.headers['x-auth-problem']], [401, 'nonce count 00000001 did not grow']);
    r = await request(port, uri, { headers: { Authorization: digestAnswer(ch, { user: 'user', pass: 'pwd', uri, nc: 2 }) } });
    eq(`auth/digest ${alg}: nc 2 on the same nonce`, r.status, 200);
    r = await request(port, uri, { headers: { Authorization: digestAnswer(ch, { user: 'user', pass: 'pwd2', uri, nc: 3 }) } });
    eq(`auth/digest ${alg}: wrong password 401 again`, [r.status, r.headers['x-auth-problem']], [401, 'wrong response (password?)']);
    check(`auth/digest ${alg}: a new challenge with the 401`, /^Digest /.test(r.headers['www-authenticate'] || ''));
  }
  r = await request(port, '/auth/digest');
  const ch = r.headers['www-authenticate'] || '';
  r = await request(port, '/auth/digest?x=1', { headers: { Authorization: digestAnswer(ch, { user: 'user', pass: 'pwd', uri: '/auth/digest' }) } });
  eq('auth/digest: a uri that is not the request\'s is refused', r.status, 401);
  r = await request(port, '/auth/digest', { headers: { Authorization: digestAnswer(ch.replace(/nonce="[^"]+"/, 'nonce="forged"'), { user: 'user', pass: 'pwd', uri: '/auth/digest' }) } });
  eq('auth/digest: a nonce it did not issue is refused', [r.status, r.headers['x-auth-problem']], [401, 'unknown nonce']);
  r = await request(port, '/auth/digest', { headers: { Authorization: digestAnswer(ch, { user: 'user', pass: 'pwd', uri: '/auth/digest', alg: 'SHA-256' }) } });
  eq('auth/digest: another algorithm than offered is refused', r.status, 401);

  {
    const uri = '/auth/digest?stale=1';
    r = await request(port, uri);
    const sch = r.headers['www-authenticate'] || '';
    check('auth/digest stale=1: no stale flag at first', !/stale/.test(sch), sch);
    r = await request(port, uri, { headers: { Authorization: digestAnswer(sch, { user: 'user', pass: 'pwd', uri }) } });
    eq('auth/digest stale=1: first use 200', r.status, 200);
    r = await request(port, uri, { headers: { Authorization: digestAnswer(sch, { user: 'user', pass: 'pwd', uri, nc: 2 }) } });
    eq('auth/digest stale=1: second use 401 stale', [r.status, r.headers['x-auth-problem']], [401, 'stale nonce']);
    check('auth/digest stale=1: new challenge says stale=true', /, stale=true$/.test(r.headers['www-authenticate'] || ''), r.headers['www-authenticate']);
    r = await request(port, uri, { headers: { Authorization: digestAnswer(sch, { user: 'user', pass: 'pwd2', uri, nc: 3 }) } });
    eq('auth/digest stale=1: a wrong password on a used nonce is no stale', [r.status, r.headers['x-auth-problem']], [401, 'wrong response (password?)']);
  }
  r = await request(port, '/auth/multi');
  const auths = [];
  for (let i = 0; i < r.raw.length; i += 2) if (/^www-authenticate$/i.test(r.raw[i])) auths.push(r.raw[i + 1]);
  eq('auth/multi: 401', r.status, 401);
  eq('auth/multi: four header fields', auths.length, 4);
  check('auth/multi: Bearer, Negotiate+NTLM, Digest, Basic in that order',
        auths[0] === 'Bearer realm="api"' && auths[1] === 'Negotiate, NTLM' && /^Digest /.test(auths[2]) &&
        auths[3] === 'Basic realm="peer@127.0.0.1"', auths);
  r = await request(port, '/auth/multi', { headers: { Authorization: basic('user', 'pwd') } });
  eq('auth/multi: Basic gets in', [r.status, r.headers['x-auth-scheme']], [200, 'Basic']);
  r = await request(port, '/auth/multi', { headers: { Authorization: digestAnswer(auths[2] || '', { user: 'user', pass: 'pwd', uri: '/auth/multi' }) } });
  eq('auth/multi: Digest gets in', [r.status, r.headers['x-auth-scheme']], [200, 'Digest']);
  r = await request(port, '/auth/multi', { headers: { Authorization: 'NTLM TlRMTVNTUAABAAAAB4IIAAAAAAAAAAAAAAAAAAAAAAA=' } });
  eq('auth/multi: NTLM does not', r.status, 401);
  r = await request(port, '/auth/multi-wine');
  eq('auth/multi-wine: three fields', r.raw.filter((x, i) => i % 2 === 0 && /^www-authenticate$/i.test(x)).length, 3);
  r = await request(port, '/auth/proxy');
  eq('auth/proxy: 407 with Proxy-Authenticate', [r.status, r.headers['proxy-authenticate']], [407, 'Basic realm="proxy", NTLM']);
  r = await request(port, '/auth/bearer');
  eq('auth/bearer: 401 Bearer only', [r.status, r.headers['www-authenticate']], [401, 'Bearer realm="api"']);
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'peer-selftest-'));
  let exitCode = 1;
  const guard = setTimeout(() => { console.log('selftest: overall timeout (240 s)'); failed++; finish(); }, 240000);
  const finish = () => {
    try { if (peer && !peer.exitInfo) peer.kill('SIGKILL'); } catch (e) { /* gone */ }
    try { fs.rmSync(tmp, { recursive: true, force: true }); } catch (e) { /* ignore */ }
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : exitCode);
  };
  try {
    certs = path.join(tmp, 'certs');
    execFileSync('sh', [path.join(here, 'make-certs.sh'), certs], { stdio: ['ignore', 'inherit', 'inherit'] });
    ca = fs.readFileSync(path.join(certs, 'ca.pem'));
    for (const f of ['ca', 'server', 'expired', 'wronghost', 'selfsigned']) {
      check(`make-certs.sh made ${f}.pem and ${f}-key.pem`, fs.existsSync(path.join(certs, f + '.pem')) &&
            fs.existsSync(path.join(certs, f + '-key.pem')));
    }
    peer = await startPeer(['--certs', certs]);
    peer.on('exit', (code, sig) => { peer.exitInfo = { code, sig }; });
    const seed = process.env.PEER_SPLIT_SEED && /^\d+$/.test(process.env.PEER_SPLIT_SEED)
      ? Number(process.env.PEER_SPLIT_SEED) : crypto.randomInt(1, 2 ** 31 - 1);
    const steps = [
      ['validator', testValidatorUnit],
      ['startup', testStartup],
      ['mute', testMute],
      ['plain http', () => testPlainHttp(ports.ws, false, 'http')],
      ['plain https', () => testPlainHttp(ports.wss, true, 'https')],
      ['echo ws', () => testEcho(`ws://127.0.0.1:${ports.ws}`, 'ws')],
      ['echo wss', () => testEcho(`wss://localhost:${ports.wss}`, 'wss', { ca })],
      ['echo frames ws', () => testEchoFrames(ports.ws, false, 'ws')],
      ['echo frames wss', () => testEchoFrames(ports.wss, true, 'wss')],
      ['raw paths ws', () => testRawPaths(ports.ws, false, 'ws')],
      ['raw paths wss', () => testRawPaths(ports.wss, true, 'wss')],
      ['tls', testTls],
      ['auth', () => testAuth(ports.ws)],
      ['redirect ws', () => testRedirect(ports.ws, false)],
      ['cookie ws', () => testCookie(ports.ws, false)],
      ['cookie wss', () => testCookie(ports.wss, true)],
      ['redirect wss', () => testRedirect(ports.wss, true)],
      ['proxy', testProxy],
      ['lifecycle', testLifecycle],
      ['no violations', testMainPeerReport],
      [`split peer (PEER_SPLIT_SEED=${seed})`, () => testSplitPeer(seed)],
    ];
    for (const [name, fn] of steps) {
      try { await withTimeout(fn(), 120000, name); } catch (e) { check(`${name}: no exception`, false, e.stack || e.message); }
      if (peer.exitInfo) { check(`peer still running after ${name}`, false, peer.stderrText()); break; }
    }
    // the peer ends when its stdin closes
    check('peer alive before stdin closes', !peer.exitInfo, peer.exitInfo);
    const uncaught = /uncaught/.test(peer.stderrText());
    check('peer logged no uncaught exception', !uncaught, peer.stderrText().slice(0, 2000));
    peer.stdin.end();
    const st = await waitExit(peer, 5000).catch(() => null);
    check('peer exits when stdin closes', st && st.code === 0, st);
    exitCode = 0;
  } catch (e) {
    check('selftest ran', false, e.stack || e.message);
  }
  clearTimeout(guard);
  finish();
}

main();
