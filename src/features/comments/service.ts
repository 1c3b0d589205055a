// Comments on documents: one level of threads (a reply to a reply joins the thread and names whom it answers),
// plain text only (escaped by the views; line breaks kept by CSS), limited per user from the table itself so every
// web process sees the same count, refused for muted users and on documents that are not published. The uploader
// hears of a new thread, the author of the comment answered hears of a reply — never one's own. Nothing here reads
// the document's text: a comment shows only what its author wrote.
import type { Deps } from '../../deps.ts';
import { AppError, badRequest, forbidden, notFound } from '../../errors.ts';
import type { SessionUser } from '../accounts/service.ts';
import { assertNotMuted, canModerate } from '../moderation/policy.ts';
import { notify } from '../notifications/service.ts';
import * as repo from './repo.ts';

/** Length of a comment in characters (code points, so 𠀀 is one). */
export const COMMENT_MAX_CHARS = 2000;
/** Per user: at most `max` comments in each rolling window (deleted ones count). */
export const COMMENT_LIMITS = [
  { windowMs: 10 * 60 * 1000, max: 10 },
  { windowMs: 24 * 60 * 60 * 1000, max: 100 },
] as const;
/** Threads per page, and replies shown under each thread before 查看全部回复. */
export const THREADS_PER_PAGE = 10;
export const REPLIES_INLINE = 10;
/** Replies per page of a thread's own page. */
export const REPLIES_PER_PAGE = 50;

type Viewer = Pick<SessionUser, 'id' | 'role'> | undefined;

/** A comment as a view shows it. `body` is null when only a placeholder may be shown to this viewer. */
export interface CommentView {
  readonly id: number;
  readonly threadId: number;
  readonly authorId: number;
  readonly authorName: string;
  /** The author's stored avatar (null: the initial is shown). */
  readonly authorAvatarKey: string | null;
  /** Whom a reply answers (the @name), when it answers another reply's author rather than the thread. */
  readonly replyToName: string | null;
  readonly body: string | null;
  readonly state: 'visible' | 'deleted' | 'hidden';
  readonly createdAt: number;
  readonly canReply: boolean;
  readonly canDelete: boolean;
  readonly canReport: boolean;
  /** Staff: the 隐藏/取消隐藏 buttons. */
  readonly canModerate: boolean;
}

/** A thread: its top-level comment and the replies shown with it. */
export interface ThreadView {
  readonly comment: CommentView;
  readonly replies: readonly CommentView[];
  /** Live replies in all (more than `replies` when the thread has its own page). */
  readonly replyCount: number;
}

/** What the comment section of a document page needs, computed for one viewer (undefined = the cached page). */
export interface CommentSection {
  readonly documentId: number;
  readonly total: number;
  readonly threads: readonly ThreadView[];
  readonly page: number;
  readonly hasMore: boolean;
  readonly loggedIn: boolean;
}

function toView(row: repo.CommentRow, viewer: Viewer): CommentView {
  const staff = canModerate(viewer);
  const state = row.deleted_at !== null ? 'deleted' : row.hidden_at !== null ? 'hidden' : 'visible';
  const own = viewer?.id === row.user_id;
  const threadId = row.parent_id === null ? row.id : Number(row.parent_id);
  return {
    id: row.id,
    threadId,
    authorId: row.user_id,
    authorName: row.author_name,
    authorAvatarKey: row.author_avatar_key,
    // Replies to the thread itself need no @name; replies to a reply name its author.
    replyToName: row.reply_to_id !== null && row.reply_to_id !== threadId ? row.reply_to_name : null,
    body: state === 'visible' || (state === 'hidden' && staff) ? row.body : null,
    state,
    createdAt: Number(row.created_at),
    canReply: !!viewer && state === 'visible',
    canDelete: own && state !== 'deleted',
    canReport: !!viewer && !own && state === 'visible',
    canModerate: staff && state !== 'deleted',
  };
}

/** The comment section of a published document: a page of threads, newest first, as 百度文库 orders them. */
export async function getCommentSection(
  deps: Pick<Deps, 'database'>,
  documentId: number,
  viewer: Viewer,
  page = 1,
): Promise<CommentSection> {
  const db = deps.database.db;
  const p = Math.min(10_000, Math.max(1, page));
  const rows = await repo.listThreads(db, documentId, THREADS_PER_PAGE + 1, (p - 1) * THREADS_PER_PAGE);
  const shown = rows.slice(0, THREADS_PER_PAGE);
  const { replies, counts } = await repo.listReplies(
    db,
    shown.map((r) => r.id),
    REPLIES_INLINE,
  );
  const threads = shown.map((row) => ({
    comment: toView(row, viewer),
    replies: replies.filter((r) => Number(r.parent_id) === row.id).map((r) => toView(r, viewer)),
    replyCount: counts.get(row.id) ?? 0,
  }));
  return {
    documentId,
    total: await repo.countComments(db, documentId),
    threads,
    page: p,
    hasMore: rows.length > THREADS_PER_PAGE,
    loggedIn: !!viewer,
  };
}

/** One thread of a published document with a page of its replies (oldest first); 404 when it is not listed. */
export async function getCommentThread(
  deps: Pick<Deps, 'database'>,
  input: { documentId: number; threadId: number; page: number },
  viewer: Viewer,
) {
  const db = deps.database.db;
  const doc = await publishedDocument(deps, input.documentId);
  const row = await repo.findComment(db, input.threadId);
  if (!row || row.document_id !== input.documentId || row.parent_id !== null) throw notFound();
  const p = Math.min(10_000, Math.max(1, input.page));
  const rows = await repo.listThreadReplies(db, row.id, REPLIES_PER_PAGE + 1, (p - 1) * REPLIES_PER_PAGE);
  if (row.deleted_at !== null && rows.length === 0 && p === 1) throw notFound();
  const thread: ThreadView = {
    comment: toView(row, viewer),
    replies: rows.slice(0, REPLIES_PER_PAGE).map((r) => toView(r, viewer)),
    replyCount: await repo.countReplies(db, row.id),
  };
  return { doc: { id: doc.id, title: doc.title }, thread, page: p, hasMore: rows.length > REPLIES_PER_PAGE };
}

/** /d/:id/comments: the published document's title and a page of its comment section; 404 otherwise. */
export async function getCommentsPage(deps: Pick<Deps, 'database'>, documentId: number, viewer: Viewer, page: number) {
  const doc = await publishedDocument(deps, documentId);
  const section = await getCommentSection(deps, documentId, viewer, page);
  return { doc: { id: doc.id, title: doc.title }, section };
}

/** The published document comments go on (title and uploader for notifications); 404 otherwise. */
export async function publishedDocument(deps: Pick<Deps, 'database'>, documentId: number) {
  const doc = await repo.findCommentTarget(deps.database.db, documentId);
  if (doc?.status !== 'published') throw notFound('comment.documentClosed');
  return doc;
}

/** The text of a comment as stored: line breaks unified, NFC, trimmed; 400 when empty or over the limit. */
export function normalizeCommentBody(raw: string): string {
  // Measure first: a huge post is refused before any further work on it.
  if (raw.length > COMMENT_MAX_CHARS * 4) throw tooLong([...raw].length);
  const body = raw.replace(/\r\n?/g, '\n').normalize('NFC').trim();
  if (body.length === 0) throw badRequest('comment.empty');
  const n = [...body].length;
  if (n > COMMENT_MAX_CHARS) throw tooLong(n);
  return body;
}

const tooLong = (n: number) => badRequest('comment.tooLong', { max: COMMENT_MAX_CHARS, n });

/** 429 when the user has used up an allowance; says when the next comment is possible. */
async function assertWithinLimits(deps: Pick<Deps, 'database'>, userId: number, now: number) {
  for (const limit of COMMENT_LIMITS) {
    const { n, oldest } = await repo.countRecentByUser(deps.database.db, userId, now - limit.windowMs);
    if (n >= limit.max) {
      const retryAfter = Math.max(1, Math.ceil(((oldest ?? now) + limit.windowMs - now) / 1000));
      throw new AppError(429, 'rate_limited', 'comment.rateLimited', { retryAfter, max: limit.max });
    }
  }
}

/**
 * Posts a comment: a new thread, or a reply to `replyTo` (a thread or a reply in one; the reply joins that thread).
 * Notifies the uploader of a new thread, the author answered of a reply — never the poster themselves.
 */
export async function postComment(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id' | 'role' | 'displayName' | 'mutedUntil'>,
  input: { documentId: number; body: string; replyTo?: number | undefined },
): Promise<{ id: number; threadId: number }> {
  // 1. Who may post, where, what; then the allowance.
  assertNotMuted(user);
  const doc = await publishedDocument(deps, input.documentId);
  const body = normalizeCommentBody(input.body);
  let answered: repo.CommentRow | undefined;
  if (input.replyTo !== undefined) {
    answered = await repo.findComment(deps.database.db, input.replyTo);
    if (!answered || answered.document_id !== doc.id) throw notFound('comment.notFound');
    if (answered.deleted_at !== null || answered.hidden_at !== null) throw notFound('comment.cannotReply');
  }
  const now = Date.now();
  await assertWithinLimits(deps, user.id, now);
  // 2. Store, notify and bump the page's revision together.
  return deps.database.db.transaction().execute(async (trx) => {
    const threadId = answered ? (answered.parent_id === null ? answered.id : Number(answered.parent_id)) : null;
    const id = await repo.insertComment(trx, {
      documentId: doc.id,
      userId: user.id,
      parentId: threadId,
      replyToId: answered?.id ?? null,
      replyToUserId: answered?.user_id ?? null,
      body,
      now,
    });
    const link = `/d/${doc.id}/comments/${threadId ?? id}#comment-${id}`;
    const to = answered ? answered.user_id : doc.owner_id;
    if (to !== user.id) {
      await notify(trx, {
        userId: to,
        kind: answered ? 'comment.reply' : 'comment.new',
        params: { name: user.displayName, title: doc.title },
        link,
      });
    }
    await repo.bumpDocumentRev(trx, doc.id);
    return { id, threadId: threadId ?? id };
  });
}

/** Where a comment is shown in full: its document and its thread (itself, or the comment it answers); 404. */
export async function commentThreadOf(deps: Pick<Deps, 'database'>, commentId: number) {
  const row = await repo.findComment(deps.database.db, commentId);
  if (!row || row.deleted_at !== null) throw notFound('comment.notFound');
  return { documentId: row.document_id, threadId: row.parent_id ?? row.id };
}

/** The author deletes their own comment (soft: a thread with replies keeps a placeholder). Returns its document. */
export async function deleteComment(
  deps: Pick<Deps, 'database'>,
  user: Pick<SessionUser, 'id'>,
  commentId: number,
): Promise<{ documentId: number }> {
  const row = await repo.findComment(deps.database.db, commentId);
  if (!row || row.deleted_at !== null) throw notFound('comment.notFound');
  if (row.user_id !== user.id) throw forbidden('comment.notYours');
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await repo.markDeleted(trx, row.id, Date.now()))) throw notFound('comment.notFound');
    await repo.bumpDocumentRev(trx, row.document_id);
  });
  return { documentId: row.document_id };
}
