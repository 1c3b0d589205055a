import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { link, readdir, rename, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlobKey, type BlobStore, parseBlobKey } from './blob-store.ts';
import { createTempFiles } from './temp-files.ts';

const errCode = (err: unknown) => (err as NodeJS.ErrnoException).code;

/**
 * Blobs as files under one directory, fanned out by hash prefix: `<dir>/<ns>/ab/cd/<hash>`.
 *
 * Collection and new references (why `collect` cannot remove a blob someone is starting to use):
 * content-addressed blobs are shared, so an upload may re-reference the blob of a long-deleted document at the very
 * moment the collector decides it is dead. Every writer touches the blob (`putFile` on an existing key, `touch`)
 * before it commits the row that references it; the collector checks the database first, then moves the file aside
 * (an atomic rename), then reads the moved file's modification time, and only then deletes it.
 * - A writer that touched before the rename touched the same inode: the collector sees a fresh time and puts the
 *   file back.
 * - A writer that touches after the rename finds the path empty: `putFile` links its own copy again, `touch`
 *   reports the blob missing and the caller refuses cleanly.
 * - A writer whose row committed before the collector's database check is seen by that check.
 * The one gap is the collector's process dying between moving a freshly touched blob aside and putting it back;
 * the moved file then sits in `.tmp` (named `gc-<hash>-…`) until the temp sweep.
 */
export function createLocalBlobStore(dir: string): BlobStore {
  const temp = createTempFiles(join(dir, '.tmp'));
  const tmpDir = temp.dir;

  // The key was validated against a strict pattern, so this join cannot leave `dir`.
  const pathOf = (key: BlobKey) => {
    const [ns, hash] = parseBlobKey(key).split('/') as [string, string];
    return join(dir, ns, hash.slice(0, 2), hash.slice(2, 4), hash);
  };

  const touchPath = async (path: string): Promise<boolean> => {
    const now = new Date();
    try {
      await utimes(path, now, now);
      return true;
    } catch (err) {
      if (errCode(err) === 'ENOENT') return false;
      throw err;
    }
  };

  return {
    async putFile(tempPath, key) {
      const target = pathOf(key);
      mkdirSync(join(target, '..'), { recursive: true });
      try {
        // link() fails if the target exists, so two uploads of the same content never clobber each other. An
        // existing blob is touched instead; if the collector moved it aside in between, link again.
        for (let attempt = 0; ; attempt++) {
          try {
            await link(tempPath, target);
            return;
          } catch (err) {
            if (errCode(err) !== 'EEXIST' || attempt >= 3) throw err;
          }
          if (await touchPath(target)) return;
        }
      } finally {
        await rm(tempPath, { force: true });
      }
    },
    async touch(key) {
      return touchPath(pathOf(key));
    },
    async has(key) {
      return (await this.size(key)) !== undefined;
    },
    async size(key) {
      return (await this.stat(key))?.size;
    },
    async stat(key) {
      const path = pathOf(key); // an invalid key throws, it is not "missing"
      try {
        const st = await stat(path);
        return { size: st.size, mtimeMs: st.mtimeMs };
      } catch {
        return undefined;
      }
    },
    read(key, range) {
      return createReadStream(pathOf(key), range);
    },
    async withLocalFile(key, fn) {
      const path = pathOf(key);
      await stat(path); // a missing blob fails here (ENOENT), not somewhere inside fn
      return fn(path);
    },
    async delete(key) {
      await unlink(pathOf(key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    },
    async collect(key, touchedBefore) {
      const target = pathOf(key);
      const aside = join(tmpDir, `gc-${key.slice(key.indexOf('/') + 1)}-${randomBytes(6).toString('hex')}`);
      try {
        await rename(target, aside);
      } catch (err) {
        if (errCode(err) === 'ENOENT') return undefined;
        throw err;
      }
      const st = await stat(aside);
      if (st.mtimeMs >= touchedBefore) {
        // Touched by a writer while we decided: put it back (unless a writer already stored the same bytes again).
        await link(aside, target).catch((err) => {
          if (errCode(err) !== 'EEXIST') throw err;
        });
        await unlink(aside);
        return undefined;
      }
      await unlink(aside);
      return st.size;
    },
    async *list() {
      // <dir>/<ns>/ab/cd/<hash>: only names that make a valid key (a stray file is not a blob).
      const names = async (p: string) =>
        readdir(p).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return [] as string[];
          throw err;
        });
      for (const ns of (await names(dir)).filter((n) => /^[a-z]+$/.test(n)).sort()) {
        for (const a of (await names(join(dir, ns))).sort()) {
          for (const b of (await names(join(dir, ns, a))).sort()) {
            for (const hash of (await names(join(dir, ns, a, b))).sort()) {
              if (hash.slice(0, 2) !== a || hash.slice(2, 4) !== b) continue;
              let key: BlobKey;
              try {
                key = parseBlobKey(`${ns}/${hash}`);
              } catch {
                continue;
              }
              const st = await this.stat(key);
              if (st) yield { key, size: st.size };
            }
          }
        }
      }
    },
    tempPath(prefix) {
      return temp.path(prefix);
    },
    async sweepTemp(modifiedBefore, opts = {}) {
      return temp.sweep(modifiedBefore, opts);
    },
  };
}
