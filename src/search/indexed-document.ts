import type { IndexedDocument } from './search-index.ts';
import { pairText } from './segment.ts';

/** How much of the free part the snippet source keeps (snippets come from the opening, where matches cluster). */
export const EXCERPT_MAX_CHARS = 4000;
/** The summary tier: the opening of the free part next to title and description. */
export const SUMMARY_CHARS = 200;

/**
 * The index entry of a published document. `freeText` is the text before the preview cut: the excerpt and the
 * summary come from it alone, so nothing past the cut can ever be quoted by a snippet or a suggestion.
 */
export function buildIndexedDocument(input: {
  id: number;
  title: string;
  description: string;
  categoryName: string;
  body: string;
  freeText: string;
}): IndexedDocument {
  const excerpt = input.freeText.slice(0, EXCERPT_MAX_CHARS);
  return {
    id: input.id,
    title: input.title,
    meta: `${input.description}\n${input.categoryName}\n${excerpt.slice(0, SUMMARY_CHARS)}`,
    body: input.body,
    excerpt,
  };
}

/** The pair tier's text of a document: pairs of its title, summary and body (a line break ends every run). */
export function documentPairs(doc: Pick<IndexedDocument, 'title' | 'meta' | 'body'>): string {
  return pairText(`${doc.title}\n${doc.meta}\n${doc.body}`);
}
