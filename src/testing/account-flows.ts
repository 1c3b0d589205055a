// Helpers for the account verification and recovery tests: the link in a delivered mail, pages compared without
// their CSRF tokens, SMS codes read back from the console adapter's log lines, accounts made through the service.
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Deps } from '../deps.ts';
import { registerUser } from '../features/accounts/service.ts';
import type { Logger } from '../log.ts';
import type { CapturedMail } from './smtp-capture.ts';

/** The site path (path and query) of the first link into the site in a delivered mail's text. */
export function linkPath(mail: CapturedMail, origin: string): string {
  const text = mail.text ?? '';
  const at = text.indexOf(origin);
  if (at < 0) throw new Error(`no link to ${origin} in mail ${JSON.stringify(mail.subject)}`);
  const url = new URL(/^\S+/.exec(text.slice(at))?.[0] ?? '');
  return url.pathname + url.search;
}

/** The token of a link path (`/password/reset?token=…`). */
export const tokenOf = (path: string) => new URL(path, 'http://x').searchParams.get('token') ?? '';

/** A page with its CSRF token values blanked: two answers that differ only there compare equal. */
export function withoutCsrf(html: string): string {
  return html.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""').replace(/_csrf=[^"&]+/g, '_csrf=');
}

/** A logger that keeps every line (the console SMS adapter writes its codes there). */
export function capturingLog(): { log: Logger; lines: string[]; code(masked: string, purpose: string): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: 'info' }, stream) as unknown as Logger;
  return {
    log,
    lines,
    /** The newest code the console adapter logged for a masked number (`138****8000`) and purpose. */
    code(masked: string, purpose: string) {
      const re = new RegExp(`SMS code for ${masked.replace(/\*/g, '\\*')}: (\\d{6}) \\(${purpose}\\)`);
      for (let i = lines.length - 1; i >= 0; i--) {
        const m = re.exec(lines[i] ?? '');
        if (m?.[1]) return m[1];
      }
      throw new Error(`no ${purpose} code logged for ${masked}`);
    },
  };
}

/** An account made through the service (as if registered before a transport existed); its contact unverified. */
export async function makeAccount(
  deps: Pick<Deps, 'database'>,
  identifier: string,
  opts: { name?: string; password?: string; verified?: boolean } = {},
): Promise<number> {
  return registerUser(deps, {
    identifier,
    password: opts.password ?? 'correct horse 1',
    displayName: opts.name ?? '测试用户',
    contactVerified: opts.verified ?? false,
  });
}

/** The stored contact verification time of a user (null while unverified). */
export async function contactVerifiedAt(deps: Pick<Deps, 'database'>, userId: number): Promise<number | null> {
  const row = await deps.database.db
    .selectFrom('users')
    .select('contact_verified_at')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.contact_verified_at === null ? null : Number(row.contact_verified_at);
}
