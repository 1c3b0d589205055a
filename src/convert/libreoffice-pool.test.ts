// The LibreOffice pool (decision 0028): one member converts file after file with one soffice start, in priority
// order; a hung member is killed and replaced, its document failing with a timeout; nothing is left after close;
// without python3-uno every file gets a process of its own.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createOfficeConverter, defaultSofficePath, type OfficeOptions, unoBridgeAvailable } from './libreoffice.ts';
import { markedPids } from './office-process.ts';
import { ConversionError } from './types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const DOC = join(CORPUS, 'legacy', 'odf__测试文本__测试文本1.doc');
const XLS = join(CORPUS, 'legacy', 'msoffcrypto__tests__inputs__plain.xls');
const RTF = String.raw`{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil 宋体;}}\f0\fs24 \u20851?\u20110?\u21152?\u24378?\par}`;
const SOFFICE = defaultSofficePath();
const whyNot = !existsSync(SOFFICE)
  ? `LibreOffice not installed at ${SOFFICE} (.ci/run installs it)`
  : !unoBridgeAvailable('/usr/bin/python3')
    ? 'python3-uno not installed (.ci/run installs it)'
    : false;

const options = (root: string, more: Partial<OfficeOptions> = {}): OfficeOptions => ({
  sofficePath: SOFFICE,
  timeoutMs: 120_000,
  memoryMb: 2048,
  concurrency: 1,
  pool: 1,
  tmpRoot: root,
  ...more,
});

/** Waits until no process names `root` (the pool's members live under it); returns what is still there. */
async function leftUnder(root: string): Promise<number[]> {
  for (let i = 0; i < 100 && markedPids(root).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return markedPids(root);
}

const isPdf = async (path: string) => (await readFile(path)).subarray(0, 5).toString('latin1') === '%PDF-';

describe('LibreOffice pool', { skip: whyNot }, () => {
  test('one member converts three legacy files with one soffice start, publishing ones first; none left after close', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wy-lopool-'));
    const office = createOfficeConverter(options(root));
    try {
      const rtf = join(root, 'a.rtf');
      await writeFile(rtf, RTF);
      const done: string[] = [];
      const convert = (path: string, format: 'doc' | 'xls' | 'rtf', background: boolean) =>
        office.toPdf(path, format, { background }).then(async (r) => {
          done.push(format);
          assert.ok(await isPdf(r.pdf), `${format} became a PDF`);
          await rm(r.dir, { recursive: true, force: true });
        });
      const first = convert(DOC, 'doc', false);
      // The member is starting with the .doc; a page-image request and then a publishing one wait for it.
      for (let i = 0; i < 500 && office.stats().poolStarts === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await Promise.all([first, convert(XLS, 'xls', true), convert(rtf, 'rtf', false)]);
      assert.deepEqual(done, ['doc', 'rtf', 'xls']);
      assert.deepEqual(office.stats(), { poolStarts: 1, pooled: 3, oneShot: 0 });
      assert.ok(markedPids(root).length > 0, 'the member stays for the next file');
    } finally {
      await office.close();
      assert.deepEqual(await leftUnder(root), [], 'no LibreOffice process after close');
      await rm(root, { recursive: true, force: true });
    }
  });

  test('a hung member is killed and replaced: its document fails with a timeout, the next one converts', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wy-lopool-'));
    const office = createOfficeConverter(options(root, { timeoutMs: 15_000 }));
    try {
      const rtf = join(root, 'a.rtf');
      await writeFile(rtf, RTF);
      await rm((await office.toPdf(rtf, 'rtf')).dir, { recursive: true, force: true });
      // Freeze the member's LibreOffice (not its driver): the next request is never answered.
      const sofficePids = markedPids(root).filter(
        (pid) => !readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('uno-convert.py'),
      );
      assert.ok(sofficePids.length > 0);
      for (const pid of sofficePids) process.kill(pid, 'SIGSTOP');
      await assert.rejects(office.toPdf(DOC, 'doc'), (err: unknown) => {
        assert.ok(err instanceof ConversionError, String(err));
        assert.equal(err.code, 'timeout');
        return true;
      });
      assert.ok(
        (await leftUnder(root)).every((pid) => !sofficePids.includes(pid)),
        'the hung processes are gone',
      );
      const next = await office.toPdf(DOC, 'doc');
      assert.ok(await isPdf(next.pdf));
      await rm(next.dir, { recursive: true, force: true });
      assert.equal(office.stats().poolStarts, 2, 'a fresh member took the next file');
    } finally {
      await office.close();
      assert.deepEqual(await leftUnder(root), []);
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('LibreOffice pool without python3-uno', {
  skip: existsSync(SOFFICE) ? false : 'LibreOffice not installed',
}, () => {
  test('says so once and converts each file in a process of its own', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wy-lopool-'));
    const said: string[] = [];
    const log = { info: () => {}, warn: (_: object, msg: string) => void said.push(msg) };
    const office = createOfficeConverter(options(root, { python: join(root, 'no-python3'), log }));
    try {
      const { pdf, dir } = await office.toPdf(XLS, 'xls');
      assert.ok(await isPdf(pdf));
      await rm(dir, { recursive: true, force: true });
      assert.deepEqual(office.stats(), { poolStarts: 0, pooled: 0, oneShot: 1 });
      assert.equal(said.length, 1);
      assert.match(said[0]!, /python3-uno/);
    } finally {
      await office.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
