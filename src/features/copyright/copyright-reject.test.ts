// A copyright notice rejected by staff (the rights holder told why, acting again refused) and one withdrawn by its
// sender (staff can no longer act on it). The site: testing/copyright-site.ts; the whole notice path is
// copyright.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CopyrightSite, holderFields, openCopyrightSite, postMultipart } from '../../testing/copyright-site.ts';
import { DIALECTS } from '../../testing/test-db.ts';

for (const dialect of DIALECTS) {
  describe(`copyright notices rejected or withdrawn on ${dialect}`, () => {
    let s: CopyrightSite;
    before(async () => {
      s = await openCopyrightSite(dialect);
    });
    after(() => s.t.close());

    test('rejecting a notice tells the rights holder why; acting again is refused (the page again, 422); a withdrawn notice stays untouched', async () => {
      const { t, docs, holder, moderator, other, db, docRow, notifications, staffPost } = s;
      const res = await postMultipart(
        t,
        holder,
        '/copyright',
        holderFields(`${docs.rejected}`, {
          holderKind: 'person',
          holderName: '林青石',
          idType: 'id_card',
          idNumber: '11010519491231002x',
        }),
      );
      assert.equal(res.statusCode, 303, res.body);
      const id = Number(/notices\/(\d+)/.exec(String(res.headers.location))![1]);
      const row = await db().selectFrom('copyright_notices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.id_number, '110105********002X', 'a person’s number is kept masked only');
      assert.equal((await staffPost(moderator, `/admin/notices/${id}/reject`)).statusCode, 422);
      const reject = await staffPost(moderator, `/admin/notices/${id}/reject`, { reason: '证明材料与作品不符' });
      assert.equal(reject.statusCode, 303);
      assert.equal((await staffPost(moderator, `/admin/notices/${id}/reject`, { reason: '再驳' })).statusCode, 422);
      assert.equal((await staffPost(moderator, `/admin/notices/${id}/take-down`)).statusCode, 422);
      assert.equal((await docRow(docs.rejected!)).status, 'published');
      assert.match(await notifications(holder), new RegExp(`第 ${id} 号.*未予受理，理由：证明材料与作品不符`));
      assert.ok(
        await db()
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'notice.reject')
          .where('target_id', '=', id)
          .executeTakeFirst(),
      );

      const second = await postMultipart(t, holder, '/copyright', holderFields(`${docs.rejected}`));
      const id2 = Number(/notices\/(\d+)/.exec(String(second.headers.location))![1]);
      assert.equal(
        (
          await other.postForm(
            `/copyright/notices/${id2}/withdraw`,
            {},
            { csrf: await other.csrf('/copyright/notices') },
          )
        ).statusCode,
        404,
      );
      const withdraw = await holder.postForm(
        `/copyright/notices/${id2}/withdraw`,
        {},
        {
          csrf: await holder.csrf('/copyright/notices'),
        },
      );
      assert.equal(withdraw.statusCode, 303);
      assert.equal((await staffPost(moderator, `/admin/notices/${id2}/take-down`)).statusCode, 422);
      assert.equal((await docRow(docs.rejected!)).status, 'published');
    });
  });
}
