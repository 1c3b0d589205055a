// The 违规举报 and 举报评论 forms refused on each dialect (issue #13): 422, the sentence beside the field, the reason
// chosen and the details typed kept; a second report of the same document is the form again, saying so.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../../testing/client.ts';
import { insertTestDocument } from '../../testing/credits.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`the report forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let reader: TestClient;
    let docId: number;
    let commentId: number;

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      const owner = new TestClient(t.app);
      await owner.register('owner@example.com', '上传者');
      reader = new TestClient(t.app);
      await reader.register('reader@example.com', '读者');
      const db = t.deps.database.db;
      const ownerId = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'owner@example.com')
        .executeTakeFirstOrThrow();
      docId = await insertTestDocument(t.deps.database, Number(ownerId.id), { price: 0 });
      const posted = await owner.postForm(
        `/d/${docId}/comments`,
        { body: '欢迎大家指正。' },
        { csrf: await owner.csrf(`/d/${docId}`), headers: { accept: 'application/json' } },
      );
      assert.equal(posted.statusCode, 201, posted.body.slice(0, 300));
      commentId = (posted.json() as { id: number }).id;
    });
    after(() => t.close());

    test('"other" without details: the sentence beside the details, the reason kept', async () => {
      const csrf = await reader.csrf(`/d/${docId}/report`);
      const res = await reader.postForm(`/d/${docId}/report`, { reason: 'other', detail: '  ' }, { csrf });
      assertRefusedForm(res, {
        form: 'report',
        field: 'detail',
        error: /./,
        values: { reason: 'other', detail: '  ' },
      });
      assert.match(res.body, /id="report-reason-other"[^>]*checked/);
    });

    test('no reason chosen: the sentence beside the reasons, the details kept', async () => {
      const csrf = await reader.csrf(`/d/${docId}/report`);
      const res = await reader.postForm(`/d/${docId}/report`, { detail: '第三段抄自<某网站>' }, { csrf });
      assertRefusedForm(res, {
        form: 'report',
        field: 'reason',
        error: /请选择举报原因/,
        values: { detail: '第三段抄自<某网站>' },
      });
    });

    test('a second report is the form again with the reason; a comment report keeps its input too', async () => {
      const csrf = await reader.csrf(`/d/${docId}/report`);
      const first = await reader.postForm(`/d/${docId}/report`, { reason: 'spam', detail: '' }, { csrf });
      assert.equal(first.statusCode, 303);
      const again = await reader.postForm(
        `/d/${docId}/report`,
        { reason: 'copyright', detail: '再举报一次' },
        { csrf },
      );
      assertRefusedForm(again, {
        form: 'report',
        error: /你已举报过该文档/,
        values: { reason: 'copyright', detail: '再举报一次' },
      });
      const long = '长'.repeat(1001);
      const comment = await reader.postForm(
        `/comments/${commentId}/report`,
        { reason: 'abuse', detail: long },
        { csrf },
      );
      assertRefusedForm(comment, {
        form: 'report',
        field: 'detail',
        error: /1000/,
        values: { reason: 'abuse', detail: long },
      });
      assert.match(comment.body, /欢迎大家指正/, 'the comment is quoted around the form');
    });
  });
}
