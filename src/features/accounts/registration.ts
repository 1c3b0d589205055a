// Registration, in one of two modes chosen per channel (decision 0015):
// - The site can send on the identifier's channel: POST /register never says whether the identifier is taken. The
//   answer is always "a code / link was sent to …"; the account is created only when that code or link comes back
//   (so it starts verified). A taken email gets a "this address already has an account — reset your password?" mail
//   instead; a taken phone gets nothing (SMS templates carry codes only). Both branches hash the password, write one
//   token row (a decoy for a taken identifier) and wait for the same answer floor.
// - It cannot (no SMTP_URL for an email): registration works as before — the account at once, logged in, with an
//   unverified contact — and "already registered" is said plainly, the price of having no channel to answer on.
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict } from '../../errors.ts';
import { channelOf, dispatch, sendAlreadyRegistered, sendSecret, transportReady } from './delivery.ts';
import { type Identifier, parseIdentifier } from './identifier.ts';
import { hashPassword, newPasswordProblem } from './new-password.ts';
import * as repo from './repo.ts';
import { registerUser } from './service.ts';
import {
  type AccountTokenRow,
  assertMaySend,
  type Channel,
  checkCode,
  findLink,
  issueToken,
  settle,
  useToken,
} from './tokens.ts';

/** The deps of registration. */
export type RegistrationDeps = Pick<Deps, 'database' | 'pii' | 'mailer' | 'sms' | 'config' | 'log'>;

/** Every deferred registration answer takes at least this long, whichever branch ran. */
export const REGISTER_ANSWER_FLOOR_MS = 400;

/** What POST /register did: created the account (no transport), or sent a code or link to confirm. */
export type RegistrationOutcome =
  | { readonly kind: 'created'; readonly userId: number }
  | { readonly kind: 'sent'; readonly channel: Channel; readonly to: string };

/** The registration form. */
export interface RegistrationInput {
  readonly identifier: string;
  readonly password: string;
  readonly passwordConfirm: string;
  readonly displayName: string;
  readonly ip: string;
}

/** Normalises and checks the display name (2–20 characters). */
export function normalizeDisplayName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if ([...name].length < 2 || [...name].length > 20) throw badRequest('auth.displayNameInvalid').on('displayName');
  return name;
}

/** Registers: at once without a transport, or by a code or link to confirm (identical answers either way). */
export async function startRegistration(
  deps: RegistrationDeps,
  input: RegistrationInput,
): Promise<RegistrationOutcome> {
  const id = parseIdentifier(input.identifier);
  if (!id) throw badRequest('auth.identifierInvalid').on('identifier');
  const channel = channelOf(id);
  if (!transportReady(deps, channel)) {
    const userId = await registerUser(deps, input);
    return { kind: 'created', userId };
  }
  const displayName = normalizeDisplayName(input.displayName);
  const problem = newPasswordProblem(input.password, input.passwordConfirm, { identifier: id.value, displayName });
  if (problem) throw problem;
  const startedAt = Date.now();
  try {
    await assertMaySend(deps.database.db, id.value, input.ip, startedAt, 'register');
    const passwordHash = await hashPassword(input.password);
    const taken = await repo.findUserByIdentifier(deps.database.db, id.kind, id.value);
    const pending = taken ? undefined : { name: displayName, passwordHash };
    const secret = await issueToken(deps, {
      purpose: 'register',
      channel,
      identifier: id.value,
      userId: null,
      ip: input.ip,
      ...(pending ? { pending } : {}),
    });
    if (!taken) {
      dispatch(deps, 'registration', () => sendSecret(deps, { channel, to: id.value, purpose: 'register', secret }));
    } else if (channel === 'email') {
      dispatch(deps, 'already registered', () => sendAlreadyRegistered(deps, id.value));
    }
    return { kind: 'sent', channel, to: id.value };
  } finally {
    await settle(startedAt, REGISTER_ANSWER_FLOOR_MS);
  }
}

/** Checks an emailed registration link without using it (the confirm page shows the address or the problem). */
export async function peekRegistrationLink(deps: Pick<Deps, 'database' | 'pii'>, token: string) {
  const row = await findLink(deps, 'register', token);
  if (row.pending_password_hash === null) throw badRequest('account.link.invalid');
  return { to: row.identifier };
}

/** Confirms a registration by its emailed link: creates the account, verified. Returns the user id. */
export async function confirmRegistrationByLink(deps: RegistrationDeps, token: string): Promise<number> {
  const row = await findLink(deps, 'register', token);
  if (row.pending_password_hash === null) throw badRequest('account.link.invalid');
  return createFromPending(deps, row);
}

/** Confirms a registration by its SMS code: creates the account, verified. Returns the user id. */
export async function confirmRegistrationByCode(
  deps: RegistrationDeps,
  input: { identifier: string; code: string },
): Promise<number> {
  const id: Identifier | undefined = parseIdentifier(input.identifier);
  if (!id) throw badRequest('auth.identifierInvalid').on('identifier');
  const row = await checkCode(deps, {
    purpose: 'register',
    identifier: id.value,
    code: input.code,
    // A decoy (the number was taken) never confirms, even if someone guessed its code.
    accept: (r) => r.pending_password_hash !== null,
  });
  return createFromPending(deps, row);
}

/** Uses the token and inserts the account it describes, contact verified; 409 if the identifier was taken since. */
async function createFromPending(deps: RegistrationDeps, row: AccountTokenRow): Promise<number> {
  const now = Date.now();
  const kind = row.identifier.includes('@') ? 'email' : 'phone';
  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      await useToken(trx, row, now);
      if (await repo.findUserByIdentifier(trx, kind, row.identifier))
        throw conflict('auth.identifierTaken').on('identifier');
      return repo.insertUser(trx, {
        email: kind === 'email' ? row.identifier : null,
        phone: kind === 'phone' ? row.identifier : null,
        password_hash: row.pending_password_hash ?? '',
        display_name: row.pending_name ?? '',
        bio: '',
        avatar_key: null,
        role: 'user',
        real_name_verified: 0,
        is_provider: 0,
        rev: 1,
        follower_count: 0,
        created_at: now,
        updated_at: now,
        contact_verified_at: now,
      });
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    // Two confirmations raced past the check; the unique index decides.
    if (/unique|duplicate/i.test(String((err as Error).message)))
      throw conflict('auth.identifierTaken').on('identifier');
    throw err;
  }
}
