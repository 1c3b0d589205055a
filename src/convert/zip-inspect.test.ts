import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildZip, deflateZeros, docxEntries, fixtureDir, wordParagraph } from '../testing/zip-fixtures.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';
import { DtdScanner, inspectZip, scanZip } from './zip-inspect.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const MB = 1024 * 1024;

const rejectsWith = (promise: Promise<unknown>, code: string) =>
  assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConversionError, `expected a ConversionError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });

describe('inspectZip', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  before(async () => {
    fx = await fixtureDir();
  });
  after(() => fx.cleanup());

  test('a well-formed docx passes and lists its entries', async () => {
    const path = await fx.write('ok.docx', buildZip(docxEntries({ body: wordParagraph('你好') })));
    assert.deepEqual(await inspectZip(path), ['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
  });

  test('the seed docx passes', async () => {
    const names = await inspectZip(fileURLToPath(new URL('../../../shared/seed/seed-speech.docx', import.meta.url)));
    assert.ok(names.includes('word/document.xml'));
  });

  test('scanZip keeps the entries asked for', async () => {
    const path = await fx.write('kept.docx', buildZip(docxEntries({ body: '', coreTitle: '标题' })));
    const { kept } = await scanZip(path, DEFAULT_LIMITS, (n) => n === 'docProps/core.xml');
    assert.deepEqual([...kept.keys()], ['docProps/core.xml']);
    assert.match(kept.get('docProps/core.xml')!.toString(), /<dc:title>标题<\/dc:title>/);
  });

  test('honest bomb: one entry of 400 MB of zeros is refused from its header', async () => {
    const zeros = await deflateZeros(400 * MB);
    assert.ok(zeros.data.length < 1 * MB);
    const path = await fx.write('honest-bomb.docx', buildZip([{ name: 'word/document.xml', deflated: zeros }]));
    await rejectsWith(inspectZip(path), 'zipBomb');
  });

  test('honest bomb under the entry cap is refused by its compression ratio', async () => {
    const path = await fx.write('ratio.zip', buildZip([{ name: 'a.bin', deflated: await deflateZeros(20 * MB) }]));
    await rejectsWith(inspectZip(path), 'zipBomb');
    // The same file passes when the ratio cap allows it: the size cap alone would not have stopped it.
    assert.deepEqual(await inspectZip(path, { ...DEFAULT_LIMITS, maxZipRatio: 5000 }), ['a.bin']);
  });

  test('lying bomb: headers declare 1 KB, the stream inflates to 200 MB; stopped at the declared size', async () => {
    const zeros = await deflateZeros(200 * MB);
    const path = await fx.write(
      'lying-bomb.docx',
      buildZip([
        { name: '[Content_Types].xml', data: '<Types/>' },
        { name: 'word/document.xml', deflated: zeros, declaredSize: 1024 },
      ]),
    );
    await rejectsWith(inspectZip(path), 'zipBomb');
  });

  test('many small entries add up past the total cap', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `part${i}.xml`, data: 'x'.repeat(300_000) }));
    const path = await fx.write('total.zip', buildZip(entries));
    await rejectsWith(inspectZip(path, { ...DEFAULT_LIMITS, maxZipTotalBytes: MB }), 'zipBomb');
    assert.equal((await inspectZip(path)).length, 5);
  });

  test('more entries than allowed', async () => {
    const entries = Array.from({ length: 20 }, (_, i) => ({ name: `e${i}.txt`, data: 'x' }));
    const path = await fx.write('entries.zip', buildZip(entries));
    await rejectsWith(inspectZip(path, { ...DEFAULT_LIMITS, maxZipEntries: 10 }), 'zipBomb');
  });

  for (const [label, name] of [
    ['path traversal', '../../evil.txt'],
    ['traversal inside', 'word/../../evil.txt'],
    ['absolute path', '/etc/passwd'],
    ['drive letter', 'C:/Windows/evil.txt'],
    ['backslash', 'word\\..\\evil.txt'],
    ['NUL byte', 'word/document.xml\u0000.png'],
  ] as const) {
    test(`unsafe entry name: ${label}`, async () => {
      const path = await fx.write(`${label.replace(/\W/g, '-')}.docx`, buildZip([{ name, data: 'x' }]));
      await assert.rejects(inspectZip(path), (err: unknown) => {
        assert.ok(err instanceof ConversionError);
        assert.equal(err.code, 'unsafeZip');
        assert.equal(typeof err.params.detail, 'string');
        return true;
      });
    });
  }

  test('symlink entry', async () => {
    const path = await fx.write(
      'symlink.zip',
      buildZip([{ name: 'link', data: '/etc/passwd', method: 0, unixMode: 0o120777 }]),
    );
    await rejectsWith(inspectZip(path), 'unsafeZip');
  });

  test('duplicate entry names', async () => {
    const path = await fx.write(
      'dup.zip',
      buildZip([
        { name: 'a.xml', data: '<a/>' },
        { name: 'a.xml', data: '<b/>' },
      ]),
    );
    await rejectsWith(inspectZip(path), 'unsafeZip');
  });

  test('encrypted entry', async () => {
    const path = await fx.write(
      'enc.zip',
      buildZip([{ name: 'word/document.xml', data: 'xxxxxxxxxxxx<w/>', flags: 1 }]),
    );
    await rejectsWith(inspectZip(path), 'encrypted');
  });

  test('XXE docx: a DOCTYPE with an external entity in word/document.xml', async () => {
    const prolog = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>';
    const path = await fx.write('xxe.docx', buildZip(docxEntries({ prolog, body: wordParagraph('&xxe;') })));
    await rejectsWith(inspectZip(path), 'xmlDtd');
  });

  test('billion laughs docx', async () => {
    const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const prolog = `<!DOCTYPE lolz [<!ENTITY lol0 "lol">${lols}]>`;
    const path = await fx.write(
      'lol.docx',
      buildZip(docxEntries({ prolog, body: '<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>' })),
    );
    await rejectsWith(inspectZip(path), 'xmlDtd');
  });

  test('a DTD with an internal subset in a .rels part, in lower case, or in UTF-16 is found too', async () => {
    for (const [i, data] of [
      Buffer.from('<?xml version="1.0"?><!doctype r [ ]><Relationships/>'),
      Buffer.from('\uFEFF<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [ ]><Relationships/>', 'utf16le'),
    ].entries()) {
      const path = await fx.write(`rels${i}.docx`, buildZip([{ name: '_rels/.rels', data }]));
      await rejectsWith(inspectZip(path), 'xmlDtd');
    }
  });

  test('an SVG image or an HTML altChunk may carry a DOCTYPE, but no entity declarations', async () => {
    const svg = '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>';
    const html = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd"><html/>';
    const ok = await fx.write(
      'svg.docx',
      buildZip([
        { name: 'word/media/image1.svg', data: svg },
        { name: 'word/afchunk.htm', data: html },
      ]),
    );
    assert.deepEqual(await inspectZip(ok), ['word/media/image1.svg', 'word/afchunk.htm']);
    const bad = await fx.write(
      'svg-entity.docx',
      buildZip([{ name: 'word/media/image1.svg', data: '<!DOCTYPE svg [<!ENTITY a "b">]><svg/>' }]),
    );
    await rejectsWith(inspectZip(bad), 'xmlDtd');
  });

  test('not a zip at all', async () => {
    const path = await fx.write('plain.docx', 'just text, no zip');
    await rejectsWith(inspectZip(path), 'corrupt');
  });
});

describe('DtdScanner', () => {
  test('finds a marker split across chunks', () => {
    const s = new DtdScanner();
    assert.equal(s.feed(Buffer.from('<?xml?><!DOC')), false);
    assert.equal(s.feed(Buffer.from('TYPE x ')), false);
    assert.equal(s.feed(Buffer.from('[<!ELEMENT x ANY>]>')), true);
  });

  test('ignores look-alikes', () => {
    assert.equal(new DtdScanner().feed(Buffer.from('<!-- DOCTYPE --><!<!DOCTYP <!ENTIT')), false);
  });
});

describe('inspectZip on the hostile corpus', () => {
  test('zip bombs, traversal, symlink and broken zips end in a ConversionError', async () => {
    const dir = `${CORPUS}malformed/`;
    const names = (await readdir(dir)).filter((n) => /\.(zip|docx|xlsx|ooxml)$/i.test(n));
    assert.ok(names.length > 50);
    const outcome: Record<string, string> = {};
    for (const name of names) {
      try {
        await inspectZip(dir + name);
        outcome[name] = 'ok';
      } catch (err) {
        assert.ok(err instanceof ConversionError, `${name}: ${String(err)}`);
        outcome[name] = err.code;
      }
    }
    assert.equal(outcome['poizipbomb__testfiles__test-zipbomb.xlsx'], 'zipBomb');
    // The wrapper holds the bomb as one small entry; nothing is ever extracted recursively.
    assert.equal(outcome['poizipbomb__testfiles__testzipbomb.zip'], 'ok');
    assert.equal(outcome['poi__spreadsheet__poc-xmlbomb-empty.xlsx'], 'xmlDtd');
    assert.equal(outcome['zod__42.zip'], 'encrypted');
    assert.equal(outcome['tika__tika-app__src__test__resources__test-data__testZip_zeroByte.zip'], 'unsafeZip');
    assert.equal(outcome['patt__Upload_Insecure_Files__CVE_ZIP_Symbolic_Link__etc_passwd.zip'], 'unsafeZip');
    assert.equal(outcome['yauzl__test__success__traditional-encryption.zip'], 'encrypted');
    assert.equal(outcome['poi__openxml4j__PackageRelsHasEntities.ooxml'], 'xmlDtd');
    // Bytes after the end record are forgiven as unzip forgives them (zip-open.ts); every other failure stays one.
    const extraBytes = /^yauzl__test__failure__Invalid_comment_length/;
    for (const [name, code] of Object.entries(outcome)) {
      if (name.startsWith('yauzl__test__failure__') && !extraBytes.test(name)) assert.notEqual(code, 'ok', name);
    }
    assert.equal(
      Object.entries(outcome).filter(([n, code]) => extraBytes.test(n) && code === 'ok').length,
      1,
      'the zip with one byte after its end record is read',
    );
  });
});
