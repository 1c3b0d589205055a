import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cleanTitle } from '../../convert/normalize.ts';
import { AppError } from '../../errors.ts';
import { checkTitle, fileStem, isGenericFileName, titleFromFileName, titleFromText } from './title.ts';

describe('document titles', () => {
  test('generic file names are the ones nobody chose', () => {
    for (const name of [
      '1.docx',
      '01.pdf',
      '2024-05-01.docx',
      '新建 Microsoft Word 文档.docx',
      '新建 Microsoft Word 文档 (2).docx',
      '新建文本文档.txt',
      '新建 DOCX 文档.docx',
      'document.pdf',
      'Document1.docx',
      'untitled.txt',
      '未命名.docx',
      '未命名1.docx',
      '文档 - 副本.docx',
      'IMG_20240501_1234.pdf',
      '3f2a9c1e-7b4d-4e8a-9f00-1c2d3e4f5a6b.pdf',
    ]) {
      assert.equal(isGenericFileName(name), true, name);
    }
    for (const name of [
      '关于开展文明城市创建工作的通知.docx',
      'seed-speech.docx',
      '2024年工作总结.docx',
      '述职报告（2025）.pdf',
      '文档管理办法.docx',
    ]) {
      assert.equal(isGenericFileName(name), false, name);
    }
  });

  test('a blank title takes the file stem, without copy markers; a name too short waits for the text', () => {
    assert.equal(titleFromFileName('关于开展文明城市创建工作的通知.docx'), '关于开展文明城市创建工作的通知');
    assert.equal(titleFromFileName('讲话稿 - 副本.docx'), '讲话稿');
    assert.equal(titleFromFileName('讲话稿(1).docx'), '讲话稿');
    assert.equal(fileStem('  工作\t总结  .pdf'), '工作 总结');
    assert.equal(titleFromFileName('1.docx'), '未命名文档');
    assert.equal([...titleFromFileName(`${'长'.repeat(150)}.txt`)].length, 100, 'clipped to the title bound');
  });

  test('typed titles: 2–100 characters, white space collapsed, no control or bidi characters', () => {
    assert.equal(checkTitle('  关于  开展\n工作的通知 '), '关于 开展 工作的通知');
    for (const bad of ['甲', ' ', '长'.repeat(101), '通知\u202e反转', '通知\u0007铃', '通知\u0085']) {
      assert.throws(
        () => checkTitle(bad),
        (err) => err instanceof AppError && err.status === 400 && err.messageKey === 'upload.titleInvalid',
        JSON.stringify(bad),
      );
    }
    assert.equal(checkTitle('长'.repeat(100)).length, 100);
  });

  test('the pipeline: the stated title first, then for a generic name the first line or the first heading', () => {
    const doc = (original_name: string, title = '未命名文档') => ({ title, original_name });
    const text = (body: string, title?: string, headings: string[] = []) => ({
      title,
      body,
      headings: headings.map((h, i) => ({ offset: i, level: 1, text: h })),
    });
    assert.equal(titleFromText(doc('1.docx'), text('正文', '关于印发实施方案的通知')), '关于印发实施方案的通知');
    assert.equal(titleFromText(doc('1.docx'), text('自然保护学\n李双成\n第一章')), '自然保护学');
    // Read by OCR: a first line of a few Latin letters (a misread header) is not taken; a Chinese one is.
    const scan = 'libpku__专业课__量子力学__杨李林量子2017春期末.pdf';
    const ocr = (body: string) => ({ ...text(body), flags: ['ocr' as const] });
    assert.equal(titleFromText(doc(scan), ocr('SESE\n一、简答题（每题10分）')), '杨李林量子2017春期末');
    assert.equal(titleFromText(doc(scan), { ...text('SESE\n一、简答题'), flags: [] }), 'SESE');
    assert.equal(titleFromText(doc(scan), ocr('北京大学量子力学期末试题解析\n一、')), '北京大学量子力学期末试题解析');
    // A first line that is a sentence is not a title: the first heading is.
    const sentence = '为深入贯彻落实上级部署，进一步加强和改进机关作风建设，结合我单位实际，制定本方案。';
    assert.equal(
      titleFromText(doc('document.docx'), text(`${sentence}\n正文`, undefined, ['一、总体要求'])),
      '一、总体要求',
    );
    assert.equal(titleFromText(doc('document.docx'), text(`${sentence}\n正文`)), '未命名文档', 'nothing better');
    // A chosen file name stays, unless the file states its own title (as before).
    assert.equal(titleFromText(doc('述职报告.docx', '述职报告'), text('自然保护学\n正文')), '述职报告');
    assert.equal(titleFromText(doc('述职报告.docx', '述职报告'), text('正文', '2025年述职报告')), '2025年述职报告');
  });

  test('titles from the document itself; a generic institution line or a path-like file name only as a last resort', () => {
    const doc = (original_name: string) => ({ title: original_name.replace(/\.[^.]+$/, ''), original_name });
    const text = (body: string, title?: string) => ({ title, body, headings: [] });
    // Two exams of one school open with the same institution line: each keeps the last part of its own name.
    const exam = '北京大学信息科学技术学院考试试卷\n考试科目：数据结构与算法 姓名： 学号：\n一、选择题（每题 2 分）';
    assert.equal(
      titleFromText(doc('libpku__专业课__数据结构与算法__2013数算期末考试.pdf'), text(exam)),
      '2013数算期末考试',
    );
    assert.equal(
      titleFromText(doc('libpku__专业课__数据结构与算法__2015DS期中试卷-draft.pdf'), text(exam)),
      '2015DS期中试卷-draft',
    );
    for (const line of [
      '北京大学数学科学学院期中试题',
      '北京大学数学科学学院期末试题 2008-2009',
      '北京大学工学院课程试卷',
      '目录',
      '第 1页 共 2页',
      '共4页- 1 -',
      '北京大学期中试题解答',
      '绝密★启用前',
      '考试科目：________ 姓名：',
    ]) {
      assert.equal(titleFromText(doc('repo__path__作业.pdf'), text(`${line}\n正文`, line)), '作业', line);
    }
    // An opening outline item is not a title: the last part of the name is.
    for (const line of ['一、简答题', '（一）名词解释', 'References']) {
      assert.equal(titleFromText(doc('repo__path__往年题整理.docx'), text(`${line}\n正文`)), '往年题整理', line);
    }
    // A specific first line beats a file name that names a date, an index page or a path.
    for (const name of ['20241220.pdf', '_index.md', 'gfsgongwen__测试文案.docx', 'a__b__1.docx']) {
      assert.equal(
        titleFromText(doc(name), text('数据结构与算法期末复习提要\n第一章 绪论')),
        '数据结构与算法期末复习提要',
        name,
      );
    }
    // A 公文: the 标题 confirmed by its 发文字号 and 主送, even over a chosen file name.
    const gongwen = [
      '某某市人民政府办公室文件',
      '某政办发〔2024〕12号',
      '关于做好2025年防汛抗旱工作的通知',
      '各县区人民政府，市政府各部门：',
      '为切实做好今年防汛抗旱工作，确保人民群众生命财产安全，现就有关事项通知如下。',
    ].join('\n');
    assert.equal(titleFromText(doc('防汛材料.docx'), text(gongwen)), '关于做好2025年防汛抗旱工作的通知');
    // Metadata naming only the institution is passed over.
    assert.equal(
      titleFromText(doc('20241220.pdf'), text('线性代数期中考试\n正文', '北京大学数学科学学院')),
      '线性代数期中考试',
    );
  });

  test('a 发文字号 placeholder styled as the title is not a title', () => {
    assert.equal(cleanTitle('〔2020〕号'), undefined);
    assert.equal(cleanTitle('〔2020〕XX号'), undefined);
    assert.equal(cleanTitle('关于2020号文件的说明'), '关于2020号文件的说明');
  });
});
