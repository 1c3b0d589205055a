import { parseArgs } from 'node:util';
import { verifyContactByOperator } from '../../features/accounts/contact.ts';
import type { Command } from '../command.ts';

/** `wenyuan verify-contact`: the operator vouches for an account's email or phone (no transport configured yet). */
export const verifyContact: Command = {
  usage:
    'verify-contact --email <email> | --phone <phone>\n' +
    "    marks the account's email or phone verified (it may then sell and withdraw once real-name verified);\n" +
    '    for sites without SMTP_URL / SMS_PROVIDER, after checking the owner some other way',
  async run(args, open) {
    const { values } = parseArgs({ args, options: { email: { type: 'string' }, phone: { type: 'string' } } });
    const identifier = values.email ?? values.phone;
    if (!identifier) return 2;
    const { deps, close } = await open();
    try {
      const id = await verifyContactByOperator(deps, identifier);
      console.log(`contact verified: id=${id} login=${identifier}`);
      return 0;
    } finally {
      await close();
    }
  },
};
