// Real-name verification for tests: sellers of paid documents must be verified, and tests get there through the
// real service (submit, then a staff approval), never by setting the flag. The contact (email or phone) verification
// that comes first is set in the database here: its own tests (features/accounts) run the real flows.
import { randomInt } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { approveVerification } from '../features/verification/decisions.ts';
import { idNumberCheckChar } from '../features/verification/id-number.ts';
import { submitVerification } from '../features/verification/service.ts';
import { insertUser } from './users.ts';

/** A valid 居民身份证号: region, birth date (YYYYMMDD) and sequence given or random, check character computed. */
export function makeIdNumber(opts: { region?: string; birth?: string; seq?: string } = {}): string {
  const year = 1950 + randomInt(50);
  const month = String(1 + randomInt(12)).padStart(2, '0');
  const day = String(1 + randomInt(28)).padStart(2, '0');
  const first17 = `${opts.region ?? '110101'}${opts.birth ?? `${year}${month}${day}`}${opts.seq ?? String(randomInt(1000)).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}

/** A staff account to approve with (an existing moderator or admin other than `notUserId`, or a new moderator). */
async function reviewer(deps: Pick<Deps, 'database'>, notUserId: number) {
  const { db } = deps.database;
  const staff = await db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('role', 'in', ['moderator', 'admin'])
    .where('id', '!=', notUserId)
    .orderBy('id')
    .executeTakeFirst();
  if (staff) return { id: Number(staff.id), role: staff.role };
  const id = await insertUser(db, {
    email: `reviewer-${randomInt(1e9)}@example.com`,
    display_name: '测试审核员',
    role: 'moderator',
  });
  return { id, role: 'moderator' as const };
}

/** Marks a user's email or phone verified in the database (for tests that are not about that verification). */
export async function markContactVerified(deps: Pick<Deps, 'database'>, userId: number): Promise<void> {
  await deps.database.db
    .updateTable('users')
    .set({ contact_verified_at: Date.now() })
    .where('id', '=', userId)
    .where('contact_verified_at', 'is', null)
    .execute();
}

/**
 * Verifies a user through the real workflow (the contact is marked verified first: submitting requires it): a
 * submission with a valid random number, approved by a staff account.
 * Returns the verification id and the number used.
 */
export async function markVerified(
  deps: Pick<Deps, 'database' | 'pii' | 'log'>,
  userId: number,
  opts: { legalName?: string; idNumber?: string } = {},
): Promise<{ id: number; idNumber: string }> {
  const idNumber = opts.idNumber ?? makeIdNumber();
  await markContactVerified(deps, userId);
  const id = await submitVerification(
    deps,
    { id: userId },
    { legalName: opts.legalName ?? '王测试', idNumber, consent: true },
  );
  await approveVerification(deps, await reviewer(deps, userId), id);
  return { id, idNumber };
}

/** `markVerified` for a user found by email (tests that registered through the form know the email). */
export async function markVerifiedByEmail(deps: Pick<Deps, 'database' | 'pii' | 'log'>, email: string) {
  const user = await deps.database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return markVerified(deps, Number(user.id));
}
