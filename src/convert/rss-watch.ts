// The resident-memory watchdog shared by the child processes of src/convert/: page renders (render-process.ts, one
// child per render, decision 0022) and extraction children (extraction-pool.ts, decision 0037). Resident size, native
// memory included, is read from Linux /proc, for a process and all of its descendants — V8's heap limit does not see
// what pdf.js, Skia and Node's buffers allocate outside the heap.
import { readdirSync, readFileSync } from 'node:fs';

/** Resident bytes of a process and every descendant (Linux /proc); undefined when /proc cannot be read. */
export function treeRss(pid: number): number | undefined {
  let total = 0;
  const todo = [pid];
  let any = false;
  while (todo.length > 0) {
    const p = todo.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) {
        total += Number(m[1]) * 1024;
        any = true;
      }
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ')) if (c) todo.push(Number(c));
      }
    } catch {
      // the process ended between two reads
    }
  }
  return any ? total : undefined;
}

/** How a process tree is watched. */
export interface RssWatchOptions {
  /** Resident bytes (the whole tree) above which `onOver` is called. */
  limitBytes: number;
  /** Milliseconds between two reads. */
  everyMs: number;
  /** Called once, with the tree's resident bytes, at the first read above the limit; the watch has stopped then. */
  onOver(rssBytes: number): void;
  /** Called with every read (0 when /proc could not be read), before the comparison with the limit. */
  onSample?(rssBytes: number): void;
}

/**
 * Reads `treeRss` of `proc.pid` every `everyMs` until the returned function is called, or until the tree is over
 * `limitBytes` (then `onOver`, whose job is to kill). A read before the process has a pid is skipped. The timer is
 * unreferenced: the watched child, not its watchdog, keeps this process alive.
 */
export function watchRss(proc: { readonly pid?: number | undefined }, opts: RssWatchOptions): () => void {
  const timer = setInterval(() => {
    const pid = proc.pid;
    if (!pid) return;
    const rss = treeRss(pid) ?? 0;
    opts.onSample?.(rss);
    if (rss > opts.limitBytes) {
      clearInterval(timer);
      opts.onOver(rss);
    }
  }, opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
