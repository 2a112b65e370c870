#!/usr/bin/env node
// Reads the test peer's list of client violations (GET /violations, see
// SCENARIOS.md) for tests/run-wine-test.sh:
//
//   node tests/peer/violations.js PORT [SINCE]
//
// prints "COUNT FRAMES CONNECTIONS" on the first line, then one line per
// violation with seq >= SINCE (at most 50).  Exit status 1 if the peer did
// not answer within 10 s.
'use strict';
const http = require('http');

const port = parseInt(process.argv[2], 10);
const since = parseInt(process.argv[3] || '0', 10) || 0;
const fail = (why) => { console.log(`violations: ${why}`); process.exit(1); };
if (!(port > 0)) fail('usage: violations.js PORT [SINCE]');
const timer = setTimeout(() => fail('no answer from the peer in 10 s'), 10000);
const req = http.get({ host: '127.0.0.1', port, path: `/violations?since=${since}`, agent: false }, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    clearTimeout(timer);
    let r;
    try { r = JSON.parse(Buffer.concat(chunks).toString()); } catch (e) { fail(`bad answer (HTTP ${res.statusCode})`); }
    const lines = [`${r.count} ${r.frames} ${r.connections}`];
    for (const x of r.items) {
      lines.push(`  #${x.seq} connection ${x.connection} ${x.path} at byte ${x.offset}: ${x.kind}: ${x.description}`);
    }
    console.log(lines.join('\n'));
  });
  res.on('error', (e) => fail(e.message));
});
req.on('error', (e) => fail(e.message));
