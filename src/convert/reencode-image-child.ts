// The child process of reencode-image.ts: decodes one image with @napi-rs/canvas, draws it scaled onto a new
// canvas and encodes WebP. It runs apart from the server because Skia's decoder in this version of the canvas
// crashes the whole process (SIGSEGV) on some malformed images instead of failing: here a crash costs one child.
import { createCanvas, loadImage } from '@napi-rs/canvas';

/** The work, as the parent sends it (already sniffed and checked against the pixel cap). */
export interface ChildTask {
  bytes: Uint8Array;
  maxWidth: number;
  maxHeight: number;
  maxPixels: number;
  quality: number;
  crop: boolean;
}

/** The answer: WebP bytes and size, or why the image was refused. */
export type ChildReply =
  | { ok: true; bytes: Uint8Array; width: number; height: number }
  | { ok: false; reason: 'corrupt' | 'tooManyPixels'; width?: number; height?: number };

async function draw(task: ChildTask): Promise<ChildReply> {
  // Skia applies the EXIF orientation while decoding: width and height are the upright ones.
  const img = await loadImage(Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength));
  const { width: w, height: h } = img;
  if (!w || !h) return { ok: false, reason: 'corrupt' };
  // The parent checked the header; this guards against a decoder that reads other dimensions.
  if (w * h > task.maxPixels) return { ok: false, reason: 'tooManyPixels', width: w, height: h };
  let sx = 0;
  let sy = 0;
  let sw = w;
  let sh = h;
  if (task.crop) {
    const side = Math.min(w, h);
    sx = (w - side) / 2;
    sy = (h - side) / 2;
    sw = side;
    sh = side;
  }
  const scale = Math.min(1, task.maxWidth / sw, task.maxHeight / sh);
  const outW = Math.max(1, Math.round(sw * scale));
  const outH = Math.max(1, Math.round(sh * scale));
  const canvas = createCanvas(outW, outH);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(img, sx, sy, sw, sh, 0, 0, outW, outH);
  // Only pixels leave: EXIF, XMP, ICC profiles and text chunks stay behind.
  const bytes = await canvas.encode('webp', task.quality);
  if (!bytes.length) return { ok: false, reason: 'corrupt' };
  return { ok: true, bytes, width: outW, height: outH };
}

process.once('message', (task: ChildTask) => {
  draw(task)
    .catch((): ChildReply => ({ ok: false, reason: 'corrupt' }))
    .then((reply) => process.send!(reply, () => process.exit(0)));
});
