import { readFile } from 'node:fs/promises';
import { estimatePageStarts } from './layout.ts';
import { joinParagraphs, splitParagraphs } from './normalize.ts';
import { finishExtraction } from './result.ts';
import { decodeText } from './text-encoding.ts';
import { ConversionError, type ConvertLimits, type ExtractedText } from './types.ts';

/** Extracts a plain-text file: encoding detected, every non-empty line a paragraph, pages estimated (GB/T 9704). */
export async function extractTxt(path: string, limits: ConvertLimits): Promise<ExtractedText> {
  // The upload size cap upstream bounds this read.
  const decoded = decodeText(await readFile(path));
  // Sniffing saw only the head of the file; binary further in means it is not the text it claimed to be.
  if (!decoded) throw new ConversionError('corrupt');
  const paragraphs = splitParagraphs(decoded.text);
  const { body } = joinParagraphs(paragraphs);
  const pageStarts = estimatePageStarts(paragraphs);
  return finishExtraction({ body, pageStarts, encoding: decoded.encoding }, limits);
}
