// The office corpus (legacy: doc/xls/ppt; ooxml-other: xlsx/pptx/dotx/…) through sniffing and LibreOffice. Every
// 24th file by default (LibreOffice takes about a second a file, more on a busy machine); all of them with
// WENYUAN_CORPUS_FULL=1. Counts per reason are printed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Converter, createConverter } from './converter.ts';
import { createOfficeConverter, defaultSofficePath } from './libreoffice.ts';
import { sniffFile } from './sniff.ts';
import { ConversionError } from './types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const full = process.env.WENYUAN_CORPUS_FULL === '1';

async function upload(converter: Converter, path: string): Promise<string> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  const sniffed = await sniffFile(path, ext);
  if (!sniffed.ok) return sniffed.reason;
  try {
    const text = await converter.extract(path, sniffed.format);
    assert.ok(text.charCount > 0 && text.pageCount >= 1, name);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof ConversionError, `${name}: not a ConversionError: ${String(err)}`);
    return `convert.${err.code}`;
  }
}

describe('office corpus', () => {
  let converter: Converter;
  before(() => {
    const office = createOfficeConverter({
      sofficePath: defaultSofficePath(),
      timeoutMs: 60_000,
      memoryMb: 2048,
      concurrency: 2,
    });
    converter = createConverter({ concurrency: 2, timeoutMs: 60_000, memoryMb: 512, office });
  });
  after(() => converter.close());

  for (const folder of ['legacy', 'ooxml-other']) {
    test(`${folder}: every file is published, refused or rejected with a reason`, async () => {
      const all = (await readdir(`${CORPUS}${folder}`)).sort();
      const names = full ? all : all.filter((_, i) => i % 24 === 0);
      const outcomes = await Promise.all(names.map((n) => upload(converter, `${CORPUS}${folder}/${n}`)));
      const tally: Record<string, number> = {};
      for (const o of outcomes) tally[o] = (tally[o] ?? 0) + 1;
      console.log(`${folder} (${names.length} of ${all.length} files):`, JSON.stringify(tally));
      // Without LibreOffice the office formats are refused as unsupported; with it most publish.
      if (existsSync(defaultSofficePath())) assert.ok((tally.ok ?? 0) >= names.length / 3, 'most office files publish');
      else assert.equal(tally.ok ?? 0, 0);
    });
  }
});
