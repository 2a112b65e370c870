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
'use strict';
const net = require('net');
const tls = require('tls');
const fs = require('fs');
const path = require('path');

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

function tlsServer(cert, handler) {
  const s = tls.createServer({
    key: fs.readFileSync(path.join(dir, cert + '.key')),
    cert: fs.readFileSync(path.join(dir, cert + '.pem')),
    minVersion: 'TLSv1.2',
  }, handler);
  s.on('tlsClientError', () => {});
  return s;
}

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

  process.stdout.write(JSON.stringify(ports) + '\n');
}

main().catch((e) => { console.error(e); process.exit(1); });
