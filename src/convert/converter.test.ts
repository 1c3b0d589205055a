import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, open as openFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { buildZip, docxEntries, fixtureDir } from '../testing/zip-fixtures.ts';
import { createConverter, type ProcessConverter } from './converter.ts';
import { extractDocx } from './extract-docx.ts';
import type { OfficeConverter } from './libreoffice.ts';
import { ConversionError, DEFAULT_LIMITS } from './types.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
const SEED_DOCX = fileURLToPath(new URL('../../../shared/seed/seed-speech.docx', import.meta.url));
const SEED_TXT = fileURLToPath(new URL('../../../shared/seed/seed-speech.txt', import.meta.url));
const PDF_ZH = `${CORPUS}pdf-zh/libpku__专业课__民俗学__考试提纲解答(sulley).pdf`;
const ENCRYPTED_PDF = `${CORPUS}malformed/pypdf__encryption__r3-user-password.pdf`;

/** Whether a process with this pid exists. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until `pid` has gone, at most `maxMs` (a guard against a hang, not a timing assertion). */
const gone = async (pid: number, maxMs = 30_000) => {
  const until = Date.now() + maxMs;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
};

/** The pid of the child running the task just handed to the converter (the one busy child, concurrency 1). */
const busyPid = (converter: ProcessConverter) => {
  const busy = converter.extractionStats().children.filter((c) => c.busy);
  assert.equal(busy.length, 1);
  return busy[0]!.pid;
};

const isError = (code: string, permanent?: boolean) => (err: unknown) => {
  assert.ok(err instanceof ConversionError, `expected a ConversionError, got ${String(err)}`);
  assert.equal(err.code, code);
  if (permanent !== undefined) assert.equal(err.permanent, permanent);
  return true;
};

// Time limits are generous where time is not the subject: the tests share a loaded 2-core machine.
describe('createConverter', () => {
  let fx: Awaited<ReturnType<typeof fixtureDir>>;
  // A docx of 250 000 paragraphs with formatted runs (~80 MB of XML, 2 MB zipped): the extractor needs seconds
  // and far more than 64 MB of heap for it.
  let heavyDocx: string;
  before(async () => {
    fx = await fixtureDir();
    const run = (text: string) =>
      `<w:r><w:rPr><w:rFonts w:ascii="FangSong" w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr><w:t>${text}</w:t></w:r>`;
    const body = Array.from(
      { length: 250_000 },
      (_, i) => `<w:p>${run(`第${i}段：`)}${run('创建全国文明城市，')}${run('是一件大事。')}</w:p>`,
    ).join('');
    heavyDocx = await fx.write('heavy.docx', buildZip(docxEntries({ body })));
  });
  after(() => fx.cleanup());

  test('extracts each format in a child process, with the same result as in-process', async () => {
    const converter = createConverter({ concurrency: 2, timeoutMs: 120_000, memoryMb: 256 });
    try {
      const [docx, pdf, txt] = await Promise.all([
        converter.extract(SEED_DOCX, 'docx'),
        converter.extract(PDF_ZH, 'pdf'),
        converter.extract(SEED_TXT, 'txt'),
      ]);
      assert.deepEqual(docx, await extractDocx(SEED_DOCX, DEFAULT_LIMITS));
      assert.equal(pdf.pageCount, 4);
      assert.equal(txt.encoding, 'utf-8');
      assert.equal(txt.body, docx.body);
    } finally {
      await converter.close();
    }
  });

  test('a ConversionError crosses the process boundary with its code, params and permanence', async () => {
    const converter = createConverter({
      concurrency: 1,
      timeoutMs: 120_000,
      memoryMb: 256,
      limits: { ...DEFAULT_LIMITS, maxPages: 2 },
    });
    try {
      await assert.rejects(converter.extract(ENCRYPTED_PDF, 'pdf'), isError('encrypted', true));
      await assert.rejects(converter.extract(PDF_ZH, 'pdf'), (err) => {
        isError('tooManyPages', true)(err);
        assert.deepEqual((err as ConversionError).params, { pages: 4, max: 2 });
        return true;
      });
    } finally {
      await converter.close();
    }
  });

  test('unexpected errors become a retryable failed with a short detail', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 120_000, memoryMb: 256 });
    try {
      for (const format of ['docx', 'pdf', 'txt'] as const) {
        await assert.rejects(converter.extract(`${fx.dir}/missing.${format}`, format), (err) => {
          isError('failed', false)(err);
          assert.match(String((err as ConversionError).params.detail), /ENOENT/);
          return true;
        });
      }
    } finally {
      await converter.close();
    }
  });

  test('tasks beyond the concurrency wait their turn', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 120_000, memoryMb: 256 });
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => converter.extract(SEED_TXT, 'txt')));
      assert.equal(new Set(results.map((r) => r.body)).size, 1);
    } finally {
      await converter.close();
    }
  });

  test('a task over its time is stopped, and the next task gets a fresh child', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 800, memoryMb: 1024 });
    try {
      const slow = converter.extract(heavyDocx, 'docx');
      const next = converter.extract(SEED_DOCX, 'docx');
      await assert.rejects(slow, isError('timeout', true));
      assert.equal((await next).title, '在高新区创建全国文明城市工作领导小组(扩大)会议上的讲话');
    } finally {
      await converter.close();
    }
  });

  test('a child over its heap cap dies with outOfMemory, and the pool carries on', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 300_000, memoryMb: 64 });
    try {
      await assert.rejects(converter.extract(heavyDocx, 'docx'), isError('outOfMemory', true));
      assert.ok((await converter.extract(SEED_DOCX, 'docx')).charCount > 2000);
      // The heap overflow aborted the child itself: lost, not killed by the pool.
      assert.deepEqual(
        [converter.extractionStats().starts, converter.extractionStats().failed, converter.extractionStats().killed],
        [2, 1, 0],
      );
    } finally {
      await converter.close();
    }
  });

  test('an office file LibreOffice printed as its bytes (the compound-file signature as text) is corrupt', async () => {
    // LibreOffice's plain-text fallback for a fuzzed .xls, as the corpus run saw it (legacy/…POIHSSFFuzzer….xls).
    const office = (line: string): OfficeConverter => ({
      available: true,
      async toPdf() {
        const dir = await mkdtemp(join(tmpdir(), 'wy-fake-lo-'));
        const doc = await PDFDocument.create();
        const font = await doc.embedFont(StandardFonts.Helvetica);
        const page = doc.addPage();
        page.drawText('poi__spreadsheet__fuzzed', { x: 50, y: 780, size: 12, font });
        page.drawText(line, { x: 50, y: 750, size: 12, font });
        const pdf = join(dir, 'out.pdf');
        await writeFile(pdf, await doc.save());
        return { pdf, dir };
      },
      stats: () => ({ poolStarts: 0, pooled: 0, oneShot: 0 }),
      close: async () => {},
    });
    const printed = createConverter({
      concurrency: 1,
      timeoutMs: 120_000,
      memoryMb: 256,
      office: office('ÐÏà¡±á>þÿ þÿÿÿÿÿÿÿÿÿÿÿÿ Workbook ÿÿÿÿ'),
    });
    const read = createConverter({
      concurrency: 1,
      timeoutMs: 120_000,
      memoryMb: 256,
      office: office('Quarterly sales by region, first half of the year'),
    });
    try {
      await assert.rejects(printed.extract(SEED_TXT, 'xls'), isError('corrupt', true));
      assert.match((await read.extract(SEED_TXT, 'xls')).body, /Quarterly sales by region/);
    } finally {
      await Promise.all([printed.close(), read.close()]);
    }
  });

  test('close rejects running and queued tasks, and every later call', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 120_000, memoryMb: 256 });
    const settled = Promise.allSettled([converter.extract(heavyDocx, 'docx'), converter.extract(SEED_TXT, 'txt')]);
    await converter.close();
    for (const outcome of await settled) {
      assert.equal(outcome.status, 'rejected');
      if (outcome.status === 'rejected') isError('failed', false)(outcome.reason);
    }
    await assert.rejects(converter.extract(SEED_TXT, 'txt'), isError('failed', false));
  });
  test('one child serves task after task: pdf.js is loaded once', async () => {
    // No recycling by size here (a child is ~380 MB after a Chinese PDF's CMaps and fonts).
    const converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 256, recycleRssMb: 4096 });
    try {
      const pids: number[] = [];
      for (const [path, format] of [
        [SEED_TXT, 'txt'],
        [SEED_DOCX, 'docx'],
        [PDF_ZH, 'pdf'],
        [SEED_TXT, 'txt'],
      ] as const) {
        const text = converter.extract(path, format);
        pids.push(busyPid(converter));
        assert.ok((await text).charCount > 100);
      }
      assert.equal(new Set(pids).size, 1);
      assert.ok(pids[0]! > 0 && pids[0] !== process.pid);
      const stats = converter.extractionStats();
      assert.equal(stats.starts, 1);
      assert.deepEqual(stats.children, [{ pid: pids[0], tasks: 4, busy: false }]);
    } finally {
      await converter.close();
    }
  });

  test('a child is replaced after recycleAfter tasks, and the old one is gone', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 256, recycleAfter: 2 });
    try {
      const pids: number[] = [];
      for (let i = 0; i < 5; i++) {
        const text = converter.extract(SEED_TXT, 'txt');
        pids.push(busyPid(converter));
        assert.equal((await text).encoding, 'utf-8');
      }
      const [a, b, c] = [pids[0]!, pids[2]!, pids[4]!];
      assert.deepEqual(pids, [a, a, b, b, c]);
      assert.equal(new Set([a, b, c]).size, 3);
      const stats = converter.extractionStats();
      assert.deepEqual(
        { starts: stats.starts, recycled: stats.recycled, killed: stats.killed },
        {
          starts: 3,
          recycled: 2,
          killed: 0,
        },
      );
      assert.ok(await gone(a));
      assert.ok(await gone(b));
      assert.ok(alive(c));
    } finally {
      await converter.close();
    }
  });

  test('a child whose resident size after a task is above recycleRssMb is replaced before the next task', async () => {
    // Any loaded child is above 1 MB: every task gets a fresh one.
    const converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 256, recycleRssMb: 1 });
    try {
      const pids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const text = converter.extract(SEED_TXT, 'txt');
        pids.push(busyPid(converter));
        await text;
      }
      assert.equal(new Set(pids).size, 3);
      assert.equal(converter.extractionStats().recycled, 3);
    } finally {
      await converter.close();
    }
  });

  test('a task whose native memory passes the resident cap ends outOfMemory, and the next gets a fresh child', async () => {
    // A 320 MB text file: the extractor reads it into a Buffer — memory outside the V8 heap, which the heap cap
    // (4 GB here, out of the way) does not see — and decodes it for seconds. A loaded child is ~170 MB resident,
    // so it passes the 300 MB cap while reading.
    const big = `${fx.dir}/big.txt`;
    const line = Buffer.from(`${'创建全国文明城市，是一件大事，也是一件难事。'.repeat(8)}\n`);
    const fh = await openFile(big, 'w');
    try {
      const chunk = Buffer.concat(Array.from({ length: Math.ceil((4 << 20) / line.length) }, () => line));
      for (let written = 0; written < 320 << 20; written += chunk.length) await fh.write(chunk);
    } finally {
      await fh.close();
    }
    const converter = createConverter({ concurrency: 1, timeoutMs: 120_000, memoryMb: 4096, rssMb: 300 });
    try {
      const hog = converter.extract(big, 'txt');
      const first = busyPid(converter);
      await assert.rejects(hog, (err) => {
        isError('outOfMemory', true)(err);
        assert.match(String((err as ConversionError).params.detail), /300 MB/);
        return true;
      });
      assert.ok(await gone(first));
      const next = converter.extract(SEED_TXT, 'txt');
      const second = busyPid(converter);
      assert.notEqual(second, first);
      assert.equal((await next).encoding, 'utf-8');
      const stats = converter.extractionStats();
      assert.equal(stats.killed, 1);
      assert.equal(stats.failed, 0);
      assert.equal(stats.starts, 2);
    } finally {
      await converter.close();
    }
  });

  test('close with a task in flight on a warm child rejects it and kills the child before it resolves', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 1024 });
    // Warm: the child has loaded its libraries and went idle (unreferenced) once.
    await converter.extract(SEED_TXT, 'txt');
    const running = converter.extract(heavyDocx, 'docx');
    const pid = busyPid(converter);
    const settled = Promise.allSettled([running, converter.extract(SEED_TXT, 'txt')]);
    await converter.close();
    assert.equal(alive(pid), false);
    for (const outcome of await settled) {
      assert.equal(outcome.status, 'rejected');
      if (outcome.status === 'rejected') isError('failed', false)(outcome.reason);
    }
    assert.deepEqual(converter.extractionStats().children, []);
  });

  test('a child without work for idleMs is stopped, and the next task starts a fresh one', async () => {
    const converter = createConverter({ concurrency: 1, timeoutMs: 60_000, memoryMb: 256, idleMs: 200 });
    try {
      const first = converter.extract(SEED_TXT, 'txt');
      const pid = busyPid(converter);
      await first;
      assert.ok(await gone(pid));
      assert.deepEqual(converter.extractionStats().children, []);
      assert.equal(converter.extractionStats().idleStops, 1);
      const next = converter.extract(SEED_TXT, 'txt');
      assert.notEqual(busyPid(converter), pid);
      assert.equal((await next).encoding, 'utf-8');
      assert.equal(converter.extractionStats().starts, 2);
    } finally {
      await converter.close();
    }
  });

  test('idle children keep no process alive and do not outlive it', async () => {
    // A process that extracts one file and never closes its converter must still exit by itself, and its child
    // with it.
    const script = await fx.write(
      'idle.mts',
      `import { createConverter } from ${JSON.stringify(new URL('./converter.ts', import.meta.url).href)};
const converter = createConverter({ concurrency: 2, timeoutMs: 60000, memoryMb: 256 });
const text = await converter.extract(${JSON.stringify(SEED_TXT)}, 'txt');
console.log(JSON.stringify({ chars: text.charCount, pids: converter.extractionStats().children.map((c) => c.pid) }));
`,
    );
    const proc = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    const code = await new Promise<number | null>((resolve) => {
      const guard = setTimeout(() => proc.kill('SIGKILL'), 180_000);
      proc.once('exit', (c) => {
        clearTimeout(guard);
        resolve(c);
      });
    });
    assert.equal(code, 0, 'the process exited on its own');
    const { chars, pids } = JSON.parse(out) as { chars: number; pids: number[] };
    assert.ok(chars > 2000);
    assert.equal(pids.length, 1);
    assert.ok(await gone(pids[0]!), 'the idle child ended with its parent');
  });
});
