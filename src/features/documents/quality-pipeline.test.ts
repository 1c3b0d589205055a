// The text-quality gate in the conversion job (issue 17), on generated fixtures and corpus files, through the upload
// path exactly as `wenyuan import` runs it: what cannot be read is refused with a zh-CN reason, what can be repaired
// is published repaired, Markdown is rendered, and documents are named after their own title.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fakeBoldPdf } from '../../testing/fake-bold-pdf.ts';
import { CORPUS_DIR } from '../../testing/paths.ts';
import { createTestApp, type TestApp } from '../../testing/test-app.ts';
import { DIALECTS } from '../../testing/test-db.ts';
import { registerUser } from '../accounts/service.ts';
import { updateSiteSettings } from '../site/service.ts';
import { type ImportResult, importFiles } from './import.ts';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const PROSE =
  '为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提高政务服务效率，方便企业和群众办事，' +
  '经研究，决定在全市范围内开展政务服务“一网通办”专项行动。各单位要高度重视，明确责任分工，抓好工作落实。';

for (const dialect of DIALECTS) {
  describe(`text-quality gate in the pipeline on ${dialect}`, () => {
    let t: TestApp;
    let dir: string;
    let userId: number;
    const row = async (r: ImportResult) =>
      t.deps.database.db
        .selectFrom('documents')
        .leftJoin('document_texts', 'document_texts.document_id', 'documents.id')
        .select(['status', 'reject_code', 'title', 'text_quality', 'document_texts.body', 'char_count'])
        .where('documents.id', '=', r.id!)
        .executeTakeFirstOrThrow();
    const run = async (files: string[]) =>
      importFiles(t.deps, files, { userId, categoryId: 1, price: 0, concurrency: 2 }, () => {});

    before(async () => {
      t = await createTestApp(dialect, { env: { PAGE_IMAGES: 'false', UPLOAD_MAX_BYTES: '20MB' } });
      dir = await mkdtemp(join(tmpdir(), 'wy-quality-'));
      userId = Number(
        await registerUser(t.deps, {
          identifier: `quality-${dialect}@example.com`,
          password: 'quality-password-1',
          displayName: '质量',
          role: 'user',
        }),
      );
    });
    after(async () => {
      await t.close();
      await rm(dir, { recursive: true, force: true });
    });

    test('generated fixtures: EICAR, one character, private-use text refused; fake bold repaired; Markdown rendered', async () => {
      const files: Record<string, string | Buffer> = {
        'eicar.txt': `${EICAR}\n`,
        '单字.txt': '文',
        'pua.txt': `${'\ue000\ue001\ue002\ue003\uf8f0\ue100\ue101\ue102'.repeat(40)}\n`,
        '20241220.pdf': fakeBoldPdf([
          { text: 'Quarterly Budget Report', size: 20, fakeBold: true },
          { text: 'The committee reviewed the annual report', size: 11 },
          { text: 'and agreed on the budget for the coming year.', size: 11 },
        ]),
        '_index.md': `---\ntitle: x\n---\n<!-- INFO END -->\n# 关于开展安全生产检查的通知\n\n## 一、检查范围\n\n- 各县区\n- 市直部门\n\n${PROSE}\n`,
      };
      const paths: string[] = [];
      for (const [name, data] of Object.entries(files)) {
        await writeFile(join(dir, name), data);
        paths.push(join(dir, name));
      }
      const results = new Map((await run(paths)).map((r) => [r.file.slice(dir.length + 1), r]));

      const eicar = results.get('eicar.txt')!;
      assert.equal(eicar.status, 'rejected');
      assert.equal((await row(eicar)).reject_code, 'convert.virusSignature');
      assert.match(eicar.reason!, /病毒检测特征码/);

      const one = results.get('单字.txt')!;
      assert.equal(one.status, 'rejected');
      assert.equal((await row(one)).reject_code, 'convert.tooShort');
      assert.equal(one.reason, '内容过少：仅 1 个字，本站要求至少 10 个字');

      const pua = results.get('pua.txt')!;
      assert.equal(pua.status, 'rejected');
      assert.equal((await row(pua)).reject_code, 'convert.unreadable');
      assert.match(pua.reason!, /^文字无法识别（字体缺少编码信息/);

      const bold = await row(results.get('20241220.pdf')!);
      assert.equal(bold.status, 'published');
      assert.equal(bold.title, 'Quarterly Budget Report');
      assert.ok(bold.body!.startsWith('Quarterly Budget Report\nThe committee'), bold.body!);
      assert.deepEqual(JSON.parse(bold.text_quality!), { repairs: ['fakeBold'] });

      const md = await row(results.get('_index.md')!);
      assert.equal(md.status, 'published');
      assert.equal(md.title, '关于开展安全生产检查的通知');
      assert.equal(md.text_quality, null);
      assert.ok(
        md.body!.startsWith('关于开展安全生产检查的通知\n一、检查范围\n• 各县区\n• 市直部门\n为深入'),
        md.body!,
      );
      assert.doesNotMatch(md.body!, /#|<!--|---|title: x/);
    });

    test('corpus: a Chinese exam whose fonts lack ToUnicode is refused, fake-bold and Symbol-font exams are repaired', async () => {
      const files = {
        mojibake: join(CORPUS_DIR, 'pdf', 'libpku__专业课__几何学__几何学2011秋期末.pdf'),
        fakeBold: join(CORPUS_DIR, 'pdf-zh', 'libpku__专业课__数学分析__数分1-单元__数分I2010秋期末.pdf'),
        symbol: join(CORPUS_DIR, 'pdf-zh', 'libpku__专业课__集合论与图论__SG10期末试卷公布.pdf'),
        clean: join(CORPUS_DIR, 'pdf-zh', 'pdfplumber__issue-67-example.pdf'),
      };
      const results = await run(Object.values(files));
      const by = (path: string) => results.find((r) => r.file === path)!;

      const mojibake = by(files.mojibake);
      assert.equal(mojibake.status, 'rejected');
      assert.equal((await row(mojibake)).reject_code, 'convert.unreadable');

      const bold = await row(by(files.fakeBold));
      assert.equal(bold.status, 'published');
      assert.ok(JSON.parse(bold.text_quality!).repairs.includes('fakeBold'));
      assert.doesNotMatch(bold.body!, /数数数|学学学|期期期/);
      assert.match(bold.body!, /数学学院 2010级数学分析/);

      const symbol = await row(by(files.symbol));
      assert.equal(symbol.status, 'published');
      assert.ok(JSON.parse(symbol.text_quality!).repairs.includes('symbolFont'));
      assert.doesNotMatch(symbol.body!, /[\ue000-\uf8ff]/);

      const clean = await row(by(files.clean));
      assert.equal(clean.status, 'published');
      assert.equal(clean.text_quality, null);
    });

    test("the operator's minimum length applies to the next conversion", async () => {
      await updateSiteSettings(t.deps, { minChars: 500 });
      try {
        const path = join(dir, '营商环境专项行动.txt');
        await writeFile(path, `${PROSE}\n`);
        const [r] = await run([path]);
        assert.equal(r!.status, 'rejected');
        assert.match(r!.reason!, /^内容过少：仅 \d+ 个字，本站要求至少 500 个字$/);
      } finally {
        await updateSiteSettings(t.deps, { minChars: 10 });
      }
      await assert.rejects(updateSiteSettings(t.deps, { minChars: 0 }), /admin\.minCharsInvalid/);
    });
  });
}
