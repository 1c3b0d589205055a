// Checks a refused page form the way a reader sees it (web/form-state.ts, web/views/form.tsx): the page comes back
// with its status, the form's error summary, the sentence beside the refused field, and what was typed.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { DomUtils, parseDocument } from 'htmlparser2';

type Element = ReturnType<typeof DomUtils.getElementById> & {};

/**
 * The value a control shows: an input's value (a checkbox: its value when ticked, else ''; a radio: the checked one
 * of its group in `form`), a textarea's text, a select's chosen option.
 */
function shownValue(el: Element, form: Element): string {
  if (el.attribs.type === 'radio') {
    const group = DomUtils.findAll((n) => n.name === 'input' && n.attribs.name === el.attribs.name, form.children);
    return group.find((r) => r.attribs.checked !== undefined)?.attribs.value ?? '';
  }
  if (el.name === 'textarea') return DomUtils.textContent(el);
  if (el.name === 'select') {
    const options = DomUtils.findAll((n) => n.name === 'option', el.children);
    const chosen = options.find((o) => o.attribs.selected !== undefined) ?? options[0];
    return chosen?.attribs.value ?? '';
  }
  if (el.attribs.type === 'checkbox') return el.attribs.checked !== undefined ? (el.attribs.value ?? 'on') : '';
  return el.attribs.value ?? '';
}

/** Decodes the few entities preact writes into attribute values and text. */
const decode = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

export interface RefusedForm {
  /** The form's id. */
  form: string;
  /** The status expected (422 unless the refusal keeps its own: 402, 403, 429). */
  status?: number;
  /** The field named as refused, and its sentence. */
  field?: string;
  error: RegExp;
  /** What must come back in the fields, by name. */
  values?: Record<string, string>;
  /** Strings that must not be anywhere in the page (an ID number, a password). */
  absent?: string[];
}

/**
 * Asserts that `res` is page with form `form` refused: the status, an error summary in that form, the sentence
 * (beside `field`, which is marked aria-invalid and linked from the summary), the values typed, no CSRF token in
 * the form's action. Returns the page's HTML.
 */
export function assertRefusedForm(res: LightMyRequestResponse, want: RefusedForm): string {
  assert.equal(res.statusCode, want.status ?? 422, res.body.slice(0, 500));
  assert.match(String(res.headers['content-type']), /text\/html/);
  const doc = parseDocument(res.body, { decodeEntities: false });
  const form = DomUtils.getElementById(want.form, doc.children);
  assert.ok(form && form.name === 'form', `form #${want.form} on the page`);
  assert.doesNotMatch(form.attribs.action ?? '', /_csrf=/, 'no token in the action');
  const controls = DomUtils.findAll((n) => ['input', 'textarea', 'select'].includes(n.name), form.children);
  assert.equal(controls[0]?.attribs.name, '_csrf', 'the token is the first field');
  const summary = DomUtils.findOne((n) => (n.attribs.class ?? '').includes('form__errors'), form.children);
  assert.ok(summary, `error summary in #${want.form}`);
  assert.equal(summary.attribs.role, 'alert');
  assert.match(decode(DomUtils.textContent(summary)), want.error);
  if (want.field) {
    const id = `${want.form}-${want.field}`;
    const control = DomUtils.getElementById(id, form.children);
    assert.ok(control, `#${id} in the form`);
    assert.equal(control.attribs['aria-invalid'], 'true', `#${id} marked invalid`);
    assert.match(control.attribs['aria-describedby'] ?? '', new RegExp(`\\b${id}-error\\b`));
    const sentence = DomUtils.getElementById(`${id}-error`, form.children);
    assert.ok(sentence, `#${id}-error beside the field`);
    assert.match(decode(DomUtils.textContent(sentence)), want.error);
    assert.ok(
      DomUtils.findOne((n) => n.name === 'a' && n.attribs.href === `#${id}`, summary.children),
      'the summary links to the field',
    );
  }
  for (const [name, value] of Object.entries(want.values ?? {})) {
    const control = DomUtils.getElementById(`${want.form}-${name}`, form.children);
    assert.ok(control, `#${want.form}-${name} in the form`);
    assert.equal(decode(shownValue(control, form)), value, `${name} kept`);
  }
  for (const secret of want.absent ?? []) assert.ok(!res.body.includes(secret), `${secret} not written back`);
  return res.body;
}
