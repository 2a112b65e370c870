// Local servers for the whnet transport test (node built-ins only).
// usage: node echo_server.js CERTDIR
// Prints one JSON line {"name": port, ...} once everything listens, then
// serves until killed.
//   echo      plain TCP, echoes every byte; ends its side after the client's FIN
//   eof       plain TCP, sends "hello" then closes (FIN)
//   closeafter plain TCP, echoes the first 5 bytes, then closes
//   reset     plain TCP, resets the connection once something arrives
//   silent    plain TCP, never reads nor writes
//   refused   a port nobody listens on
//   tls_good, tls_expired, tls_wronghost, tls_selfsigned, tls_expired_wronghost
//             TLS echo servers with the certificate of that name
//   tls_eof   TLS with the good certificate: sends "hello", close_notify, FIN
//   sink, tls_sink  (plain, TLS with the good certificate) send an id line
//             ("%07d\n") and then read nothing until told to over `control`
//   control   plain TCP, one command a line, each answered with one line:
//             "go ID": sink ID reads everything from now on and, after the
//               client's end of stream, sends "COUNT FNV1A32HEX\n" and ends;
//             "say ID": sink ID sends "hi\n" (still not reading);
//             "count ID": how many bytes sink ID has read since "go";
//             "drop ID": sink ID is closed unread (so the kernel resets it);
//             "open": the number of sink connections still open
//             "freeze" / "thaw": stop / continue tls_small (SIGSTOP, SIGCONT)
//   tls_small native/tls_small_sink.c (program named by $TLS_SMALL_SINK)
//             with the good certificate: TLS records of at most 512 bytes
//             (RFC 8449), reads everything, answers "COUNT FNV1A32HEX\n";
//             absent when that program is missing
'use strict';
const net = require('net');
const tls = require('tls');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const dir = process.argv[2];
const ports = {};
const host = '127.0.0.1';

function echo(sock) {
  sock.on('error', () => {});
  sock.pipe(sock);
}

function listen(name, server) {
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, host, () => { ports[name] = server.address().port; resolve(); });
  });
}

function tlsServer(cert, handler, extra) {
  const s = tls.createServer(Object.assign({
    key: fs.readFileSync(path.join(dir, cert + '.key')),
    cert: fs.readFileSync(path.join(dir, cert + '.pem')),
    minVersion: 'TLSv1.2',
  }, extra || {}), handler);
  s.on('tlsClientError', () => {});
  return s;
}

// ---- sinks: connections that do not read until told to ----
const sinks = new Map();
let nextSink = 1;

function sink(sock) {
  const id = nextSink++;
  sinks.set(id, sock);
  sock.on('error', () => {});
  sock.on('close', () => sinks.delete(id));
  sock.pause();
  sock.write(String(id).padStart(7, '0') + '\n');
}

function drain(sock) {
  let count = 0, hash = 0x811c9dc5;
  sock.drained = 0;
  sock.on('data', (d) => {
    count += d.length;
    sock.drained = count;
    for (let i = 0; i < d.length; i++) hash = Math.imul(hash ^ d[i], 16777619);
  });
  sock.on('end', () => sock.end(count + ' ' + (hash >>> 0).toString(16) + '\n'));
  sock.resume();
}

function control(sock) {
  let line = '';
  sock.on('error', () => {});
  sock.setEncoding('latin1');
  sock.on('data', (d) => {
    line += d;
    let nl;
    while ((nl = line.indexOf('\n')) >= 0) {
      const [cmd, arg] = line.slice(0, nl).trim().split(' ');
      const target = sinks.get(Number(arg));
      line = line.slice(nl + 1);
      if (cmd === 'open') sock.write(sinks.size + '\n');
      else if ((cmd === 'freeze' || cmd === 'thaw') && small) {
        small.kill(cmd === 'freeze' ? 'SIGSTOP' : 'SIGCONT');
        sock.write('ok\n');
      }
      else if (!target) sock.write('unknown\n');
      else if (cmd === 'go') { drain(target); sock.write('ok\n'); }
      else if (cmd === 'count') sock.write(target.drained === undefined ? 'unknown\n' : target.drained + '\n');
      else if (cmd === 'say') { target.write('hi\n'); sock.write('ok\n'); }
      else if (cmd === 'drop') { sinks.delete(Number(arg)); target.destroy(); sock.write('ok\n'); }
      else sock.write('unknown\n');
    }
  });
}

// ---- the native small-record TLS sink ----
let small = null;

function startSmall() {
  const prog = process.env.TLS_SMALL_SINK;
  if (!prog || !fs.existsSync(prog)) {
    console.error('no TLS_SMALL_SINK program: no tls_small');
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const child = spawn(prog, [path.join(dir, 'good.pem'), path.join(dir, 'good.key')],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.on('error', (e) => { console.error('tls_small_sink: ' + e.message); resolve(); });
    child.on('exit', () => resolve());
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (d) => {
      out += d;
      if (!small && out.includes('\n')) {
        small = child;
        ports.tls_small = Number(out.trim());
        resolve();
      }
    });
  });
}

function stopChildren() {
  if (small) small.kill('SIGKILL');  // even while stopped
  process.exit(0);
}
process.on('SIGTERM', stopChildren);
process.on('SIGINT', stopChildren);
process.on('SIGHUP', stopChildren);

async function main() {
  await listen('echo', net.createServer(echo));
  await listen('eof', net.createServer((s) => { s.on('error', () => {}); s.end('hello'); }));
  await listen('closeafter', net.createServer((s) => {
    let got = 0;
    s.on('error', () => {});
    s.on('data', (d) => {
      const take = Math.min(d.length, 5 - got);
      if (take > 0) { got += take; s.write(d.subarray(0, take)); }
      if (got >= 5) s.end();
    });
  }));
  await listen('reset', net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.resetAndDestroy());
  }));
  await listen('silent', net.createServer((s) => { s.on('error', () => {}); s.pause(); }));
  const tmp = net.createServer();
  await listen('refused', tmp);
  await new Promise((r) => tmp.close(r));

  for (const c of ['good', 'expired', 'wronghost', 'selfsigned', 'expired_wronghost'])
    await listen('tls_' + c, tlsServer(c, echo));
  await listen('tls_eof', tlsServer('good', (s) => { s.on('error', () => {}); s.end('hello'); }));

  await listen('sink', net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, sink));
  await listen('tls_sink', tlsServer('good', sink, { allowHalfOpen: true }));
  await listen('control', net.createServer(control));
  await startSmall();

  process.stdout.write(JSON.stringify(ports) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
