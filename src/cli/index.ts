import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { AppError } from '../errors.ts';
import { registerUser } from '../features/accounts/service.ts';
import { t } from '../i18n/t.ts';

const USAGE = `usage: wenyuan <command>

commands:
  create-admin --email <email> | --phone <phone> [--name <name>] [--password <password>]
      creates an administrator; without --password a random one is generated and printed once`;

/** The wenyuan command line: thin wrappers over the services. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'create-admin') {
    console.error(USAGE);
    return command ? 2 : 0;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      phone: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const identifier = values.email ?? values.phone;
  if (!identifier) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const database = openDatabase(config.database.url);
  try {
    await migrate(database);
    const password = values.password ?? process.env.WENYUAN_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
    const id = await registerUser(
      { database },
      { identifier, password, displayName: values.name ?? '管理员', role: 'admin' },
    );
    console.log(`admin created: id=${id} login=${identifier}`);
    if (!values.password && !process.env.WENYUAN_ADMIN_PASSWORD) console.log(`password (shown once): ${password}`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`error: ${t(err.messageKey, err.params)}`);
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
