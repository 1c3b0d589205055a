// Untrusted images in, a fresh WebP out. Used for avatars and 客服 screenshots: whatever the user sent (a PNG with
// text chunks, a JPEG with EXIF GPS data, an HTML page named .png) never reaches storage as sent.
//
// 1. Sniff: file-type must say PNG, JPEG, WebP or GIF, and the header must parse as that format.
// 2. Check the dimensions from the header before decoding (a 40-megapixel PNG is refused without a bitmap).
// 3. Decode with @napi-rs/canvas (Skia, which turns EXIF-rotated photos upright) in a short-lived child process,
//    draw scaled onto a new canvas, optionally center-cropped to a square.
// 4. Encode the canvas as WebP: only pixels survive, so metadata (EXIF, XMP, ICC text, comments) is dropped by
//    construction.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fileTypeFromBuffer } from 'file-type';
import { unsupportedFile } from '../errors.ts';
import { readImageHeader } from './image-header.ts';
import type { ChildReply, ChildTask } from './reencode-image-child.ts';

/** Limits and shape of the re-encoded image. */
export interface ReencodeOptions {
  /** Largest output width; the image is scaled down (never up) to fit. */
  maxWidth: number;
  /** Largest output height. */
  maxHeight: number;
  /** Largest input width × height accepted, checked from the header before decoding. */
  maxPixels: number;
  /** WebP quality 0–100 (default 82). */
  quality?: number;
  /** 'square': center-crop to the largest square first (avatars). */
  crop?: 'square';
}

/** The re-encoded image. */
export interface ReencodedImage {
  bytes: Buffer;
  width: number;
  height: number;
  mime: 'image/webp';
}

const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

/**
 * Re-encodes an untrusted PNG/JPEG/WebP/GIF as WebP within the given limits. Throws AppError 422 with a zh-CN
 * message key: `image.notImage` (not one of the four formats, e.g. HTML), `image.tooManyPixels` (header
 * dimensions over `maxPixels`, nothing decoded) or `image.corrupt` (the decoder refused it). The caller caps the
 * byte size before calling (the bytes are already in memory here).
 */
export async function reencodeImage(bytes: Buffer, opts: ReencodeOptions): Promise<ReencodedImage> {
  // 1. Sniff by content, never by name or declared type.
  const sniffed = await fileTypeFromBuffer(bytes);
  const header = readImageHeader(bytes);
  if (!sniffed || !ACCEPTED.has(sniffed.mime) || !header || `image/${header.format}` !== sniffed.mime)
    throw unsupportedFile('image.notImage');

  // 2. Pixel cap from the header.
  const { width: w, height: h } = header;
  if (w * h > opts.maxPixels) throw tooManyPixels(w, h, opts.maxPixels);

  // 3–4. Decode, draw and encode in a child process (see reencode-image-child.ts for why).
  const reply = await inChild({
    bytes,
    maxWidth: opts.maxWidth,
    maxHeight: opts.maxHeight,
    maxPixels: opts.maxPixels,
    quality: Math.max(0, Math.min(100, opts.quality ?? 82)),
    crop: opts.crop === 'square',
  });
  if (!reply.ok) {
    if (reply.reason === 'tooManyPixels') throw tooManyPixels(reply.width ?? 0, reply.height ?? 0, opts.maxPixels);
    throw unsupportedFile('image.corrupt');
  }
  const out = Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength);
  return { bytes: out, width: reply.width, height: reply.height, mime: 'image/webp' };
}

/** Children at once: decoding is CPU-bound and a machine may have two cores. */
const MAX_CHILDREN = 2;
/** A decode that takes longer is abandoned (the child is killed). */
const CHILD_TIMEOUT_MS = 20_000;
let running = 0;
const waiting: Array<() => void> = [];

async function inChild(task: ChildTask): Promise<ChildReply> {
  if (running >= MAX_CHILDREN) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await runChild(task);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function runChild(task: ChildTask): Promise<ChildReply> {
  return new Promise((resolve) => {
    // Under tsx (dev, tests) the entry is TypeScript and the child loads tsx; a built tree runs the .js directly.
    const ts = import.meta.url.endsWith('.ts');
    const entry = fileURLToPath(
      new URL(ts ? './reencode-image-child.ts' : './reencode-image-child.js', import.meta.url),
    );
    const child = fork(entry, [], {
      execArgv: ts ? ['--import', import.meta.resolve('tsx')] : [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let settled = false;
    const finish = (reply: ChildReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(reply);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, reason: 'corrupt' });
    }, CHILD_TIMEOUT_MS);
    child.once('message', (reply: ChildReply) => finish(reply));
    // A crash (the reason for the child) or a failed start: the image is refused, the server lives on.
    child.once('exit', () => finish({ ok: false, reason: 'corrupt' }));
    child.once('error', () => finish({ ok: false, reason: 'corrupt' }));
    child.send(task);
  });
}

function tooManyPixels(w: number, h: number, max: number) {
  return unsupportedFile('image.tooManyPixels', {
    width: w,
    height: h,
    megapixels: Math.round((w * h) / 1e5) / 10,
    max: Math.round(max / 1e5) / 10,
  });
}
