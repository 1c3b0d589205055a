// The site behind copyright.test.ts and copyright-claim.test.ts: one app per dialect with an admin, a moderator, a
// rights holder, an uploader with five documents (one paid, for the 认领 test), a bystander and a buyer, registered
// through the form; the notice and counter-notice fields; and multipart posts the way the browser sends them.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Dialect } from '../db/database.ts';
import { balanceOf } from '../features/credits/repo.ts';
import { TestClient } from './client.ts';
import { insertTestDocument } from './credits.ts';
import { createTestApp, type TestApp } from './test-app.ts';
import { userIdByEmail } from './users.ts';

// The smallest valid PNG (1×1) and a minimal PDF header: file-type recognises both by their bytes.
export const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

export type FilePart = { field?: string; name: string; data: Buffer };

/** Posts a multipart form (fields and files) the way the browser does, the CSRF token in the URL. */
export async function postMultipart(
  t: TestApp,
  client: TestClient,
  url: string,
  fields: Record<string, string>,
  files: FilePart[] = [],
  csrfPage = '/copyright/notices',
): Promise<LightMyRequestResponse> {
  const csrf = await client.csrf(csrfPage);
  const boundary = `----wycopyright${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const f of files) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? 'proof'}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return t.app.inject({
    method: 'POST',
    url: `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`,
    payload: Buffer.concat(chunks),
    headers: {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
  });
}

export const holderFields = (documents: string, extra: Record<string, string> = {}) => ({
  holderKind: 'organisation',
  holderName: '青石出版社有限公司',
  idType: 'uscc',
  idNumber: '91350100M000100Y43',
  phone: '13800138000',
  email: 'rights@example.com',
  address: '福建省福州市鼓楼区五四路 1 号',
  workTitle: '基层治理讲话稿汇编',
  workAuthor: '林青石',
  workPublished: '2024 年 3 月，青石出版社《基层治理》第 2 期',
  documents,
  proofText: '本社享有该作品的专有出版权，附著作权登记证书（登记号 闽作登字-2024-A-00012345）及出版合同。',
  sworn: '1',
  ...extra,
});

export const counterFields = (extra: Record<string, string> = {}) => ({
  name: '张上传',
  contact: 'uploader@example.com',
  address: '北京市东城区东长安街 1 号',
  statement: '该文档是我本人原创的讲话稿，2023 年即已在本单位内网发布，与对方作品无关。',
  evidenceText: '附 2023 年的原始稿件文件与内网发布截图，文件创建日期早于对方出版日期。',
  sworn: '1',
  ...extra,
});

/** The copyright site of one dialect: its people (clients and ids), documents and the queries the tests share. */
export async function openCopyrightSite(dialect: Dialect) {
  const t: TestApp = await createTestApp(dialect, { worker: false });
  const anon = new TestClient(t.app);
  const db = () => t.deps.database.db;
  const ids: Record<string, number> = {};
  const docs: Record<string, number> = {};
  const people: Array<[string, string, string]> = [
    ['admin', 'admin@example.com', '站长'],
    ['moderator', 'mod@example.com', '审核员甲'],
    ['holder', 'holder@example.com', '青石出版社'],
    ['uploader', 'uploader@example.com', '张上传'],
    ['other', 'other@example.com', '路人乙'],
    ['buyer', 'buyer@example.com', '读者丙'],
  ];
  const clients: Record<string, TestClient> = {};
  for (const [key, email, name] of people) {
    clients[key] = new TestClient(t.app);
    const res = await clients[key]!.register(email, name);
    assert.equal(res.statusCode, 303, res.body);
    ids[key] = await userIdByEmail(t.deps, email);
  }
  await db().updateTable('users').set({ role: 'admin' }).where('id', '=', ids.admin!).execute();
  await db().updateTable('users').set({ role: 'moderator' }).where('id', '=', ids.moderator!).execute();
  for (const key of ['restored', 'keptDown', 'neverDown', 'rejected', 'claimed']) {
    docs[key] = await insertTestDocument(t.deps.database, ids.uploader!, { price: key === 'claimed' ? 20 : 0 });
  }
  const count = async (table: 'copyright_notices' | 'copyright_counter_notices' | 'copyright_files') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    t,
    anon,
    admin: clients.admin!,
    moderator: clients.moderator!,
    holder: clients.holder!,
    uploader: clients.uploader!,
    other: clients.other!,
    buyer: clients.buyer!,
    ids,
    docs,
    db,
    docRow: (id: number) => db().selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    count,
    /** The reader's 站内信 page. */
    notifications: async (client: TestClient) => {
      const res = await client.get('/notifications');
      assert.equal(res.statusCode, 200);
      return res.body;
    },
    staffPost: async (client: TestClient, url: string, fields: Record<string, string> = {}) =>
      client.postForm(url, fields, { csrf: await client.csrf('/copyright/notices') }),
    /** The balance including credits not yet settled (decision 0017). */
    balance: (code: string) => balanceOf(db(), code),
  };
}

export type CopyrightSite = Awaited<ReturnType<typeof openCopyrightSite>>;
