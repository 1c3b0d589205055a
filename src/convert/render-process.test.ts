import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { childrenRunning } from '../testing/child-procs.ts';
import { CORPUS_DIR } from '../testing/paths.ts';
import { createRenderPool, renderInChild } from './render-process.ts';
import { treeRss } from './rss-watch.ts';
import { ConversionError } from './types.ts';

const renderChildren = () => childrenRunning('render-child');

const PDF = join(CORPUS_DIR, 'pdf-zh', 'pdfplumber__issue-67-example.pdf');

const request = (outDir: string) => ({
  pdfPath: PDF,
  pages: 1,
  outDir,
  width: 600,
  maxHeight: 2400,
  watermark: '文苑',
  maxPages: 2000,
});

describe('page renders in a child process with its resident memory capped', () => {
  test('a page is rendered in the child; the peak resident size is reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wy-render-'));
    try {
      const { result, peakRssBytes } = await renderInChild(request(dir), {
        rssMb: 1024,
        heapMb: 512,
        timeoutMs: 120_000,
      });
      assert.equal(result.pages.length, 1);
      assert.ok(result.pages[0]!.width === 600 && result.pages[0]!.height > 0);
      assert.deepEqual(await readdir(dir), [`1.${result.format}`]);
      assert.ok(peakRssBytes > 20 * 1024 * 1024 && peakRssBytes < 1024 * 1024 * 1024, String(peakRssBytes));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('past the resident cap the child is killed: outOfMemory, the caller lives on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wy-render-'));
    try {
      // 40 MB is less than Node, pdf.js and the canvas need to start: the watchdog must fire.
      await assert.rejects(
        renderInChild(request(dir), { rssMb: 40, heapMb: 512, timeoutMs: 120_000, watchMs: 20 }),
        (err: unknown) => err instanceof ConversionError && err.code === 'outOfMemory',
      );
      assert.deepEqual(await readdir(dir), []);
      // No renderer left behind.
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(renderChildren(), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the corpus PDF whose tiling pattern grew a process to gigabytes is stopped at the cap', async () => {
    // 58 KB, one page: pdf.js and the canvas keep allocating native memory while drawing its pattern.
    const dir = await mkdtemp(join(tmpdir(), 'wy-render-'));
    try {
      await assert.rejects(
        renderInChild(
          { ...request(dir), pdfPath: join(CORPUS_DIR, 'pdf', 'pdfjs__tiling-pattern-box.pdf'), width: 900 },
          { rssMb: 500, heapMb: 512, timeoutMs: 600_000 },
        ),
        (err: unknown) => err instanceof ConversionError && err.code === 'outOfMemory',
      );
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(renderChildren(), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('past the time limit the child is killed: timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wy-render-'));
    try {
      await assert.rejects(
        renderInChild(request(dir), { rssMb: 1024, heapMb: 512, timeoutMs: 50 }),
        (err: unknown) => err instanceof ConversionError && err.code === 'timeout',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('closing the pool kills a render in flight, and no render starts after', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wy-render-'));
    try {
      const pool = createRenderPool({ rssMb: 1024, heapMb: 512, timeoutMs: 600_000 }, 1);
      // The tiling-pattern PDF keeps drawing: a render that would not end by itself for a long while.
      const rendering = pool.render({
        ...request(dir),
        pdfPath: join(CORPUS_DIR, 'pdf', 'pdfjs__tiling-pattern-box.pdf'),
        width: 900,
      });
      for (let i = 0; i < 200 && renderChildren().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(renderChildren().length, 1, 'the render child was running');
      pool.close();
      await assert.rejects(rendering, (err: unknown) => err instanceof ConversionError && err.code === 'failed');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(renderChildren(), [], 'no render child outlives close()');
      await assert.rejects(pool.render(request(dir)), (err: unknown) => err instanceof ConversionError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a page pdf.js cannot load (broken xref entry, looping page tree) is corrupt, not a retryable failure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wy-render-'));
    try {
      // Both open and yield their (empty) text to the lenient extractor; drawing their first page throws.
      for (const name of ['qpdf__bad25.pdf', 'qpdf__deep-pages.pdf']) {
        await assert.rejects(
          renderInChild(
            { ...request(dir), pdfPath: join(CORPUS_DIR, 'malformed', name) },
            { rssMb: 1024, heapMb: 512, timeoutMs: 120_000 },
          ),
          (err: unknown) => err instanceof ConversionError && err.code === 'corrupt' && err.permanent,
          name,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('treeRss reads this process', () => {
    const rss = treeRss(process.pid)!;
    assert.ok(rss >= process.memoryUsage().rss * 0.5, String(rss));
  });
});
