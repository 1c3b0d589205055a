import { resealVerifications } from '../../features/verification/reseal.ts';
import type { Command } from '../command.ts';

/** `wenyuan pii reseal`: after a key rotation, seals every identity value still under an old key with the current one. */
export const pii: Command = {
  usage:
    'pii reseal\n' +
    '    after rotating PII_ENCRYPTION_KEY (old key kept in PII_ENCRYPTION_OLD_KEYS), re-seals every real-name value\n' +
    '    under the new key; once it reports 0 unopenable, the old key can be removed',
  async run(args, open) {
    if (args[0] !== 'reseal' || args.length !== 1) return 2;
    const { deps, close } = await open();
    try {
      const r = await resealVerifications(deps);
      console.log(
        `pii reseal: ${r.rows} submissions, ${r.resealed} values sealed with key ${deps.pii.keyId}, ${r.unopenable} unopenable`,
      );
      return r.unopenable === 0 ? 0 : 1;
    } finally {
      await close();
    }
  },
};
