#!/usr/bin/env node
// Test peer for winhttp.dll for Wine: see SCENARIOS.md in this directory.
// Listens on 127.0.0.1 only (ports chosen by the kernel), prints one JSON
// line with the ports, runs until stdin closes or SIGTERM.
'use strict';
const http = require('http');
const https = require('https');
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { WebSocketServer } = require('ws');

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function content(size, type) {
  const b = Buffer.alloc(size);
  if (type === 'text') for (let i = 0; i < size; i++) b[i] = 97 + (i % 26);
  else for (let i = 0; i < size; i++) b[i] = i % 251;
  return b;
}

// ---------- plain HTTP ----------
function plainResponse(req, body, res) {
  const url = new URL(req.url, 'http://x');
  let m;
  if ((m = /^\/status\/(\d{3})$/.exec(url.pathname))) {
    let code = parseInt(m[1], 10);
    if (code < 200) code = 400;  // 1xx cannot be a final answer without an upgrade
    const text = `status ${m[1]}`;
    res.writeHead(code, { 'Content-Length': Buffer.byteLength(text), 'X-Peer': 'yes' });
    return res.end(text);
  }
  switch (url.pathname) {
    case '/chunked':
      res.writeHead(200, { 'Transfer-Encoding': 'chunked', 'Content-Type': 'text/plain' });
      res.write('chunk-1|'); res.write('chunk-22|'); res.write('chunk-333');
      return res.end();
    case '/big': {
      const n = parseInt(url.searchParams.get('n') || '0', 10);
      res.writeHead(200, { 'Content-Length': n, 'Content-Type': 'application/octet-stream' });
      return res.end(content(n, 'binary'));
    }
    case '/echo-request': {
      const headers = {};
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i].toLowerCase();
        headers[k] = k in headers ? headers[k] + ', ' + req.rawHeaders[i + 1] : req.rawHeaders[i + 1];
      }
      const json = JSON.stringify({ method: req.method, url: req.url, headers, body: body.toString('latin1') });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
      return res.end(json);
    }
    case '/close-early':
      res.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
      return;
    case '/multi-header':
      res.writeHead(200, [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Num', '42'], ['Content-Length', '2']]);
      return res.end('ok');
    case '/reject':
      res.writeHead(403, { 'Content-Length': 17 });
      return res.end('no websocket here');
    case '/slow':
      res.writeHead(200, { 'Content-Length': 4 });
      return res.end('slow');
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
    const go = () => plainResponse(req, Buffer.concat(chunks), res);
    if (url.pathname === '/slow') setTimeout(go, parseInt(url.searchParams.get('ms') || '0', 10));
    else go();
  });
  req.on('error', () => {});
}

// A plain answer written on a raw socket (upgrade request to a non-WebSocket path).
function rawPlainAnswer(req, socket) {
  const fake = new http.ServerResponse(req);
  fake.assignSocket(socket);
  fake.shouldKeepAlive = false;
  fake.on('finish', () => socket.end());
  plainResponse(req, Buffer.alloc(0), fake);
}

// ---------- WebSocket: /echo ----------
function makeEchoServer() {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 256 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.size ? protocols.values().next().value : false),
  });
  wss.on('connection', (ws, req) => {
    let count = 0;
    let last = null;
    ws.on('error', () => {});
    ws.on('pong', (data) => { if (ws.readyState === 1) ws.send('pong:' + data.toString()); });
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      if (text !== null && text.startsWith('cmd:')) return command(ws, req, text, () => count, () => last);
      count++;
      last = { type: isBinary ? 'binary' : 'text', length: data.length,
               sha1: crypto.createHash('sha1').update(data).digest('hex') };
      ws.send(data, { binary: isBinary });
    });
  });
  return wss;
}

function command(ws, req, text, count, last) {
  const parts = text.split(':');
  switch (parts[1]) {
    case 'close':
      if (parts[2] === undefined) return ws.close();
      return ws.close(parseInt(parts[2], 10), parts.slice(3).join(':'));
    case 'close-empty':
      return ws.close();
    case 'ping':
      return ws.ping(Buffer.from(parts.slice(2).join(':')));
    case 'frag': {
      const n = parseInt(parts[2], 10), size = parseInt(parts[3], 10), type = parts[4];
      const data = content(size, type);
      const step = Math.ceil(size / n) || 0;
      for (let i = 0; i < n; i++) {
        const piece = data.subarray(Math.min(i * step, size), i === n - 1 ? size : Math.min((i + 1) * step, size));
        ws.send(piece, { binary: type === 'binary', fin: i === n - 1 });
      }
      return;
    }
    case 'big':
      return ws.send(content(parseInt(parts[2], 10), parts[3]), { binary: parts[3] === 'binary' });
    case 'headers':
      return ws.send(JSON.stringify(req.headers));
    case 'empty':
      return ws.send(Buffer.alloc(0), { binary: parts[2] === 'binary' });
    case 'count':
      return ws.send(String(count()));
    case 'lastinfo':
      return ws.send(JSON.stringify(last() || {}));
    default:
      return ws.send('unknown command');
  }
}

// ---------- raw WebSocket endpoints ----------
function frame(opcode, payload, fin = true) {
  const len = payload.length;
  let head;
  if (len < 126) head = Buffer.from([(fin ? 0x80 : 0) | opcode, len]);
  else if (len < 65536) { head = Buffer.alloc(4); head[0] = (fin ? 0x80 : 0) | opcode; head[1] = 126; head.writeUInt16BE(len, 2); }
  else { head = Buffer.alloc(10); head[0] = (fin ? 0x80 : 0) | opcode; head[1] = 127; head.writeBigUInt64BE(BigInt(len), 2); }
  return Buffer.concat([head, payload]);
}

function acceptFor(key) {
  return crypto.createHash('sha1').update(key + GUID).digest('base64');
}

function handshake(req, socket, { accept = true, acceptValue, upgradeHeader = true } = {}) {
  const lines = ['HTTP/1.1 101 Switching Protocols'];
  if (upgradeHeader) lines.push('Upgrade: websocket');
  lines.push('Connection: Upgrade');
  if (accept) lines.push('Sec-WebSocket-Accept: ' + (acceptValue || acceptFor(req.headers['sec-websocket-key'] || '')));
  socket.write(lines.join('\r\n') + '\r\n\r\n');
}

// Parse client frames from a raw socket and report each one.
function rawReporter(socket, head) {
  let buf = head && head.length ? Buffer.from(head) : Buffer.alloc(0);
  let closed = false;
  const process1 = () => {
    while (!closed) {
      if (buf.length < 2) return;
      const b0 = buf[0], b1 = buf[1];
      let len = b1 & 0x7f, off = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
      const masked = (b1 & 0x80) !== 0;
      let mask = Buffer.alloc(4);
      if (masked) { if (buf.length < off + 4) return; mask = buf.subarray(off, off + 4); off += 4; }
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
  process1();
  socket.on('data', (d) => { buf = Buffer.concat([buf, d]); process1(); });
}

function onUpgrade(wss, req, socket, head) {
  socket.on('error', () => {});
  const url = new URL(req.url, 'http://x');
  const isWs = (req.headers.upgrade || '').toLowerCase() === 'websocket';
  const upgradeWs = () => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  if (!isWs) return rawPlainAnswer(req, socket);
  switch (url.pathname) {
    case '/echo':
      return upgradeWs();
    case '/slow':
      return setTimeout(upgradeWs, parseInt(url.searchParams.get('ms') || '0', 10));
    case '/silent':
      handshake(req, socket);
      socket.on('data', () => {});
      socket.on('end', () => socket.end());
      return;
    case '/raw': {
      handshake(req, socket);
      const hex = url.searchParams.get('send') || '';
      if (hex) socket.write(Buffer.from(hex, 'hex'));
      if (url.searchParams.get('end') === '1') { socket.end(); socket.on('data', () => {}); return; }
      return rawReporter(socket, head);
    }
    case '/bad-accept':
      handshake(req, socket, { acceptValue: acceptFor('not the key') });
      socket.on('data', () => {});
      return;
    case '/no-accept':
      handshake(req, socket, { accept: false });
      socket.on('data', () => {});
      return;
    case '/no-upgrade':
      handshake(req, socket, { upgradeHeader: false });
      socket.on('data', () => {});
      return;
    default:
      return rawPlainAnswer(req, socket);
  }
}

function listen(server, wss) {
  server.on('request', onRequest);
  server.on('upgrade', (req, socket, head) => onUpgrade(wss, req, socket, head));
  server.on('clientError', (err, socket) => socket.destroy());
  server.on('tlsClientError', () => {});
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

async function main() {
  const certs = argValue('--certs');
  const wss = makeEchoServer();
  const servers = { ws: http.createServer() };
  if (certs) {
    const tls = (name) => https.createServer({
      key: fs.readFileSync(path.join(certs, name + '-key.pem')),
      cert: fs.readFileSync(path.join(certs, name + '.pem')),
    });
    servers.wss = tls('server');
    servers.wss_expired = tls('expired');
    servers.wss_wronghost = tls('wronghost');
    servers.wss_selfsigned = tls('selfsigned');
  }
  const ports = {};
  for (const [name, srv] of Object.entries(servers)) {
    srv.keepAliveTimeout = 0;
    ports[name] = await listen(srv, wss);
  }
  process.stdout.write(JSON.stringify(ports) + '\n');
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((e) => { console.error(e); process.exit(1); });
