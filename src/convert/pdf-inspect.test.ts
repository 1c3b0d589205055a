// The watermark trace's PDF reader (pdf-inspect.ts): pdf.js in a capped child, never in the calling process.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDict, PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { childrenRunning } from '../testing/child-procs.ts';
import { inspectPdf } from './pdf-inspect.ts';
import { ConversionError } from './types.ts';

const CAPS = { rssMb: 1024, heapMb: 512, timeoutMs: 120_000 };
const ALL = { infoKeys: ['Probe'], maxPages: 1000, maxChars: 1_000_000 };

const inspectChildren = () => childrenRunning('pdf-inspect-child');

describe('PDF inspection in a capped child', () => {
  let dir: string;
  let pdf: string;
  const words = ['alpha one', 'bravo two', 'charlie three'];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wy-inspect-'));
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (const w of words) doc.addPage([300, 200]).drawText(w, { x: 20, y: 100, size: 14, font });
    doc.setTitle('probe'); // makes sure the document information dictionary exists
    const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
    info.set(PDFName.of('Probe'), PDFString.of('probe-value'));
    info.set(PDFName.of('Other'), PDFString.of('not asked for'));
    pdf = join(dir, 'probe.pdf');
    await writeFile(pdf, await doc.save());
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('reads the asked-for information entries and every page’s text, in order', async () => {
    const r = await inspectPdf(pdf, ALL, CAPS);
    assert.deepEqual(r.info, { Probe: 'probe-value' });
    assert.deepEqual(r.pages, words);
    assert.equal(r.truncated, false);
    for (let i = 0; i < 100 && inspectChildren().length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(inspectChildren(), [], 'the child has exited');
  });

  test('stops at maxPages and at maxChars, and says so', async () => {
    const pages = await inspectPdf(pdf, { ...ALL, maxPages: 2 }, CAPS);
    assert.deepEqual(pages.pages, words.slice(0, 2));
    assert.equal(pages.truncated, true);
    const chars = await inspectPdf(pdf, { ...ALL, maxChars: 12 }, CAPS);
    assert.equal(chars.pages.join(''), `${words[0]}${words[1]}`.slice(0, 12));
    assert.equal(chars.truncated, true);
  });

  test('a file that is no PDF is refused as corrupt, a permanent error', async () => {
    const bad = join(dir, 'bad.pdf');
    await writeFile(bad, '%PDF-1.7\nthis is not a document\n%%EOF\n');
    await assert.rejects(
      inspectPdf(bad, ALL, CAPS),
      (err: unknown) => err instanceof ConversionError && err.code === 'corrupt' && err.permanent,
    );
  });

  test('past the time limit the child is killed: timeout, and no child is left', async () => {
    await assert.rejects(
      inspectPdf(pdf, ALL, { ...CAPS, timeoutMs: 30 }),
      (err: unknown) => err instanceof ConversionError && err.code === 'timeout',
    );
    for (let i = 0; i < 100 && inspectChildren().length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(inspectChildren(), []);
  });

  test('past the resident cap the child is killed: outOfMemory', async () => {
    await assert.rejects(
      inspectPdf(pdf, ALL, { ...CAPS, rssMb: 20, watchMs: 10 }),
      (err: unknown) => err instanceof ConversionError && err.code === 'outOfMemory',
    );
  });
});
