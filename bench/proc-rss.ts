// Peak resident memory of this process and of every process it starts (LibreOffice, page renderers…), sampled from
// /proc (Linux). RSS counts native memory too (canvas, pdf.js buffers, LibreOffice), which is what a host runs out of.
import { readdirSync, readFileSync } from 'node:fs';

/** Peak RSS in bytes per kind of process: 'main' is this process (its worker threads included). */
export interface RssPeaks {
  /** kind → the highest RSS one process of that kind reached. */
  perProcess: Record<string, number>;
  /** kind → how many distinct processes of that kind were seen. */
  processes: Record<string, number>;
  /** The highest sum over the whole process tree at one sample. */
  tree: number;
  /** Every process seen, with its kind and its own peak. */
  each: Array<{ pid: number; kind: string; peak: number }>;
}

/** Every process below `pid` (children, their children…), from /proc. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const todo = children(pid);
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...children(p));
  }
  return out;
}

function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ')) if (c) out.push(Number(c));
    } catch {
      // the thread or process ended between the two reads
    }
  }
  return out;
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function kindOf(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const all = cmd.join(' ');
    if (/uno-convert/.test(all)) return 'libreoffice-driver';
    if (/soffice|oosplash/.test(all)) return 'libreoffice';
    if (/render-child/.test(all)) return 'page-render';
    if (/convert-child/.test(all)) return 'convert-child';
    if (/tesseract/.test(all)) return 'tesseract';
    if (/prlimit|timeout/.test(cmd[0] ?? '')) return 'wrapper';
    return (cmd[0] ?? 'other').split('/').pop() || 'other';
  } catch {
    return 'other';
  }
}

/** Starts sampling every `everyMs`; `stop()` ends it and returns the peaks. */
export function sampleRss(everyMs = 100): { stop(): RssPeaks; peek(): RssPeaks } {
  const perProcess: Record<string, number> = {};
  const seen = new Map<number, string>();
  const peakOf = new Map<number, number>();
  let tree = 0;
  const sample = () => {
    let sum = 0;
    const todo = [process.pid];
    while (todo.length) {
      const pid = todo.pop()!;
      const rss = pid === process.pid ? process.memoryUsage().rss : rssOf(pid);
      let kind = seen.get(pid);
      // A wrapper (prlimit, timeout) execs what it wraps under the same pid: look again. So may a process a node
      // child starts (tsx's esbuild service), first seen between its fork and its exec under its parent's name.
      if (!kind || kind === 'wrapper' || kind === 'convert-child' || kind === 'page-render') {
        kind = pid === process.pid ? 'main' : kindOf(pid);
        seen.set(pid, kind);
      }
      perProcess[kind] = Math.max(perProcess[kind] ?? 0, rss);
      peakOf.set(pid, Math.max(peakOf.get(pid) ?? 0, rss));
      sum += rss;
      todo.push(...children(pid));
    }
    tree = Math.max(tree, sum);
  };
  const timer = setInterval(sample, everyMs);
  timer.unref();
  const peaks = (): RssPeaks => {
    const processes: Record<string, number> = {};
    for (const k of seen.values()) processes[k] = (processes[k] ?? 0) + 1;
    const each = [...peakOf].map(([pid, peak]) => ({ pid, kind: seen.get(pid)!, peak }));
    return { perProcess: { ...perProcess }, processes, tree, each };
  };
  return {
    peek: peaks,
    stop() {
      clearInterval(timer);
      sample();
      return peaks();
    },
  };
}

const mb = (b: number) => Math.round(b / 1024 / 1024);

/** Peaks in MB, for printing. */
export function peaksInMb(p: RssPeaks): {
  peakRssMbPerProcess: Record<string, number>;
  processes: Record<string, number>;
  peakRssMbTree: number;
} {
  return {
    peakRssMbPerProcess: Object.fromEntries(Object.entries(p.perProcess).map(([k, v]) => [k, mb(v)])),
    processes: p.processes,
    peakRssMbTree: mb(p.tree),
  };
}

/** Per kind of process, the spread of each process's own peak (MB): how many, median, 90th percentile, highest. */
export function peakSpreadMb(
  p: RssPeaks,
): Record<string, { processes: number; p50: number; p90: number; max: number }> {
  const by = new Map<string, number[]>();
  for (const e of p.each) {
    const xs = by.get(e.kind) ?? [];
    xs.push(e.peak);
    by.set(e.kind, xs);
  }
  const at = (xs: number[], q: number) => mb(xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!);
  return Object.fromEntries(
    [...by].map(([kind, xs]) => {
      xs.sort((a, b) => a - b);
      return [kind, { processes: xs.length, p50: at(xs, 0.5), p90: at(xs, 0.9), max: mb(xs[xs.length - 1]!) }];
    }),
  );
}

/** One TSV line per process seen: pid, kind, its peak RSS in MB. */
export function peaksTsv(p: RssPeaks): string {
  return `pid\tkind\tpeak_rss_mb\n${p.each.map((e) => `${e.pid}\t${e.kind}\t${mb(e.peak)}`).join('\n')}\n`;
}

/** This process's own high-water mark (VmHWM), which no sampling interval can miss; worker threads included. */
export function peakHwmMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}
