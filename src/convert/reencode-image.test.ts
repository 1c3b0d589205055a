import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { AppError } from '../errors.ts';
import { drawnImage, hugePngHeader, withExif } from '../testing/images.ts';
import { readImageHeader } from './image-header.ts';
import { reencodeImage } from './reencode-image.ts';

const AVATAR = { maxWidth: 256, maxHeight: 256, maxPixels: 25_000_000, crop: 'square' as const };

/** The RGB of one pixel of an encoded image. */
async function pixel(bytes: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const img = await loadImage(bytes);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(x, y, 1, 1).data;
  return [d[0]!, d[1]!, d[2]!];
}

const isWebp = (b: Buffer) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) < 40);

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return err;
  }
  assert.fail('expected a refusal');
}

describe('reencodeImage', () => {
  test('a PNG becomes a square WebP, center-cropped and scaled', async () => {
    const out = await reencodeImage(await drawnImage('png', 640, 480), AVATAR);
    assert.equal(out.mime, 'image/webp');
    assert.ok(isWebp(out.bytes));
    assert.deepEqual([out.width, out.height], [256, 256]);
    assert.deepEqual(readImageHeader(out.bytes), { format: 'webp', width: 256, height: 256 });
    // The crop keeps the middle: red on the left, blue on the right, the green band at the top.
    assert.ok(close(await pixel(out.bytes, 20, 128), [255, 0, 0]));
    assert.ok(close(await pixel(out.bytes, 236, 128), [0, 0, 255]));
    assert.ok(close(await pixel(out.bytes, 128, 10), [0, 255, 0]));
  });

  test('without crop the aspect ratio is kept and small images are not enlarged', async () => {
    const wide = await reencodeImage(await drawnImage('jpeg', 1200, 300), {
      maxWidth: 600,
      maxHeight: 600,
      maxPixels: 1e7,
    });
    assert.deepEqual([wide.width, wide.height], [600, 150]);
    const small = await reencodeImage(await drawnImage('webp', 40, 30), {
      maxWidth: 600,
      maxHeight: 600,
      maxPixels: 1e7,
    });
    assert.deepEqual([small.width, small.height], [40, 30]);
    assert.deepEqual(readImageHeader(small.bytes), { format: 'webp', width: 40, height: 30 });
  });

  test('EXIF is dropped from a JPEG, and a rotated photo comes out upright', async () => {
    const marker = 'GPS-SECRET-3f9a1c';
    const jpeg = withExif(await drawnImage('jpeg', 300, 100), { orientation: 6, marker });
    assert.ok(jpeg.includes(marker));
    const out = await reencodeImage(jpeg, { maxWidth: 1000, maxHeight: 1000, maxPixels: 1e7 });
    assert.ok(isWebp(out.bytes));
    assert.equal(out.bytes.includes(marker), false);
    assert.equal(out.bytes.includes(Buffer.from('Exif')), false);
    // Orientation 6 (turn 90° clockwise): 300×100 stored is 100×300 upright, the green band now on the right.
    assert.deepEqual([out.width, out.height], [100, 300]);
    assert.ok(close(await pixel(out.bytes, 95, 150), [0, 255, 0]));
  });

  test('a GIF is accepted (first frame)', async () => {
    const gif = Buffer.from('R0lGODlhAQABAIAAAP8AAP///yH5BAAAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const out = await reencodeImage(gif, AVATAR);
    assert.deepEqual([out.width, out.height], [1, 1]);
    assert.ok(isWebp(out.bytes));
  });

  test('HTML named as an image is refused', async () => {
    const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');
    assert.equal((await refusal(reencodeImage(html, AVATAR))).messageKey, 'image.notImage');
    // A PNG signature in front of HTML is no PNG either (no IHDR).
    const fake = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), html]);
    assert.equal((await refusal(reencodeImage(fake, AVATAR))).messageKey, 'image.notImage');
    // Other real formats are refused as well.
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
    assert.equal((await refusal(reencodeImage(pdf, AVATAR))).messageKey, 'image.notImage');
  });

  test('a 40-megapixel PNG is refused from its header, without decoding', async () => {
    const bomb = hugePngHeader(8000, 5000);
    assert.ok(bomb.length < 2000);
    const err = await refusal(reencodeImage(bomb, AVATAR));
    // A decode would have failed on the short pixel data (image.corrupt); the header check answered first.
    assert.equal(err.messageKey, 'image.tooManyPixels');
    assert.equal(err.status, 422);
    assert.deepEqual(err.params, { width: 8000, height: 5000, megapixels: 40, max: 25 });
  });

  test('malformed images that crash the decoder are refused, and this process lives on', async () => {
    // These crash Skia's decoder in this canvas version (SIGSEGV); the decode runs in a child process.
    const png = await drawnImage('png', 64, 64);
    assert.equal((await refusal(reencodeImage(png.subarray(0, 60), AVATAR))).messageKey, 'image.corrupt');
    const jpeg = await drawnImage('jpeg', 64, 64);
    assert.equal((await refusal(reencodeImage(jpeg.subarray(0, 700), AVATAR))).messageKey, 'image.corrupt');
    // Still working afterwards.
    const ok = await reencodeImage(png, AVATAR);
    assert.deepEqual([ok.width, ok.height], [64, 64]);
  });
});

describe('readImageHeader', () => {
  test('reads PNG, JPEG, WebP and GIF dimensions', async () => {
    assert.deepEqual(readImageHeader(await drawnImage('png', 33, 21)), { format: 'png', width: 33, height: 21 });
    assert.deepEqual(readImageHeader(await drawnImage('jpeg', 33, 21)), { format: 'jpeg', width: 33, height: 21 });
    assert.deepEqual(readImageHeader(await drawnImage('webp', 33, 21)), { format: 'webp', width: 33, height: 21 });
    const gif = Buffer.from('R0lGODlhAQABAIAAAP8AAP///yH5BAAAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    assert.deepEqual(readImageHeader(gif), { format: 'gif', width: 1, height: 1 });
    assert.equal(readImageHeader(Buffer.from('<html>')), undefined);
    assert.equal(readImageHeader(Buffer.from('ffd8ffe0', 'hex')), undefined);
  });
});
