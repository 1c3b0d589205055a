// Markdown files (.md, read as plain text) rendered to the text a reader sees (issue 17): headings without their
// `#` (and recorded as headings, for the outline), list items as "• item", quotes, tables and emphasis without their
// marks, links as their text, images as their description; HTML comments, front matter, fences and rules dropped.
// Line-based: the extractor already gave one paragraph per line.
import { mapParagraphs } from './text-quality.ts';
import type { ExtractedText } from './types.ts';

/** Whether a file name is a Markdown file's. */
export function isMarkdownName(name: string): boolean {
  return /\.(md|markdown|mdown|mkd)$/i.test(name);
}

/** One line's inline marks removed. */
export function inlineMarkdown(line: string): string {
  return line
    .replace(/<!--.*?-->/g, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?\/?>/g, '')
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2')
    .replace(/(^|[^\p{N}A-Za-z*\\])\*(?=\S)(.+?)(?<=\S)\*(?![\p{N}A-Za-z])/gu, '$1$2')
    .replace(/(^|[^\p{L}\p{N}_])_(?=\S)(.+?)(?<=\S)_(?![\p{L}\p{N}])/gu, '$1$2')
    .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1')
    .trim();
}

/** Renders the text of a Markdown file: paragraphs, headings and page starts kept in step. */
export function markdownToText(text: ExtractedText): ExtractedText {
  const lines = text.body.split('\n');
  const out: string[] = [];
  const levels: Array<number | undefined> = [];
  let fence: string | undefined;
  let comment = false;
  let frontMatter = lines[0]?.trim() === '---';
  lines.forEach((raw, i) => {
    let line = raw.trim();
    let level: number | undefined;
    if (frontMatter) {
      if (i > 0 && /^(---|\.\.\.)$/.test(line)) frontMatter = false;
      line = '';
    } else if (fence) {
      if (line.startsWith(fence)) fence = undefined;
      line = fence === undefined ? '' : raw.trimEnd();
    } else if (/^(```|~~~)/.test(line)) {
      fence = line.slice(0, 3);
      line = '';
    } else {
      if (comment) {
        const end = line.indexOf('-->');
        if (end < 0) line = '';
        else {
          comment = false;
          line = line.slice(end + 3);
        }
      }
      line = line.replace(/<!--.*?-->/g, '');
      const open = line.indexOf('<!--');
      if (open >= 0) {
        comment = true;
        line = line.slice(0, open);
      }
      line = line.trim();
      const heading = /^(#{1,6})\s+(.*?)(?:\s+#+)?$/.exec(line);
      if (heading) {
        level = heading[1]!.length;
        line = heading[2]!;
      } else if (/^(=+|-+)$/.test(line) && out.at(-1)) {
        // A setext underline: the line above is a heading.
        levels[levels.length - 1] = line.startsWith('=') ? 1 : 2;
        line = '';
      } else if (/^#{1,6}$/.test(line) || /^([-*_])(\s*\1){2,}$/.test(line)) line = '';
      else if (/^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/.test(line)) line = '';
      else {
        line = line.replace(/^(>\s?)+/, '');
        line = line.replace(/^[-*+]\s+\[([ xX])\]\s+/, (_m, x: string) => (x === ' ' ? '☐ ' : '☑ '));
        line = line.replace(/^[-*+]\s+/, '• ');
        if (line.includes('|') && /^\|.*\|$/.test(line)) {
          line = line
            .slice(1, -1)
            .split('|')
            .map((c) => c.trim())
            .join('　');
        }
      }
      line = inlineMarkdown(line);
    }
    out.push(line);
    levels.push(level);
  });
  const rendered = mapParagraphs(text, (_p, i) => out[i] ?? '');
  // Headings: the rendered paragraphs marked by `#` or an underline, at their new offsets.
  const headings: ExtractedText['headings'] = [];
  let at = 0;
  out.forEach((line, i) => {
    if (!line) return;
    const level = levels[i];
    if (level) headings.push({ offset: at, level, text: line });
    at += line.length + 1;
  });
  const result: ExtractedText = { ...rendered, headings };
  // A level-1 heading that opens the file is its title, as the Title style is a Word file's.
  const first = headings[0];
  if (first && first.offset === 0 && first.level === 1 && !text.title) result.title = first.text;
  return result;
}
