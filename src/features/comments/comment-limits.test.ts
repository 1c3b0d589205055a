// What a comment may not be, over HTTP on each dialect: longer than 2000 characters (a 100 000-character post
// changes nothing), past the per-user allowance, by a muted user, or on an unpublished document.
// The shared site is testing/comments-site.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { type CommentsSite, openCommentsSite } from '../../testing/comments-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { COMMENT_LIMITS } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`comment limits on ${dialect}`, () => {
    let s: CommentsSite;
    before(async () => {
      s = await openCommentsSite(dialect);
    });
    after(() => s.t.close());

    test('a 100 000-character comment is refused in zh-CN and nothing is stored; 2000 is the limit', async () => {
      const { reader, other, commentCount, post } = s;
      const before = await commentCount();
      const huge = '长'.repeat(100_000);
      const res = await post(reader, { body: huge });
      assert.equal(res.statusCode, 422);
      assert.ok(res.body.includes('评论最多 2000 个字，你输入了 100000 个字'), res.body.slice(0, 500));
      // The huge text is not echoed back into the form.
      assert.ok(!res.body.includes('长'.repeat(3000)));
      // A comment a little too long comes back whole, to be shortened.
      const over = '短'.repeat(2500);
      const kept = await post(reader, { body: over });
      assert.equal(kept.statusCode, 422);
      assert.ok(kept.body.includes(over), 'the text typed is kept');
      const json = await post(reader, { body: huge }, { json: true });
      assert.equal(json.statusCode, 400);
      assert.match((json.json() as { error: { message: string } }).error.message, /评论最多 2000 个字/);
      assert.equal((await post(reader, { body: `${'字'.repeat(2001)}` }, { json: true })).statusCode, 400);
      assert.equal((await post(reader, { body: ' \n\t ' }, { json: true })).statusCode, 400);
      assert.equal(await commentCount(), before);
      // Exactly 2000 characters (one of them outside the BMP) is accepted.
      const edge = await post(other, { body: `${'字'.repeat(1999)}𠀀` }, { json: true });
      assert.equal(edge.statusCode, 201, edge.body);
    });

    test('the per-user allowance is counted in the database: 10 per 10 minutes, then 100 per day', async () => {
      const { t, docId, db, idOf, post, postJson } = s;
      const c = new TestClient(t.app);
      await c.register('busy@example.com', '话很多的读者');
      const busy = await idOf('busy@example.com');
      const [short, day] = COMMENT_LIMITS;
      for (let i = 0; i < short.max; i++) await postJson(c, `第 ${i + 1} 条评论`);
      const refused = await post(c, { body: '再来一条' });
      assert.equal(refused.statusCode, 429);
      assert.ok(refused.body.includes('评论太频繁了'), refused.body.slice(0, 300));
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.ok(refused.body.includes('再来一条'), 'the text typed comes back in the form');
      // Out of the 10-minute window but inside the day: the daily allowance still counts them.
      const earlier = Date.now() - 60 * 60 * 1000;
      await db().updateTable('comments').set({ created_at: earlier }).where('user_id', '=', busy).execute();
      await postJson(c, '一小时后又来了');
      const fill = day.max - short.max - 1;
      await db()
        .insertInto('comments')
        .values(
          Array.from({ length: fill }, (_, i) => ({
            document_id: docId,
            user_id: busy,
            parent_id: null,
            reply_to_id: null,
            reply_to_user_id: null,
            body: `旧评论 ${i}`,
            created_at: earlier,
            deleted_at: Date.now(),
            hidden_at: null,
            hidden_by: null,
          })),
        )
        .execute();
      const daily = await post(c, { body: '今天的第 101 条' }, { json: true });
      assert.equal(daily.statusCode, 429, daily.body);
      assert.match((daily.json() as { error: { message: string } }).error.message, /每个时段最多 100 条/);
    });

    test('a muted user cannot comment (403, nothing stored); unpublished documents take no comments', async () => {
      const { t, reader, visitor, docId, db, idOf, commentCount, post } = s;
      const c = new TestClient(t.app);
      await c.register('muted@example.com', '被禁言的用户');
      const muted = await idOf('muted@example.com');
      await db()
        .updateTable('users')
        .set({ muted_until: Date.now() + 86_400_000 })
        .where('id', '=', muted)
        .execute();
      const before = await commentCount();
      const res = await post(c, { body: '我想说两句' });
      assert.equal(res.statusCode, 403);
      assert.ok(res.body.includes('禁言'), res.body.slice(0, 300));
      assert.equal(await commentCount(), before);

      for (const status of ['review', 'taken_down'] as const) {
        await db().updateTable('documents').set({ status }).where('id', '=', docId).execute();
        const refused = await post(reader, { body: '还能评论吗？' }, { json: true });
        assert.equal(refused.statusCode, 404, status);
        assert.match((refused.json() as { error: { message: string } }).error.message, /未发布或已下架，不能评论/);
        assert.equal((await visitor.get(`/d/${docId}/comments`)).statusCode, 404);
      }
      await db().updateTable('documents').set({ status: 'published' }).where('id', '=', docId).execute();
      assert.equal(await commentCount(), before);
    });
  });
}
