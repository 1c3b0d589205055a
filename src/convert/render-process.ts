// Page images are rendered in a child process whose whole resident memory is capped (decision 0022). pdf.js and
// @napi-rs/canvas allocate native memory — bitmaps, decoded images, Skia surfaces — that V8's heap limit
// (resourceLimits of a worker thread) does not see: a 58 KB one-page PDF grew the process to 2.3–2.9 GB RSS. Here a
// watchdog (rss-watch.ts, shared with the extraction children) reads the child's resident size (with its own
// children) from /proc every 100 ms and kills it past the cap ('outOfMemory'), a timer kills it past the time limit
// ('timeout'), and its JavaScript heap is capped as well. No address-space limit: pdf.js and Skia reserve far more
// address space than they use.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RenderChildReply } from './render-child.ts';
import type { RenderRequest, RenderResult } from './render-pdf.ts';
import { watchRss } from './rss-watch.ts';
import { ConversionError } from './types.ts';

/** Caps of one render. */
export interface RenderCaps {
  /** Most resident memory of the child and its descendants, in MB (native memory included). */
  rssMb: number;
  /** Most JavaScript heap of the child, in MB. */
  heapMb: number;
  /** Wall-clock limit, from the start of the child. */
  timeoutMs: number;
  /** How often the resident size is read. */
  watchMs?: number;
}

/** What a finished child reports about itself: the largest resident size seen, for logs and the bench. */
export interface RenderOutcome {
  result: RenderResult;
  peakRssBytes: number;
}

/**
 * Renders in a fresh child process under `caps`; rejects with a ConversionError (outOfMemory, timeout, …). While it
 * runs, `live` holds a function that kills the child (the pool's close() calls it).
 */
export function renderInChild(req: RenderRequest, caps: RenderCaps, live?: Set<() => void>): Promise<RenderOutcome> {
  return new Promise((resolve, reject) => {
    // Under tsx (dev, tests) the entry is TypeScript and the child loads tsx; a built tree runs the .js directly.
    const ts = import.meta.url.endsWith('.ts');
    const entry = fileURLToPath(new URL(ts ? './render-child.ts' : './render-child.js', import.meta.url));
    const child = fork(entry, [], {
      execArgv: [
        ...(ts ? ['--import', import.meta.resolve('tsx')] : []),
        `--max-old-space-size=${Math.max(32, Math.floor(caps.heapMb))}`,
      ],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let peak = 0;
    let settled = false;
    const finish = (err: ConversionError | undefined, result?: RenderResult) => {
      if (settled) return;
      settled = true;
      live?.delete(cancel);
      stopWatch();
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (err) reject(err);
      else resolve({ result: result!, peakRssBytes: peak });
    };
    const cancel = () => finish(new ConversionError('failed', { detail: 'converter closed' }, false));
    live?.add(cancel);
    const stopWatch = watchRss(child, {
      limitBytes: caps.rssMb * 1024 * 1024,
      everyMs: caps.watchMs ?? 100,
      onSample: (rss) => {
        peak = Math.max(peak, rss);
      },
      onOver: () => finish(new ConversionError('outOfMemory', { detail: `page render over ${caps.rssMb} MB` })),
    });
    const timer = setTimeout(() => finish(new ConversionError('timeout')), caps.timeoutMs);
    child.once('message', (reply: RenderChildReply) => {
      if (reply.ok) finish(undefined, reply.value);
      else finish(ConversionError.fromJSON(reply.error));
    });
    child.once('exit', (code, signal) => {
      // A V8 heap overflow aborts the child (SIGABRT or exit code 134); anything else is a crash.
      const oom = signal === 'SIGABRT' || code === 134;
      finish(
        oom
          ? new ConversionError('outOfMemory', { detail: 'page render heap' })
          : new ConversionError('failed', { detail: `page renderer exited (${signal ?? code})` }, false),
      );
    });
    child.once('error', (err) => finish(new ConversionError('failed', { detail: err.message }, false)));
    child.send(req);
  });
}

/** At most `concurrency` renders at a time, each in its own capped child. */
export function createRenderPool(caps: RenderCaps, concurrency: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  let closed = false;
  const live = new Set<() => void>();
  return {
    async render(req: RenderRequest): Promise<RenderResult> {
      if (closed) throw new ConversionError('failed', { detail: 'converter closed' }, false);
      if (running >= concurrency) await new Promise<void>((r) => waiting.push(r));
      running++;
      try {
        if (closed) throw new ConversionError('failed', { detail: 'converter closed' }, false);
        return (await renderInChild(req, caps, live)).result;
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    /** No new render starts; every child in flight is killed. */
    close() {
      closed = true;
      for (const cancel of [...live]) cancel();
    },
  };
}
