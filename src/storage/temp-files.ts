import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** The local temp directory every blob store writes uploads to first (`tempPath`, `sweepTemp` of the port). */
export interface TempFiles {
  readonly dir: string;
  path(prefix: string): string;
  sweep(modifiedBefore: number, opts?: { dryRun?: boolean }): Promise<{ files: number; bytes: number }>;
}

/** Temp files under `dir` (created): fresh random names, and a sweep of the ones a crash left behind. */
export function createTempFiles(dir: string): TempFiles {
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    path(prefix) {
      return join(dir, `${prefix.replace(/[^a-z0-9-]/gi, '')}-${randomBytes(12).toString('hex')}`);
    },
    async sweep(modifiedBefore, opts = {}) {
      let files = 0;
      let bytes = 0;
      for (const name of await readdir(dir)) {
        const path = join(dir, name);
        try {
          const st = await lstat(path);
          if (!st.isFile() || st.mtimeMs >= modifiedBefore) continue;
          if (!opts.dryRun) await unlink(path);
          files++;
          bytes += st.size;
        } catch (err) {
          // Gone meanwhile: its writer finished (renamed or removed it), or another process swept it.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
      return { files, bytes };
    },
  };
}
