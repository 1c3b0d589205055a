import type { Deps } from '../../deps.ts';
import { badRequest, notFound, onField } from '../../errors.ts';
import { formatDate } from '../../web/format.ts';
import type { SessionUser } from '../accounts/service.ts';
import { notify } from '../notifications/service.ts';
import { checkNickname, NICKNAME_CHANGE_DAYS, nextNicknameChange, normalizeBio } from './nickname.ts';
import * as repo from './repo.ts';

/** A public profile and whether the viewer follows it. */
export async function getProfile(deps: Pick<Deps, 'database'>, id: number, viewer: SessionUser | undefined) {
  const { db } = deps.database;
  const profile = await repo.findProfile(db, id);
  if (!profile) throw notFound();
  const following = viewer ? await repo.isFollowing(db, viewer.id, id) : false;
  return { profile, following };
}

/** A 'follow.new' notification for the same follower at most once a day (follow, unfollow, follow… is no spam). */
const FOLLOW_NOTICE_QUIET_MS = 24 * 60 * 60 * 1000;

/** Follows an uploader (idempotent); following oneself is refused. The uploader is told of a new follower. */
export async function followUser(deps: Pick<Deps, 'database'>, viewer: SessionUser, followeeId: number): Promise<void> {
  if (viewer.id === followeeId) throw badRequest('user.cannotFollowSelf');
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.findProfile(trx, followeeId))) throw notFound();
    if (!(await repo.insertFollow(trx, viewer.id, followeeId))) return;
    await repo.addFollowers(trx, followeeId, 1);
    await repo.addFollowing(trx, viewer.id, 1);
    const link = `/u/${viewer.id}`;
    if (!(await repo.hasRecentNotice(trx, followeeId, 'follow.new', link, Date.now() - FOLLOW_NOTICE_QUIET_MS)))
      await notify(trx, { userId: followeeId, kind: 'follow.new', params: { name: viewer.displayName }, link });
  });
}

/** Unfollows (idempotent). */
export async function unfollowUser(
  deps: Pick<Deps, 'database'>,
  viewer: SessionUser,
  followeeId: number,
): Promise<void> {
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.deleteFollow(trx, viewer.id, followeeId))) return;
    await repo.addFollowers(trx, followeeId, -1);
    await repo.addFollowing(trx, viewer.id, -1);
  });
}

/** What the profile settings form holds. */
export interface ProfileInput {
  displayName: string;
  bio: string;
  followsHidden: boolean;
}

/** The settings form's current values and when the nickname may change next. */
export async function getProfileSettings(deps: Pick<Deps, 'database'>, viewer: Pick<SessionUser, 'id'>) {
  const row = await repo.findSettings(deps.database.db, viewer.id);
  if (!row) throw notFound();
  return {
    displayName: row.display_name,
    bio: row.bio,
    followsHidden: row.follows_hidden === 1,
    avatarKey: row.avatar_key,
    nextNameChange: nextNicknameChange(row.name_changed_at === null ? null : Number(row.name_changed_at)),
  };
}

/**
 * Edits one's own nickname, bio and list visibility. A new nickname must pass the nickname rules (staff may use the
 * reserved words) and at most one change per NICKNAME_CHANGE_DAYS; an unchanged nickname is not a change.
 */
export async function updateMyProfile(
  deps: Pick<Deps, 'database'>,
  viewer: Pick<SessionUser, 'id' | 'role'>,
  input: ProfileInput,
): Promise<void> {
  const bio = await onField('bio', () => normalizeBio(input.bio));
  const staff = viewer.role === 'admin' || viewer.role === 'moderator';
  await deps.database.db.transaction().execute(async (trx) => {
    const current = await repo.findSettings(trx, viewer.id);
    if (!current) throw notFound();
    const trimmed = input.displayName.normalize('NFKC').trim();
    let rename: string | undefined;
    if (trimmed !== current.display_name) {
      rename = await onField('displayName', () => checkNickname(input.displayName, { allowReserved: staff }));
      if (rename === current.display_name) rename = undefined;
    }
    if (rename !== undefined) {
      const next = nextNicknameChange(current.name_changed_at === null ? null : Number(current.name_changed_at));
      if (next !== undefined)
        throw badRequest('profile.nickname.tooSoon', { days: NICKNAME_CHANGE_DAYS, date: formatDate(next) }).on(
          'displayName',
        );
    }
    await repo.updateProfile(trx, viewer.id, { displayName: rename, bio, followsHidden: input.followsHidden });
  });
}
