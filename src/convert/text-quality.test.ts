import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapPrivateUse } from './symbol-pua.ts';
import { assessText, collapseFakeBold, measureText, repairText } from './text-quality.ts';
import type { ExtractedText } from './types.ts';

/** An extraction as the extractors build it, one page per entry of `pages`. */
function extraction(...pages: string[]): ExtractedText {
  const starts: number[] = [];
  let at = 0;
  for (const p of pages) {
    starts.push(at);
    at += p.length + 1;
  }
  const body = pages.join('\n');
  return {
    body,
    pageStarts: starts,
    pageCount: pages.length,
    charCount: [...body.replace(/\s/g, '')].length,
    headings: [],
  };
}

const PROSE =
  '为深入贯彻落实党中央、国务院关于优化营商环境的决策部署，进一步提高政务服务效率，方便企业和群众办事，' +
  '经研究，决定在全市范围内开展政务服务“一网通办”专项行动。各单位要高度重视，明确责任分工，抓好工作落实。';
const ENGLISH =
  'The committee reviewed the annual report and agreed that the budget for the coming year should be presented to ' +
  'the board at its next meeting, together with a summary of the results of the public consultation and the plan.';

describe('text-quality gate', () => {
  test('fake bold: each glyph drawn k times collapses; reduplication, digits and separators stay', () => {
    assert.equal(collapseFakeBold('实实实变变变函函函数数数').text, '实变函数');
    assert.equal(collapseFakeBold('第第第一一一章章章 绪论').text, '第一章 绪论');
    assert.equal(collapseFakeBold('项项目目描描述述：负责').text, '项目描述：负责');
    // A character doubled in the original is drawn 2k times.
    assert.equal(collapseFakeBold('我我我们们们常常常常常常见见见').text, '我们常常见');
    for (const s of ['大家常常看看书', '1100 0011 1111', '——————', '2000年11月22日', 'bookkeeper', '……']) {
      assert.equal(collapseFakeBold(s).text, s, s);
    }
  });

  test('Symbol/Wingdings private-use characters: a bullet, math signs mapped, other boxes dropped', () => {
    assert.deepEqual(mapPrivateUse('\uf06c 第一条 总则'), { text: '• 第一条 总则', mapped: 1, dropped: 0 });
    assert.equal(mapPrivateUse('当 x \uf0b3 0 时，\uf061 \uf0b9 \uf062').text, '当 x ≥ 0 时，α ≠ β');
    assert.deepEqual(mapPrivateUse('标题\ue5e5\ue5e6'), { text: '标题', mapped: 0, dropped: 2 });
  });

  test('readable Chinese and English publish unchanged', () => {
    for (const body of [PROSE, ENGLISH, `${PROSE}\n${ENGLISH}`]) {
      const v = assessText(extraction(body), { minChars: 20 });
      assert.equal(v.action, 'publish', body.slice(0, 20));
    }
    const m = measureText(PROSE);
    assert.ok(m.cjkInWords / m.cjkSampled > 0.6, JSON.stringify(m));
  });

  test('fake-bold text is repaired, with its page starts and title moved with it', () => {
    const bold = [...'关于开展安全生产检查的通知'].map((c) => c.repeat(3)).join('');
    const text = { ...extraction(bold, PROSE), title: bold };
    const v = assessText(text, { minChars: 20 });
    assert.equal(v.action, 'repair');
    if (v.action !== 'repair') return;
    assert.deepEqual(v.repairs, ['fakeBold']);
    assert.equal(v.text.body, `关于开展安全生产检查的通知\n${PROSE}`);
    assert.deepEqual(v.text.pageStarts, [0, '关于开展安全生产检查的通知\n'.length]);
    assert.equal(v.text.title, '关于开展安全生产检查的通知');
    assert.equal(v.text.charCount, [...v.text.body.replace(/\s/g, '')].length);
  });

  test('boxes are dropped and a bullet mapped: repaired, not refused', () => {
    const v = assessText(extraction(`\uf0b7 ${PROSE}\ue000\ue001`, PROSE));
    assert.equal(v.action, 'repair');
    if (v.action === 'repair') {
      assert.deepEqual(v.repairs, ['boxes', 'symbolFont']);
      assert.ok(v.text.body.startsWith('• 为深入'));
      assert.ok(!/[\ue000-\uf8ff]/.test(v.text.body));
    }
  });

  test('mojibake of fonts without ToUnicode, binary shown as text, symbol soup and private-use text are unreadable', () => {
    const cases = {
      mojibake: 'v9®¸nåŗ¸îĖ¸…ÅÆ×Ø¸ÊËÌ¸ÐÑÒ¸ÓÔõö¸øùú¸ûüý¸þÿĀ¸āĂă¸ĄąĆ¸ćĈĉ¸ĊċČ'.repeat(5),
      oleHeader: 'ÐÏà¡±á\u00ad\u00ff\u00ff\u00fe\u00ff\u00a0\u00a1 ÿÿÿÿ þÿ ¤¥¦ »¼½¾ Ñ×Ë'.repeat(8),
      symbols: '¦¦¦K ### @@@ ||| ~~~ ^^^ *** ;;; ::: ((( ))) ---'.repeat(5),
      privateUse: '\ue000\ue001\ue002\ue003\uf8f0 \ue100\ue101\ue102'.repeat(20),
      replacement: '\ufffd\ufffd\ufffd 文 \ufffd\ufffd'.repeat(30),
      ocrNoise: 'lIl1 rnrn vvw xqzt kjhg bcdfg mnpq rstv wxyz qwrt plkj hgfd szxc vbnm trwq '.repeat(8),
    };
    for (const [name, body] of Object.entries(cases)) {
      const v = assessText(extraction(body), { minChars: 20 });
      assert.equal(v.action, 'reject', name);
      if (v.action === 'reject') assert.equal(v.code, 'unreadable', `${name}: ${JSON.stringify(v.metrics)}`);
    }
  });

  test('Chinese characters that form no words (a wrong font mapping) are unreadable', () => {
    // A fixed pseudo-random draw of CJK Unified Ideographs: real characters, no words.
    let seed = 7;
    const random = Array.from({ length: 400 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String.fromCodePoint(0x4e00 + (seed % 0x5000));
    }).join('');
    const v = assessText(extraction(random), { minChars: 20 });
    assert.equal(v.action, 'reject');
    if (v.action === 'reject') assert.equal(v.code, 'unreadable', JSON.stringify(v.metrics));
  });

  test('"XX" placeholders are neither words nor non-words; a text of nothing but masks is unreadable', () => {
    // A template's blanks among Chinese words (gongwenassistant jczc.xls): 170 "XX" used to be 170 Latin non-words.
    const plan = Array.from({ length: 60 }, (_, i) => `领导${i + 1} XX厅副厅长 188XXXXXXXX ${i + 1} 副厅`).join('\n');
    const v = assessText(extraction(`使用说明\n在“人员名单”中输入与会人员信息，就餐座次图会自动生成。\n${plan}`));
    assert.equal(v.action, 'publish', JSON.stringify(v.metrics));
    assert.equal(v.metrics.latinWords, 0);
    assert.equal(v.metrics.placeholders, 60);
    // An anonymised sheet (POI 35564.xls): every word masked.
    const masked = 'XXXXXXXXX XXXXXX XXXXXXX XXXXXXXXXXX XXXXXX XXXX XXXX XXX: $ 0 $ 15 & 165\n'.repeat(10);
    const m = assessText(extraction(masked));
    assert.equal(m.action === 'reject' && m.code, 'unreadable', JSON.stringify(m.metrics));
  });

  test('an OCR text the engine was mostly unsure of, with hardly a word in what it was sure of, is unreadable', () => {
    const body = `${PROSE}\n${ENGLISH}`;
    const ocr = (share: number, words: string) => ({
      ...extraction(body),
      flags: ['ocr'],
      ocrConfidence: { share, words },
    });
    // Read with confidence: publishes.
    assert.equal(assessText(ocr(0.8, body)).action, 'publish');
    // Mostly unsure, but what it was sure of has words (a poor scan): publishes.
    const poor = assessText(ocr(0.3, '求 归 一 化 常 数 的 可 能 结 果 和 相 应 的 committee report'));
    assert.equal(poor.action, 'publish', JSON.stringify(poor.metrics));
    // Mostly unsure, and its sure part is letters, digits and rules (POI 41139.xls): unreadable.
    const v = assessText(ocr(0.18, 'TTTTTTT AAA TT AAAAAAVVV SSS 2 = 8 中 8 引 8 3 Zz 3 |Z lol 3 | 中 | 下 3 到 8'));
    assert.equal(v.action === 'reject' && v.code, 'unreadable', JSON.stringify(v.metrics));
    assert.equal(v.metrics.ocrConfident, 0.18);
    assert.ok(v.metrics.ocrConfidentWords! < 0.02, JSON.stringify(v.metrics));
    // A text that is not OCR's has no such figures.
    assert.equal(assessText(extraction(PROSE)).metrics.ocrConfident, undefined);
  });

  test('too short for the operator minimum; the EICAR test string refused as such', () => {
    const one = assessText(extraction('文'), { minChars: 20 });
    assert.deepEqual(one.action === 'reject' && [one.code, one.params], ['tooShort', { chars: 1, min: 20 }]);
    const short = assessText(extraction('关于开展安全生产检查的通知'), { minChars: 20 });
    assert.equal(short.action === 'reject' && short.code, 'tooShort');
    assert.equal(assessText(extraction('关于开展安全生产检查的通知'), { minChars: 5 }).action, 'publish');
    const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
    const v = assessText(extraction(eicar), { minChars: 1 });
    assert.equal(v.action === 'reject' && v.code, 'virusSignature');
  });

  test('repairText keeps headings on their paragraphs and leaves a clean text untouched', () => {
    const clean = extraction(PROSE, ENGLISH);
    assert.equal(repairText(clean).text, clean);
    const bold = '一一一、、、总总总则则则';
    const text = { ...extraction(bold, PROSE), headings: [{ offset: 0, level: 1, text: bold }] };
    const { text: fixed } = repairText(text);
    assert.deepEqual(fixed.headings, [{ offset: 0, level: 1, text: '一、总则' }]);
    assert.equal(fixed.pageStarts[1], '一、总则\n'.length);
  });
});
