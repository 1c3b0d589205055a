// The site the comments tests share (features/comments/*.test.ts): an uploader's published document, two readers,
// a moderator and a visitor, with the helpers that post and count comments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Dialect } from '../db/database.ts';
import { TestClient, waitForStatus } from './client.ts';
import { SEED_TXT } from './paths.ts';
import { createTestApp } from './test-app.ts';
import { signUp, userIdByEmail } from './users.ts';

export const COMMENTED_TITLE = '在全区安全生产工作会议上的讲话';

export type CommentsSite = Awaited<ReturnType<typeof openCommentsSite>>;

/** A fresh site of one dialect with the document published. */
export async function openCommentsSite(dialect: Dialect) {
  const t = await createTestApp(dialect);
  const ids: Record<string, number> = {};
  const make = async (email: string, name: string, role?: 'moderator') => {
    const { client, id } = await signUp(t, email, name, role);
    ids[email.split('@')[0]!] = id;
    return client;
  };
  const uploader = await make('uploader@example.com', '上传者老李');
  const reader = await make('reader@example.com', '读者小张');
  const other = await make('other@example.com', '另一位读者');
  const mod = await make('mod@example.com', '审核员小王', 'moderator');
  const visitor = new TestClient(t.app);
  const up = await uploader.upload(
    { name: 'speech.txt', data: readFileSync(SEED_TXT) },
    { title: COMMENTED_TITLE, category: '1', price: '0' },
  );
  assert.equal(up.statusCode, 201, up.body);
  const docId = (up.json() as { id: number }).id;
  assert.equal((await waitForStatus(uploader, docId)).status, 'published');

  const db = () => t.deps.database.db;
  /** Posts a comment as a form (the page's own token); returns the response. */
  const post = async (c: TestClient, fields: Record<string, string>, opts: { json?: boolean; doc?: number } = {}) =>
    c.postForm(`/d/${opts.doc ?? docId}/comments`, fields, {
      csrf: await c.csrf(`/d/${docId}/comments`),
      headers: opts.json ? { accept: 'application/json' } : {},
    });
  return {
    t,
    uploader,
    reader,
    other,
    mod,
    visitor,
    docId,
    ids,
    db,
    idOf: (email: string) => userIdByEmail(t.deps, email),
    async commentCount() {
      const row = await db()
        .selectFrom('comments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    notificationsOf: (userId: number) =>
      db().selectFrom('notifications').selectAll().where('user_id', '=', userId).orderBy('id').execute(),
    post,
    /** Posts a comment (a reply with `replyTo`) as JSON and asserts it was stored. */
    async postJson(c: TestClient, body: string, replyTo?: number) {
      const res = await post(c, { body, ...(replyTo ? { replyTo: String(replyTo) } : {}) }, { json: true });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: number; threadId: number };
    },
  };
}
