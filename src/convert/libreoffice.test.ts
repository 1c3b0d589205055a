// Office formats through LibreOffice: conversion with a fresh profile per run, the timeout that kills the process
// group, the address-space cap, and the site still working when LibreOffice is not installed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildZip } from '../testing/zip-fixtures.ts';
import { type Converter, createConverter } from './converter.ts';
import { createOfficeConverter, defaultSofficePath } from './libreoffice.ts';
import { sniffFile } from './sniff.ts';
import { ConversionError } from './types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const SEED_DOCX = fileURLToPath(new URL('../../../shared/seed/seed-speech.docx', import.meta.url));
const DOC = join(CORPUS, 'legacy', 'odf__测试文本__测试文本1.doc');
const XLS = join(CORPUS, 'legacy', 'msoffcrypto__tests__inputs__plain.xls');
const WPS = join(CORPUS, 'other', 'odf__测试文本__测试文本3.wps');
const SOFFICE = defaultSofficePath();
const installed = existsSync(SOFFICE);
const whyNot = installed ? false : `LibreOffice not installed at ${SOFFICE} (.ci/run installs it)`;

// RTF with Chinese as \uN escapes (what Word and WPS write), built here so the test needs no fixture file.
const RTF = String.raw`{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil 宋体;}}\f0\fs24 \u20851?\u20110?\u21152?\u24378?\u22522?\u23618?\u20826?\u24314?\u24037?\u20316?\u30340?\u24847?\u35265?\par Second paragraph.\par}`;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'wy-lo-test-'));
}

/** soffice.bin processes whose command line mentions `marker` (a profile directory of this test). */
function lingering(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('LibreOffice conversion', { skip: whyNot }, () => {
  let converter: Converter;
  before(() => {
    const office = createOfficeConverter({ sofficePath: SOFFICE, timeoutMs: 120_000, memoryMb: 2048, concurrency: 2 });
    converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 512, office });
  });
  after(() => converter.close());

  test('a Chinese .doc becomes text through a PDF, and the PDF is offered before it is removed', async () => {
    let pdfSeen = '';
    const text = await converter.extract(DOC, 'doc', {
      onPdf: async (pdf) => {
        pdfSeen = pdf;
        assert.ok(existsSync(pdf));
      },
    });
    assert.ok(text.charCount > 20, 'text came out');
    assert.match(text.body, /[\u4e00-\u9fff]{4}/, 'Chinese text');
    assert.ok(pdfSeen && !existsSync(pdfSeen), 'the intermediate PDF is removed afterwards');
  });

  test('an .xls, a .wps and an .rtf convert too, two at a time', async () => {
    const dir = await tempDir();
    try {
      const rtf = join(dir, 'a.rtf');
      await writeFile(rtf, RTF);
      const sniffed = await sniffFile(rtf, 'rtf');
      assert.deepEqual(sniffed.ok && sniffed.format, 'rtf');
      const [xls, wps, rtfText] = await Promise.all([
        converter.extract(XLS, 'xls'),
        converter.extract(WPS, 'wps'),
        converter.extract(rtf, 'rtf'),
      ]);
      assert.ok(xls.charCount > 0);
      assert.match(wps.body, /[\u4e00-\u9fff]/);
      assert.ok(rtfText.body.includes('关于加强基层党建工作的意见'), rtfText.body);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a run past its time limit is killed with its whole process group, and nothing is left behind', async () => {
    // Runs under a directory of its own, so other conversions running meanwhile are not mistaken for leftovers.
    const root = await tempDir();
    try {
      const office = createOfficeConverter({
        sofficePath: SOFFICE,
        timeoutMs: 300,
        memoryMb: 2048,
        concurrency: 1,
        tmpRoot: root,
      });
      await assert.rejects(office.toPdf(DOC, 'doc'), (err: unknown) => {
        assert.ok(err instanceof ConversionError);
        assert.equal(err.code, 'timeout');
        return true;
      });
      assert.deepEqual(await readdir(root), [], 'its temp directory is removed');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(lingering(root), [], 'no soffice.bin outlives the timeout');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('close() kills a one-shot run in flight: no verdict on the file, nothing left behind', async () => {
    const root = await tempDir();
    try {
      const office = createOfficeConverter({
        sofficePath: SOFFICE,
        timeoutMs: 120_000,
        memoryMb: 2048,
        concurrency: 1,
        tmpRoot: root,
      });
      const converting = office.toPdf(DOC, 'doc');
      // close() rejects the run while this test still awaits close(): hold the outcome now, not after.
      const outcome = converting.then(
        () => undefined,
        (err: unknown) => err,
      );
      // Until LibreOffice runs (a process names the run's directory), then stop the converter under it.
      for (let i = 0; i < 200 && lingering(root).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.ok(lingering(root).length > 0, 'LibreOffice was running');
      const t0 = Date.now();
      await office.close();
      assert.ok(Date.now() - t0 < 5000, 'close did not wait for the conversion to end');
      const err = await outcome;
      assert.ok(err instanceof ConversionError, `the run was rejected: ${String(err)}`);
      assert.equal(err.code, 'failed', 'converter closed, not a verdict such as corrupt');
      assert.equal(err.permanent, false);
      assert.deepEqual(lingering(root), [], 'no LibreOffice process outlives close()');
      await assert.rejects(office.toPdf(DOC, 'doc'), (err: unknown) => err instanceof ConversionError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('a memory cap too small for LibreOffice fails the file instead of the server', async () => {
    const office = createOfficeConverter({ sofficePath: SOFFICE, timeoutMs: 60_000, memoryMb: 64, concurrency: 1 });
    await assert.rejects(office.toPdf(DOC, 'doc'), (err: unknown) => {
      assert.ok(err instanceof ConversionError, String(err));
      assert.ok(['outOfMemory', 'failed', 'corrupt'].includes(err.code), err.code);
      return true;
    });
  });

  test('a zip-based office file is inspected before LibreOffice sees it (DTD refused)', async () => {
    const dir = await tempDir();
    try {
      const path = join(dir, 'evil.xlsx');
      await writeFile(
        path,
        buildZip([
          { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types/>' },
          {
            name: 'xl/workbook.xml',
            data: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><workbook>&a;</workbook>',
          },
        ]),
      );
      await assert.rejects(converter.extract(path, 'xlsx'), (err: unknown) => {
        assert.ok(err instanceof ConversionError);
        assert.equal(err.code, 'xmlDtd');
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('without LibreOffice', () => {
  test('office formats are refused as unsupported, and docx/pdf/txt keep working', async () => {
    const office = createOfficeConverter({
      sofficePath: '/nonexistent/soffice',
      timeoutMs: 10_000,
      memoryMb: 1024,
      concurrency: 1,
    });
    assert.equal(office.available, false);
    const converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 512, office });
    try {
      assert.equal(converter.officeAvailable, false);
      await assert.rejects(converter.extract(DOC, 'doc'), (err: unknown) => {
        assert.ok(err instanceof ConversionError);
        assert.equal(err.code, 'unsupported');
        assert.equal(err.messageKey, 'convert.unsupported');
        return true;
      });
      const docx = await converter.extract(SEED_DOCX, 'docx');
      assert.ok(docx.charCount > 100);
    } finally {
      await converter.close();
    }
  });
});

describe('sniffing office formats', () => {
  test('OLE, OOXML, ODF and RTF are recognised by their bytes; lies and encryption are refused', async () => {
    const dir = await tempDir();
    try {
      const ok = async (path: string, ext: string) => {
        const r = await sniffFile(path, ext);
        assert.ok(r.ok, `${ext}: ${JSON.stringify(r)}`);
        return r.format;
      };
      assert.equal(await ok(DOC, 'doc'), 'doc');
      assert.equal(await ok(XLS, 'xls'), 'xls');
      assert.equal(await ok(XLS, 'et'), 'et');
      assert.equal(await ok(WPS, 'wps'), 'wps');
      assert.equal(await ok(join(CORPUS, 'other', 'calamine__tests__date.ods'), 'ods'), 'ods');
      assert.equal(await ok(join(CORPUS, 'other', 'pandoc__test__odt__odt__headers.odt'), 'odt'), 'odt');
      const rtf = join(dir, 'x.rtf');
      await writeFile(rtf, RTF);
      assert.equal(await ok(rtf, 'rtf'), 'rtf');

      // An HTML page renamed .doc, a docx renamed .xls, an RTF renamed .ppt: mismatches.
      const html = join(dir, 'page.doc');
      await writeFile(html, '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
      assert.equal((await sniffFile(html, 'doc')).ok, false);
      const r1 = await sniffFile(SEED_DOCX, 'xls');
      assert.ok(!r1.ok && r1.reason === 'upload.extensionMismatch');
      const r2 = await sniffFile(rtf, 'ppt');
      assert.ok(!r2.ok && r2.reason === 'upload.extensionMismatch');

      // A password-protected OOXML file is an OLE container holding an EncryptedPackage stream.
      const enc = join(CORPUS, 'malformed', 'msoffcrypto__tests__inputs__example_password.docx');
      const cfbEnc = join(dir, 'enc.xls');
      await writeFile(cfbEnc, await readFile(enc));
      const r3 = await sniffFile(cfbEnc, 'xls');
      assert.ok(!r3.ok && r3.reason === 'upload.encrypted', JSON.stringify(r3));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
