import type { SmsPurpose, SmsSender } from '../sms/sms-sender.ts';

/** One code a test's SMS sender was asked to send. */
export interface SentSms {
  readonly phone: string;
  readonly code: string;
  readonly purpose: SmsPurpose;
}

/** An SMS sender that keeps every code in `sent` (newest last), and can be told to fail, for flow tests. */
export interface RecordingSms extends SmsSender {
  readonly sent: SentSms[];
  /** The newest code sent to `phone`, or undefined. */
  lastCode(phone: string): string | undefined;
  /** When set, sendCode throws this instead of recording. */
  failWith: Error | undefined;
}

/** Creates a recording sender (kind `console`, configured). */
export function createRecordingSms(): RecordingSms {
  const sent: SentSms[] = [];
  return {
    configured: true,
    kind: 'console',
    sent,
    failWith: undefined,
    lastCode(phone: string) {
      for (let i = sent.length - 1; i >= 0; i--) if (sent[i]?.phone === phone) return sent[i]?.code;
      return undefined;
    },
    async sendCode(phone: string, code: string, purpose: SmsPurpose) {
      if (this.failWith) throw this.failWith;
      sent.push({ phone, code, purpose });
    },
  };
}
