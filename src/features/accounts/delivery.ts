// What the accounts flows send, and over which transport: mails (nodemailer behind the Mailer port) carry links,
// SMS (the SmsSender port) carries 6-digit codes through the provider's templates. Texts come from the catalog.
import type { Deps } from '../../deps.ts';
import { t } from '../../i18n/t.ts';
import { formatDateTime } from '../../web/format.ts';
import type { Identifier } from './identifier.ts';
import type { Channel } from './tokens.ts';

/** The deps a send needs. */
export type DeliveryDeps = Pick<Deps, 'mailer' | 'sms' | 'config' | 'log'>;

/** The channel an identifier is reached on. */
export const channelOf = (id: Identifier): Channel => (id.kind === 'email' ? 'email' : 'sms');

/** True when the site can send on this channel (SMTP_URL for mail; SMS_PROVIDER aliyun or console for SMS). */
export function transportReady(deps: Pick<Deps, 'mailer' | 'sms'>, channel: Channel): boolean {
  return channel === 'email' ? deps.mailer.configured : deps.sms.configured;
}

/** The words for "this channel is unavailable, and how the operator enables it" (`account.unavailable` params). */
export function unavailableParams(channel: Channel): Record<string, string> {
  return channel === 'email'
    ? { transport: t('account.transport.email'), channel: t('account.channel.email'), env: 'SMTP_URL' }
    : { transport: t('account.transport.sms'), channel: t('account.channel.phone'), env: 'SMS_PROVIDER' };
}

/** Where each emailed link leads. */
const LINK_PATHS = { verify: '/verify/email', reset: '/password/reset', register: '/register/confirm' } as const;

/**
 * Sends a secret: by mail, a link to the page of its purpose; by SMS, the code through the provider template
 * (a registration is a verification to the provider). Throws the transport's 503 error when it fails.
 */
export async function sendSecret(
  deps: DeliveryDeps,
  input: { channel: Channel; to: string; purpose: keyof typeof LINK_PATHS; secret: string; name?: string },
): Promise<void> {
  if (input.channel === 'sms') {
    await deps.sms.sendCode(input.to, input.secret, input.purpose === 'reset' ? 'reset' : 'verify');
    return;
  }
  const link = `${deps.config.http.publicUrl}${LINK_PATHS[input.purpose]}?token=${input.secret}`;
  const params = { site: t('site.name'), name: input.name ?? '', link };
  await deps.mailer.send({
    to: input.to,
    subject: t(`mail.${input.purpose}.subject`, params),
    text: t(`mail.${input.purpose}.text`, params),
  });
}

/** The mail to an address that already has an account when someone registers with it: how to reset instead. */
export async function sendAlreadyRegistered(deps: DeliveryDeps, to: string): Promise<void> {
  const params = { site: t('site.name'), link: `${deps.config.http.publicUrl}/password/forgot` };
  await deps.mailer.send({
    to,
    subject: t('mail.registered.subject', params),
    text: t('mail.registered.text', params),
  });
}

/** The mail after a password change, so an owner who did not change it learns at once. */
export async function sendPasswordChanged(deps: DeliveryDeps, to: string, name: string, at: number): Promise<void> {
  const params = {
    site: t('site.name'),
    name,
    time: formatDateTime(at),
    link: `${deps.config.http.publicUrl}/password/forgot`,
  };
  await deps.mailer.send({
    to,
    subject: t('mail.passwordChanged.subject', params),
    text: t('mail.passwordChanged.text', params),
  });
}

/**
 * Starts a send without waiting for it: used where the answer must not depend on whether anything was sent
 * (reset and registration requests answer the same for unknown accounts, which get no message). A failure is
 * logged for the operator; the user can ask again.
 */
export function dispatch(deps: Pick<Deps, 'log'>, what: string, send: () => Promise<void>): void {
  send().catch((err: unknown) => deps.log.warn({ err, what }, 'account message not sent'));
}
