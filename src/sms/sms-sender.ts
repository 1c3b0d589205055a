import { AppError } from '../errors.ts';

/** Why a code is sent; each purpose has its own provider template (verification vs. password reset). */
export type SmsPurpose = 'verify' | 'reset';

/**
 * The SMS port: sends a one-time code to a mainland mobile number. `configured` false (kind `none`) means no way
 * to send exists and callers must say so instead of calling `sendCode`, which then throws.
 */
export interface SmsSender {
  readonly configured: boolean;
  readonly kind: 'aliyun' | 'console' | 'none';
  /** Hands the code to the provider or throws an SmsError (its message is for the log, never for the user). */
  sendCode(phone: string, code: string, purpose: SmsPurpose): Promise<void>;
}

/**
 * A code that could not be sent. The user sees the generic `sms.sendFailed`; `message` and `providerCode` (the
 * provider's error code when it answered) are for the log.
 */
export class SmsError extends AppError {
  constructor(
    detail: string,
    readonly providerCode?: string,
    options?: { cause?: unknown },
  ) {
    super(503, 'sms_failed', 'sms.sendFailed');
    this.name = 'SmsError';
    this.message = detail;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** `13800138000` → `138****8000`: enough for an operator to tell numbers apart, not to dial one. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/^\+?86/, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** The sender when SMS_PROVIDER=none: reports itself unconfigured and refuses to send. */
export function createNullSms(): SmsSender {
  return {
    configured: false,
    kind: 'none',
    async sendCode() {
      throw new SmsError('SMS is not configured (SMS_PROVIDER=none)');
    },
  };
}
