import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { decodeText, sniffTextEncoding } from './text-encoding.ts';

const SEED = new URL('../../../shared/seed/seed-speech.txt', import.meta.url);

describe('decodeText', async () => {
  const speech = await readFile(SEED, 'utf8');

  test('the seed speech is UTF-8 with Chinese text', () => {
    assert.match(speech, /创建全国文明城市/);
    assert.deepEqual(decodeText(Buffer.from(speech, 'utf8')), { text: speech, encoding: 'utf-8' });
  });

  for (const [label, encoding, bom, expected] of [
    ['GBK', 'gbk', '', 'gb18030'],
    ['GB18030', 'gb18030', '', 'gb18030'],
    ['UTF-16LE with BOM', 'utf-16le', '\uFEFF', 'utf-16le'],
    ['UTF-16BE with BOM', 'utf-16be', '\uFEFF', 'utf-16be'],
    ['UTF-8 with BOM', 'utf-8', '\uFEFF', 'utf-8'],
  ] as const) {
    test(`round-trips the seed speech encoded as ${label}`, () => {
      const bytes = iconv.encode(bom + speech, encoding);
      assert.equal(bytes.length > speech.length, true);
      const decoded = decodeText(bytes);
      assert.equal(decoded?.encoding, expected);
      assert.equal(decoded?.text, speech);
    });
  }

  test('GB18030 four-byte characters decode', () => {
    const text = '生僻字：𠀀㐀，欧元€';
    assert.deepEqual(decodeText(iconv.encode(text, 'gb18030')), { text, encoding: 'gb18030' });
  });

  test('binary is refused', () => {
    assert.equal(decodeText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), undefined);
    assert.equal(decodeText(Buffer.from('abc\u0000def')), undefined);
    const controls = Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    assert.equal(decodeText(controls), undefined);
  });

  test('bytes that are neither UTF-8 nor GB18030 are refused', () => {
    // 0x80 and 0xFF are never lead bytes in GB18030, and are invalid UTF-8.
    assert.equal(decodeText(Buffer.from([0x41, 0x80, 0x42, 0xff, 0x43])), undefined);
  });

  test('UTF-8 with a damaged byte stays UTF-8 instead of turning into GB18030 mojibake', () => {
    const bytes = Buffer.from(speech, 'utf8');
    bytes[300] = 0xff;
    const decoded = decodeText(bytes);
    assert.equal(decoded?.encoding, 'utf-8');
    assert.match(decoded?.text ?? '', /创建全国文明城市/);
  });

  test('an empty file decodes to empty text', () => {
    assert.deepEqual(decodeText(Buffer.alloc(0)), { text: '', encoding: 'utf-8' });
  });
});

describe('sniffTextEncoding', () => {
  test('forgives a multi-byte character cut off at the end of the sniffed head', () => {
    const utf8 = Buffer.from('文明城市', 'utf8');
    assert.equal(sniffTextEncoding(utf8.subarray(0, 10), true), 'utf-8');
    const gbk = iconv.encode('文明城市建设', 'gbk');
    assert.equal(sniffTextEncoding(gbk.subarray(0, 7), true), 'gb18030');
    const utf16 = iconv.encode('\uFEFF文明城市', 'utf-16le');
    assert.equal(sniffTextEncoding(utf16.subarray(0, 7), true), 'utf-16le');
  });
});
