// The site the browser audit walks: the whole app (createTestApp: real SQLite, real pipeline, in-process worker)
// listening on a loopback port, an admin, an uploader (real-name verified) with a paid document (the seed speech)
// and corpus documents chosen for their long, unbroken ASCII titles (the pages most likely to be wider than a
// phone), and a reader. Accounts register and documents upload through the real forms; nothing is mocked.
import { join } from 'node:path';
import { registerUser } from '../../src/features/accounts/service.ts';
import { CORPUS_DIR, SEED_DOCX } from '../../src/testing/paths.ts';
import { freePort, HttpClient } from '../../src/testing/process.ts';
import { createTestApp, type TestApp } from '../../src/testing/test-app.ts';
import { markContactVerified, markVerifiedByEmail } from '../../src/testing/verification.ts';

/** Corpus files with long runs of ASCII in their titles, and ordinary CJK ones (read at run time, never copied). */
export const LONG_TITLE_FILES = [
  'docx/openxmlsdk__TestDataStorage__v2FxTestFiles__wordprocessing__mixed_features__BackgroundReport_-_THE_WORKING_GROUP_ON_INTERNET_GOVERNANCE.docx',
  'docx-zh/libpku__专业课__数据结构与算法__2016-2017数据结构与算法final-ans.docx',
  'pdf/libpku__专业课__抽象代数__final-solution.pdf',
  'pdf/libpku__专业课__高等数学B__16期末.pdf',
];

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
export const UPLOADER = { email: 'writer@example.com', name: 'Writer_Long_ASCII_20' };
export const READER = { email: 'reader@example.com', name: '读者' };
export const PASSWORD = 'correct horse 1';

/** A running audit site and the ids the audit visits. */
export interface AuditSite {
  readonly t: TestApp;
  readonly url: string;
  readonly paidId: number;
  readonly docIds: number[];
  readonly uploaderId: number;
  close(): Promise<void>;
}

async function waitPublished(client: HttpClient, id: number): Promise<string> {
  const until = Date.now() + 180_000;
  for (;;) {
    const status = await client.status(id);
    if (!['uploaded', 'converting'].includes(status) || Date.now() > until) return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Builds and starts the site; `close()` stops it and removes its database and files. */
export async function startAuditSite(): Promise<AuditSite> {
  // PUBLIC_URL is where the site listens, so canonical URLs point at the pages Lighthouse loads.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp('sqlite', { env: { PUBLIC_URL: url } });
  try {
    await t.app.listen({ host: '127.0.0.1', port });
    await registerUser(t.deps, {
      identifier: ADMIN.email,
      password: ADMIN.password,
      displayName: '管理员',
      role: 'admin',
      contactVerified: true,
    });
    const uploader = new HttpClient(url);
    const reader = new HttpClient(url);
    for (const [client, who] of [
      [uploader, UPLOADER],
      [reader, READER],
    ] as const) {
      const status = await client.register(who.email, who.name, PASSWORD);
      if (status !== 303) throw new Error(`registering ${who.email} answered ${status}`);
    }
    const { id: _verification } = await markVerifiedByEmail(t.deps, UPLOADER.email);
    const readerRow = await t.deps.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', READER.email)
      .executeTakeFirstOrThrow();
    await markContactVerified(t.deps, Number(readerRow.id));
    const paidId = await uploader.upload(SEED_DOCX, { category: '1', price: '5' });
    const docIds = [];
    for (const f of LONG_TITLE_FILES)
      docIds.push(await uploader.upload(join(CORPUS_DIR, f), { category: '1', price: '0' }));
    const published = [];
    for (const id of [paidId, ...docIds]) if ((await waitPublished(uploader, id)) === 'published') published.push(id);
    if (!published.includes(paidId)) throw new Error('the seed document did not publish');
    const page = await uploader.get(`/d/${paidId}`);
    const uploaderId = Number(/href="\/u\/(\d+)"/.exec(page.text)?.[1]);
    return {
      t,
      url,
      paidId,
      docIds: published.filter((id) => id !== paidId),
      uploaderId,
      close: () => t.close(),
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}
