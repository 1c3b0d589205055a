// Real-name verification (实名认证, 网络安全法 §24): a user submits their legal name, 居民身份证号 and optionally a
// photo of the card; staff approve or reject (decisions.ts); only an approval sets the 实名认证 badge
// (users.real_name_verified), and only an admin's revocation clears it. Selling paid documents and payouts require the
// badge. This file is the user's side: their page, the submission, and the checks other features make.
//
// Identity data is sealed before it reaches the database (crypto/pii-cipher.ts, decision 0011) and leaves the
// service only masked (张** 110101********1234), except through `revealVerification`: an admin's explicit, audited
// action whose result is shown once. Logs carry ids, never identity data; audit entries carry masked forms.
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, conflict, forbidden } from '../../errors.ts';
import { formatBytes } from '../../web/format.ts';
import { assertContactVerified } from '../accounts/contact.ts';
import type { SessionUser } from '../accounts/service.ts';
import { checkIdNumber, normalizeLegalName } from './id-number.ts';
import * as repo from './repo.ts';
import { masked, nameContext, numberContext, PHOTO_TYPES, photoContext, type VerificationDeps } from './sealed.ts';

/** The largest photo of the card accepted (a phone photo, compressed). */
export const PHOTO_MAX_BYTES = 4 * 1024 * 1024;
const FINGERPRINT_PURPOSE = 'id-number';

/** What a user submits on /account/verification. */
export interface SubmissionInput {
  readonly legalName: string;
  readonly idNumber: string;
  readonly consent: boolean;
  /** The bytes of the card photo, if one was attached. */
  readonly photo?: Buffer | undefined;
}

/** The user's own page: their latest submission (masked), whether they are verified, whether they may submit. */
export async function getMyVerification(deps: VerificationDeps, user: Pick<SessionUser, 'id'>) {
  const { db } = deps.database;
  const [latest, verified] = await Promise.all([
    repo.findLatestForUser(db, user.id),
    repo.isRealNameVerified(db, user.id),
  ]);
  const photo = latest ? (await repo.findVerification(db, Number(latest.id)))?.has_photo : false;
  const view = latest ? masked(deps, latest, { hasPhoto: photo }) : undefined;
  const canSubmit = !verified && view?.status !== 'pending' && view?.status !== 'approved';
  return { latest: view, verified, canSubmit };
}

/** Whether the user carries the 实名认证 badge. */
export function isRealNameVerified(deps: Pick<Deps, 'database'>, userId: number): Promise<boolean> {
  return repo.isRealNameVerified(deps.database.db, userId);
}

/**
 * Refuses (403) a sale — a paid upload or a price above 0 — by a user whose email or phone is not verified, or who
 * has no approved verification.
 */
export async function assertMaySell(db: Kysely<DB>, userId: number): Promise<void> {
  await assertContactVerified(db, userId);
  if (!(await repo.isRealNameVerified(db, userId))) throw forbidden('verification.requiredToSell');
}

/** Checks the form, first problem first; returns the normalised name and number. */
function validateSubmission(input: SubmissionInput) {
  const name = normalizeLegalName(input.legalName);
  if (!name) throw badRequest('verification.nameInvalid').on('legalName');
  const number = checkIdNumber(input.idNumber);
  if (!number.ok) throw badRequest(`verification.number.${number.problem}`, { n: number.length ?? 0 }).on('idNumber');
  if (!input.consent) throw badRequest('verification.consentRequired').on('consent');
  return { name, number: number.number };
}

/** The photo's type from its bytes (never its name or the client's word); 413/422 when too large or not an image. */
async function checkPhoto(photo: Buffer): Promise<string> {
  if (photo.length > PHOTO_MAX_BYTES) {
    throw new AppError(413, 'too_large', 'verification.photoTooLarge', { max: formatBytes(PHOTO_MAX_BYTES) }).on(
      'photo',
    );
  }
  const type = await fileTypeFromBuffer(photo);
  if (!type || !PHOTO_TYPES.includes(type.mime))
    throw new AppError(422, 'unsupported_file', 'verification.photoInvalid').on('photo');
  return type.mime;
}

/**
 * Submits a verification:
 * 1. validate the name, the number (region, birth date, check digit; 15 digits refused) and the consent;
 * 2. sniff the photo, if any;
 * 3. in one transaction: refuse while one is pending (409) or when already verified (409), refuse a number another
 *    account has verified (409), then store the sealed name, number and photo with the number's fingerprint.
 * The one-pending rule is also a unique index, so two submissions racing end with one row and one 409.
 */
export async function submitVerification(
  deps: VerificationDeps,
  user: Pick<SessionUser, 'id'>,
  input: SubmissionInput,
): Promise<number> {
  // Real-name verification is the first step of selling: it waits for a verified email or phone.
  await assertContactVerified(deps.database.db, user.id);
  // 1–2.
  const { name, number } = validateSubmission(input);
  const photo = input.photo && input.photo.length > 0 ? input.photo : undefined;
  if (photo) await checkPhoto(photo);
  const fingerprint = deps.pii.fingerprint(FINGERPRINT_PURPOSE, number);
  // 3.
  const { db } = deps.database;
  let id: number;
  try {
    id = await db.transaction().execute(async (trx) => {
      const latest = await repo.findLatestForUser(trx, user.id);
      if (latest?.status === 'pending') throw conflict('verification.pendingExists');
      if (latest?.status === 'approved') throw conflict('verification.alreadyVerified');
      if (await repo.numberApprovedElsewhere(trx, fingerprint, user.id))
        throw conflict('verification.numberTaken').on('idNumber');
      const newId = await repo.insertVerification(trx, {
        userId: user.id,
        nameSealed: deps.pii.sealText(name, nameContext(user.id)),
        numberSealed: deps.pii.sealText(number, numberContext(user.id)),
        fingerprint,
        now: Date.now(),
      });
      if (photo) await repo.insertPhoto(trx, newId, deps.pii.sealBytes(photo, photoContext(user.id)));
      return newId;
    });
  } catch (err) {
    if (repo.isUniqueViolation(err)) throw conflict('verification.pendingExists');
    throw err;
  }
  deps.log.info({ verificationId: id, userId: user.id, photo: photo !== undefined }, 'verification submitted');
  return id;
}
