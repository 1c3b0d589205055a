import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { extractTxt } from './extract-txt.ts';
import { inlineMarkdown, isMarkdownName, markdownToText } from './markdown.ts';
import { DEFAULT_LIMITS } from './types.ts';

const SOURCE = `---
title: 前言
---
<!-- 这是注释，不应显示 -->
# 关于开展安全生产检查的通知

## 一、检查范围

- 各**县区**人民政府
* [市直部门](https://example.com/dept)
1. 重点企业
- [ ] 待办事项
- [x] 已完成

> 引用的一段话

| 单位 | 时间 |
| --- | :---: |
| 市应急局 | 5月 |

\`\`\`
# 代码里的井号保留
\`\`\`

二、工作要求
------------

![示意图](a.png) 详见 \`附件1\`，~~作废~~ snake_case_name 保持。
<!--
多行注释
-->
***
结束。`;

describe('Markdown rendered to text', () => {
  test('headings, lists, tables, quotes, links and emphasis without their marks; comments and front matter gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wy-md-'));
    try {
      const path = join(dir, 'readme.md');
      await writeFile(path, SOURCE);
      const text = markdownToText(await extractTxt(path, DEFAULT_LIMITS));
      assert.deepEqual(text.body.split('\n'), [
        '关于开展安全生产检查的通知',
        '一、检查范围',
        '• 各县区人民政府',
        '• 市直部门',
        '1. 重点企业',
        '☐ 待办事项',
        '☑ 已完成',
        '引用的一段话',
        '单位　时间',
        '市应急局　5月',
        '# 代码里的井号保留',
        '二、工作要求',
        '示意图 详见 附件1，作废 snake_case_name 保持。',
        '结束。',
      ]);
      assert.deepEqual(
        text.headings.map((h) => [h.level, h.text, text.body.slice(h.offset, h.offset + h.text.length)]),
        [
          [1, '关于开展安全生产检查的通知', '关于开展安全生产检查的通知'],
          [2, '一、检查范围', '一、检查范围'],
          [2, '二、工作要求', '二、工作要求'],
        ],
      );
      assert.equal(text.title, '关于开展安全生产检查的通知');
      assert.equal(text.pageStarts[0], 0);
      assert.equal(text.charCount, [...text.body.replace(/\s/g, '')].length);
      assert.ok(!/<!--|^#+ /m.test(text.body.replace('# 代码里的井号保留', '')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('file names and inline marks', () => {
    assert.equal(isMarkdownName('README.md'), true);
    assert.equal(isMarkdownName('notes.markdown'), true);
    assert.equal(isMarkdownName('通知.txt'), false);
    assert.equal(inlineMarkdown('**粗体**和*斜体*与 <b>标签</b> <https://a.cn>'), '粗体和斜体与 标签 https://a.cn');
    assert.equal(inlineMarkdown('2*3*4 = 24'), '2*3*4 = 24');
  });
});
