// Image dimensions read from the first bytes of a file, without decoding a pixel: a decompression bomb (a tiny PNG
// that declares 40 000 × 40 000) must be refused before the decoder allocates its bitmap. Each parser reads the
// same fields the decoder will trust (PNG IHDR, the first JPEG SOFn frame header, WebP VP8/VP8L/VP8X, the GIF
// logical screen), so the figures checked are the figures decoded.

/** The raster formats an uploaded image may be. */
export type RasterFormat = 'png' | 'jpeg' | 'webp' | 'gif';

/** What the header says: the stored dimensions. */
export interface ImageHeader {
  format: RasterFormat;
  width: number;
  height: number;
}

/** Reads the header of a PNG, JPEG, WebP or GIF; undefined when the bytes are not one or the header is cut. */
export function readImageHeader(b: Buffer): ImageHeader | undefined {
  try {
    if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a)
      return b.toString('latin1', 12, 16) === 'IHDR' ? dims('png', b.readUInt32BE(16), b.readUInt32BE(20)) : undefined;
    if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return readJpeg(b);
    if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP')
      return readWebp(b);
    if (b.length >= 10 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a'))
      return dims('gif', b.readUInt16LE(6), b.readUInt16LE(8));
  } catch {
    // A read past the end: a truncated header is no image.
  }
  return undefined;
}

function dims(format: RasterFormat, width: number, height: number): ImageHeader | undefined {
  return width > 0 && height > 0 ? { format, width, height } : undefined;
}

function readWebp(b: Buffer): ImageHeader | undefined {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return dims('webp', 1 + b.readUIntLE(24, 3), 1 + b.readUIntLE(27, 3));
  if (chunk === 'VP8 ') {
    // Key frame start code 9d 01 2a, then 14-bit width and height (2 bits of scaling each).
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return dims('webp', b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return undefined;
    const bits = b.readUInt32LE(21);
    return dims('webp', 1 + (bits & 0x3fff), 1 + ((bits >>> 14) & 0x3fff));
  }
  return undefined;
}

// SOF0–SOF15 but DHT (c4), JPG (c8) and DAC (cc), which share the range.
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function readJpeg(b: Buffer): ImageHeader | undefined {
  let p = 2;
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return undefined;
    const m = b[p + 1]!;
    if (m === 0xff) {
      p++; // fill byte
      continue;
    }
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      p += 2; // markers without a length
      continue;
    }
    if (m === 0xd9 || m === 0xda) return undefined; // end of image or scan data before any frame header
    const len = b.readUInt16BE(p + 2);
    if (len < 2) return undefined;
    if (isSof(m)) return dims('jpeg', b.readUInt16BE(p + 7), b.readUInt16BE(p + 5));
    p += 2 + len;
  }
  return undefined;
}
