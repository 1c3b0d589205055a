import { AppError } from '../errors.ts';

/** One outgoing mail: plain text always (every client reads it), HTML optionally. Bodies may carry secrets (links). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

/**
 * The mail port. `configured` false means no transport exists (SMTP_URL unset): callers must say plainly that mail
 * is unavailable instead of calling `send`, which then throws.
 */
export interface Mailer {
  readonly configured: boolean;
  /** Delivers to the transport (an SMTP server accepted it) or throws a MailError. */
  send(msg: MailMessage): Promise<void>;
}

/**
 * A mail that could not be handed over. The user sees the generic `mail.sendFailed`; `message` says what went wrong
 * for the log and never includes the body (it may carry a reset link).
 */
export class MailError extends AppError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super(503, 'mail_failed', 'mail.sendFailed');
    this.name = 'MailError';
    this.message = detail;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The mailer when no transport is configured: reports itself unconfigured and refuses to send. */
export function createNullMailer(): Mailer {
  return {
    configured: false,
    async send() {
      throw new MailError('mail is not configured (set SMTP_URL)');
    },
  };
}
