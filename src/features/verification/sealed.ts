// How a verification's sealed values are bound and shown (decision 0011): each is sealed for its owner (a value
// copied into another user's row does not open) and leaves the service masked — 张** 110101********1234 — for the
// user's own page and the staff queue alike (service.ts, decisions.ts).
import { PiiOpenError } from '../../crypto/pii-cipher.ts';
import type { VerificationStatus } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import type { SessionUser } from '../accounts/service.ts';
import { maskIdNumber, maskLegalName } from './id-number.ts';
import type * as repo from './repo.ts';

export type VerificationDeps = Pick<Deps, 'database' | 'pii' | 'log'>;
export type Actor = Pick<SessionUser, 'id' | 'role'>;

/** The image types a photo of the card may be (read from its bytes). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

// Sealed values are bound to their owner: a value copied into another user's row does not open.
export const nameContext = (userId: number) => `verification.name:${userId}`;
export const numberContext = (userId: number) => `verification.number:${userId}`;
export const photoContext = (userId: number) => `verification.photo:${userId}`;

/** A submission as anyone but the revealing admin sees it: masked name and number, never the sealed values. */
export interface MaskedVerification {
  readonly id: number;
  readonly userId: number;
  readonly displayName: string | undefined;
  /** Masked (张**), or undefined when the value does not open (a lost key). */
  readonly name: string | undefined;
  /** Masked (110101********1234), or undefined when the value does not open. */
  readonly number: string | undefined;
  readonly status: VerificationStatus;
  readonly reason: string;
  readonly submittedAt: number;
  readonly reviewedAt: number | null;
  readonly hasPhoto: boolean;
  /** Other accounts that submitted the same number (staff lists only). */
  readonly sameNumberUsers: number;
}

export type Row = NonNullable<Awaited<ReturnType<typeof repo.findLatestForUser>>>;

/** Opens a sealed value and masks it; undefined when it does not open (logged, never thrown at a page). */
function openMasked(deps: VerificationDeps, sealed: string, context: string, mask: (plain: string) => string) {
  try {
    return mask(deps.pii.openText(sealed, context));
  } catch (err) {
    if (!(err instanceof PiiOpenError)) throw err;
    deps.log.error({ err: { message: err.message }, context: context.split(':')[0] }, 'sealed value does not open');
    return undefined;
  }
}

/** A submission row, masked (extra: what a staff list adds). */
export function masked(
  deps: VerificationDeps,
  row: Row,
  extra: { displayName?: string; hasPhoto?: unknown; sameNumberUsers?: unknown } = {},
): MaskedVerification {
  const userId = Number(row.user_id);
  return {
    id: Number(row.id),
    userId,
    displayName: extra.displayName,
    name: openMasked(deps, row.legal_name_sealed, nameContext(userId), maskLegalName),
    number: openMasked(deps, row.id_number_sealed, numberContext(userId), maskIdNumber),
    status: row.status,
    reason: row.reason,
    submittedAt: Number(row.submitted_at),
    reviewedAt: row.reviewed_at === null ? null : Number(row.reviewed_at),
    hasPhoto: Boolean(extra.hasPhoto),
    sameNumberUsers: Number(extra.sameNumberUsers ?? 0),
  };
}
