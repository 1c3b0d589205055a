// Document titles: the rules a title typed on the upload or edit form must meet, and the title a document gets when
// the uploader leaves it blank. The form promises "留空则使用文件名": the file name without its extension, unless it
// is a name nobody chose (`1.docx`, `新建 Microsoft Word 文档.docx`, `document.pdf`, `未命名.docx`). Then the
// pipeline names the document after what it extracted — the title the file states, its first heading, or its first
// short line — and the uploader can change it afterwards on /d/:id/edit.
import { cleanTitle } from '../../convert/normalize.ts';
import type { ExtractedText } from '../../convert/types.ts';
import { badRequest } from '../../errors.ts';
import { t } from '../../i18n/t.ts';

/** Title length bounds in characters (code points), the same on upload and edit. */
export const TITLE_MIN = 2;
export const TITLE_MAX = 100;

/** Control characters (C0, DEL, C1) and the bidirectional overrides that can make a title read backwards. */
const FORBIDDEN = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** A typed title as stored: NFC, runs of white space (tabs and line breaks included) as one space, trimmed. */
export function normalizeTitle(raw: string): string {
  return raw.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Refuses (400) a typed title outside 2–100 characters or holding control characters; returns it normalised. */
export function checkTitle(raw: string): string {
  const title = normalizeTitle(raw);
  const n = [...title].length;
  if (n < TITLE_MIN || n > TITLE_MAX || FORBIDDEN.test(title)) throw badRequest('upload.titleInvalid');
  return title;
}

// A copy marker a file manager appends: "通知 - 副本", "通知(1)", "通知 (2)", "通知_副本".
const COPY_SUFFIX = /(?:\s*[-_]\s*副本(?:\s*\(\d+\))?|\s*[(（]\d{1,3}[)）]|\s*副本)+$/u;
// Names that say nothing about the content: what editors, scanners and browsers call a file by default.
const GENERIC = [
  /^[\s\d\p{P}\p{S}]*$/u, // 1, 01, 2024-05-01, (3)
  /^(?:新建\s*)?(?:microsoft\s*)?(?:office\s*)?(?:word|wps|docx?|excel|powerpoint|ppt|pdf)?\s*(?:文字)?\s*(?:文档|文本文档|文件|演示文稿|工作表)\s*[\d\s_-]*$/iu,
  /^(?:document|doc|docx|new document|untitled|unnamed|file|download|temp|tmp|test|scan|output|未命名|无标题|新文档|文档|文件|附件|测试|下载|扫描件?)[\s\d_-]*$/iu,
  /^(?:img|image|dsc|scan|微信图片|wps图片|截图|屏幕截图)[\s\d_-]/iu,
  /^[0-9a-f][0-9a-f_-]{15,}$/iu, // hashes and UUIDs
];

/** The file name without its extension, copy markers and surrounding white space. */
export function fileStem(filename: string): string {
  const stem = normalizeTitle(filename.replace(/\.[^.]+$/, '').replace(/[\p{Cc}]/gu, ' '));
  return stem.replace(COPY_SUFFIX, '').trim() || stem;
}

/** True when a file name was not chosen for its content (`1`, `新建 Microsoft Word 文档 (2)`, `document`, `未命名`). */
export function isGenericFileName(filename: string): boolean {
  const stem = fileStem(filename);
  return [...stem].length < TITLE_MIN || GENERIC.some((re) => re.test(stem));
}

/** Cuts a title to the length bound on a character boundary. */
const clipTitle = (s: string) => [...s].slice(0, TITLE_MAX).join('').trim();

/**
 * The title of an upload whose title field was left blank: the file's stem when it is usable, else a placeholder
 * that the pipeline replaces with what the file states about itself (`titleFromText`).
 */
export function titleFromFileName(filename: string): string {
  const stem = clipTitle(fileStem(filename).replace(FORBIDDEN, ''));
  return [...stem].length >= TITLE_MIN ? stem : t('upload.untitled');
}

/** A line worth naming a document after: 2–50 characters, not tool junk, not a sentence or a label ending in 。or ：. */
function lineTitle(line: string | undefined): string | undefined {
  const c = cleanTitle(line);
  if (!c || [...c].length > 50 || FORBIDDEN.test(c) || /[。；;，,：:]$/u.test(c)) return undefined;
  return c;
}

/**
 * The title the pipeline gives a document whose title was left blank (`title_auto`): the title the file states
 * (docx Title style or dc:title, PDF Info title) as before; failing that, for a generic file name, the document's
 * own heading — its first line when that reads as a title (公文 and most documents open with their title, often
 * without the Title style), else its first Heading paragraph; otherwise what it has (the file name).
 */
export function titleFromText(
  doc: { title: string; original_name: string },
  extracted: Pick<ExtractedText, 'title' | 'headings' | 'body'>,
): string {
  if (extracted.title) return clipTitle(extracted.title);
  if (!isGenericFileName(doc.original_name)) return doc.title;
  const firstLine = lineTitle(extracted.body.slice(0, 400).split('\n', 1)[0]);
  if (firstLine) return clipTitle(firstLine);
  for (const h of extracted.headings) {
    const heading = lineTitle(h.text);
    if (heading) return clipTitle(heading);
  }
  return doc.title;
}
