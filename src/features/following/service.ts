import type { Deps } from '../../deps.ts';
import { notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import * as repo from './repo.ts';

/** Documents per feed page. */
export const FEED_PAGE_SIZE = 20;
/** Users per follower/following page. */
export const LIST_PAGE_SIZE = 30;

/** Reads a `before` query value (`<time>.<id>`); undefined for the first page or anything malformed. */
export function parseCursor(raw: string | undefined): repo.Cursor | undefined {
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(raw ?? '');
  if (!m) return undefined;
  const at = Number(m[1]);
  const id = Number(m[2]);
  return Number.isSafeInteger(at) && Number.isSafeInteger(id) ? { at, id } : undefined;
}

/** Writes a cursor for the next page's link. */
export function formatCursor(c: repo.Cursor): string {
  return `${c.at}.${c.id}`;
}

/** One page of the viewer's 关注动态 and the cursor of the next page, if there is one. */
export async function getFeed(deps: Pick<Deps, 'database'>, viewer: Pick<SessionUser, 'id'>, before?: string) {
  const { db, dialect } = deps.database;
  const rows = await repo.feedPage(db, dialect, viewer.id, parseCursor(before), FEED_PAGE_SIZE + 1);
  const docs = rows.slice(0, FEED_PAGE_SIZE).map((r) => ({
    ...r,
    id: Number(r.id),
    owner_id: Number(r.owner_id),
    published_at: r.published_at === null ? null : Number(r.published_at),
  }));
  const last = docs.at(-1);
  const next =
    rows.length > FEED_PAGE_SIZE && last?.published_at != null
      ? formatCursor({ at: last.published_at, id: last.id })
      : undefined;
  return { docs, next };
}

/** A user in a follower/following list. */
export interface FollowListEntry {
  id: number;
  name: string;
  bio: string;
  avatarKey: string | null;
  verified: boolean;
  provider: boolean;
  followers: number;
  since: number;
}

/**
 * One page of a user's followers or following. The counts are public; the lists are public too unless the user hid
 * them (`follows_hidden`), in which case only they and staff see them (others get `hidden`).
 */
export async function getFollowList(
  deps: Pick<Deps, 'database'>,
  kind: repo.FollowListKind,
  userId: number,
  viewer: Pick<SessionUser, 'id' | 'role'> | undefined,
  before?: string,
) {
  const { db } = deps.database;
  const owner = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'follower_count', 'following_count', 'follows_hidden'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!owner) throw notFound();
  const profile = {
    id: Number(owner.id),
    name: owner.display_name,
    followers: Number(owner.follower_count),
    following: Number(owner.following_count),
  };
  const staff = viewer?.role === 'admin' || viewer?.role === 'moderator';
  const hidden = owner.follows_hidden === 1 && viewer?.id !== userId && !staff;
  if (hidden) return { profile, hidden: true as const, entries: [] as FollowListEntry[], next: undefined };
  const rows = await repo.followListPage(db, kind, userId, parseCursor(before), LIST_PAGE_SIZE + 1);
  const entries: FollowListEntry[] = rows.slice(0, LIST_PAGE_SIZE).map((r) => ({
    id: Number(r.id),
    name: r.display_name,
    bio: r.bio,
    avatarKey: r.avatar_key,
    verified: r.real_name_verified === 1,
    provider: r.is_provider === 1,
    followers: Number(r.follower_count),
    since: Number(r.created_at),
  }));
  const last = entries.at(-1);
  const next = rows.length > LIST_PAGE_SIZE && last ? formatCursor({ at: last.since, id: last.id }) : undefined;
  return { profile, hidden: false as const, entries, next };
}

/** How many uploaders the viewer follows (the feed explains an empty page differently when none). */
export async function countFollowing(deps: Pick<Deps, 'database'>, viewer: Pick<SessionUser, 'id'>): Promise<number> {
  const row = await deps.database.db
    .selectFrom('users')
    .select('following_count')
    .where('id', '=', viewer.id)
    .executeTakeFirst();
  return Number(row?.following_count ?? 0);
}
