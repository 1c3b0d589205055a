// The web side of signing in, shared by the login, registration and confirmation routes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { t } from '../../i18n/t.ts';
import { SESSION_COOKIE } from '../../web/cookies.ts';
import { transportReady, unavailableParams } from './delivery.ts';
import { startSession } from './service.ts';

/** Starts a session for `userId` (rotating any previous one) and sets its cookie. */
export async function signIn(
  deps: Pick<Deps, 'database' | 'config'>,
  req: FastifyRequest,
  reply: FastifyReply,
  userId: number,
): Promise<void> {
  const { token, expiresAt } = await startSession(deps, userId, {
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? '',
    previousToken: req.cookies[SESSION_COOKIE],
  });
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.session.secureCookie,
    expires: new Date(expiresAt),
  });
}

/**
 * Plain sentences about the channels the site cannot verify or recover on (and how the operator enables them), and
 * about SMS codes that go to the server log: shown on the register and 忘记密码 pages.
 */
export function transportNotes(deps: Pick<Deps, 'mailer' | 'sms'>, page: 'register' | 'forgot'): string[] {
  const notes: string[] = [];
  for (const channel of ['email', 'sms'] as const) {
    if (transportReady(deps, channel)) continue;
    notes.push(
      t(page === 'register' ? 'account.register.noVerification' : 'account.unavailable', unavailableParams(channel)),
    );
  }
  if (deps.sms.kind === 'console') notes.push(t('account.smsConsole'));
  return notes;
}
