// The 实名审核 reason forms refused on each dialect (issue #13): a reject, revoke or reveal without a reason is the tab
// it was sent from again with 422, the sentence beside that row's reason and the reason typed; a decision on a row
// decided meanwhile is the sentence alone; the corrected decision goes through.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestClient } from '../../testing/client.ts';
import { assertRefusedForm } from '../../testing/form-assert.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { signUp } from '../../testing/users.ts';
import { makeIdNumber, markContactVerified, markVerified } from '../../testing/verification.ts';
import { submitVerification } from './service.ts';

for (const dialect of DIALECTS) {
  describe(`the 实名审核 reason forms keep their input (${dialect})`, () => {
    let t: TestApp;
    let admin: TestClient;
    let pendingId: number;
    let approvedId: number;
    let number: string;
    const post = async (url: string, fields: Record<string, string>) =>
      admin.postForm(url, fields, { csrf: await admin.csrf('/admin/verifications') });

    before(async () => {
      t = await createTestApp(dialect, { worker: false });
      admin = (await signUp(t, 'admin@example.com', '站长', 'admin')).client;
      const applicant = (await signUp(t, 'applicant@example.com', '申请人')).id;
      await markContactVerified(t.deps, applicant);
      number = makeIdNumber();
      pendingId = await submitVerification(
        t.deps,
        { id: applicant },
        { legalName: '张测试', idNumber: number, consent: true },
      );
      approvedId = (await markVerified(t.deps, (await signUp(t, 'seller@example.com', '作者')).id)).id;
    });
    after(() => t.close());

    test('reject and revoke without a reason: the sentence beside that row’s reason, the reason kept', async () => {
      const reject = await post(`/admin/verifications/${pendingId}/reject`, { reason: '否', listed: 'pending' });
      assertRefusedForm(reject, {
        form: `reject-${pendingId}`,
        field: 'reason',
        error: /请填写原因/,
        values: { reason: '否' },
        absent: [number],
      });
      const revoke = await post(`/admin/verifications/${approvedId}/revoke`, { reason: ' ', listed: 'approved' });
      const html = assertRefusedForm(revoke, { form: `revoke-${approvedId}`, field: 'reason', error: /请填写原因/ });
      assert.match(html, /<a href="\/admin\/verifications\?status=approved" aria-current="page">/, 'the tab sent from');
      const reveal = await post(`/admin/verifications/${pendingId}/reveal`, { reason: '', listed: 'pending' });
      assertRefusedForm(reveal, { form: `reveal-${pendingId}`, field: 'reason', error: /原因/, absent: [number] });
    });

    test('the corrected reject goes through; a second decision on the row is the sentence alone', async () => {
      const done = await post(`/admin/verifications/${pendingId}/reject`, { reason: '照片模糊', listed: 'pending' });
      assert.equal(done.statusCode, 303, done.body);
      const again = await post(`/admin/verifications/${pendingId}/approve`, { listed: 'pending' });
      assert.equal(again.statusCode, 422);
      assert.match(again.body, /<div class="form__errors" role="alert"[^>]*><p>[^<]+<\/p><\/div>/);
    });
  });
}
