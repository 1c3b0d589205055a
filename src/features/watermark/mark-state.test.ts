import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markNotice, markPlan } from './mark-state.ts';
import { needsMarkProbe } from './probe.ts';

const doc = (
  format: string,
  over: Partial<{ price: number; pdf_key: string | null; mark_state: string | null }> = {},
) => ({
  format,
  price: 100,
  pdf_key: 'derived/abc',
  mark_state: null,
  ...over,
});

test('what a paid download carries, per format and operator switch', () => {
  assert.equal(markPlan(doc('docx', { price: 0 }), true), 'free');
  assert.equal(markPlan(doc('docx'), false), 'marked');
  assert.equal(markPlan(doc('pdf', { mark_state: 'ok' }), true), 'marked');
  assert.equal(markPlan(doc('pdf', { mark_state: 'encrypted' }), false), 'unmarkable');
  assert.equal(markPlan(doc('pdf', { mark_state: 'encrypted' }), true), 'pdfOnly');
  assert.equal(markPlan(doc('txt', { pdf_key: null }), false), 'asIs');
  assert.equal(markPlan(doc('txt', { pdf_key: null }), true), 'notForSale');
  assert.equal(markPlan(doc('doc'), true), 'pdfOnly');
  // Image uploads are always delivered as their scan PDF, marked: the photo and its metadata are never sent.
  for (const format of ['jpg', 'png', 'tif']) {
    assert.equal(markPlan(doc(format), false), 'scanPdf', format);
    assert.equal(markPlan(doc(format), true), 'scanPdf', format);
    assert.equal(markPlan(doc(format, { pdf_key: null }), true), 'notForSale', format);
  }
});

test('the page claims a mark only once the file has been probed; paid docx and PDF of unknown state need a probe', () => {
  assert.equal(markNotice(doc('docx'), false), 'pending');
  assert.equal(markNotice(doc('pdf'), true), 'pending');
  assert.equal(markNotice(doc('pdf', { mark_state: 'ok' }), false), 'marked');
  assert.equal(markNotice(doc('pdf', { mark_state: 'tooLarge' }), false), 'unmarkable');
  assert.equal(markNotice(doc('txt', { pdf_key: null }), false), 'asIs');
  assert.equal(markNotice(doc('docx', { price: 0 }), false), 'free');
  assert.equal(needsMarkProbe(doc('docx')), true);
  assert.equal(needsMarkProbe(doc('pdf', { mark_state: 'ok' })), false);
  assert.equal(needsMarkProbe(doc('docx', { price: 0 })), false);
  assert.equal(needsMarkProbe(doc('doc')), false);
});
