// The text-quality gate, Markdown rendering and titles replayed on the extractions a corpus run dumped
// (`bench/ingest.ts --corpus --dump DIR`): what this code decides for exactly the texts an earlier version extracted,
// in seconds, without LibreOffice. Prints outcome counts and one TSV line per file whose dump exists.
//   npx tsx bench/quality-replay.ts DIR [--min-chars 10] > replay.tsv
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMarkdownName, markdownToText } from '../src/convert/markdown.ts';
import { assessText } from '../src/convert/text-quality.ts';
import type { ExtractedText } from '../src/convert/types.ts';
import { expandPaths } from '../src/features/documents/import.ts';
import { titleFromFileName, titleFromText } from '../src/features/documents/title.ts';

const CORPUS = process.env.CORPUS_DIR ?? fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
const dir = process.argv[2]!;
const i = process.argv.indexOf('--min-chars');
const minChars = i > 0 ? Number(process.argv[i + 1]) : 10;

const counts: Record<string, number> = {};
const files = await expandPaths(
  ['docx', 'docx-zh', 'legacy', 'malformed', 'ofd', 'ooxml-other', 'other', 'pdf', 'pdf-zh', 'text-zh'].map((d) =>
    join(CORPUS, d),
  ),
);
console.log('file\toutcome\tcode\ttitle\tchars\thead');
for (const file of files) {
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  const dump = join(dir, `${sha}.json`);
  if (!existsSync(dump)) continue;
  const { text } = JSON.parse(readFileSync(dump, 'utf8')) as { text: ExtractedText };
  const name = basename(file);
  const raw = isMarkdownName(name) ? markdownToText(text) : text;
  const v = assessText(raw, { minChars });
  const outcome = v.action === 'reject' ? 'rejected' : v.action === 'repair' ? 'repaired' : 'published';
  const code = v.action === 'reject' ? `convert.${v.code}` : '';
  const key = code ? `rejected ${code}` : outcome;
  counts[key] = (counts[key] ?? 0) + 1;
  const title =
    v.action === 'reject' ? '' : titleFromText({ title: titleFromFileName(name), original_name: name }, v.text);
  const body = v.action === 'reject' ? raw.body : v.text.body;
  const cell = (s: string) => s.replace(/[\t\n\r]/g, ' ');
  console.log(
    [relative(CORPUS, file), outcome, code, cell(title), v.metrics.chars, cell(body.slice(0, 80))].join('\t'),
  );
}
console.error(JSON.stringify(counts, null, 2));
