// Uploaded images become image-only PDFs (image-scan.ts, render-image.ts) before OCR reads them: a multi-page TIFF
// gives one PDF page a page, EXIF never reaches the PDF, and bombs (a PNG or TIFF page declaring a huge size, TIFF
// directories in a loop) are refused from their headers without anything decoded. No OCR runs here.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { grayOf, textPage, writeTiff } from '../testing/image-fixtures.ts';
import { hugePngHeader, withExif } from '../testing/images.ts';
import { imageToPdf } from './image-scan.ts';
import { renderImagePages } from './render-image.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { sniffFile } from './sniff.ts';
import { readTiffPages } from './tiff-pages.ts';
import { ConversionError } from './types.ts';

const never = async (_: RenderRequest): Promise<RenderResult> => {
  throw new Error('nothing may be decoded');
};

describe('uploaded images → image-only PDFs', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wenyuan-scan-test-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a two-page TIFF is two PDF pages; a JPEG photo loses its EXIF; a PNG named .jpg is taken as PNG', async () => {
    const tif = join(dir, 'two.tif');
    const small = (text: string) => grayOf(textPage([text], 400));
    await writeFile(tif, writeTiff([small('第一页'), small('第二页')]));
    assert.deepEqual(await readTiffPages(tif, 10), [
      { width: 400, height: 566 },
      { width: 400, height: 566 },
    ]);
    assert.deepEqual(await sniffFile(tif, 'tiff'), { ok: true, format: 'tif', mime: 'image/tiff' });
    const pdf = await imageToPdf(tif, dir, renderImagePages);
    assert.equal((await PDFDocument.load(await readFile(pdf))).getPageCount(), 2);

    const jpg = join(dir, 'photo.jpg');
    await writeFile(jpg, withExif(await textPage(['通知'], 400).encode('jpeg', 90), { marker: 'GPS-SECRET-31.2N' }));
    const photoPdf = await imageToPdf(jpg, dir, renderImagePages);
    const bytes = await readFile(photoPdf);
    assert.equal((await PDFDocument.load(bytes)).getPageCount(), 1);
    assert.ok(!bytes.includes('GPS-SECRET'), 'the EXIF description is not in the PDF');

    const png = join(dir, 'really-a-png.jpg');
    await writeFile(png, await textPage(['通知'], 200).encode('png'));
    assert.deepEqual(await sniffFile(png, 'jpg'), { ok: true, format: 'png', mime: 'image/png' });
  });

  test('a bomb is refused from its header: a huge PNG, a huge TIFF page, TIFF directories in a loop', async () => {
    const png = join(dir, 'bomb.png');
    await writeFile(png, hugePngHeader(40_000, 40_000));
    await assert.rejects(
      imageToPdf(png, dir, never),
      (e) => e instanceof ConversionError && e.code === 'imageTooLarge' && e.params.width === 40_000,
    );

    const huge = writeTiff([{ width: 2, height: 2, gray: new Uint8Array(4) }]);
    // ImageWidth and ImageLength (LONG values of the first two entries) rewritten to 60 000 × 60 000.
    const ifd = huge.readUInt32LE(4);
    huge.writeUInt32LE(60_000, ifd + 2 + 8);
    huge.writeUInt32LE(60_000, ifd + 2 + 12 + 8);
    const hugeTif = join(dir, 'huge.tif');
    await writeFile(hugeTif, huge);
    await assert.rejects(
      imageToPdf(hugeTif, dir, never),
      (e) => e instanceof ConversionError && e.code === 'imageTooLarge',
    );

    const loop = writeTiff([{ width: 2, height: 2, gray: new Uint8Array(4) }]);
    const first = loop.readUInt32LE(4);
    // The next-directory offset after the entries points back at the directory itself.
    loop.writeUInt32LE(first, first + 2 + loop.readUInt16LE(first) * 12);
    const loopTif = join(dir, 'loop.tif');
    await writeFile(loopTif, loop);
    await assert.rejects(imageToPdf(loopTif, dir, never), (e) => e instanceof ConversionError && e.code === 'corrupt');
  });
});
