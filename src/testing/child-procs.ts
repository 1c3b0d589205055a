import { readdirSync, readFileSync } from 'node:fs';

/** Pids of this process's direct children whose command line contains `marker` (Linux /proc). */
export function childrenRunning(marker: string): number[] {
  const out: number[] = [];
  for (const t of readdirSync(`/proc/${process.pid}/task`)) {
    for (const c of readFileSync(`/proc/${process.pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) {
      try {
        if (readFileSync(`/proc/${c}/cmdline`, 'utf8').includes(marker)) out.push(Number(c));
      } catch {
        // already gone
      }
    }
  }
  return out;
}
