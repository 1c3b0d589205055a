// Pages drawn for OCR (decision 0032), in the render child (render-process.ts: resident memory and time capped):
// lossless PNG (a lossy WebP page image blurs the strokes of small type), no watermark, and — unless `redLayer` is
// false — the red type lifted off into a stacked image of its own (ocr-layers.ts) that tesseract reads apart.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { liftRed, type RedLayer, stackBands } from './ocr-layers.ts';
import { drawPdfPages, type RenderRequest, type RenderResult } from './render-pdf.ts';

export async function renderOcrPages(req: RenderRequest): Promise<RenderResult> {
  return drawPdfPages(req, 'png', async (canvas, n) => {
    const { width, height } = canvas;
    const ctx = canvas.getContext('2d');
    let red: RedLayer | undefined;
    if (req.redLayer !== false) {
      const image = ctx.getImageData(0, 0, width, height);
      const lifted = liftRed(image.data, width, height);
      if (lifted.bands.length > 0) {
        ctx.putImageData(image, 0, 0);
        red = await writeRedLayer(lifted.ink, width, height, lifted.bands, join(req.outDir, `${n}.red.png`));
      }
    }
    const file = join(req.outDir, `${n}.png`);
    await writeFile(file, await canvas.encode('png'));
    return { number: n, file, width, height, ...(red ? { red } : {}) };
  });
}

/** The red ink as black type on white, each band scaled and stacked (ocr-layers.ts stackBands). */
async function writeRedLayer(
  ink: Uint8Array,
  width: number,
  height: number,
  bands: Parameters<typeof stackBands>[0],
  file: string,
): Promise<RedLayer> {
  const source = createCanvas(width, height);
  const sctx = source.getContext('2d');
  const image = sctx.createImageData(width, height);
  for (let i = 0; i < ink.length; i++) {
    const v = 255 - ink[i]!;
    image.data[i * 4] = v;
    image.data[i * 4 + 1] = v;
    image.data[i * 4 + 2] = v;
    image.data[i * 4 + 3] = 255;
  }
  sctx.putImageData(image, 0, 0);
  const stack = stackBands(bands);
  const out = createCanvas(stack.width, stack.height);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, stack.width, stack.height);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const pad = (stack.width - Math.max(...stack.bands.map((b) => Math.ceil((b.x1 - b.x0) * b.scale)))) / 2;
  for (const b of stack.bands) {
    const w = b.x1 - b.x0;
    const h = b.y1 - b.y0;
    ctx.drawImage(source, b.x0, b.y0, w, h, pad, b.top, Math.ceil(w * b.scale), Math.ceil(h * b.scale));
  }
  await writeFile(file, await out.encode('png'));
  return { file, width: stack.width, height: stack.height, bands: stack.bands };
}
