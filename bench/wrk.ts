/**
 * wrk (Debian's `wrk`, C, epoll) as the load generator of the page and scale benches: a JavaScript generator in the
 * same process tops out near the server's own rate on two cores and measures itself (issue #14). Optionally pinned
 * to one CPU with `taskset`, so the server under test can have the other.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
const TASKSET = ['/usr/bin/taskset', '/bin/taskset'].find((p) => existsSync(p));

/** What one wrk run measured. Latencies in milliseconds. */
export interface WrkResult {
  readonly requests: number;
  readonly seconds: number;
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p99: number;
  /** Responses that were neither 2xx nor 3xx. */
  readonly non2xx3xx: number;
  /** Connect, read, write and timeout errors. */
  readonly socketErrors: number;
  readonly bytes: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const BYTES: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

function ms(text: string | undefined): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : Number.NaN;
}

/** Parses wrk's report (with --latency). */
export function parseWrk(out: string): WrkResult {
  const total = /(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)(B|KB|MB|GB) read/.exec(out);
  if (!total) throw new Error(`unreadable wrk output:\n${out}`);
  const requests = Number(total[1]);
  const seconds = (Number(total[2]) * UNIT_MS[total[3]!]!) / 1000;
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requests,
    seconds,
    reqPerSec: requests / seconds,
    p50: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1]),
    p99: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1]),
    non2xx3xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((n, v) => n + Number(v), 0) : 0,
    bytes: Number(total[4]) * BYTES[total[5]!]!,
  };
}

/** Runs wrk against `url` for `seconds` (keep-alive, one thread per CPU it gets), optionally pinned to `cpu`. */
export function runWrk(
  url: string,
  opts: {
    seconds: number;
    connections: number;
    threads?: number;
    headers?: Record<string, string>;
    cpu?: number;
    /** A wrk Lua script (e.g. rotating request paths). */
    script?: string;
  },
): Promise<WrkResult> {
  if (!WRK) throw new Error('wrk is not installed (apt-get install wrk)');
  const args = [
    `-t${opts.threads ?? 1}`,
    `-c${opts.connections}`,
    `-d${opts.seconds}s`,
    '--latency',
    '--timeout',
    '10s',
    ...Object.entries(opts.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    ...(opts.script ? ['-s', opts.script] : []),
    url,
  ];
  const [cmd, argv] =
    opts.cpu !== undefined && TASKSET ? [TASKSET, ['-c', String(opts.cpu), WRK, ...args]] : [WRK, args];
  return new Promise((ok, fail) => {
    execFile(cmd, argv, { timeout: (opts.seconds + 30) * 1000 }, (err, stdout, stderr) =>
      err ? fail(new Error(`wrk failed: ${err.message}\n${stderr}`)) : ok(parseWrk(stdout)),
    );
  });
}

/** Pins a process (and its threads) to one CPU, when taskset is there; false otherwise. */
export function pinToCpu(pid: number, cpu: number): boolean {
  if (!TASKSET) return false;
  try {
    execFileSync(TASKSET, ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
