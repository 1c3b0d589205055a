import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { buildZip, docxEntries, fixtureDir, wordParagraph } from '../testing/zip-fixtures.ts';
import { looksLikeHtml, sniffFile } from './sniff.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const SEED_DOCX = fileURLToPath(new URL('../../../shared/seed/seed-speech.docx', import.meta.url));
const SEED_TXT = fileURLToPath(new URL('../../../shared/seed/seed-speech.txt', import.meta.url));
const PDF_ZH = `${CORPUS}pdf-zh/libpku__专业课__民俗学__考试提纲解答(sulley).pdf`;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('sniffFile', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  before(async () => {
    fx = await fixtureDir();
  });
  after(() => fx.cleanup());

  test('accepts the three formats for what they are', async () => {
    assert.deepEqual(await sniffFile(SEED_DOCX, 'docx'), {
      ok: true,
      format: 'docx',
      mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    assert.deepEqual(await sniffFile(PDF_ZH, '.PDF'), { ok: true, format: 'pdf', mime: 'application/pdf' });
    assert.deepEqual(await sniffFile(SEED_TXT, 'txt'), { ok: true, format: 'txt', mime: 'text/plain' });
  });

  test('md and text are read as txt', async () => {
    for (const ext of ['md', 'text', 'MD']) {
      assert.deepEqual(await sniffFile(SEED_TXT, ext), { ok: true, format: 'txt', mime: 'text/plain' }, ext);
    }
  });

  test('an empty file', async () => {
    const path = await fx.write('empty.txt', '');
    assert.deepEqual(await sniffFile(path, 'txt'), { ok: false, reason: 'upload.empty', params: {} });
  });

  test('a format we do not convert', async () => {
    assert.deepEqual(await sniffFile(SEED_DOCX, 'dwg'), {
      ok: false,
      reason: 'upload.unsupportedFormat',
      params: { ext: 'dwg' },
    });
    // A .docx renamed .doc (common: Word opens it anyway) is taken for what it is.
    assert.equal((await sniffFile(SEED_DOCX, 'doc')).ok && 'docx', 'docx');
    assert.deepEqual(await sniffFile(SEED_DOCX, '.EXE'), {
      ok: false,
      reason: 'upload.unsupportedFormat',
      params: { ext: 'exe' },
    });
  });

  test('an HTML page renamed .docx', async () => {
    const path = await fx.write('page.docx', '\uFEFF\n  <!DOCTYPE html>\n<html><body>通知</body></html>');
    assert.deepEqual(await sniffFile(path, 'docx'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'docx', actual: 'HTML 网页' },
    });
    const saved = await fx.write('saved.pdf', '<!-- saved from url=(0014)about:internet -->\r\n<HTML><HEAD>');
    assert.deepEqual(await sniffFile(saved, 'pdf'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'pdf', actual: 'HTML 网页' },
    });
  });

  test('a plain zip renamed .docx', async () => {
    const path = await fx.write('plain.docx', buildZip([{ name: 'readme.txt', data: 'hello' }]));
    assert.deepEqual(await sniffFile(path, 'docx'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'docx', actual: 'ZIP 压缩包' },
    });
  });

  test('a docx whose [Content_Types].xml lies beyond the first 64 KB is still a docx', async () => {
    // Media first, as some writers do: the first 64 KB hold no part file-type recognises.
    const noise = Buffer.alloc(200 * 1024);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919) % 251;
    const entries = docxEntries({ body: wordParagraph('正文') });
    const path = await fx.write(
      'late-types.docx',
      buildZip([{ name: 'word/media/image1.png', data: noise, method: 0 }, ...entries.reverse()]),
    );
    assert.equal((await sniffFile(path, 'docx')).ok, true);
    const corpus = `${CORPUS}docx/tika__tika-parser-microsoft-module__testWPSAttachment.docx`;
    assert.equal((await sniffFile(corpus, 'docx')).ok, true);
  });

  test('a docx renamed .pdf and a pdf renamed .docx', async () => {
    assert.deepEqual(await sniffFile(SEED_DOCX, 'pdf'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'pdf', actual: 'Word 文档 (.docx)' },
    });
    assert.deepEqual(await sniffFile(PDF_ZH, 'docx'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'docx', actual: 'PDF 文档' },
    });
  });

  test('a password-protected docx (an OLE container) is refused as encrypted', async () => {
    const path = `${CORPUS}malformed/msoffcrypto__tests__inputs__example_password.docx`;
    assert.deepEqual(await sniffFile(path, 'docx'), { ok: false, reason: 'upload.encrypted', params: {} });
    const doc = `${CORPUS}legacy/poi__document__simple.doc`;
    assert.deepEqual(await sniffFile(doc, 'docx'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'docx', actual: 'Word 97-2003 文档 (.doc)' },
    });
  });

  test('binary named .txt: identified → mismatch, unidentified → not text', async () => {
    const png = await fx.write('image.txt', PNG);
    assert.deepEqual(await sniffFile(png, 'txt'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'txt', actual: 'PNG 图片' },
    });
    assert.deepEqual(await sniffFile(PDF_ZH, 'txt'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'txt', actual: 'PDF 文档' },
    });
    const junk = await fx.write('junk.txt', Buffer.from([1, 2, 3, 0, 0, 0, 4, 5, 6, 0x80, 0xff]));
    assert.deepEqual(await sniffFile(junk, 'txt'), { ok: false, reason: 'upload.notText', params: {} });
  });

  test('text files in GBK and UTF-16 are text, whatever file-type makes of their first bytes', async () => {
    const speech = await readFile(SEED_TXT, 'utf8');
    const gbk = await fx.write('gbk.txt', iconv.encode(speech, 'gbk'));
    assert.equal((await sniffFile(gbk, 'txt')).ok, true);
    // FF FE also looks like an MPEG audio frame header to a magic-number sniffer.
    const utf16 = await fx.write('utf16.txt', iconv.encode(`\uFEFF${speech.repeat(20)}`, 'utf-16le'));
    assert.equal((await sniffFile(utf16, 'txt')).ok, true);
  });

  test('a long text file is judged on its head, even when a character straddles the 64 KB mark', async () => {
    const line = '创建全国文明城市，是高新区发展进程中的一件大事。\n';
    const path = await fx.write('long.txt', line.repeat(3000));
    assert.equal((await sniffFile(path, 'txt')).ok, true);
  });

  test('a PDF with junk before its header is still a PDF', async () => {
    const pdf = await readFile(PDF_ZH);
    const path = await fx.write('junk-header.pdf', Buffer.concat([Buffer.from('garbage\n'), pdf]));
    assert.equal((await sniffFile(path, 'pdf')).ok, true);
    const notPdf = await fx.write('not.pdf', 'just some text');
    assert.deepEqual(await sniffFile(notPdf, 'pdf'), {
      ok: false,
      reason: 'upload.extensionMismatch',
      params: { declared: 'pdf', actual: '纯文本' },
    });
  });
});

describe('looksLikeHtml', () => {
  test('recognises HTML after BOMs, whitespace and comments, in UTF-8 and UTF-16', () => {
    assert.equal(looksLikeHtml(Buffer.from('<html lang="zh">')), true);
    assert.equal(looksLikeHtml(Buffer.from('\uFEFF<!-- x -->\n<!doctype HTML>')), true);
    assert.equal(looksLikeHtml(Buffer.from('\uFEFF<html>', 'utf16le')), true);
    assert.equal(looksLikeHtml(Buffer.from('<?xml version="1.0"?><w:document/>')), false);
    assert.equal(looksLikeHtml(Buffer.from('这是<html>教程')), false);
  });
});
