import type { Deps } from '../../deps.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import * as repo from './repo.ts';

/** A public profile and whether the viewer follows it. */
export async function getProfile(deps: Pick<Deps, 'database'>, id: number, viewer: SessionUser | undefined) {
  const { db } = deps.database;
  const profile = await repo.findProfile(db, id);
  if (!profile) throw notFound();
  const following = viewer ? await repo.isFollowing(db, viewer.id, id) : false;
  return { profile, following };
}

/** Follows an uploader (idempotent); following oneself is refused. */
export async function followUser(deps: Pick<Deps, 'database'>, viewer: SessionUser, followeeId: number): Promise<void> {
  if (viewer.id === followeeId) throw badRequest('user.cannotFollowSelf');
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.findProfile(trx, followeeId))) throw notFound();
    if (await repo.insertFollow(trx, viewer.id, followeeId)) await repo.addFollowers(trx, followeeId, 1);
  });
}

/** Unfollows (idempotent). */
export async function unfollowUser(
  deps: Pick<Deps, 'database'>,
  viewer: SessionUser,
  followeeId: number,
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    if (await repo.deleteFollow(trx, viewer.id, followeeId)) await repo.addFollowers(trx, followeeId, -1);
  });
}

/** Edits one's own display name and bio. */
export async function updateMyProfile(
  deps: Pick<Deps, 'database'>,
  viewer: SessionUser,
  input: { displayName: string; bio: string },
): Promise<void> {
  const displayName = input.displayName.normalize('NFC').trim();
  const bio = input.bio.normalize('NFC').trim();
  if ([...displayName].length < 2 || [...displayName].length > 20) throw badRequest('auth.displayNameInvalid');
  if ([...bio].length > 200) throw badRequest('user.bioTooLong');
  await repo.updateProfile(deps.database.db, viewer.id, { displayName, bio });
}
