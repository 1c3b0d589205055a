import { buildDeps } from '../compose.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { AppError } from '../errors.ts';
import { t } from '../i18n/t.ts';
import { createLogger } from '../log.ts';
import type { Command, OpenDeps } from './command.ts';
import { backup, restore } from './commands/backup.ts';
import { createAdmin } from './commands/create-admin.ts';
import { gc } from './commands/gc.ts';
import { importCommand } from './commands/import.ts';
import { ledger } from './commands/ledger.ts';
import { migrateCommand } from './commands/migrate.ts';
import { pii } from './commands/pii.ts';
import { reindex } from './commands/reindex.ts';
import { stage } from './commands/stage.ts';
import { storage } from './commands/storage.ts';
import { trace } from './commands/trace.ts';
import { verifyContact } from './commands/verify-contact.ts';

/** Every command of `npx wenyuan <command>`. Thin wrappers over the services. */
const COMMANDS: Record<string, Command> = {
  backup,
  'create-admin': createAdmin,
  gc,
  import: importCommand,
  ledger,
  migrate: migrateCommand,
  pii,
  reindex,
  restore,
  stage,
  trace,
  storage,
  'verify-contact': verifyContact,
};

const usage = () =>
  `usage: wenyuan <command>\n\ncommands:\n${Object.values(COMMANDS)
    .map((c) => `  ${c.usage}`)
    .join('\n')}`;

const open: OpenDeps = async (opts = {}) => {
  const config = loadConfig();
  const database = openDatabase(config.database.url);
  if (opts.migrate !== false) await migrate(database);
  // Logs go to stderr: stdout carries the command's results (`wenyuan import` prints one JSON line per file).
  const deps = buildDeps(config, createLogger(process.env.LOG_LEVEL ?? 'warn', { fd: 2 }), database);
  return {
    deps,
    async close() {
      await deps.converter.close();
      await deps.shared.close();
      await database.close();
    },
  };
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(usage());
    return name ? 2 : 0;
  }
  try {
    const code = await command.run(args, open);
    if (code === 2) console.error(`usage: wenyuan ${command.usage}`);
    return code;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`error: ${t(err.messageKey, err.params)}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
