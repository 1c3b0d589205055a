import type { Logger } from '../log.ts';
import { maskPhone, type SmsPurpose, type SmsSender } from './sms-sender.ts';

/**
 * The embedded default: the code goes to the application log at info instead of a phone, so a zero-configuration
 * site can still verify numbers and reset passwords (the operator reads the log). Not for a public site.
 */
export function createConsoleSms(log: Logger): SmsSender {
  const out = log.child({ module: 'sms' });
  return {
    configured: true,
    kind: 'console',
    async sendCode(phone: string, code: string, purpose: SmsPurpose) {
      out.info({ purpose }, `SMS code for ${maskPhone(phone)}: ${code} (${purpose})`);
    },
  };
}
