// The red layer of a page for OCR (decision 0032). A 公文's 红头 (发文机关标志) is red type two to four times the
// size of the body, often letter-spaced or squeezed; tesseract reads type of ordinary size (its line models are
// trained on text lines of a few tens of pixels) and missed most of it (22–34 % CER on red-header pages). The red
// pixels are therefore lifted off the page: the page keeps its black text (a red seal no longer covers the date
// line under it), and the red type is cut into horizontal bands, each scaled so its type has an ordinary height,
// and stacked into one small image read apart; its lines are put back by their position on the page.
// Pure pixel arithmetic on RGBA buffers, used by render-ocr.ts in the capped render child.

/** One horizontal band of red type on the page, and where it lies in the stacked red image. */
export interface RedBand {
  /** Rows y0..y1 (exclusive) and columns x0..x1 (exclusive) of the page. */
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  /** Scale the band was drawn at in the stacked image. */
  scale: number;
  /** Top row of the band in the stacked image. */
  top: number;
}

/** The stacked image of a page's red bands. */
export interface RedLayer {
  file: string;
  width: number;
  height: number;
  bands: RedBand[];
}

/** How much a pixel is red rather than grey: red above the larger of green and blue, 0 for dark or grey pixels. */
export function redness(r: number, g: number, b: number): number {
  return r >= 110 ? Math.max(0, r - Math.max(g, b)) : 0;
}

/** A pixel this red is red ink (an anti-aliased edge on white is still about 100). */
const INK = 50;
/** A pixel this red is taken off the black page (the faint rim of red glyphs included). */
const LIFT = 30;
/** Type height the bands are scaled to, in pixels (tesseract reads 20–50 px type best). */
export const TARGET_HEIGHT = 40;
/** More of the page than this red: a tinted sheet or a photo, not red type; the page is left as it is. */
const MAX_RED_SHARE = 0.25;

/**
 * Finds the red bands of an RGBA page and whitens its red pixels in place; returns the bands (without `top`/`scale`
 * yet) and the red ink as a grey mask (0 = no ink, 255 = full ink), or no bands when the page has no red type.
 */
export function liftRed(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
): { bands: Array<Omit<RedBand, 'scale' | 'top'>>; ink: Uint8Array } {
  const ink = new Uint8Array(width * height);
  const rowInk = new Uint32Array(height);
  let lifted = 0;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const o = i * 4;
      const s = redness(rgba[o]!, rgba[o + 1]!, rgba[o + 2]!);
      if (s < LIFT) continue;
      lifted++;
      ink[i] = Math.min(255, s * 2);
      if (s >= INK) rowInk[y]!++;
    }
  }
  if (lifted === 0 || lifted > width * height * MAX_RED_SHARE) return { bands: [], ink: new Uint8Array(0) };
  for (let i = 0; i < width * height; i++) {
    if (ink[i]) rgba.fill(255, i * 4, i * 4 + 3);
  }
  return { bands: bandsOf(rowInk, ink, width), ink };
}

/** Runs of rows with red ink (gaps of a few rows inside a line of type bridged), rules and specks left out. */
function bandsOf(rowInk: Uint32Array, ink: Uint8Array, width: number): Array<Omit<RedBand, 'scale' | 'top'>> {
  const gap = Math.max(2, Math.round(width / 400));
  const minHeight = Math.max(6, Math.round(width / 160));
  const runs: Array<[number, number]> = [];
  for (let y = 0; y < rowInk.length; y++) {
    if (rowInk[y]! < 2) continue;
    const last = runs.at(-1);
    if (last && y - last[1] <= gap) last[1] = y + 1;
    else runs.push([y, y + 1]);
  }
  const bands: Array<Omit<RedBand, 'scale' | 'top'>> = [];
  for (const [y0, y1] of runs) {
    if (y1 - y0 < minHeight) continue;
    let x0 = width;
    let x1 = 0;
    let pixels = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = 0; x < width; x++) {
        if (ink[y * width + x]! < INK * 2) continue;
        pixels++;
        if (x < x0) x0 = x;
        if (x >= x1) x1 = x + 1;
      }
    }
    // A band that fills its box is a bar or a block, not type; a handful of pixels is a speck.
    if (pixels < 30 || pixels > 0.9 * (x1 - x0) * (y1 - y0)) continue;
    bands.push({ y0, y1, x0, x1 });
  }
  return bands;
}

/** Where each band goes in the stacked image: type taller than 1.5× the target is scaled down to it. */
export function stackBands(
  bands: Array<Omit<RedBand, 'scale' | 'top'>>,
  pad = TARGET_HEIGHT,
): { bands: RedBand[]; width: number; height: number } {
  const out: RedBand[] = [];
  let top = pad;
  let width = 0;
  for (const b of bands) {
    const h = b.y1 - b.y0;
    const scale = h > TARGET_HEIGHT * 1.5 ? TARGET_HEIGHT / h : 1;
    out.push({ ...b, scale, top });
    top += Math.ceil(h * scale) + pad;
    width = Math.max(width, Math.ceil((b.x1 - b.x0) * scale) + 2 * pad);
  }
  return { bands: out, width, height: top };
}

/** The page row of a row of the stacked red image (the band it falls in, back at page scale). */
export function pageY(bands: RedBand[], y: number): number {
  let band = bands[0];
  for (const b of bands) if (b.top <= y) band = b;
  if (!band) return y;
  return Math.round(band.y0 + (y - band.top) / band.scale);
}
