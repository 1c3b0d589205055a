// One task in a fresh child process whose time, JavaScript heap and whole resident memory are capped (decision
// 0022): page renders (render-process.ts) and the PDF inspection of the watermark trace (pdf-inspect.ts). pdf.js and
// @napi-rs/canvas allocate native memory — bitmaps, decoded images, Skia surfaces — that V8's heap limit does not
// see: a 58 KB one-page PDF grew a process to 2.3–2.9 GB RSS. A watchdog (rss-watch.ts) reads the child's resident
// size (with its own children) from /proc and kills it past the cap ('outOfMemory'), a timer kills it past the time
// limit ('timeout'). No address-space limit: pdf.js and Skia reserve far more address space than they use.
//
// The child (an entry module beside this file) receives the request as its one IPC message and answers once with
// `CappedChildReply`, then exits.
import { fork, type Serializable } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { watchRss } from './rss-watch.ts';
import { ConversionError, type SerializedConversionError } from './types.ts';

/** Caps of one child. */
export interface ChildCaps {
  /** Most resident memory of the child and its descendants, in MB (native memory included). */
  rssMb: number;
  /** Most JavaScript heap of the child, in MB. */
  heapMb: number;
  /** Wall-clock limit, from the start of the child. */
  timeoutMs: number;
  /** How often the resident size is read. */
  watchMs?: number;
}

/** What a child posts back: its value, or a serialised ConversionError. */
export type CappedChildReply<T> = { ok: true; value: T } | { ok: false; error: SerializedConversionError };

/** The child's value and the largest resident size seen (for logs and benches). */
export interface CappedOutcome<T> {
  value: T;
  peakRssBytes: number;
}

/**
 * Runs `entry` (the name of a module in src/convert, without extension) in a fresh child under `caps` with `request`
 * as its task; rejects with a ConversionError (outOfMemory, timeout, the child's own, or a retryable 'failed' when
 * it crashed). `what` names the task in the errors' details. While it runs, `live` holds a function that kills the
 * child (pools call it on close).
 */
export function runInCappedChild<T>(
  entry: string,
  request: Serializable,
  caps: ChildCaps,
  what: string,
  live?: Set<() => void>,
): Promise<CappedOutcome<T>> {
  return new Promise((resolve, reject) => {
    // Under tsx (dev, tests) the entry is TypeScript and the child loads tsx; a built tree runs the .js directly.
    const ts = import.meta.url.endsWith('.ts');
    const file = fileURLToPath(new URL(`./${entry}.${ts ? 'ts' : 'js'}`, import.meta.url));
    const child = fork(file, [], {
      execArgv: [
        ...(ts ? ['--import', import.meta.resolve('tsx')] : []),
        `--max-old-space-size=${Math.max(32, Math.floor(caps.heapMb))}`,
      ],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let peak = 0;
    let settled = false;
    const finish = (err: ConversionError | undefined, value?: T) => {
      if (settled) return;
      settled = true;
      live?.delete(cancel);
      stopWatch();
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (err) reject(err);
      else resolve({ value: value as T, peakRssBytes: peak });
    };
    const cancel = () => finish(new ConversionError('failed', { detail: 'converter closed' }, false));
    live?.add(cancel);
    const stopWatch = watchRss(child, {
      limitBytes: caps.rssMb * 1024 * 1024,
      everyMs: caps.watchMs ?? 100,
      onSample: (rss) => {
        peak = Math.max(peak, rss);
      },
      onOver: () => finish(new ConversionError('outOfMemory', { detail: `${what} over ${caps.rssMb} MB` })),
    });
    const timer = setTimeout(() => finish(new ConversionError('timeout')), caps.timeoutMs);
    child.once('message', (reply: CappedChildReply<T>) => {
      if (reply.ok) finish(undefined, reply.value);
      else finish(ConversionError.fromJSON(reply.error));
    });
    child.once('exit', (code, signal) => {
      // A V8 heap overflow aborts the child (SIGABRT or exit code 134); anything else is a crash.
      const oom = signal === 'SIGABRT' || code === 134;
      finish(
        oom
          ? new ConversionError('outOfMemory', { detail: `${what} heap` })
          : new ConversionError('failed', { detail: `${what} exited (${signal ?? code})` }, false),
      );
    });
    child.once('error', (err) => finish(new ConversionError('failed', { detail: err.message }, false)));
    child.send(request);
  });
}
