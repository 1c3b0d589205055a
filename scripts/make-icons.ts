/**
 * Draws the app icons (a deep-red rounded square with a white 文) into src/web/public/icons/.
 * Run by hand after changing the design: `npx tsx scripts/make-icons.ts`; the PNGs are committed.
 * favicon.svg beside them is hand-written, not generated.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';

// Sans Bold: the serif face's hairline horizontals vanish at launcher and favicon sizes.
const FONT_FILE = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc';
const FACE_FAMILY = 'Noto Sans CJK SC';
/** A private alias, so the drawing can never silently fall back to whatever fontconfig offers under the real name. */
const FONT_ALIAS = 'Wenyuan Icon Sans';
const BRAND = '#b71c1c';
const OUT_DIR = fileURLToPath(new URL('../src/web/public/icons/', import.meta.url));

/** How one icon file is drawn: size in px, and how it must survive the platform's own cropping. */
interface IconSpec {
  file: string;
  size: number;
  /** 'rounded': transparent corners (purpose any). 'full-bleed': opaque square the platform masks itself. */
  shape: 'rounded' | 'full-bleed';
  /** Glyph ink height as a share of the icon; maskable icons keep it inside the 80 % safe circle. */
  glyph: number;
}

const ICONS: IconSpec[] = [
  { file: 'icon-192.png', size: 192, shape: 'rounded', glyph: 0.62 },
  { file: 'icon-512.png', size: 512, shape: 'rounded', glyph: 0.62 },
  // The safe zone is a circle of radius 40 %; a square glyph of side s fits when s·√2/2 ≤ 0.4, i.e. s ≤ 0.56.
  { file: 'maskable-512.png', size: 512, shape: 'full-bleed', glyph: 0.5 },
  // iOS rounds the corners itself and paints transparency black, so it gets an opaque square.
  { file: 'apple-touch-icon.png', size: 180, shape: 'full-bleed', glyph: 0.6 },
];

main();

function main(): void {
  // 1. Load the Simplified Chinese face of Noto Sans CJK Bold (the .ttc holds JP, KR, SC, TC and HK faces).
  if (!existsSync(FONT_FILE)) {
    fail(`font not found: ${FONT_FILE}\nInstall it with: apt-get install fonts-noto-cjk`);
  }
  const face = extractFace(readFileSync(FONT_FILE), FACE_FAMILY);
  if (!face) fail(`${FONT_FILE} has no face named "${FACE_FAMILY}"`);
  if (!GlobalFonts.register(face, FONT_ALIAS)) fail(`could not register "${FACE_FAMILY}" from ${FONT_FILE}`);

  // 2. Draw and write each icon.
  for (const spec of ICONS) {
    writeFileSync(`${OUT_DIR}${spec.file}`, draw(spec));
  }
}

function draw({ size, shape, glyph }: IconSpec): Buffer {
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = BRAND;
  if (shape === 'rounded') {
    ctx.beginPath();
    ctx.roundRect(0, 0, size, size, size * 0.2);
    ctx.fill();
  } else {
    ctx.fillRect(0, 0, size, size);
  }

  // Centre the ink itself, not the em box: CJK glyphs sit unevenly within their advance and line height.
  ctx.fillStyle = '#ffffff';
  ctx.font = `700 ${Math.round(size * glyph * 1.12)}px "${FONT_ALIAS}"`;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  const m = ctx.measureText('文');
  const inkWidth = m.actualBoundingBoxLeft + m.actualBoundingBoxRight;
  const inkHeight = m.actualBoundingBoxAscent + m.actualBoundingBoxDescent;
  if (inkWidth <= 0 || inkHeight <= 0) fail('the font drew nothing for 文');
  const x = (size - inkWidth) / 2 + m.actualBoundingBoxLeft;
  const y = (size - inkHeight) / 2 + m.actualBoundingBoxAscent;
  ctx.fillText('文', x, y);
  return canvas.toBuffer('image/png');
}

/**
 * Copies one face out of an OpenType collection into a standalone font file, choosing it by family name
 * (name ID 1, Windows platform). Table data is shared between faces in a .ttc, so each table is copied whole.
 */
function extractFace(ttc: Buffer, family: string): Buffer | null {
  if (ttc.toString('latin1', 0, 4) !== 'ttcf') return null;
  const faces = ttc.readUInt32BE(8);
  for (let i = 0; i < faces; i++) {
    const start = ttc.readUInt32BE(12 + i * 4);
    const numTables = ttc.readUInt16BE(start + 4);
    const tables = Array.from({ length: numTables }, (_, t) => {
      const rec = start + 12 + t * 16;
      return {
        tag: ttc.toString('latin1', rec, rec + 4),
        checksum: ttc.readUInt32BE(rec + 4),
        offset: ttc.readUInt32BE(rec + 8),
        length: ttc.readUInt32BE(rec + 12),
      };
    });
    const name = tables.find((t) => t.tag === 'name');
    if (!name || !familyNames(ttc.subarray(name.offset, name.offset + name.length)).includes(family)) continue;

    const headerLength = 12 + numTables * 16;
    const padded = (n: number) => (n + 3) & ~3;
    const out = Buffer.alloc(headerLength + tables.reduce((sum, t) => sum + padded(t.length), 0));
    ttc.copy(out, 0, start, start + 12);
    let offset = headerLength;
    tables.forEach((t, k) => {
      const rec = 12 + k * 16;
      out.write(t.tag, rec, 'latin1');
      out.writeUInt32BE(t.checksum, rec + 4);
      out.writeUInt32BE(offset, rec + 8);
      out.writeUInt32BE(t.length, rec + 12);
      ttc.copy(out, offset, t.offset, t.offset + t.length);
      offset += padded(t.length);
    });
    return out;
  }
  return null;
}

/** The family names (name ID 1) a `name` table gives in UTF-16 (Windows platform). */
function familyNames(table: Buffer): string[] {
  const count = table.readUInt16BE(2);
  const stringsAt = table.readUInt16BE(4);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const rec = 6 + i * 12;
    if (table.readUInt16BE(rec) !== 3 || table.readUInt16BE(rec + 6) !== 1) continue;
    const length = table.readUInt16BE(rec + 8);
    const at = stringsAt + table.readUInt16BE(rec + 10);
    names.push(
      Buffer.from(table.subarray(at, at + length))
        .swap16()
        .toString('utf16le'),
    );
  }
  return names;
}

function fail(message: string): never {
  console.error(`make-icons: ${message}`);
  process.exit(1);
}
