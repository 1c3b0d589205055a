// A site that mails through a real SMTP capture and logs SMS codes through the console adapter: the account
// verification and recovery tests share it instead of writing the same before/after pair out.
import { after, before } from 'node:test';
import type { Dialect } from '../db/database.ts';
import { capturingLog } from './account-flows.ts';
import { type SmtpCapture, startSmtpCapture } from './smtp-capture.ts';
import { createTestApp, type TestApp } from './test-app.ts';

/** The parts a mail test reads; `t`, `smtp` and `origin` are set once the suite's `before` hook has run. */
export interface MailSite {
  t: TestApp;
  smtp: SmtpCapture;
  /** The site's public origin, as links in mails start. */
  origin: string;
  /** The console SMS adapter's log lines (codes read back with `sms.code`). */
  readonly sms: ReturnType<typeof capturingLog>;
}

/**
 * Registers `before`/`after` hooks in the calling `describe`: an SMTP capture, then a test app (no worker) mailing
 * through it with its log captured; both closed after the suite.
 */
export function useMailSite(dialect: Dialect): MailSite {
  const site = { sms: capturingLog() } as MailSite;
  before(async () => {
    site.smtp = await startSmtpCapture();
    site.t = await createTestApp(dialect, { worker: false, env: { SMTP_URL: site.smtp.url }, log: site.sms.log });
    site.origin = site.t.deps.config.http.publicUrl;
  });
  after(async () => {
    await site.t?.close();
    await site.smtp?.close();
  });
  return site;
}
