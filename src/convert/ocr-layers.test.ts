// The red layer of a page (decision 0032): red type is lifted off the page (black text under it stays), cut into
// bands of type (rules and specks left out), scaled to an ordinary type size and mapped back to page rows.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { liftRed, pageY, redness, stackBands, TARGET_HEIGHT } from './ocr-layers.ts';

const FONT = '"Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif';

/** An A4 page at 200 dpi: a red 红头 of 120 px type, a red rule, black body text, a light red seal over it. */
function page(): { data: Uint8ClampedArray; width: number; height: number } {
  const width = 1654;
  const height = 1200;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#e60012';
  ctx.font = `120px ${FONT}`;
  ctx.fillText('某 市 人 民 政 府 文 件', 200, 300);
  ctx.fillRect(150, 400, 1350, 6);
  ctx.fillStyle = '#000';
  ctx.font = `30px ${FONT}`;
  ctx.fillText('各区县人民政府，市政府各部门：', 200, 700);
  ctx.fillText('二〇二六年十二月一日', 1000, 1000);
  ctx.strokeStyle = 'rgba(230, 0, 18, 0.8)';
  ctx.lineWidth = 8;
  ctx.beginPath();
  ctx.arc(1150, 990, 130, 0, Math.PI * 2);
  ctx.stroke();
  const data = ctx.getImageData(0, 0, width, height).data;
  return { data, width, height };
}

describe('OCR red layer', () => {
  test('redness: red ink and its anti-aliased rim, not black, grey, white or yellowed paper', () => {
    assert.ok(redness(230, 0, 18) > 200);
    assert.ok(redness(255, 140, 140) >= 100);
    assert.equal(redness(0, 0, 0), 0);
    assert.equal(redness(128, 128, 128), 0);
    assert.equal(redness(255, 255, 255), 0);
    assert.ok(redness(250, 240, 200) < 30);
  });

  test('the 红头 and the seal become bands, the rule does not; red is whitened, black text kept', () => {
    const { data, width, height } = page();
    const { bands, ink } = liftRed(data, width, height);
    assert.equal(ink.length, width * height);
    const header = bands.find((b) => b.y0 < 300 && b.y1 > 200);
    assert.ok(header, `a band over the 红头: ${JSON.stringify(bands)}`);
    assert.ok(header.y1 - header.y0 >= 90 && header.y1 - header.y0 <= 140, JSON.stringify(header));
    assert.ok(header.x0 >= 190 && header.x1 <= 1500, JSON.stringify(header));
    assert.ok(!bands.some((b) => b.y0 <= 403 && b.y1 >= 403 && b.y1 - b.y0 < 20), 'the rule is not a band');
    assert.ok(
      bands.some((b) => b.y0 < 900 && b.y1 > 1100),
      'the seal is a band (read, then dropped by confidence)',
    );
    // The red pixels are white now; the black text under the seal is still black.
    const at = (x: number, y: number) => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 3)];
    assert.deepEqual(at(152, 402), [255, 255, 255]);
    let dark = 0;
    for (let y = 970; y < 1010; y++) for (let x = 1000; x < 1300; x++) if (at(x, y)[0]! < 80) dark++;
    assert.ok(dark > 300, `black date under the seal kept (${dark} dark pixels)`);
  });

  test('a page without red, or tinted red all over, has no red layer and is left as it is', () => {
    const blank = new Uint8ClampedArray(200 * 100 * 4).fill(255);
    assert.deepEqual(liftRed(blank, 200, 100).bands, []);
    const pink = new Uint8ClampedArray(200 * 100 * 4);
    for (let i = 0; i < pink.length; i += 4) pink.set([255, 190, 190, 255], i);
    assert.deepEqual(liftRed(pink, 200, 100).bands, []);
    assert.deepEqual([...pink.subarray(0, 4)], [255, 190, 190, 255]);
  });

  test('large type is scaled to the target height, ordinary type kept; rows map back to the page', () => {
    const { bands, height } = stackBands([
      { y0: 200, y1: 360, x0: 300, x1: 1300 },
      { y0: 700, y1: 730, x0: 200, x1: 600 },
    ]);
    assert.equal(bands[0]!.scale, TARGET_HEIGHT / 160);
    assert.equal(bands[1]!.scale, 1);
    assert.ok(bands[1]!.top >= bands[0]!.top + TARGET_HEIGHT);
    assert.ok(height >= bands[1]!.top + 30);
    assert.equal(pageY(bands, bands[0]!.top + 20), 200 + 20 / bands[0]!.scale);
    assert.equal(pageY(bands, bands[1]!.top + 5), 705);
  });
});
