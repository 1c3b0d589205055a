// The real-world corpus through the whole path an upload takes: sniff, then the worker pool. Slow-ish by nature
// (some 700 files); everything else in src/convert is tested on small generated fixtures.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Converter, createConverter } from './converter.ts';
import { createOfficeConverter, defaultSofficePath } from './libreoffice.ts';
import { sniffFile } from './sniff.ts';
import { ConversionError } from './types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

// Word files whose only text sits in headers and footers, which wenyuan (like mammoth) does not read.
const DOCX_ZH_WITHOUT_BODY_TEXT = new Set(['gongwenassistant__A4_2.docx', 'gongwenassistant__A5_3.docx']);

/** Sniffs a file as uploaded under its own extension and, if accepted, converts it; says how it ended. */
async function upload(converter: Converter, path: string): Promise<string> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  const sniffed = await sniffFile(path, ext);
  if (!sniffed.ok) return sniffed.reason;
  try {
    const text = await converter.extract(path, sniffed.format);
    assert.ok(text.charCount > 0 && text.pageCount >= 1 && text.pageStarts.length === text.pageCount, name);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof ConversionError, `${name}: not a ConversionError: ${String(err)}`);
    return `convert.${err.code}`;
  }
}

async function uploadAll(converter: Converter, folder: string): Promise<Map<string, string>> {
  const names = (await readdir(`${CORPUS}${folder}`)).sort();
  const outcomes = await Promise.all(names.map((n) => upload(converter, `${CORPUS}${folder}/${n}`)));
  return new Map(names.map((n, i) => [n, outcomes[i]!]));
}

describe('corpus', () => {
  let converter: Converter;
  // LibreOffice for the office folders (and, with WENYUAN_CORPUS_FULL=1, for the office files among the malformed).
  let officeConverter: Converter;
  const full = process.env.WENYUAN_CORPUS_FULL === '1';
  // Server memory stays bounded: workers have heap caps, LibreOffice runs in capped child processes.
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  sampler.unref();
  before(() => {
    // LibreOffice (when installed) for the office formats, one or two at a time on this shared machine.
    const office = createOfficeConverter({
      sofficePath: defaultSofficePath(),
      timeoutMs: 60_000,
      memoryMb: 2048,
      concurrency: 2,
    });
    officeConverter = createConverter({ concurrency: 2, timeoutMs: 60_000, memoryMb: 512, office });
    converter = full ? officeConverter : createConverter({ concurrency: 2, timeoutMs: 60_000, memoryMb: 512 });
  });
  after(async () => {
    clearInterval(sampler);
    await converter.close();
    await officeConverter.close();
    console.log(`corpus: peak RSS of the test process ${Math.round(peakRss / 1024 / 1024)} MB`);
    assert.ok(peakRss < 2048 * 1024 * 1024, 'memory stays bounded');
  });

  test('every Chinese Word file yields text', async () => {
    const outcomes = await uploadAll(converter, 'docx-zh');
    assert.ok(outcomes.size > 100);
    for (const [name, outcome] of outcomes) {
      assert.equal(outcome, DOCX_ZH_WITHOUT_BODY_TEXT.has(name) ? 'convert.emptyText' : 'ok', name);
    }
  });

  test('every Chinese PDF yields text', async () => {
    const outcomes = await uploadAll(converter, 'pdf-zh');
    assert.ok(outcomes.size > 90);
    for (const [name, outcome] of outcomes) assert.equal(outcome, 'ok', name);
  });

  test('every malformed file ends in a ConversionError, a refusal or text: never a crash or a hang', async () => {
    const outcomes = await uploadAll(converter, 'malformed');
    assert.ok(outcomes.size > 500);
    const manifest = await readFile(`${CORPUS}MANIFEST.tsv`, 'utf8');
    const notes = new Map(
      manifest
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((cols) => cols[0]?.startsWith('malformed/'))
        .map((cols) => [cols[0]!.slice('malformed/'.length), cols[6] ?? '']),
    );
    const tally: Record<string, number> = {};
    for (const [name, outcome] of outcomes) {
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      const note = notes.get(name) ?? '';
      // PDFs that need a user password are refused as encrypted, never read and never mistaken for damage (one
      // such 'PDF' is a 91-byte fragment without a header, which the sniffer already refuses).
      if (
        name.endsWith('.pdf') &&
        note.includes('encrypted PDF needing a user password') &&
        outcome !== 'upload.extensionMismatch'
      ) {
        assert.equal(outcome, 'convert.encrypted', name);
      }
      // Password-protected .docx files are OLE containers: refused at the door.
      if (name.endsWith('.docx') && note.includes('OLE2 container')) {
        assert.equal(outcome, 'upload.encrypted', name);
      }
    }
    console.log('malformed:', JSON.stringify(tally));
    assert.ok((tally['convert.corrupt'] ?? 0) > 10);
    // zip, xml, fuzz, xlsb, docm…: formats we do not take at all.
    assert.ok((tally['upload.unsupportedFormat'] ?? 0) > 80);
  });
});
