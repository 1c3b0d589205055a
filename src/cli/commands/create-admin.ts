import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { registerUser } from '../../features/accounts/service.ts';
import type { Command } from '../command.ts';

/** `wenyuan create-admin`: the first operator account. */
export const createAdmin: Command = {
  usage:
    'create-admin --email <email> | --phone <phone> [--name <name>] [--password <password>]\n' +
    '    creates an administrator; without --password a random one is generated and printed once',
  async run(args, open) {
    const { values } = parseArgs({
      args,
      options: {
        email: { type: 'string' },
        phone: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
      },
    });
    const identifier = values.email ?? values.phone;
    if (!identifier) return 2;
    const { deps, close } = await open();
    try {
      const password = values.password ?? process.env.WENYUAN_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
      const id = await registerUser(deps, {
        identifier,
        password,
        displayName: values.name ?? '管理员',
        role: 'admin',
        // The operator creates it on the server itself: their word is the verification.
        contactVerified: true,
      });
      console.log(`admin created: id=${id} login=${identifier}`);
      if (!values.password && !process.env.WENYUAN_ADMIN_PASSWORD) console.log(`password (shown once): ${password}`);
      return 0;
    } finally {
      await close();
    }
  },
};
