// 公文 structure from normalised text (one paragraph per line): the outline (一、 / （一） / 1. / （1） and Word
// heading styles), the title, 发文字号, 主送, 落款 and date (GB/T 9704 layout). Pure and cheap: the document page runs
// it on the free part at render time, so nothing is stored and nothing past the cut is ever looked at.

/** One outline entry; `offset` is where its paragraph starts in the text analysed. */
export interface OutlineEntry {
  offset: number;
  level: number;
  text: string;
}

/** What a 公文 states about itself, where present. */
export interface GongwenStructure {
  title?: string;
  /** 发文字号, e.g. 国办发〔2023〕12号. */
  docNumber?: string;
  /** 主送机关, e.g. 各省、自治区、直辖市人民政府： */
  addressee?: string;
  /** 落款 (issuing organ above the date). */
  signature?: string;
  /** 成文日期 as written. */
  date?: string;
  outline: OutlineEntry[];
  /** Offsets of paragraphs that are boilerplate (title, red header, number, addressee, salutation, 落款, date). */
  boilerplate: number[];
}

const CN_NUM = '一二三四五六七八九十百零〇';
const LEVELS: Array<[RegExp, number]> = [
  [new RegExp(`^[${CN_NUM}]{1,3}、`), 1],
  [new RegExp(`^[（(][${CN_NUM}]{1,3}[)）]`), 2],
  [/^\d{1,2}[.．、](?!\d)\s*\S/, 3],
  [/^[（(]\d{1,2}[)）]/, 4],
];
const DOC_NUMBER = /^[\u4e00-\u9fa5A-Za-z]{1,12}[〔[［【(（]\s*(19|20)\d{2}\s*[〕\]］】)）]\s*第?\d{1,5}\s*号$/;
const DATE = new RegExp(
  `^(\\d{4}\\s*年\\s*\\d{1,2}\\s*月\\s*\\d{1,2}\\s*日|[${CN_NUM}]{4}年[${CN_NUM}]{1,2}月[${CN_NUM}]{1,3}日)$`,
);
// The addressee list ends with an organ: …人民政府，市政府各部门：
const ORGAN_END =
  /(委员会|委|局|厅|办公室|办|部|政府|部门|单位|公司|学校|中心|院|所|处|科|党组|党委|支部|机构|企业|街道|乡镇)$/;
const RED_HEADER = /文件$|^中共.{0,20}(委员会|党组)$/;
const SALUTATION = /^(同志们|各位|尊敬的|亲爱的).{0,20}[：:]$/;
const MAX_HEADING = 40;

/**
 * Heading text of a paragraph: the paragraph itself if short, else its first clause up to 。；：, else its first
 * MAX_HEADING characters — a numbered item whose first sentence is long is still an item of the 目录 (dropping it
 * made the outline jump from 一、 to 3、).
 */
function headingText(p: string): string | undefined {
  const chars = [...p];
  if (chars.length <= MAX_HEADING) return p;
  const m = /^(.{2,40}?)[。；;：:]/.exec(p);
  return m?.[1] ?? `${chars.slice(0, MAX_HEADING).join('')}…`;
}

/**
 * A line of a table of contents: a title, a run of dot leaders (…… or ....... or ·····) and usually a page number.
 * Never a 碎片内容, and never an outline item.
 */
export function isTocLine(p: string): boolean {
  // A leader run and a page number at the end, or a long leader run anywhere (a sentence's …… is two characters).
  return /(\.{4,}|…{3,}|·{4,}|．{3,}|-{6,}|_{6,})\s*[0-9ivxlcdmIVXLCDM]{1,6}$/.test(p) || /[.…·．]{8,}/.test(p);
}

/** Analyses `text` (paragraphs joined by '\n'); `headings` are Word heading-style paragraphs, when known. */
export function analyzeGongwen(text: string, headings: readonly OutlineEntry[] = []): GongwenStructure {
  const paras: Array<{ offset: number; text: string }> = [];
  let at = 0;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t) paras.push({ offset: at + (line.length - line.trimStart().length), text: t });
    at += line.length + 1;
  }
  const out: GongwenStructure = { outline: [], boilerplate: [] };
  const boiler = new Set<number>();

  // Head: red header, title, 发文字号, 主送, salutation — within the first paragraphs.
  const head = paras.slice(0, 12);
  let bodyStarted = false;
  for (const p of head) {
    // The addressee precedes the body: once a long sentence has been read, no line is the 主送 any more.
    if ([...p.text].length >= 40 && /[。！？]$/.test(p.text)) bodyStarted = true;
    if (!out.docNumber && DOC_NUMBER.test(p.text)) {
      out.docNumber = p.text;
      boiler.add(p.offset);
    } else if (RED_HEADER.test(p.text) && [...p.text].length <= 30) boiler.add(p.offset);
    else if (SALUTATION.test(p.text)) boiler.add(p.offset);
    else if (
      !out.addressee &&
      !bodyStarted &&
      /[：:]$/.test(p.text) &&
      [...p.text].length <= 80 &&
      ORGAN_END.test(
        p.text
          .replace(/[：:]$/, '')
          .split(/[，,；;]/)
          .at(-1) ?? '',
      ) &&
      !LEVELS.some(([re]) => re.test(p.text))
    ) {
      out.addressee = p.text.replace(/[：:]$/, '');
      boiler.add(p.offset);
    }
  }
  // Title: the first short paragraph that is not a header/number/addressee, before the body starts.
  for (const p of head.slice(0, 6)) {
    if (boiler.has(p.offset)) continue;
    const len = [...p.text].length;
    if (len >= 4 && len <= 80 && !/[。！？]$/.test(p.text) && !LEVELS.some(([re]) => re.test(p.text))) {
      out.title = p.text;
      boiler.add(p.offset);
    }
    break;
  }
  // Tail: date, and the organ above it (落款).
  const tail = paras.slice(-6);
  for (let i = tail.length - 1; i >= 0; i--) {
    const p = tail[i]!;
    if (DATE.test(p.text.replace(/\s+/g, ''))) {
      out.date = p.text;
      boiler.add(p.offset);
      const prev = tail[i - 1];
      if (prev && [...prev.text].length <= 30 && !/[。；，]$/.test(prev.text)) {
        out.signature = prev.text;
        boiler.add(prev.offset);
      }
      break;
    }
  }

  // Outline: numbered headings, then Word heading styles for paragraphs without a number.
  const styled = new Map(headings.map((h) => [h.offset, h]));
  for (const p of paras) {
    if (boiler.has(p.offset)) continue;
    const level = isTocLine(p.text) ? undefined : LEVELS.find(([re]) => re.test(p.text))?.[1];
    const h = level ? headingText(p.text) : undefined;
    if (level && h) out.outline.push({ offset: p.offset, level, text: h });
    else if (styled.has(p.offset)) out.outline.push({ ...styled.get(p.offset)!, text: p.text.slice(0, MAX_HEADING) });
  }
  out.boilerplate = [...boiler].sort((a, b) => a - b);
  return out;
}

/**
 * 碎片内容: the opening of the body — the first paragraph of substance that is not boilerplate (title, number,
 * addressee, salutation), not an outline heading and not a short line; `maxChars` code points at most.
 */
export function bodyOpening(text: string, structure: GongwenStructure, maxChars = 140): string {
  const skip = new Set([...structure.boilerplate, ...structure.outline.map((o) => o.offset)]);
  let at = 0;
  let fallback = '';
  for (const line of text.split('\n')) {
    const start = at;
    at += line.length + 1;
    const p = line.trim();
    const trimmedStart = start + (line.length - line.trimStart().length);
    if (!p || skip.has(start) || skip.has(trimmedStart) || /[：:]$/.test(p) || isTocLine(p)) continue;
    if ([...p].length >= 40) return truncate(p, maxChars);
    if ([...p].length > [...fallback].length) fallback = p;
  }
  return truncate(fallback, maxChars);
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max).join('')}…`;
}
