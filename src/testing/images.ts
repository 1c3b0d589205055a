// Test images made on the spot: real PNG/JPEG bytes from a drawn canvas, EXIF segments spliced into a JPEG, and
// a PNG that declares huge dimensions without the pixels to back them.
import { deflateSync } from 'node:zlib';
import { createCanvas } from '@napi-rs/canvas';

/** A W×H image: left half red, right half blue, a green band across the top fifth (so orientation shows). */
export async function drawnImage(format: 'png' | 'jpeg' | 'webp', width: number, height: number): Promise<Buffer> {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ff0000';
  ctx.fillRect(0, 0, width / 2, height);
  ctx.fillStyle = '#0000ff';
  ctx.fillRect(width / 2, 0, width - width / 2, height);
  ctx.fillStyle = '#00ff00';
  ctx.fillRect(0, 0, width, Math.max(1, Math.floor(height / 5)));
  if (format === 'png') return canvas.encode('png');
  if (format === 'webp') return canvas.encode('webp', 90);
  return canvas.encode('jpeg', 90);
}

/**
 * The JPEG with an APP1 EXIF segment inserted after SOI: IFD0 with Orientation and an ImageDescription holding
 * `marker` (so a test can grep the output for it).
 */
export function withExif(jpeg: Buffer, opts: { orientation?: number; marker: string }): Buffer {
  const desc = Buffer.from(`${opts.marker}\0`, 'latin1');
  const entries = 2;
  const ifdSize = 2 + entries * 12 + 4;
  const tiff = Buffer.alloc(8 + ifdSize + desc.length);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(entries, 8);
  // ImageDescription (0x010e), ASCII, its text after the IFD.
  tiff.writeUInt16BE(0x010e, 10);
  tiff.writeUInt16BE(2, 12);
  tiff.writeUInt32BE(desc.length, 14);
  tiff.writeUInt32BE(8 + ifdSize, 18);
  // Orientation (0x0112), SHORT, value left-justified in the 4 bytes.
  tiff.writeUInt16BE(0x0112, 22);
  tiff.writeUInt16BE(3, 24);
  tiff.writeUInt32BE(1, 26);
  tiff.writeUInt16BE(opts.orientation ?? 1, 30);
  tiff.writeUInt32BE(0, 34);
  desc.copy(tiff, 8 + ifdSize);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1[0] = 0xff;
  app1[1] = 0xe1;
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, payload, jpeg.subarray(2)]);
}

/**
 * A PNG that declares `width`×`height` (IHDR, RGBA) but carries a few hundred bytes of IDAT: cheap to build, and
 * a decoder that trusted it would allocate width×height×4 bytes before finding the data short.
 */
export function hugePngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(b: Buffer): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
