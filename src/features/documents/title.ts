// Document titles: the rules a title typed on the upload or edit form must meet, and the title a document gets when
// the uploader leaves it blank. The form promises "留空则使用文件名": the file name without its extension, unless it
// is a name nobody chose (`1.docx`, `新建 Microsoft Word 文档.docx`, `document.pdf`, `未命名.docx`). Then the
// pipeline names the document after what it extracted — the title the file states, its first heading, or its first
// short line — and the uploader can change it afterwards on /d/:id/edit.
import { analyzeGongwen } from '../../convert/gongwen.ts';
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
  /^(?:document|doc|docx|new document|untitled|unnamed|file|download|temp|tmp|test|scan|output|index|readme|main|未命名|无标题|新文档|文档|文件|附件|测试|下载|扫描件?)[\s\d_-]*$/iu,
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
  const stem = fileStem(filename).replace(/^[_.\s-]+/, '');
  return [...stem].length < TITLE_MIN || GENERIC.some((re) => re.test(stem));
}

/**
 * True when a file name is a last resort as a title: generic (above), or a path flattened into a name by an export
 * or a crawler (`repo__path__name`, `a/b/c`), which says where the file was kept rather than what it is.
 */
export function isWeakFileName(filename: string): boolean {
  return isGenericFileName(filename) || /__|[/\\]/.test(fileStem(filename));
}

/** The last part of a flattened path name (`libpku__专业课__数据结构__2013数算期末考试` → `2013数算期末考试`). */
function lastNamePart(filename: string): string | undefined {
  const part = fileStem(filename)
    .split(/__|[/\\]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .at(-1);
  return part && !isGenericFileName(part) ? clipTitle(part) : undefined;
}

// A line that names an institution or a kind of paper, not this document: the same for every exam of a school or
// every circular of an office ("北京大学信息科学技术学院考试试卷", "北京大学数学科学学院期中试题 2007-2008").
const ORGAN =
  '(?:大学|学院|学校|中学|小学|委员会|人民政府|政府|办公室|办公厅|研究院|研究所|公司|集团|局|厅|部|中心|系)';
const PAPER =
  '(?:本科生?|研究生|课程|期中|期末|考试|测验|试卷|试题|考题|答案|解答|样卷|参考答案|文件|通知|学年|第[一二三四12]学期|[春秋]季?学期)';
const GENERIC_LINE = [
  new RegExp(`^(?:[\\p{Script=Han}A-Za-z]{0,20}?${ORGAN})+\\s*(?:${PAPER}|[\\d\\s—–－-]|年)*$`, 'u'),
  new RegExp(`^(?:${PAPER}|[\\d\\s—–－-]|年)+$`, 'u'),
  /^(?:目录|目\s*录|前言|序言|摘要|内容提要|abstract|contents|table of contents|附件\s*\d*|第.{1,3}[章节页]|第\s*\d+\s*页.*|共\s*\d+\s*页.*|(?:绝密|机密|秘密).*|.*启用前)$/iu,
  /_{3,}|学号|姓名|https?:|www\.|@/iu,
];
// An opening line that is an outline item or a section of the body ("一、简答题", "（一）", "1. 总则", "References")
// is not the document's title (a Heading-styled paragraph still may be, for want of anything better).
const OUTLINE_LINE =
  /^(?:[一二三四五六七八九十]{1,3}[、，,.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、](?!\d)|references$|bibliography$|参考文献$)/iu;

/** A candidate title that says what this document is, not where it comes from. */
function specific(title: string | undefined): string | undefined {
  if (!title) return undefined;
  return GENERIC_LINE.some((re) => re.test(title)) ? undefined : title;
}

/** Chinese characters an OCR'd line needs to be taken as a title (titleFromText). */
const OCR_TITLE_MIN_HAN = 4;

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
 * The title the pipeline gives a document whose title was left blank (`title_auto`), most telling first:
 * 1. the title the file states (docx Title style or dc:title, PDF Info title), when it is specific — not an
 *    institution's name or a kind of paper that every exam of a school shares;
 * 2. a 公文's 标题, the line above its 发文字号 or 主送 (gongwen.ts), when the structure is there to confirm it;
 * 3. the file name, when it was chosen (not `1.docx`, `20241220`, `_index`, `repo__path__name`);
 * 4. the document's first line when it reads as a specific title, else its first specific heading;
 * 5. the last part of a flattened path name; otherwise what it has (the file name, or 未命名文档).
 */
export function titleFromText(
  doc: { title: string; original_name: string },
  extracted: Pick<ExtractedText, 'title' | 'headings' | 'body'> & Partial<Pick<ExtractedText, 'flags'>>,
): string {
  // Read by OCR, a first line or heading is trusted only when it reads as Chinese: a scan's header, stamp or
  // letterhead is often read as a few Latin letters ("SESE" for a 量子力学 exam in the corpus), and the file name
  // says more than that.
  const ocr = extracted.flags?.includes('ocr') === true;
  const readable = (line: string | undefined) =>
    line && (!ocr || (line.match(/\p{Script=Han}/gu)?.length ?? 0) >= OCR_TITLE_MIN_HAN) ? line : undefined;
  const stated = specific(cleanTitle(extracted.title));
  if (stated) return clipTitle(stated);
  const head = extracted.body.slice(0, 3000);
  const gongwen = analyzeGongwen(head);
  if (gongwen.docNumber || gongwen.addressee) {
    const title = specific(lineTitle(gongwen.title));
    if (title) return clipTitle(title);
  }
  if (!isWeakFileName(doc.original_name)) return doc.title;
  const firstLine = readable(specific(lineTitle(head.slice(0, 400).split('\n', 1)[0])));
  if (firstLine && !OUTLINE_LINE.test(firstLine)) return clipTitle(firstLine);
  for (const h of extracted.headings) {
    const heading = readable(specific(lineTitle(h.text)));
    if (heading) return clipTitle(heading);
  }
  return lastNamePart(doc.original_name) ?? doc.title;
}
