import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OperationError } from '../../features/backup/backup.ts';
import { copySecrets, migrateSite } from '../../features/backup/site-migration.ts';
import type { Command } from '../command.ts';
import { openSite } from '../open-site.ts';

/** `wenyuan migrate --to-database postgres://… --to-storage s3://…`: the site moved off the embedded default. */
export const migrateCommand: Command = {
  usage:
    'migrate --to-database postgres://… --to-storage s3://…|file:… [--to-data-dir <dir>] [--batch <rows>]\n' +
    '    moves the configured site (stop it first) into an empty PostgreSQL database and blob store: every table,\n' +
    '    ledger included, and every blob; resumable (run it again after an interruption); verifies counts, ledger\n' +
    '    sums per account, blob checksums and ledger verify on the target. --to-data-dir receives the generated keys',
  async run(args, open) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'to-database': { type: 'string' },
        'to-storage': { type: 'string' },
        'to-data-dir': { type: 'string' },
        batch: { type: 'string' },
      },
    });
    const to = values['to-database'];
    const storage = values['to-storage'];
    const batch = values.batch === undefined ? undefined : Number(values.batch);
    if (positionals.length || !to || !storage || (batch !== undefined && !(Number.isInteger(batch) && batch > 0)))
      return 2;
    const toDataDir = values['to-data-dir'] ? resolve(values['to-data-dir']) : undefined;
    const source = await open();
    try {
      if (source.deps.config.database.url === to) {
        console.error('error: --to-database is the site’s own database');
        return 1;
      }
      let target: Awaited<ReturnType<typeof openSite>>;
      try {
        // The site's generated keys first: opening the target would generate new ones into an empty DATA_DIR.
        copySecrets(source.deps.config.dataDir, toDataDir);
        target = await openSite({
          ...process.env,
          DATABASE_URL: to,
          STORAGE_URL: storage,
          ...(toDataDir ? { DATA_DIR: toDataDir } : {}),
        });
      } catch (err) {
        if (!(err instanceof OperationError)) throw err;
        console.error(`error: ${err.message}`);
        return 1;
      }
      try {
        const summary = await migrateSite(source.deps, target.deps, {
          batch,
          toDataDir,
          onStep: (s) => {
            if (s.kind === 'table') console.error(`  ${s.table}: ${s.rows} rows`);
          },
        });
        console.log(JSON.stringify(summary));
        return 0;
      } catch (err) {
        if (!(err instanceof OperationError)) throw err;
        console.error(`error: ${err.message}`);
        return 1;
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  },
};
