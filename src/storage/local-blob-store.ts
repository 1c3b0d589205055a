import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { link, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type BlobKey, type BlobStore, parseBlobKey } from './blob-store.ts';

/** Blobs as files under one directory, fanned out by hash prefix: `<dir>/<ns>/ab/cd/<hash>`. */
export function createLocalBlobStore(dir: string): BlobStore {
  const tmpDir = join(dir, '.tmp');
  mkdirSync(tmpDir, { recursive: true });

  // The key was validated against a strict pattern, so this join cannot leave `dir`.
  const pathOf = (key: BlobKey) => {
    const [ns, hash] = parseBlobKey(key).split('/') as [string, string];
    return join(dir, ns, hash.slice(0, 2), hash.slice(2, 4), hash);
  };

  return {
    async putFile(tempPath, key) {
      const target = pathOf(key);
      mkdirSync(join(target, '..'), { recursive: true });
      try {
        // link() fails if the target exists, so two uploads of the same content never clobber each other.
        await link(tempPath, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        await rm(tempPath, { force: true });
      }
    },
    async has(key) {
      return (await this.size(key)) !== undefined;
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch {
        return undefined;
      }
    },
    read(key, range) {
      return createReadStream(pathOf(key), range);
    },
    async withLocalFile(key, fn) {
      return fn(pathOf(key));
    },
    async delete(key) {
      await unlink(pathOf(key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    },
    tempPath(prefix) {
      return join(tmpDir, `${prefix.replace(/[^a-z0-9-]/gi, '')}-${randomBytes(12).toString('hex')}`);
    },
  };
}
