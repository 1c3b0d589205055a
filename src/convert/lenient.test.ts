// Valid documents are taken (issue #17): zips with stray bytes after their end, public DOCTYPEs, OOXML templates and
// macro-enabled files (macros stripped), embedded media that compresses well, PDFs with an empty user password; and
// password protection is reported as encryption for every format. Corpus files are read in place; the rest is built
// here byte by byte.
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import yauzl from 'yauzl';
import { CORPUS_DIR } from '../testing/paths.ts';
import { buildZip, deflateZeros } from '../testing/zip-fixtures.ts';
import { extractDocx } from './extract-docx.ts';
import { extractPdf } from './extract-pdf.ts';
import { createOfficeConverter, defaultSofficePath } from './libreoffice.ts';
import { cleanOfficeZip, macroFreeName } from './office-clean.ts';
import { cfbProtection, odfIsEncrypted } from './office-protection.ts';
import { sniffFile } from './sniff.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';
import { inspectZip } from './zip-inspect.ts';
import { locateZipEnd, writeNormalizedZip, zipEntryNames } from './zip-open.ts';

const C = CORPUS_DIR;
const DOCX_ZH = `${C}docx-zh/gfsgongwen__测试文案.docx`;

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof ConversionError, String(err));
    return err.code;
  }
}

// yauzl with its defaults, as any strict reader would open the file.
function strictOpens(path: string): Promise<boolean> {
  return new Promise((resolve) => yauzl.open(path, { autoClose: true }, (err, zip) => resolve(!err && !!zip)));
}

describe('lenient but safe parsing', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wy-lenient-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a docx with one stray byte after its end record is sniffed, inspected and read; the normalised copy is strict', async () => {
    const path = join(dir, 'stray.docx');
    await copyFile(DOCX_ZH, path);
    await appendFile(path, Buffer.from([0x0a]));
    assert.equal(await strictOpens(path), false, 'yauzl alone refuses it');
    assert.deepEqual(await sniffFile(path, 'docx'), {
      ok: true,
      format: 'docx',
      mime: ((await sniffFile(DOCX_ZH, 'docx')) as { mime: string }).mime,
    });
    assert.ok((await inspectZip(path)).includes('word/document.xml'));
    const text = await extractDocx(path, DEFAULT_LIMITS);
    assert.equal(text.body, (await extractDocx(DOCX_ZH, DEFAULT_LIMITS)).body);
    const extent = (await locateZipEnd(path))!;
    assert.equal(extent.size - extent.end, 1);
    const fixed = join(dir, 'fixed.docx');
    await writeNormalizedZip(path, extent, fixed);
    assert.ok(await strictOpens(fixed));
    assert.deepEqual(await readFile(fixed), await readFile(DOCX_ZH));
  });

  test('a zip whose comment length is wrong opens as unzip opens it', async () => {
    const zip = buildZip([{ name: 'a.xml', data: '<a/>' }]);
    zip.writeUInt16LE(40, zip.length - 2); // claims a 40-byte comment that is not there
    const path = join(dir, 'comment.zip');
    await writeFile(path, zip);
    assert.equal(await strictOpens(path), false);
    assert.deepEqual(await inspectZip(path), ['a.xml']);
  });

  test('the caps are not relaxed for a zip with a stray byte: the corpus zip bomb is still refused', async () => {
    const path = join(dir, 'bomb.xlsx');
    await copyFile(`${C}malformed/poizipbomb__testfiles__test-zipbomb.xlsx`, path);
    await appendFile(path, Buffer.from('x'));
    assert.equal(await refusal(inspectZip(path)), 'zipBomb');
  });

  test('compression ratio is judged on text-bearing parts: a flat 4 MB image passes, the same bytes as XML do not', async () => {
    const zeros = await deflateZeros(4 * 1024 * 1024);
    assert.ok(zeros.size / zeros.data.length > 667);
    const media = join(dir, 'media.zip');
    await writeFile(media, buildZip([{ name: 'ppt/media/image1.png', deflated: zeros }]));
    assert.deepEqual(await inspectZip(media), ['ppt/media/image1.png']);
    const xml = join(dir, 'xml.zip');
    await writeFile(xml, buildZip([{ name: 'ppt/slides/slide1.xml', deflated: zeros }]));
    assert.equal(await refusal(inspectZip(xml)), 'zipBomb');
    // The size caps hold for media too.
    const big = join(dir, 'big.zip');
    await writeFile(big, buildZip([{ name: 'ppt/media/image1.png', deflated: await deflateZeros(101 * 1024 * 1024) }]));
    assert.equal(await refusal(inspectZip(big)), 'zipBomb');
  });

  test('a public DOCTYPE without internal subset passes (OpenOffice); subsets, URLs and entities are refused', async () => {
    const doc = (doctype: string) => `<?xml version="1.0"?>\n${doctype}\n<office:document-content/>`;
    const cases: Array<[string, string]> = [
      ['<!DOCTYPE office:document-content PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "office.dtd">', 'ok'],
      ['<!DOCTYPE office:document-content>', 'ok'],
      ['<!DOCTYPE x [ <!ELEMENT x ANY> ]>', 'xmlDtd'],
      ['<!DOCTYPE x SYSTEM "http://attacker.example/evil.dtd">', 'xmlDtd'],
      ['<!DOCTYPE x PUBLIC "-//A//B" "file:///etc/passwd">', 'xmlDtd'],
      ['<!DOCTYPE x [<!ENTITY a "b">]>', 'xmlDtd'],
      ['<!ENTITY a "b">', 'xmlDtd'],
    ];
    for (const [doctype, expected] of cases) {
      const path = join(dir, 'dtd.zip');
      await writeFile(path, buildZip([{ name: 'content.xml', data: doc(doctype) }]));
      assert.equal(await refusal(inspectZip(path)), expected, doctype);
    }
    // UTF-16 too.
    const utf16 = join(dir, 'dtd16.zip');
    await writeFile(utf16, buildZip([{ name: 'content.xml', data: Buffer.from(doc('<!DOCTYPE x [ ]>'), 'utf16le') }]));
    assert.equal(await refusal(inspectZip(utf16)), 'xmlDtd');
    // The corpus: an OpenOffice .odt whose Basic library parts carry public DOCTYPEs.
    assert.equal(await refusal(inspectZip(`${C}other/tika__tika-parser-miscoffice-module__testODTMacro.odt`)), 'ok');
    // The billion-laughs workbook is still refused.
    assert.equal(await refusal(inspectZip(`${C}malformed/poi__spreadsheet__poc-xmlbomb-empty.xlsx`)), 'xmlDtd');
  });

  test('OOXML templates and macro-enabled files are accepted as their plain kind', async () => {
    const O = `${C}ooxml-other/`;
    const cases: Array<[string, string]> = [
      ['openxmlsdk__TestDataStorage__v2FxTestFiles__wordprocessing__O12_templates__Memo_TP10173186.dotx', 'docx'],
      [
        'openxmlsdk__TestDataStorage__v2FxTestFiles__presentation__O12_templates__BasicOrgChart_TP10085481.potx',
        'pptx',
      ],
      ['openxmlsdk__TestDataStorage__v2FxTestFiles__spreadsheet__O12_templates__SalesReport_TP10073884.xltx', 'xlsx'],
      ['calamine__tests__issue3.xlsm', 'xlsx'],
      ['calamine__tests__picture.xlsb', 'xlsx'],
      ['poi__document__45690.docm', 'docx'],
      ['poi__slideshow__testPPT.pptm', 'pptx'],
    ];
    for (const [name, format] of cases) {
      const ext = name.slice(name.lastIndexOf('.') + 1);
      const r = await sniffFile(O + name, ext);
      assert.ok(r.ok && r.format === format, `${name}: ${JSON.stringify(r)}`);
    }
    const dotx = await extractDocx(`${O}${cases[0]![0]}`, DEFAULT_LIMITS);
    assert.ok(dotx.charCount > 20);
  });

  test('a .docm is stored without its VBA project, as a plain .docx with the same text', async () => {
    const src = `${C}ooxml-other/poi__document__45690.docm`;
    const path = join(dir, 'macro.docm');
    await copyFile(src, path);
    const before = await extractDocx(path, DEFAULT_LIMITS);
    const r = await cleanOfficeZip(path);
    assert.ok(r);
    assert.deepEqual(r.removed.sort(), ['word/_rels/vbaProject.bin.rels', 'word/vbaData.xml', 'word/vbaProject.bin']);
    const names = await zipEntryNames(path);
    assert.ok(!names.some((n) => /vba/i.test(n)));
    assert.ok(await strictOpens(path));
    assert.equal((await extractDocx(path, DEFAULT_LIMITS)).body, before.body);
    // The main part is a plain document now, and nothing points at the removed parts.
    const sniffed = await sniffFile(path, 'docx');
    assert.ok(sniffed.ok && sniffed.format === 'docx');
    assert.equal(macroFreeName('工作方案.docm'), '工作方案.docx');
    assert.equal(macroFreeName('模板.dotm'), '模板.dotx');
    // A clean file is left alone.
    assert.equal(
      await cleanOfficeZip(DOCX_ZH === path ? '' : await copied(DOCX_ZH, join(dir, 'clean.docx'))),
      undefined,
    );
  });

  test('PDFs with an empty user password open (AES-256 R5/R6, RC4); a real user password is encryption', async () => {
    for (const name of ['r5-empty-password', 'r6-owner-password', 'r3-empty-password']) {
      const text = await extractPdf(`${C}pdf/pypdf__encryption__${name}.pdf`, DEFAULT_LIMITS);
      assert.ok(text.charCount > 0, name);
    }
    for (const name of ['pypdf__encryption__r6-both-passwords.pdf', 'qpdf__enc-XI-R6,V5,U=view,O=master.pdf']) {
      assert.equal(await refusal(extractPdf(`${C}malformed/${name}`, DEFAULT_LIMITS)), 'encrypted', name);
    }
  });

  test('password-protected .doc .ppt .xls .odt and OOXML are refused as encrypted at the door', async () => {
    const M = `${C}malformed/`;
    const encrypted: Array<[string, string]> = [
      ['poi__document__PasswordProtected.doc', 'doc'],
      ['tika__tika-parser-microsoft-module__testWORD_protected_passtika.doc', 'doc'],
      ['poi__slideshow__Password_Protected-np-hello.ppt', 'ppt'],
      ['tika__tika-parser-microsoft-module__testPPT_protected_passtika.ppt', 'ppt'],
      ['tika__tika-parser-miscoffice-module__testODTEncrypted.odt', 'odt'],
      ['poi__poifs__protect.xlsx', 'xlsx'],
      ['msoffcrypto__tests__inputs__example_password.docx', 'docx'],
    ];
    for (const [name, ext] of encrypted) {
      const r = await sniffFile(M + name, ext);
      assert.deepEqual(r, { ok: false, reason: 'upload.encrypted', params: {} }, name);
    }
    // The decrypted twin of an encrypted .ppt is not called encrypted.
    const plain = await sniffFile(`${M}msoffcrypto__tests__outputs__rc4cryptoapi_password_plain.ppt`, 'ppt');
    assert.ok(plain.ok);
    // An Excel FilePass may be the default password Excel opens without asking: taken, and called encrypted only
    // when LibreOffice cannot open it (below).
    assert.equal(await cfbProtection(`${M}msoffcrypto__tests__inputs__rc4cryptoapi_password.xls`), 'filePass');
    assert.equal(await cfbProtection(`${C}legacy/${'poi__slideshow__bug60345_suba.ppt'}`), undefined);
    assert.equal(await odfIsEncrypted(`${C}other/pandoc__test__odt__odt__headers.odt`), false);
  });

  test('LibreOffice: capped by resident memory (a Chinese .ppt converts under 1 GB, a 60 MB cap stops it); an encrypted .xls is encryption', async () => {
    const office = createOfficeConverter({
      sofficePath: defaultSofficePath(),
      timeoutMs: 180_000,
      memoryMb: 1024,
      concurrency: 1,
    });
    const ppt = `${C}legacy/tika__tika-parser-microsoft-module__testWPSAttachment.ppt`;
    const { dir: out } = await office.toPdf(ppt, 'ppt');
    await rm(out, { recursive: true, force: true });
    const tight = createOfficeConverter({
      sofficePath: defaultSofficePath(),
      timeoutMs: 180_000,
      memoryMb: 60,
      concurrency: 1,
    });
    assert.equal(await refusal(tight.toPdf(ppt, 'ppt')), 'outOfMemory');
    const xls = `${C}malformed/msoffcrypto__tests__inputs__rc4cryptoapi_password.xls`;
    assert.equal(await refusal(office.toPdf(xls, 'xls')), 'encrypted');
  });
});

async function copied(src: string, dest: string): Promise<string> {
  await copyFile(src, dest);
  return dest;
}
