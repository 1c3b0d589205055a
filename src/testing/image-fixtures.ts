// Scans for the OCR and image-upload tests, made in the test: pages of Chinese text drawn with @napi-rs/canvas and
// an uncompressed grayscale TIFF writer (Skia cannot encode TIFF). EXIF and bomb headers: images.ts.
import { type Canvas, createCanvas } from '@napi-rs/canvas';

/** A white page `width` px wide (A4 proportions) with `lines` of black text in a CJK face, 40 px type. */
export function textPage(lines: string[], width = 1240): Canvas {
  const height = Math.round(width * Math.SQRT2);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = '40px "Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", sans-serif';
  for (const [i, line] of lines.entries()) ctx.fillText(line, 120, 200 + i * 80);
  return canvas;
}

/** The gray levels of a canvas (one byte a pixel). */
export function grayOf(canvas: Canvas): { width: number; height: number; gray: Uint8Array } {
  const { width, height } = canvas;
  const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4]!;
  return { width, height, gray };
}

/** A little-endian baseline TIFF, one uncompressed 8-bit grayscale strip a page. */
export function writeTiff(pages: Array<{ width: number; height: number; gray: Uint8Array }>): Buffer {
  const parts: Buffer[] = [];
  let offset = 8;
  const header = Buffer.alloc(8);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  parts.push(header);
  let previousNext = 4; // where the offset of the next directory is written
  const patches: Array<[number, number]> = [];
  for (const page of pages) {
    const data = Buffer.from(page.gray);
    const stripOffset = offset;
    parts.push(data);
    offset += data.length + (data.length % 2);
    if (data.length % 2) parts.push(Buffer.alloc(1));
    const entries: Array<[number, number, number]> = [
      [256, 4, page.width],
      [257, 4, page.height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, stripOffset],
      [277, 3, 1],
      [278, 4, page.height],
      [279, 4, data.length],
    ];
    const ifd = Buffer.alloc(2 + entries.length * 12 + 4);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, value], i) => {
      ifd.writeUInt16LE(tag, 2 + i * 12);
      ifd.writeUInt16LE(type, 4 + i * 12);
      ifd.writeUInt32LE(1, 6 + i * 12);
      if (type === 3) ifd.writeUInt16LE(value, 10 + i * 12);
      else ifd.writeUInt32LE(value, 10 + i * 12);
    });
    patches.push([previousNext, offset]);
    previousNext = offset + 2 + entries.length * 12;
    parts.push(ifd);
    offset += ifd.length;
  }
  const out = Buffer.concat(parts);
  for (const [at, value] of patches) out.writeUInt32LE(value, at);
  return out;
}
