import { buildDeps } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import type { Deps } from '../deps.ts';
import { createLogger } from '../log.ts';

/**
 * Opens a site described by environment variables (DATABASE_URL, STORAGE_URL, DATA_DIR…): its database (migrated,
 * unless `migrate` is false) and its dependencies. The CLI opens the configured site this way, and `wenyuan migrate`
 * its target (the same environment with the target's database and store).
 */
export async function openSite(
  env: NodeJS.ProcessEnv,
  opts: { migrate?: boolean } = {},
): Promise<{ deps: Deps; close(): Promise<void> }> {
  const config = loadConfig(env);
  const database = openDatabase(config.database.url);
  if (opts.migrate !== false) await migrate(database);
  // Logs go to stderr: stdout carries the command's results (`wenyuan import` prints one JSON line per file).
  const deps = buildDeps(config, createLogger(env.LOG_LEVEL ?? 'warn', { fd: 2 }), database);
  return {
    deps,
    async close() {
      await deps.converter.close();
      await deps.shared.close();
      await database.close();
    },
  };
}
