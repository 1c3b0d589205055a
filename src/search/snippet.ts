/** A run of snippet text; `hit` runs are shown highlighted. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * A highlighted passage of `source` around the first place the query tokens cluster. `source` must be free text
 * (the excerpt before the preview cut): this function only ever quotes from it.
 */
export function makeSnippet(source: string, tokens: string[], maxChars = 120): SnippetPart[] {
  const text = source.replace(/\s+/g, ' ').trim();
  if (!text) return [];
  const lower = text.toLowerCase();
  const needles = tokens.map((t) => t.toLowerCase()).filter(Boolean);
  // The window start: the first occurrence of the rarest-looking (longest) token that occurs at all.
  let anchor = -1;
  for (const n of [...needles].sort((a, b) => b.length - a.length)) {
    const at = lower.indexOf(n);
    if (at >= 0) {
      anchor = at;
      break;
    }
  }
  const start = anchor < 0 ? 0 : Math.max(0, anchor - Math.floor(maxChars / 4));
  const end = Math.min(text.length, start + maxChars);
  const window = text.slice(start, end);
  const parts = highlight(window, needles);
  if (start > 0) parts.unshift({ text: '…', hit: false });
  if (end < text.length) parts.push({ text: '…', hit: false });
  return parts;
}

/** Splits `text` into plain and highlighted runs, longest token first where they overlap. */
export function highlight(text: string, needles: string[]): SnippetPart[] {
  const lower = text.toLowerCase();
  const marks = new Uint8Array(text.length);
  for (const n of needles) {
    if (!n) continue;
    for (let at = lower.indexOf(n); at >= 0; at = lower.indexOf(n, at + n.length)) marks.fill(1, at, at + n.length);
  }
  const parts: SnippetPart[] = [];
  let i = 0;
  while (i < text.length) {
    const hit = marks[i] === 1;
    let j = i + 1;
    while (j < text.length && (marks[j] === 1) === hit) j++;
    parts.push({ text: text.slice(i, j), hit });
    i = j;
  }
  return parts;
}
