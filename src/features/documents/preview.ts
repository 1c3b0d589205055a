import { analyzeGongwen, bodyOpening, isTocLine } from '../../convert/gongwen.ts';
import type { PreviewMode } from '../../db/schema.ts';

/** The stored text of a document, as the pipeline saved it. */
export interface StoredText {
  body: string;
  pageStarts: number[];
  headings: Array<{ offset: number; level: number; text: string }>;
}

/** The rule for the free part: first N pages or P percent, capped for paid documents. */
export interface PreviewRule {
  mode: PreviewMode;
  value: number;
  /** Upper bound of the free share of a paid document's text, in percent. */
  maxPercent: number;
  paid: boolean;
}

/** The free part of a document and what is left. Only `freeText` may ever be sent to a reader without a purchase. */
export interface Preview {
  /** Free text, cut server-side; never contains anything past `cutOffset`. */
  freeText: string;
  cutOffset: number;
  /** Pages with at least some free text, each with its slice of the free text. */
  pages: Array<{ number: number; text: string; start: number }>;
  /** Pages not shown in full. */
  remainingPages: number;
  /** Pages shown in full (the last of `pages` may be shown only in part). */
  fullyShownPages: number;
  /** Pages of the stored text (`pageStarts.length`). */
  totalPages: number;
  /** Non-whitespace characters past the cut. */
  remainingChars: number;
  /** True when nothing was withheld. */
  complete: boolean;
  headings: StoredText['headings'];
}

const countChars = (s: string) => {
  let n = 0;
  for (const ch of s) if (!/\s/u.test(ch)) n++;
  return n;
};

/** Moves an offset back off the second half of a surrogate pair, so a cut never splits a character. */
function safeOffset(body: string, offset: number): number {
  if (offset <= 0) return 0;
  if (offset >= body.length) return body.length;
  const code = body.charCodeAt(offset);
  return code >= 0xdc00 && code <= 0xdfff ? offset - 1 : offset;
}

/** Decides where the free part ends. */
export function computeCut(text: Pick<StoredText, 'body' | 'pageStarts'>, rule: PreviewRule): number {
  const { body, pageStarts } = text;
  let cut =
    rule.mode === 'pages'
      ? (pageStarts[Math.max(0, Math.floor(rule.value))] ?? body.length)
      : Math.floor((body.length * Math.min(100, Math.max(0, rule.value))) / 100);
  if (rule.paid) cut = Math.min(cut, Math.floor((body.length * rule.maxPercent) / 100));
  return safeOffset(body, cut);
}

/** Computes the free preview of a document under a rule. */
export function computePreview(text: StoredText, rule: PreviewRule): Preview {
  const cut = computeCut(text, rule);
  const { body, pageStarts } = text;
  const pages: Preview['pages'] = [];
  let fullyShown = 0;
  for (let i = 0; i < pageStarts.length; i++) {
    const start = pageStarts[i] ?? 0;
    const end = pageStarts[i + 1] ?? body.length;
    if (start >= cut && !(start === 0 && cut === 0)) break;
    pages.push({ number: i + 1, text: body.slice(start, Math.min(end, cut)), start });
    if (end <= cut) fullyShown++;
  }
  const rest = body.slice(cut);
  return {
    freeText: body.slice(0, cut),
    cutOffset: cut,
    pages,
    remainingPages: pageStarts.length - fullyShown,
    fullyShownPages: fullyShown,
    totalPages: pageStarts.length,
    remainingChars: countChars(rest),
    complete: cut >= body.length,
    headings: text.headings.filter((h) => h.offset < cut),
  };
}

/**
 * 碎片内容: a passage from the free part that shows what the document is about — the first body paragraph
 * of some substance, skipping the title, salutations (同志们:) and headings.
 */
export function pickFragment(preview: Preview, maxChars = 140): string {
  // 公文 structure first: the opening of the body, past the red header, title, 发文字号, 主送 and headings.
  const structure = analyzeGongwen(preview.freeText, preview.headings);
  const opening = bodyOpening(preview.freeText, structure, maxChars);
  if (opening) return opening;
  const headingStarts = new Set(preview.headings.map((h) => h.offset));
  let offset = 0;
  let fallback = '';
  for (const para of preview.freeText.split('\n')) {
    const start = offset;
    offset += para.length + 1;
    const p = para.trim();
    // Headings and salutations such as 同志们： say nothing about the content.
    if (!p || headingStarts.has(start) || /[:：]$/.test(p) || isTocLine(p)) continue;
    if ([...p].length >= 40) return truncate(p, maxChars);
    if ([...p].length > [...fallback].length) fallback = p;
  }
  return truncate(fallback, maxChars);
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max).join('')}…`;
}
