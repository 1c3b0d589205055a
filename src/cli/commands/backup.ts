import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackup, OperationError } from '../../features/backup/backup.ts';
import { restoreBackup } from '../../features/backup/restore.ts';
import type { Command } from '../command.ts';

/** Runs an operation, printing an OperationError's message (a refusal or failed verification) instead of a stack. */
async function report(fn: () => Promise<unknown>): Promise<number> {
  try {
    console.log(JSON.stringify(await fn()));
    return 0;
  } catch (err) {
    if (!(err instanceof OperationError)) throw err;
    console.error(`error: ${err.message}`);
    return 1;
  }
}

/** `wenyuan backup <dir>`: a verified copy of the running site (database, blobs, generated keys). */
export const backup: Command = {
  usage:
    'backup <dir>\n' +
    '    copies the database (SQLite online backup or pg_dump), every blob and the keys generated into DATA_DIR into a\n' +
    '    new directory while the site runs, and verifies it (checksums; ledger verify on a restored scratch copy)',
  async run(args, open) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals.length !== 1) return 2;
    const { deps, close } = await open();
    try {
      return await report(() => createBackup(deps, resolve(positionals[0]!)));
    } finally {
      await close();
    }
  },
};

/** `wenyuan restore <dir> [--force]`: the backup in place of the configured (stopped) site, verified. */
export const restore: Command = {
  usage:
    'restore <dir> [--force]\n' +
    '    restores a backup into the configured database, blob store and DATA_DIR (stop the site first); refuses a\n' +
    '    target that holds a site unless --force; verifies blobs, counts, sums and the ledger against the backup',
  async run(args, open) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { force: { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1) return 2;
    return report(() => restoreBackup(open, resolve(positionals[0]!), { force: values.force }));
  },
};
