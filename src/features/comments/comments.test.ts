// Comments on documents over HTTP, on each dialect: threads and one level of replies (a reply to a reply joins the
// thread and names whom it answers), escaping, the author's soft delete, notifications to the uploader and to the
// author answered (never to oneself), and the report → 隐藏评论 flow with its placeholder, audit and notices.
// The limits are in comment-limits.test.ts; the shared site is testing/comments-site.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CommentsSite, openCommentsSite } from '../../testing/comments-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`comments on ${dialect}`, () => {
    let s: CommentsSite;
    before(async () => {
      s = await openCommentsSite(dialect);
    });
    after(() => s.t.close());

    test('a thread and replies: one level, @name for a reply to a reply, newest thread first', async () => {
      const { reader, other, visitor, docId, ids, db, post, postJson } = s;
      const res = await post(reader, { body: '写得很好，结构清晰。' });
      assert.equal(res.statusCode, 303, res.body);
      const threadRow = await db()
        .selectFrom('comments')
        .selectAll()
        .where('user_id', '=', ids.reader!)
        .executeTakeFirstOrThrow();
      assert.equal(res.headers.location, `/d/${docId}#comment-${threadRow.id}`);
      assert.equal(threadRow.parent_id, null);

      const r1 = await postJson(other, '同意，第二部分尤其实用。', threadRow.id);
      assert.equal(r1.threadId, threadRow.id);
      // A reply to the reply joins the same thread and names whom it answers.
      const r2 = await postJson(reader, '谢谢你的补充！', r1.id);
      assert.equal(r2.threadId, threadRow.id);
      const r2row = await db().selectFrom('comments').selectAll().where('id', '=', r2.id).executeTakeFirstOrThrow();
      assert.equal(r2row.parent_id, threadRow.id);
      assert.equal(r2row.reply_to_user_id, ids.other);

      const later = await postJson(other, '第二个话题：有没有配套的PPT？');
      const page = await visitor.get(`/d/${docId}/comments`);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('写得很好，结构清晰。'));
      assert.ok(page.body.includes('回复 @另一位读者'));
      assert.ok(page.body.indexOf(`comment-${later.id}`) < page.body.indexOf(`comment-${threadRow.id}`));
      // Replies stay under their thread, oldest first.
      assert.ok(page.body.indexOf(`comment-${r1.id}`) < page.body.indexOf(`comment-${r2.id}`));
      // A visitor sees no form, only the way to log in.
      assert.ok(page.body.includes('登录后发表评论'));
      assert.ok(!page.body.includes('name="body"'));
      // The thread page, where notifications lead.
      const thread = await visitor.get(`/d/${docId}/comments/${threadRow.id}`);
      assert.equal(thread.statusCode, 200);
      assert.ok(thread.body.includes('谢谢你的补充！'));
      assert.equal((await visitor.get(`/d/${docId}/comments/${r1.id}`)).statusCode, 404);
    });

    test('the document page shows the comments; its cached anonymous version follows a new comment at once', async () => {
      const { t, reader, docId, postJson } = s;
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const anonymous = async () => {
        const res = await fetch(`${base}/d/${docId}`);
        assert.equal(res.status, 200);
        return res.text();
      };
      const first = await anonymous();
      assert.ok(first.includes('id="comments"'));
      assert.ok(first.includes('写得很好，结构清晰。'));
      assert.ok(first.includes('登录后发表评论'));
      assert.ok(!first.includes('name="_csrf"'), 'the shared anonymous page carries no token');
      assert.equal(await anonymous(), first, 'served from the cache');
      const { id } = await postJson(reader, '缓存里的页面也要马上看到这条');
      const second = await anonymous();
      assert.ok(second.includes('缓存里的页面也要马上看到这条'));
      assert.ok(second.includes(`id="comment-${id}"`));
      // A logged-in reader gets the form, the reply and delete buttons.
      const mine = await reader.get(`/d/${docId}`);
      assert.ok(mine.body.includes(`action="/d/${docId}/comments"`));
      assert.ok(mine.body.includes(`action="/comments/${id}/delete"`));
      assert.ok(mine.body.includes(`<summary>回复</summary>`));
    });

    test('notifications: the uploader of a new thread, the author answered of a reply, never oneself', async () => {
      const { uploader, reader, other, docId, ids, notificationsOf, postJson } = s;
      const before = {
        uploader: (await notificationsOf(ids.uploader!)).length,
        reader: (await notificationsOf(ids.reader!)).length,
        other: (await notificationsOf(ids.other!)).length,
      };
      const thread = await postJson(reader, '请问这篇可以用于街道层面的会议吗？');
      const up = await notificationsOf(ids.uploader!);
      assert.equal(up.length, before.uploader + 1);
      assert.equal(up.at(-1)!.kind, 'comment.new');
      assert.equal(up.at(-1)!.link, `/d/${docId}/comments/${thread.id}#comment-${thread.id}`);
      const reply = await postJson(uploader, '可以，注意替换单位名称。', thread.id);
      const rd = await notificationsOf(ids.reader!);
      assert.equal(rd.length, before.reader + 1);
      assert.equal(rd.at(-1)!.kind, 'comment.reply');
      // The uploader answered in their own document: no notice to themselves.
      assert.equal((await notificationsOf(ids.uploader!)).length, before.uploader + 1);
      // Answering one's own comment tells nobody.
      await postJson(reader, '补充一句：我们是区级单位。', thread.id);
      assert.equal((await notificationsOf(ids.reader!)).length, before.reader + 1);
      // A reply to the uploader's reply tells the uploader.
      await postJson(other, '同问，谢谢！', reply.id);
      const up2 = await notificationsOf(ids.uploader!);
      assert.equal(up2.at(-1)!.kind, 'comment.reply');
      assert.equal((await notificationsOf(ids.other!)).length, before.other);
      // The sentence is zh-CN in the notification centre.
      const centre = await uploader.get('/notifications');
      assert.ok(centre.body.includes('读者小张 评论了你的文档《在全区安全生产工作会议上的讲话》'), centre.body);
    });

    test('script in a comment is shown as text; line breaks are kept as typed', async () => {
      const { reader, visitor, docId, db, postJson } = s;
      const body = '<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n第三行';
      const { id } = await postJson(reader, body);
      const row = await db().selectFrom('comments').select('body').where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.body, body);
      const page = await visitor.get(`/d/${docId}/comments`);
      assert.ok(!page.body.includes('<script>alert(1)'));
      assert.ok(!page.body.includes('<img src=x'));
      assert.ok(page.body.includes('&lt;script>alert(1)&lt;/script>\n&lt;img src=x onerror=alert(2)>\n第三行'));
    });

    test('the author deletes their own comment: a placeholder while it has replies, nothing otherwise', async () => {
      const { reader, other, visitor, docId, post, postJson } = s;
      const lonely = await postJson(reader, '这条我稍后会删掉');
      const thread = await postJson(reader, '这条也会删掉，但有人回复了');
      const reply = await postJson(other, '我回复了这条', thread.id);
      // Not yours: 403, and still there.
      const deny = await other.postForm(
        `/comments/${thread.id}/delete`,
        {},
        { csrf: await other.csrf(`/d/${docId}/comments`) },
      );
      assert.equal(deny.statusCode, 403);
      for (const id of [lonely.id, thread.id]) {
        const res = await reader.postForm(
          `/comments/${id}/delete`,
          { next: `/d/${docId}/comments` },
          { csrf: await reader.csrf(`/d/${docId}/comments`) },
        );
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, `/d/${docId}/comments#comments`);
      }
      const page = await visitor.get(`/d/${docId}/comments`);
      assert.ok(!page.body.includes('这条我稍后会删掉'));
      assert.ok(!page.body.includes(`comment-${lonely.id}"`));
      assert.ok(!page.body.includes('这条也会删掉'));
      assert.ok(page.body.includes(`id="comment-${thread.id}"`));
      assert.ok(page.body.includes('该评论已删除'));
      assert.ok(page.body.includes('我回复了这条'));
      // A deleted comment cannot be answered.
      const late = await post(other, { body: '还在吗', replyTo: String(thread.id) }, { json: true });
      assert.equal(late.statusCode, 404);
      assert.ok(reply.id > 0);
    });

    test('report → moderator hides: others see the placeholder, staff the text; audited and notified', async () => {
      const { reader, other, mod, visitor, docId, ids, db, notificationsOf, post, postJson } = s;
      const target = await postJson(other, '这个上传者就是个骗子！！！');
      const commentHtml = (await visitor.get(`/d/${docId}/comments`)).body;
      assert.ok(commentHtml.includes('这个上传者就是个骗子'));
      // The reader reports the comment, and the document too: the two open reports do not collide.
      const reportCsrf = await reader.csrf(`/comments/${target.id}/report`);
      const filed = await reader.postForm(
        `/comments/${target.id}/report`,
        { reason: 'abuse', detail: '<b>人身攻击</b>' },
        { csrf: reportCsrf, headers: { accept: 'application/json' } },
      );
      assert.equal(filed.statusCode, 201, filed.body);
      const reportId = (filed.json() as { id: number }).id;
      const again = await reader.postForm(
        `/comments/${target.id}/report`,
        { reason: 'spam', detail: '' },
        { csrf: reportCsrf, headers: { accept: 'application/json' } },
      );
      assert.equal(again.statusCode, 409);
      const docReport = await reader.postForm(
        `/d/${docId}/report`,
        { reason: 'mismatch', detail: '' },
        { csrf: await reader.csrf(`/d/${docId}/report`), headers: { accept: 'application/json' } },
      );
      assert.equal(docReport.statusCode, 201, docReport.body);

      // The queue shows the comment's text (escaped) and the 隐藏评论 action, and no document decisions for it.
      const queue = await mod.get('/admin/reports');
      assert.equal(queue.statusCode, 200);
      assert.ok(queue.body.includes('这个上传者就是个骗子！！！'));
      assert.ok(queue.body.includes('&lt;b>人身攻击&lt;/b>'));
      assert.ok(queue.body.includes(`/admin/reports/${reportId}/hide-comment`));
      assert.ok(!queue.body.includes(`/admin/reports/${reportId}/takedown`));
      const wrong = await mod.postForm(
        `/admin/reports/${reportId}/takedown`,
        { note: '' },
        { csrf: await mod.csrf('/admin/reports'), headers: { accept: 'application/json' } },
      );
      assert.equal(wrong.statusCode, 409);
      assert.equal(
        (await db().selectFrom('documents').select('status').where('id', '=', docId).executeTakeFirstOrThrow()).status,
        'published',
      );

      const hide = await mod.postForm(
        `/admin/reports/${reportId}/hide-comment`,
        { reason: '人身攻击' },
        { csrf: await mod.csrf('/admin/reports') },
      );
      assert.equal(hide.statusCode, 303, hide.body);
      const report = await db().selectFrom('reports').selectAll().where('id', '=', reportId).executeTakeFirstOrThrow();
      assert.deepEqual([report.status, report.decision], ['actioned', 'hide_comment']);
      // The document report is untouched.
      const docRow = await db()
        .selectFrom('reports')
        .select('status')
        .where('comment_id', 'is', null)
        .where('reporter_id', '=', ids.reader!)
        .executeTakeFirstOrThrow();
      assert.equal(docRow.status, 'open');

      for (const c of [visitor, reader, other]) {
        const page = await c.get(`/d/${docId}/comments`);
        assert.ok(!page.body.includes('这个上传者就是个骗子'), 'hidden text is not sent');
        assert.ok(page.body.includes('该评论已被管理员隐藏'));
      }
      const staffView = await mod.get(`/d/${docId}/comments`);
      assert.ok(staffView.body.includes('这个上传者就是个骗子！！！'));
      assert.ok(staffView.body.includes('已隐藏（仅管理员可见）'));
      assert.ok(staffView.body.includes(`/comments/${target.id}/unhide`));
      // A hidden comment cannot be answered or reported again.
      assert.equal((await post(reader, { body: '哈', replyTo: String(target.id) }, { json: true })).statusCode, 404);

      assert.equal((await notificationsOf(ids.other!)).at(-1)!.kind, 'comment.hiddenWithReason');
      assert.equal((await notificationsOf(ids.reader!)).at(-1)!.kind, 'report.commentHidden');
      const audit = await db()
        .selectFrom('audit_log')
        .select(['action', 'target_type', 'target_id', 'actor_id'])
        .where('action', 'in', ['comment.hide', 'report.hide_comment'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.target_type, Number(a.target_id), Number(a.actor_id)]),
        [
          ['comment.hide', 'comment', target.id, ids.mod],
          ['report.hide_comment', 'report', reportId, ids.mod],
        ],
      );
      // A second decision on the closed report changes nothing.
      const twice = await mod.postForm(
        `/admin/reports/${reportId}/hide-comment`,
        {},
        { csrf: await mod.csrf('/admin/reports'), headers: { accept: 'application/json' } },
      );
      assert.equal(twice.statusCode, 409);

      // Unhide from the page: the text is back for everyone, audited.
      const unhide = await mod.postForm(
        `/comments/${target.id}/unhide`,
        { next: `/d/${docId}/comments` },
        { csrf: await mod.csrf(`/d/${docId}/comments`) },
      );
      assert.equal(unhide.statusCode, 303);
      assert.ok((await visitor.get(`/d/${docId}/comments`)).body.includes('这个上传者就是个骗子'));
      const last = await db().selectFrom('audit_log').select('action').orderBy('id', 'desc').executeTakeFirstOrThrow();
      assert.equal(last.action, 'comment.unhide');
      // Users cannot hide.
      const denied = await reader.postForm(
        `/comments/${target.id}/hide`,
        {},
        { csrf: await reader.csrf(`/d/${docId}/comments`) },
      );
      assert.equal(denied.statusCode, 403);
    });
  });
}
