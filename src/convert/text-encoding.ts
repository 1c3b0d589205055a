import iconv from 'iconv-lite';

/** A decoded text file and the encoding it was read with. */
export interface DecodedText {
  text: string;
  /** 'utf-8', 'utf-16le', 'utf-16be' or 'gb18030' (which also covers GBK and GB2312 files). */
  encoding: string;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Detects the encoding of a text file (BOM: UTF-8/UTF-16LE/UTF-16BE; else strict UTF-8 if valid; else GB18030
 * (superset of GBK) if it decodes without replacement chars and looks like text) and decodes it. Returns undefined
 * for binary (NUL bytes outside UTF-16, too many control chars).
 */
export function decodeText(buf: Buffer): DecodedText | undefined {
  return detect(buf, false);
}

/**
 * The same detection for the first bytes of a longer file: a multi-byte character cut off at the end of `head`
 * is not held against it. Returns the encoding only.
 */
export function sniffTextEncoding(head: Buffer, truncated: boolean): string | undefined {
  return detect(head, truncated)?.encoding;
}

function detect(buf: Buffer, truncated: boolean): DecodedText | undefined {
  // 1. A byte order mark is authoritative.
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    const body = buf.subarray(3);
    const text = decodeUtf8(truncated ? body.subarray(0, utf8CutPoint(body)) : body);
    return text !== undefined && looksLikeText(text) ? { text, encoding: 'utf-8' } : undefined;
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    const encoding = buf[0] === 0xff ? 'utf-16le' : 'utf-16be';
    let body = buf.subarray(2);
    if (body.length % 2 === 1) {
      if (!truncated) return undefined;
      body = body.subarray(0, body.length - 1);
    }
    let text = iconv.decode(body, encoding, { stripBOM: false });
    if (truncated && /[\uD800-\uDBFF]$/.test(text)) text = text.slice(0, -1);
    return looksLikeText(text) ? { text, encoding } : undefined;
  }
  // 2. Without UTF-16, a NUL byte means binary.
  if (buf.includes(0)) return undefined;
  // 3. Strict UTF-8 (plain ASCII lands here too).
  const utf8 = decodeUtf8(truncated ? buf.subarray(0, utf8CutPoint(buf)) : buf);
  if (utf8 !== undefined) return looksLikeText(utf8) ? { text: utf8, encoding: 'utf-8' } : undefined;
  // 4. UTF-8 with a few damaged bytes is still UTF-8: read as GB18030 it would become plausible-looking mojibake.
  if (mostlyUtf8(buf)) {
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(buf);
    return looksLikeText(lossy) ? { text: lossy, encoding: 'utf-8' } : undefined;
  }
  // 5. GB18030, the superset of GBK and GB2312; any replacement character means it is not that either.
  const gb = decodeGb18030(buf, truncated);
  if (gb !== undefined && looksLikeText(gb)) return { text: gb, encoding: 'gb18030' };
  return undefined;
}

// Counts well-formed multi-byte UTF-8 sequences against malformed ones. GBK text forms a valid UTF-8 sequence only
// by accident (roughly one pair in ten), so at most 2% malformed, over a fair sample, means damaged UTF-8.
function mostlyUtf8(buf: Buffer): boolean {
  let valid = 0;
  let invalid = 0;
  for (let i = 0; i < buf.length; ) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need > 0 && i + need < buf.length;
    for (let k = 1; ok && k <= need; k++) ok = (buf[i + k]! & 0xc0) === 0x80;
    if (ok) {
      valid++;
      i += need + 1;
    } else {
      invalid++;
      i++;
    }
  }
  return valid >= 8 && invalid * 50 <= valid;
}

function decodeUtf8(buf: Buffer): string | undefined {
  try {
    return UTF8.decode(buf);
  } catch {
    return undefined;
  }
}

// Where to cut a UTF-8 buffer so that a sequence truncated at its end is dropped (at most 3 bytes).
function utf8CutPoint(buf: Buffer): number {
  const end = buf.length;
  for (let back = 1; back <= Math.min(3, end); back++) {
    const b = buf[end - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

function decodeGb18030(buf: Buffer, truncated: boolean): string | undefined {
  // A GB18030 character is at most 4 bytes; a cut-off one at the end of a sniffed head is forgiven.
  for (let cut = 0; cut <= (truncated ? 3 : 0) && cut < buf.length; cut++) {
    const text = iconv.decode(cut === 0 ? buf : buf.subarray(0, buf.length - cut), 'gb18030');
    if (!text.includes('\uFFFD')) return text;
  }
  return undefined;
}

// Text has few control characters besides tab, CR, LF and form feed; binary that happens to decode has many.
function looksLikeText(text: string): boolean {
  if (text.length === 0) return true;
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1a) || (c >= 0x7f && c < 0xa0)) {
      bad++;
    }
  }
  return bad <= Math.max(2, text.length * 0.01);
}
