import type { Logger } from '../log.ts';
import { MailError, type Mailer, type MailMessage } from './mailer.ts';

/** How the SMTP mailer reaches its server. */
export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (TLS from the first byte). */
  readonly url: string;
  /** The From header, e.g. `文苑 <no-reply@example.com>`. */
  readonly from: string;
  /** Limit for connecting, the greeting, each wait on the socket, and the whole send. */
  readonly timeoutMs: number;
  readonly log: Logger;
}

/** The parts of an SMTP URL nodemailer needs; the password stays here and never reaches a message or log. */
export function parseSmtpUrl(url: string) {
  const u = new URL(url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new Error('SMTP_URL must start with smtp:// or smtps://');
  if (!u.hostname) throw new Error('SMTP_URL has no host');
  const secure = u.protocol === 'smtps:';
  const port = u.port ? Number(u.port) : secure ? 465 : 587;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    secure,
    auth: user ? { user, pass } : undefined,
    /** host:port for messages (no credentials). */
    where: `${u.hostname}:${port}`,
  };
}

/** Words for nodemailer's error codes, so the log says what went wrong without the message body. */
function describe(err: unknown, where: string): string {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  const text = e?.message ?? String(err);
  if (e?.code === 'ECONNECTION' || /ECONNREFUSED/.test(text) || cause === 'ECONNREFUSED')
    return `SMTP server ${where} refused the connection`;
  if (e?.code === 'ETIMEDOUT' || /timeout/i.test(text)) return `SMTP server ${where} timed out`;
  if (e?.code === 'EAUTH') return `SMTP server ${where} refused the login (check the user and password in SMTP_URL)`;
  if (e?.code === 'EDNS') return `SMTP host of ${where} cannot be resolved`;
  if (e?.code === 'EENVELOPE') return `SMTP server ${where} refused the recipient or sender (${e.responseCode ?? ''})`;
  if (e?.code === 'ETLS') return `TLS with SMTP server ${where} failed`;
  return `SMTP send through ${where} failed (${e?.code ?? 'error'})`;
}

/** The mailer over nodemailer's SMTP transport: one connection per message (reset and verify mail is rare). */
export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const target = parseSmtpUrl(opts.url);
  const log = opts.log.child({ module: 'mail' });
  // nodemailer is loaded by the first message, not by every process at start (reset and verify mail is rare).
  let transport: Promise<import('nodemailer').Transporter> | undefined;
  const connect = async () => {
    const { createTransport } = await import('nodemailer');
    return createTransport(
      {
        host: target.host,
        port: target.port,
        secure: target.secure,
        auth: target.auth,
        connectionTimeout: opts.timeoutMs,
        greetingTimeout: opts.timeoutMs,
        socketTimeout: opts.timeoutMs,
        dnsTimeout: opts.timeoutMs,
        // nodemailer's own logger would print message bodies at debug: keep it off.
        logger: false,
        debug: false,
      },
      { from: opts.from },
    );
  };
  return {
    configured: true,
    async send(msg: MailMessage) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new MailError(`SMTP server ${target.where} timed out`)), opts.timeoutMs + 1000);
      });
      const domain = msg.to.slice(msg.to.lastIndexOf('@') + 1);
      try {
        transport ??= connect().catch((err: unknown) => {
          transport = undefined;
          throw err;
        });
        const info = await Promise.race([
          transport.then((t) => t.sendMail({ to: msg.to, subject: msg.subject, text: msg.text, html: msg.html })),
          deadline,
        ]);
        // The address is personal and the body carries links: log the domain and the server's id only.
        log.info({ toDomain: domain, messageId: info.messageId }, 'mail sent');
      } catch (err) {
        const reason = err instanceof MailError ? err.message : describe(err, target.where);
        log.warn({ toDomain: domain, code: (err as { code?: string }).code }, reason);
        throw err instanceof MailError ? err : new MailError(reason, { cause: err });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
