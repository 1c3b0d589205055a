// The comment forms refused on each dialect (issue #13): an empty or over-long comment is the comments page again
// with 422, the sentence beside the text and what was typed in the form it came from (a reply's form opened); a
// moderator's 隐藏 is the comment's thread again, the sentence beside the reason or alone once the comment changed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { signUp } from '../../testing/users.ts';
import { COMMENT_MAX_CHARS } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`the comment forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let reader: TestClient;
    let docId: number;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const owner = new TestClient(t.app);
      await owner.register('owner@example.com', '上传者');
      reader = new TestClient(t.app);
      await reader.register('reader@example.com', '读者');
      const row = await t.deps.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'owner@example.com')
        .executeTakeFirstOrThrow();
      docId = await insertTestDocument(t.deps.database, Number(row.id), { price: 0 });
    });
    after(() => t.close());

    test('an over-long comment: the sentence beside the text, the text kept', async () => {
      const csrf = await reader.csrf(`/d/${docId}`);
      const long = '长'.repeat(COMMENT_MAX_CHARS + 1);
      const res = await reader.postForm(`/d/${docId}/comments`, { body: long }, { csrf });
      assertRefusedForm(res, {
        form: 'comment',
        field: 'body',
        error: new RegExp(String(COMMENT_MAX_CHARS)),
        values: { body: long },
      });
    });

    test('an empty reply: the sentence in that reply form, opened, with what was typed', async () => {
      const csrf = await reader.csrf(`/d/${docId}`);
      const first = await reader.postForm(
        `/d/${docId}/comments`,
        { body: '写得很好。' },
        { csrf, headers: { accept: 'application/json' } },
      );
      assert.equal(first.statusCode, 201, first.body);
      const { id } = first.json() as { id: number };
      const res = await reader.postForm(`/d/${docId}/comments`, { body: ' \n ', replyTo: String(id) }, { csrf });
      const html = assertRefusedForm(res, {
        form: `reply-${id}`,
        field: 'body',
        error: /评论内容不能为空/,
        values: { body: ' \n ' },
      });
      assert.match(html, /<details class="comment__reply" open/);
      assert.doesNotMatch(html, /id="comment-body"[^>]*aria-invalid/, 'the new-thread form is untouched');
    });

    test('隐藏 by a moderator: an over-long reason beside it and kept; hidden meanwhile, the sentence alone', async () => {
      const mod = (await signUp(t, 'comment-mod@example.com', '审核员', 'moderator')).client;
      const posted = await reader.postForm(
        `/d/${docId}/comments`,
        { body: '需要隐藏的评论' },
        { csrf: await reader.csrf(`/d/${docId}`), headers: { accept: 'application/json' } },
      );
      const { id } = posted.json() as { id: number };
      const page = `/d/${docId}/comments/${id}`;
      const csrf = await mod.csrf(page);
      const reason = `广告${'很'.repeat(500)}`;
      const long = await mod.postForm(`/comments/${id}/hide`, { reason, next: page }, { csrf });
      const html = assertRefusedForm(long, {
        form: `comment-hide-${id}`,
        field: 'reason',
        error: /原因最多 500 个字/,
        values: { reason },
      });
      assert.match(html, /<details class="comment__hide" open/);
      assert.equal(
        (await mod.postForm(`/comments/${id}/hide`, { reason: '广告', next: page }, { csrf })).statusCode,
        303,
      );
      const twice = await mod.postForm(`/comments/${id}/hide`, { reason: '广告', next: page }, { csrf });
      assert.equal(twice.statusCode, 422);
      assert.match(twice.body, /<div class="form__errors" role="alert"[^>]*><p>该评论已被隐藏/);
      assert.doesNotMatch(twice.body, new RegExp(`id="comment-hide-${id}"`), 'its form is gone: 取消隐藏 instead');
      assert.match(twice.body, new RegExp(`<form id="comment-unhide-${id}"`));
    });
  });
}
