import { closeSync, openSync, readSync } from 'node:fs';

/**
 * A stamp of an SQLite database in WAL mode that changes whenever any connection — in this process or another —
 * commits: the wal-index header in the `-shm` file (https://www.sqlite.org/walformat.html#the_wal_index_file_format).
 * Its first 48 bytes carry `iChange` (incremented by every commit and WAL restart), `mxFrame`, the page count, the
 * frame checksum and the WAL salts; a writer stores a second copy first and the first copy last, and readers trust
 * the header only when both copies agree, as SQLite's own lock-free read does.
 *
 * One `pread` of 96 bytes instead of a read transaction: a query on a WAL database takes the shared-memory read lock
 * and costs ~6 µs even for a one-row lookup; this costs ~1 µs. The answer is undefined whenever it cannot be
 * trusted (no -shm file, copies differing because a commit is being written, not initialised, any error), and
 * callers then ask the database. Never stale: a stamp read before a query, equal to one read later, means no commit
 * happened in between.
 */
export function walChangeStamp(dbPath: string): { read(): string | undefined; close(): void } {
  const buf = Buffer.alloc(96);
  let fd: number | undefined;
  return {
    read() {
      try {
        fd ??= openSync(`${dbPath}-shm`, 'r');
        if (readSync(fd, buf, 0, 96, 0) !== 96) return undefined;
        // isInit (byte 12) set, and the two copies identical.
        if (buf[12] !== 1 || buf.compare(buf, 48, 96, 0, 48) !== 0) return undefined;
        return buf.toString('hex', 8, 48);
      } catch {
        return undefined;
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
