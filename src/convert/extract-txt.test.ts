import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { fixtureDir } from '../testing/zip-fixtures.ts';
import { extractTxt } from './extract-txt.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';

const SEED_TXT = fileURLToPath(new URL('../../../shared/seed/seed-speech.txt', import.meta.url));

describe('extractTxt', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  before(async () => {
    fx = await fixtureDir();
  });
  after(() => fx.cleanup());

  test('the seed speech as UTF-8 and as GBK with CRLF gives the same text', async () => {
    const speech = await readFile(SEED_TXT, 'utf8');
    const utf8 = await extractTxt(SEED_TXT, DEFAULT_LIMITS);
    assert.equal(utf8.encoding, 'utf-8');
    assert.equal(
      utf8.body,
      speech
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n'),
    );
    const gbkPath = await fx.write('gbk.txt', iconv.encode(speech.replace(/\n/g, '\r\n'), 'gbk'));
    const gbk = await extractTxt(gbkPath, DEFAULT_LIMITS);
    assert.equal(gbk.encoding, 'gb18030');
    assert.equal(gbk.body, utf8.body);
    assert.deepEqual(gbk.pageStarts, utf8.pageStarts);
    assert.equal(utf8.title, undefined);
    assert.deepEqual(utf8.headings, []);
  });

  test('pages follow the GB/T 9704 estimate', async () => {
    const path = await fx.write('pages.txt', `${'字'.repeat(28 * 22)}\n${'字'.repeat(10)}\n`);
    const result = await extractTxt(path, DEFAULT_LIMITS);
    assert.deepEqual(result.pageStarts, [0, 28 * 22 + 1]);
    assert.equal(result.charCount, 28 * 22 + 10);
  });

  test('blank text, and binary beyond the sniffed head', async () => {
    const blank = await fx.write('blank.txt', ' \r\n\u3000\n\t');
    await assert.rejects(
      extractTxt(blank, DEFAULT_LIMITS),
      (e) => e instanceof ConversionError && e.code === 'emptyText',
    );
    const binary = await fx.write('binary.txt', Buffer.concat([Buffer.from('text\n'.repeat(100)), Buffer.alloc(64)]));
    await assert.rejects(
      extractTxt(binary, DEFAULT_LIMITS),
      (e) => e instanceof ConversionError && e.code === 'corrupt',
    );
  });

  test('too long to page', async () => {
    const path = await fx.write('long.txt', '一'.repeat(28 * 22 * 3));
    await assert.rejects(
      extractTxt(path, { ...DEFAULT_LIMITS, maxPages: 2 }),
      (e) => e instanceof ConversionError && e.code === 'tooManyPages' && e.params.pages === 3 && e.params.max === 2,
    );
  });
});
