// The per-buyer mark's token (decision 0019): version, purchase id and a truncated HMAC, 14 bytes. Written as ASCII
// in package metadata ("wy1-" + base32) and as a run of invisible characters in the text layer.
import { createHmac, timingSafeEqual } from 'node:crypto';

const VERSION = 1;
const ID_BYTES = 5;
const MAC_BYTES = 8;
export const TOKEN_BYTES = 1 + ID_BYTES + MAC_BYTES;

/** The PDF information-dictionary key and the XMP namespace the mark is written under (pdf-mark.ts, trace.ts). */
export const INFO_KEY = 'WenyuanMark';
export const XMP_NS = 'urn:x-wenyuan:mark:1.0:';

/** The key marks are signed with: derived from the download secret, separated by purpose. */
export function markKey(downloadUrlSecret: string): Buffer {
  return createHmac('sha256', downloadUrlSecret).update('wenyuan download mark v1').digest();
}

function mac(key: Buffer, head: Buffer): Buffer {
  return createHmac('sha256', key).update(head).digest().subarray(0, MAC_BYTES);
}

/** The token bytes for a purchase. */
export function signMark(key: Buffer, purchaseId: number): Buffer {
  if (!Number.isSafeInteger(purchaseId) || purchaseId < 1 || purchaseId >= 2 ** (8 * ID_BYTES))
    throw new RangeError('purchase id out of range');
  const head = Buffer.alloc(1 + ID_BYTES);
  head[0] = VERSION;
  head.writeUIntBE(purchaseId, 1, ID_BYTES);
  return Buffer.concat([head, mac(key, head)]);
}

/** What a token says: the purchase when the signature holds, else `bad` (with the id it claims, for the record). */
export type MarkCheck = { ok: true; purchaseId: number } | { ok: false; claimedId: number };

/** Checks a token's signature (constant time). */
export function verifyMark(key: Buffer, token: Buffer): MarkCheck | undefined {
  if (token.length !== TOKEN_BYTES || token[0] !== VERSION) return undefined;
  const head = token.subarray(0, 1 + ID_BYTES);
  const id = head.readUIntBE(1, ID_BYTES);
  return timingSafeEqual(mac(key, head), token.subarray(1 + ID_BYTES))
    ? { ok: true, purchaseId: id }
    : { ok: false, claimedId: id };
}

// ---- ASCII form (metadata, the visible line): "wy1-" + RFC 4648 base32 without padding (23 characters).

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function toAscii(token: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of token) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return `wy1-${out}`;
}

const ASCII_TOKEN = /wy1-([A-Z2-7]{23})(?![A-Z2-7])/g;

/** Every ASCII token in a text. */
export function findAsciiTokens(text: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of text.matchAll(ASCII_TOKEN)) {
    const bytes: number[] = [];
    let bits = 0;
    let value = 0;
    for (const ch of m[1]!) {
      value = (value << 5) | B32.indexOf(ch);
      bits += 5;
      if (bits >= 8) {
        bytes.push((value >>> (bits - 8)) & 255);
        bits -= 8;
        value &= (1 << bits) - 1;
      }
    }
    if (bytes.length === TOKEN_BYTES) out.push(Buffer.from(bytes));
  }
  return out;
}

// ---- Invisible form: a frame of default-ignorable characters that LibreOffice keeps when it re-saves a docx and
// when it exports a PDF, and that pdf.js and pdftotext extract (measured; decision 0019). U+200B, U+2060, U+FEFF
// and U+180E did not survive the PDF export; an identical neighbour is sometimes dropped by text extraction, so each
// base-4 digit is written as a step from the previous symbol (never the same symbol twice in a row).

export const ZW_SYMBOLS = ['\u200C', '\u200D', '\u2061', '\u2062', '\u2063'] as const;
export const ZW_FRAME = '\u2064';
const ZW_ALL = new Set<string>([...ZW_SYMBOLS, ZW_FRAME]);
/** Every character the invisible form uses (to strip them when comparing visible text). */
export const ZW_CHARS = /\u200C|\u200D|[\u2061-\u2064]/g;

export function toInvisible(token: Buffer): string {
  let out = ZW_FRAME;
  let prev = 0;
  for (const byte of token) {
    for (let shift = 6; shift >= 0; shift -= 2) {
      const digit = (byte >> shift) & 3;
      prev = (prev + 1 + digit) % ZW_SYMBOLS.length;
      out += ZW_SYMBOLS[prev];
    }
  }
  return out + ZW_FRAME;
}

/** Every well-formed invisible frame in a text (other characters between the symbols are ignored). */
export function findInvisibleTokens(text: string): Buffer[] {
  let symbols = '';
  for (const ch of text) if (ZW_ALL.has(ch)) symbols += ch;
  const out: Buffer[] = [];
  for (const frame of symbols.split(ZW_FRAME)) {
    if (frame.length !== TOKEN_BYTES * 4) continue;
    const bytes = Buffer.alloc(TOKEN_BYTES);
    let prev = 0;
    let ok = true;
    for (let i = 0; i < frame.length && ok; i++) {
      const at = (ZW_SYMBOLS as readonly string[]).indexOf(frame[i]!);
      const digit = (at - prev - 1 + 2 * ZW_SYMBOLS.length) % ZW_SYMBOLS.length;
      if (digit > 3) ok = false;
      bytes[i >> 2]! |= digit << (6 - 2 * (i & 3));
      prev = at;
    }
    if (ok) out.push(bytes);
  }
  return out;
}
