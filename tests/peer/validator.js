// RFC 6455 checker for the bytes a WebSocket CLIENT sends after the 101
// response.  Independent of the `ws` library (which forgives or reacts to
// some mistakes in its own way): it only looks at the bytes and reports every
// rule a client frame breaks.  Incremental: feed it Buffers in any split
// (one byte at a time works); it never buffers more than a frame header and
// the payload of a close frame.
//
//   const { createValidator } = require('./validator');
//   const v = createValidator({ onViolation: (x) => ... });
//   socket.on('data', (d) => v.push(d));
//   v.violations   // [{ offset, kind, description }]
//   v.frames       // frame headers seen
//
// offset is the byte offset in the client's stream (0 = first byte after the
// 101) of the frame the problem is in; for bad UTF-8, of the bad byte; for
// bytes after the close frame, of the first such byte.
//
// Rules checked on every frame (see SCENARIOS.md, "Validation"):
//   unmasked            MASK bit clear
//   mask-reused         same 4-byte mask key as the frame before
//   rsv                 RSV1-3 set (no extension is ever negotiated)
//   opcode              reserved opcode (3-7, 11-15)
//   length-encoding     16-bit form for < 126 bytes, 64-bit form for < 65536
//   length-top-bit      64-bit length with the most significant bit set
//   length-absurd       64-bit length above 2^53 (checking stops there)
//   control-length      control frame payload over 125 bytes
//   control-fragmented  control frame without FIN
//   continuation        continuation frame outside a fragmented message
//   data-in-message     new text/binary frame inside an unfinished message
//   utf8                text message not strict UTF-8 (overlongs,
//                       surrogates, > U+10FFFF, cut sequences)
//   close-length        close payload of 1 byte
//   close-code          close code not valid on the wire
//   close-reason-utf8   close reason not strict UTF-8
//   after-close         any byte after the client's close frame (reported once)
// A connection that ends inside a frame or inside a fragmented message is
// not a violation (a client may abort).
'use strict';

const HEADER = 0, PAYLOAD = 1, AFTER_CLOSE = 2, DEAD = 3;
const KNOWN_OPCODES = [true, true, true, false, false, false, false, false, true, true, true,
                       false, false, false, false, false];
const OPCODE_NAMES = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
const MAX_CLOSE_COLLECT = 65536;

// Close codes a frame may carry (RFC 6455 7.4.1/7.4.2 and the IANA
// registry): 1000-1003, 1007-1011, 1012-1014 (registered later), 3000-4999.
// Never on the wire: < 1000, 1004 (reserved), 1005, 1006, 1015 (reserved
// for APIs), 1016-2999 (reserved for future protocol use), >= 5000.
function validCloseCode(code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

// Strict UTF-8, incremental.  need = continuation bytes still due; lo/hi =
// allowed range of the next one (narrowed after E0, ED, F0, F4 so that
// overlongs, surrogates and code points above U+10FFFF fail).
class Utf8State {
  constructor() { this.need = 0; this.lo = 0x80; this.hi = 0xbf; }
  reset() { this.need = 0; this.lo = 0x80; this.hi = 0xbf; }
  // false if b cannot come next
  step(b) {
    if (this.need === 0) {
      if (b < 0x80) return true;
      if (b >= 0xc2 && b <= 0xdf) { this.need = 1; this.lo = 0x80; this.hi = 0xbf; return true; }
      if (b >= 0xe0 && b <= 0xef) {
        this.need = 2; this.lo = b === 0xe0 ? 0xa0 : 0x80; this.hi = b === 0xed ? 0x9f : 0xbf; return true;
      }
      if (b >= 0xf0 && b <= 0xf4) {
        this.need = 3; this.lo = b === 0xf0 ? 0x90 : 0x80; this.hi = b === 0xf4 ? 0x8f : 0xbf; return true;
      }
      return false;
    }
    if (b < this.lo || b > this.hi) return false;
    this.need--; this.lo = 0x80; this.hi = 0xbf;
    return true;
  }
  complete() { return this.need === 0; }
}

// index of the first byte of buf that breaks strict UTF-8, buf.length if the
// sequence is cut at the end, -1 if valid
function utf8ErrorIndex(buf) {
  const s = new Utf8State();
  for (let i = 0; i < buf.length; i++) if (!s.step(buf[i])) return i;
  return s.complete() ? -1 : buf.length;
}

const hex = (b) => Buffer.from(b).toString('hex');

class ClientFrameValidator {
  constructor({ onViolation } = {}) {
    this.onViolation = onViolation || null;
    this.violations = [];
    this.frames = 0;
    this.offset = 0;            // bytes consumed so far
    this.state = HEADER;
    this.hdr = Buffer.alloc(14);
    this.hdrLen = 0;
    this.hdrNeed = 2;
    this.frameStart = 0;
    this.prevMask = null;
    this.inMessage = false;     // a text/binary message without FIN is open
    this.messageText = false;
    this.utf8 = new Utf8State();
    this.utf8Failed = false;    // reported once per message
    this.cur = null;            // the frame whose payload is being read
    this.remaining = 0;
    this.payloadPos = 0;
  }

  violation(kind, description, offset = this.frameStart) {
    const v = { offset, kind, description };
    this.violations.push(v);
    if (this.onViolation) this.onViolation(v);
  }

  push(buf) {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      if (this.state === HEADER) {
        const take = Math.min(this.hdrNeed - this.hdrLen, n - i);
        buf.copy(this.hdr, this.hdrLen, i, i + take);
        this.hdrLen += take; i += take; this.offset += take;
        if (this.hdrLen < this.hdrNeed) continue;
        if (this.hdrNeed === 2) {
          const b1 = this.hdr[1], l7 = b1 & 0x7f;
          const need = 2 + (l7 === 126 ? 2 : l7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
          if (need > 2) { this.hdrNeed = need; continue; }
        }
        this.headerDone();
      } else if (this.state === PAYLOAD) {
        const take = Math.min(this.remaining, n - i);
        this.payload(buf, i, i + take);
        i += take; this.offset += take; this.remaining -= take; this.payloadPos += take;
        if (this.remaining === 0) this.frameDone();
      } else {
        if (this.state === AFTER_CLOSE) {
          this.violation('after-close', `${n - i}+ byte(s) after the close frame (first: 0x${hex(buf.subarray(i, i + 1))})`,
                         this.offset);
          this.state = DEAD;
        }
        this.offset += n - i;
        i = n;
      }
    }
  }

  headerDone() {
    const h = this.hdr, b0 = h[0], b1 = h[1];
    const fin = (b0 & 0x80) !== 0, rsv = (b0 >> 4) & 7, opcode = b0 & 0x0f, masked = (b1 & 0x80) !== 0;
    const name = OPCODE_NAMES[opcode] || `opcode ${opcode}`;
    let len = b1 & 0x7f, p = 2;
    this.frames++;
    this.hdrLen = 0;
    this.hdrNeed = 2;
    if (len === 126) {
      len = h.readUInt16BE(2); p = 4;
      if (len < 126) this.violation('length-encoding', `${name} frame: 16-bit length form for ${len} byte(s) (7-bit form required)`);
    } else if (len === 127) {
      const big = h.readBigUInt64BE(2); p = 10;
      if (big >> 63n) {
        this.violation('length-top-bit', `${name} frame: 64-bit length 0x${big.toString(16)} has the most significant bit set`);
        this.state = DEAD;
        return;
      }
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.violation('length-absurd', `${name} frame: 64-bit length ${big} (over 2^53; checking stops)`);
        this.state = DEAD;
        return;
      }
      len = Number(big);
      if (len < 65536) this.violation('length-encoding', `${name} frame: 64-bit length form for ${len} byte(s) (${len < 126 ? '7' : '16'}-bit form required)`);
    }
    let mask = null;
    if (masked) {
      mask = Buffer.from(h.subarray(p, p + 4));
      if (this.prevMask && mask.equals(this.prevMask)) {
        this.violation('mask-reused', `${name} frame: mask key ${hex(mask)} is the same as the previous frame's`);
      }
    } else {
      this.violation('unmasked', `${name} frame of ${len} byte(s) without the MASK bit`);
    }
    this.prevMask = mask;
    if (rsv) this.violation('rsv', `${name} frame with RSV bits ${rsv.toString(2).padStart(3, '0')} (RSV1-3) set, no extension negotiated`);
    const known = KNOWN_OPCODES[opcode];
    if (!known) this.violation('opcode', `reserved opcode ${opcode}`);
    if (known && opcode >= 8) {
      if (len > 125) this.violation('control-length', `${name} frame with a ${len}-byte payload (control frames: at most 125)`);
      if (!fin) this.violation('control-fragmented', `${name} frame without FIN (control frames cannot be fragmented)`);
    }
    let text = false;
    if (opcode === 0) {
      if (!this.inMessage) this.violation('continuation', `continuation frame (FIN ${fin ? 1 : 0}) without an open fragmented message`);
      else text = this.messageText;
    } else if (opcode === 1 || opcode === 2) {
      if (this.inMessage) {
        this.violation('data-in-message', `${name} frame while a fragmented ${this.messageText ? 'text' : 'binary'} message is still open (continuation expected)`);
      }
      this.inMessage = true;   // the new frame starts a message either way
      this.messageText = opcode === 1;
      this.utf8.reset();
      this.utf8Failed = false;
      text = opcode === 1;
    }
    this.cur = { fin, opcode, len, mask, name, text, data: opcode === 0 ? this.inMessage : opcode === 1 || opcode === 2,
                 close: opcode === 8 ? [] : null, closeBytes: 0 };
    this.remaining = len;
    this.payloadPos = 0;
    if (len === 0) this.frameDone();
    else this.state = PAYLOAD;
  }

  payload(buf, from, to) {
    const c = this.cur, mask = c.mask;
    if (c.text && !this.utf8Failed) {
      const u = this.utf8;
      let pos = this.payloadPos;
      for (let k = from; k < to; k++, pos++) {
        const b = mask ? buf[k] ^ mask[pos & 3] : buf[k];
        if (b < 0x80 && u.need === 0) continue;
        if (!u.step(b)) {
          this.violation('utf8', `text message is not valid UTF-8: byte 0x${b.toString(16).padStart(2, '0')} at payload byte ${pos} of this ${c.name} frame`,
                         this.offset + (k - from));
          this.utf8Failed = true;
          break;
        }
      }
    }
    if (c.close && c.closeBytes < MAX_CLOSE_COLLECT) {
      const part = Buffer.from(buf.subarray(from, Math.min(to, from + MAX_CLOSE_COLLECT - c.closeBytes)));
      if (mask) for (let k = 0; k < part.length; k++) part[k] ^= mask[(this.payloadPos + k) & 3];
      c.close.push(part);
      c.closeBytes += part.length;
    }
  }

  frameDone() {
    const c = this.cur;
    this.cur = null;
    if (c.opcode === 8) this.checkClose(c);
    if (c.data && c.fin) {
      if (this.messageText && !this.utf8Failed && !this.utf8.complete()) {
        this.violation('utf8', 'text message ends inside a UTF-8 sequence');
      }
      this.inMessage = false;
    }
    this.frameStart = this.offset;
    this.state = c.opcode === 8 ? AFTER_CLOSE : HEADER;
  }

  checkClose(c) {
    const p = Buffer.concat(c.close);
    if (c.len === 1) { this.violation('close-length', `close frame with a 1-byte payload (0x${hex(p)}): 0 or at least 2 bytes`); return; }
    if (c.len < 2) return;
    const code = p.readUInt16BE(0);
    if (!validCloseCode(code)) this.violation('close-code', `close frame with code ${code} (not valid on the wire)`);
    if (c.len <= MAX_CLOSE_COLLECT) {
      const reason = p.subarray(2);
      const bad = utf8ErrorIndex(reason);
      if (bad >= 0) this.violation('close-reason-utf8', `close reason is not valid UTF-8 (0x${hex(reason.subarray(0, 32))}, bad at byte ${bad})`);
    }
  }
}

function createValidator(opts) {
  return new ClientFrameValidator(opts);
}

module.exports = { createValidator, ClientFrameValidator, validCloseCode, utf8ErrorIndex };
