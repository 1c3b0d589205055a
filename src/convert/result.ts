import { countChars } from './normalize.ts';
import { minhash } from './similarity.ts';
import { ConversionError, type ConvertLimits, type ExtractedText } from './types.ts';

/** What an extractor has gathered before the shared checks. */
export interface ExtractionParts {
  body: string;
  pageStarts: number[];
  title?: string | undefined;
  headings?: ExtractedText['headings'];
  encoding?: string | undefined;
}

/**
 * Applies the checks every format shares and builds the result: no text at all is 'emptyText', more pages than
 * allowed is 'tooManyPages'; page starts are clamped into the body and made non-decreasing.
 */
export function finishExtraction(parts: ExtractionParts, limits: ConvertLimits): ExtractedText {
  const { body } = parts;
  const pageCount = Math.max(1, parts.pageStarts.length);
  if (pageCount > limits.maxPages) {
    throw new ConversionError('tooManyPages', { pages: pageCount, max: limits.maxPages });
  }
  const charCount = countChars(body);
  if (charCount === 0) throw new ConversionError('emptyText');
  const pageStarts: number[] = [];
  let last = 0;
  for (let i = 0; i < pageCount; i++) {
    const at = i === 0 ? 0 : Math.min(body.length, Math.max(last, parts.pageStarts[i] ?? last));
    pageStarts.push(at);
    last = at;
  }
  const result: ExtractedText = { body, pageStarts, pageCount, charCount, headings: parts.headings ?? [] };
  if (parts.title) result.title = parts.title;
  if (parts.encoding) result.encoding = parts.encoding;
  const signature = minhash(body);
  if (signature) result.signature = signature;
  return result;
}
