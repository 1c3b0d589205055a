// The visible text of a file as the site extracts it, with the mark taken out: the invisible characters, the ASCII
// token and the visible line. A marked copy must give exactly the original's (whitespace aside: pdf.js may join the
// footer line to a line of the page).
import { extractDocx } from '../../convert/extract-docx.ts';
import { extractPdf } from '../../convert/extract-pdf.ts';
import { DEFAULT_LIMITS } from '../../convert/types.ts';
import { ZW_CHARS } from './token.ts';

const ASCII = /wy1-[A-Z2-7]{23}/g;

/** Extracted text with every mark removed and whitespace dropped; `line` is the visible line, if one was added. */
export async function visibleText(path: string, format: 'docx' | 'pdf', line?: string): Promise<string> {
  const extracted =
    format === 'docx' ? await extractDocx(path, DEFAULT_LIMITS) : await extractPdf(path, DEFAULT_LIMITS);
  let text = extracted.body.replace(ZW_CHARS, '').replace(ASCII, '').replace(/\s+/g, '');
  if (line) text = text.split(line.replace(/\s+/g, '')).join('');
  return text;
}
