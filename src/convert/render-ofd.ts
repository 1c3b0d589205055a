// Page images of an OFD's first pages, drawn from its own content with @napi-rs/canvas: text in the 公文 fonts the
// page names (mapped to installed faces, docs/fonts.md), paths, images (the red seal where it is an image), and
// annotation appearances (stamps); then the same faint watermark as PDF pages (render-pdf.ts). Runs where
// renderPdfPages runs, under the same time and memory caps.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCanvas, type Image, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { readImageHeader } from './image-header.ts';
import { type Matrix, multiply, scaleOf, walkPage } from './ofd/content.ts';
import { type OfdFont, type OfdPage, type OfdResources, readOfdPackage } from './ofd/package.ts';
import { child, type XmlElement } from './ofd/xml-tree.ts';
import { drawWatermark, type RenderedPage, type RenderRequest, type RenderResult } from './render-pdf.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';
import { scanZip } from './zip-inspect.ts';

const KEEP = /\.(xml|png|jpe?g|gif|webp|bmp)$/i;
// A bitmap larger than this is not drawn (the page is still rendered without it).
const MAX_IMAGE_PIXELS = 25_000_000;

/** Renders pages 1..req.pages of the OFD at `req.pdfPath` (the request names the source file that way). */
export async function renderOfdPages(req: RenderRequest): Promise<RenderResult> {
  const scan = await scanZip(req.pdfPath, DEFAULT_LIMITS, (name) => KEEP.test(name));
  const pkg = readOfdPackage(scan.kept, scan.names, req.maxPages);
  const all: Array<{ page: OfdPage; res: OfdResources }> = [];
  for (const doc of pkg.documents) for (const page of doc.pages) all.push({ page, res: doc.resources });
  const format = 'png' as const;
  const webp = await webpWorks();
  const out: RenderedPage[] = [];
  const count = Math.min(all.length, Math.max(0, Math.floor(req.pages)));
  await mkdir(req.outDir, { recursive: true });
  const images = new Map<string, Image | null>();
  for (let n = 1; n <= count; n++) {
    const { page, res } = all[n - 1]!;
    const area = page.area;
    if (!(area.w > 0 && area.h > 0)) break;
    const scale = req.width / area.w;
    const width = Math.round(req.width);
    const height = Math.round(area.h * scale);
    if (!(height > 0) || height > req.maxHeight) break;
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    const base: Matrix = [scale, 0, 0, scale, -area.x * scale, -area.y * scale];
    await drawPage(ctx, base, page, res, scan.kept, images);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    drawWatermark(ctx as unknown as CanvasRenderingContext2D, width, height, req.watermark);
    const ext = webp ? 'webp' : format;
    const bytes = webp ? await canvas.encode('webp', 78) : await canvas.encode('png');
    const file = join(req.outDir, `${n}.${ext}`);
    await writeFile(file, bytes);
    out.push({ number: n, file, width, height });
  }
  if (all.length === 0) throw new ConversionError('emptyText');
  return { format: webp ? 'webp' : format, pages: out, pageCount: all.length };
}

let webpOk: boolean | undefined;
async function webpWorks(): Promise<boolean> {
  if (webpOk === undefined) {
    try {
      webpOk = (await createCanvas(2, 2).encode('webp', 80)).length > 0;
    } catch {
      webpOk = false;
    }
  }
  return webpOk;
}

async function drawPage(
  ctx: SKRSContext2D,
  base: Matrix,
  page: OfdPage,
  res: OfdResources,
  parts: ReadonlyMap<string, Buffer>,
  images: Map<string, Image | null>,
): Promise<void> {
  // Images are decoded before the (synchronous) walk draws; the walk is run twice: once to collect them.
  const wanted = new Set<string>();
  walkPage(page, res, { image: (_o, _m, part) => part && wanted.add(part) }, { annotations: true });
  for (const part of wanted) if (!images.has(part)) images.set(part, await decode(parts.get(part)));
  const set = (m: Matrix) => {
    const t = multiply(base, m);
    ctx.setTransform(t[0], t[1], t[2], t[3], t[4], t[5]);
  };
  // Every graphic unit may carry its own Alpha (0–255): a white rectangle with Alpha 0 over a page is invisible.
  const alpha = (obj: XmlElement) => {
    const a = obj.attrs.Alpha === undefined ? 255 : Number(obj.attrs.Alpha);
    ctx.globalAlpha = Number.isFinite(a) ? Math.min(255, Math.max(0, a)) / 255 : 1;
    return ctx.globalAlpha > 0;
  };
  walkPage(
    page,
    res,
    {
      path(obj, m, param) {
        const data = child(obj, 'AbbreviatedData')?.text;
        if (!data || !alpha(obj)) return;
        set(m);
        ctx.beginPath();
        tracePath(ctx, data);
        const fill = obj.attrs.Fill === 'true';
        const stroke = obj.attrs.Stroke !== 'false';
        if (fill) {
          ctx.fillStyle = color(child(obj, 'FillColor') ?? param?.fill, '#000000');
          ctx.fill(obj.attrs.Rule === 'Even-Odd' ? 'evenodd' : 'nonzero');
        }
        if (stroke) {
          ctx.strokeStyle = color(child(obj, 'StrokeColor') ?? param?.stroke, '#000000');
          const lw = Number(obj.attrs.LineWidth ?? param?.lineWidth ?? 0.353);
          // Never thinner than a device pixel, or hairlines vanish.
          ctx.lineWidth = Math.max(Number.isFinite(lw) ? lw : 0.353, 1 / (scaleOf(base) * scaleOf(m)));
          ctx.stroke();
        }
      },
      text(obj, m, glyphs, { size, font, param }) {
        if (obj.attrs.Fill === 'false' || !alpha(obj)) return;
        ctx.fillStyle = color(child(obj, 'FillColor') ?? param?.fill, '#000000');
        const hScale = Number(obj.attrs.HScale) || 1;
        // Glyphs drawn at 100 units and scaled down: tiny font sizes under a large transform render poorly.
        const unit = size / 100;
        ctx.font = fontFor(font, obj);
        for (const g of glyphs) {
          if (!g.ch.trim()) continue;
          set(multiply(m, [unit * hScale, 0, 0, unit, g.x, g.y]));
          ctx.fillText(g.ch, 0, 0);
        }
      },
      image(obj, m, part) {
        const img = part ? images.get(part) : undefined;
        if (!img || !alpha(obj)) return;
        set(m);
        ctx.drawImage(img, 0, 0, 1, 1);
      },
    },
    { annotations: true },
  );
  ctx.globalAlpha = 1;
}

// Decodes an image only when its header parses, its size is sane and the file is complete: Skia in this canvas
// build has crashed the process on truncated images, and a worker crash fails every task it runs.
async function decode(bytes: Buffer | undefined): Promise<Image | null> {
  if (!bytes) return null;
  const header = readImageHeader(bytes);
  if (!header || header.width * header.height > MAX_IMAGE_PIXELS) return null;
  if (!complete(bytes, header.format)) return null;
  try {
    return await loadImage(bytes);
  } catch {
    return null;
  }
}

function complete(b: Buffer, format: string): boolean {
  if (format === 'png') return b.includes(Buffer.from('IEND'), Math.max(0, b.length - 64));
  if (format === 'jpeg') {
    // The end-of-image marker, allowing for a few bytes of padding after it.
    const tail = b.subarray(Math.max(0, b.length - 32));
    return tail.includes(Buffer.from([0xff, 0xd9]));
  }
  return true;
}

/** AbbreviatedData: M/S x y (move), L x y, Q x1 y1 x y, B x1 y1 x2 y2 x y, A rx ry rot large sweep x y, C (close). */
function tracePath(ctx: SKRSContext2D, data: string): void {
  const t = data.trim().split(/[\s,]+/);
  const ARITY: Record<string, number> = { S: 2, M: 2, L: 2, Q: 4, B: 6, A: 7, C: 0 };
  let i = 0;
  let cx = 0;
  let cy = 0;
  while (i < t.length) {
    const op = t[i++]!;
    const arity = ARITY[op];
    // Unknown token: skip it (a stray number, or garbage).
    if (arity === undefined) continue;
    const a = t.slice(i, i + arity).map(Number);
    if (a.length < arity || a.some((v) => !Number.isFinite(v))) continue;
    i += arity;
    if (op === 'S' || op === 'M') ctx.moveTo(a[0]!, a[1]!);
    else if (op === 'L') ctx.lineTo(a[0]!, a[1]!);
    else if (op === 'Q') ctx.quadraticCurveTo(a[0]!, a[1]!, a[2]!, a[3]!);
    else if (op === 'B') ctx.bezierCurveTo(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
    else if (op === 'A') arcTo(ctx, cx, cy, a);
    else ctx.closePath();
    if (arity >= 2) [cx, cy] = [a[arity - 2]!, a[arity - 1]!];
  }
}

// An SVG-style elliptical arc from (x0, y0), drawn as canvas ellipse segments (endpoint → centre parametrisation).
function arcTo(ctx: SKRSContext2D, x0: number, y0: number, a: number[]): void {
  let [rx, ry] = [Math.abs(a[0]!), Math.abs(a[1]!)];
  const phi = (a[2]! * Math.PI) / 180;
  const [large, sweep, x, y] = [a[3]! !== 0, a[4]! !== 0, a[5]!, a[6]!];
  if (rx === 0 || ry === 0) {
    ctx.lineTo(x, y);
    return;
  }
  const cos = Math.cos(phi);
  const sin = Math.sin(phi);
  const dx = (x0 - x) / 2;
  const dy = (y0 - y) / 2;
  const x1 = cos * dx + sin * dy;
  const y1 = -sin * dx + cos * dy;
  const lambda = (x1 * x1) / (rx * rx) + (y1 * y1) / (ry * ry);
  if (lambda > 1) {
    rx *= Math.sqrt(lambda);
    ry *= Math.sqrt(lambda);
  }
  const num = rx * rx * ry * ry - rx * rx * y1 * y1 - ry * ry * x1 * x1;
  const den = rx * rx * y1 * y1 + ry * ry * x1 * x1;
  const k = (large === sweep ? -1 : 1) * Math.sqrt(Math.max(0, num / (den || 1)));
  const cxp = (k * rx * y1) / ry;
  const cyp = (-k * ry * x1) / rx;
  const cx = cos * cxp - sin * cyp + (x0 + x) / 2;
  const cy = sin * cxp + cos * cyp + (y0 + y) / 2;
  const angle = (ux: number, uy: number) => Math.atan2(uy, ux);
  const start = angle((x1 - cxp) / rx, (y1 - cyp) / ry);
  const end = angle((-x1 - cxp) / rx, (-y1 - cyp) / ry);
  ctx.ellipse(cx, cy, rx, ry, phi, start, end, !sweep);
}

/** "r g b" (0–255, or #hex per component) with an optional Alpha (0–255) → a CSS colour. */
function color(el: XmlElement | undefined, fallback: string): string {
  const v = el?.attrs.Value;
  if (!v) return fallback;
  const parts = v
    .trim()
    .split(/\s+/)
    .map((p) => (p.startsWith('#') ? Number.parseInt(p.slice(1), 16) : Number(p)));
  if (parts.some((p) => !Number.isFinite(p))) return fallback;
  const alpha = el?.attrs.Alpha !== undefined ? Math.min(255, Math.max(0, Number(el.attrs.Alpha) || 0)) / 255 : 1;
  const c = (n: number | undefined) => Math.min(255, Math.max(0, Math.round(n ?? 0)));
  if (parts.length === 1) return `rgba(${c(parts[0])},${c(parts[0])},${c(parts[0])},${alpha})`;
  if (parts.length === 4) {
    // CMYK, naively converted: enough for the red of a 红头 and the black of text.
    const [C, M, Y, K] = parts.map((p) => p / 255) as [number, number, number, number];
    return `rgba(${c(255 * (1 - C) * (1 - K))},${c(255 * (1 - M) * (1 - K))},${c(255 * (1 - Y) * (1 - K))},${alpha})`;
  }
  return `rgba(${c(parts[0])},${c(parts[1])},${c(parts[2])},${alpha})`;
}

// 公文 fonts by name → the installed faces fontconfig maps them to (config/fontconfig/fonts.conf, docs/fonts.md).
const SERIF = '"Noto Serif CJK SC", "Noto Serif CJK", serif';
const SANS = '"Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif';
function fontFor(font: OfdFont | undefined, obj: XmlElement): string {
  const name = `${font?.name ?? ''} ${font?.family ?? ''}`;
  const bold = font?.bold || Number(obj.attrs.Weight) >= 600 ? 'bold ' : '';
  const italic = font?.italic || obj.attrs.Italic === 'true' ? 'italic ' : '';
  const sans = /黑|hei|sans|arial|helvetica|yahei|雅黑|courier|mono/i.test(name);
  return `${italic}${bold}100px ${sans ? SANS : SERIF}`;
}
