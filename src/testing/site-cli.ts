// What the backup and migration tests share: the CLI run as an operator runs it, and the corpus files they seed a
// site with (one free document, two paid).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_DIR } from './paths.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const docx = (name: string) => join(CORPUS_DIR, 'docx-zh', name);

/** The free document a test site is seeded with. */
export const FREE = docx('gfsgongwen__测试文案.docx');
/** The paid documents a test site is seeded with. */
export const PAID = [
  docx('libpku__专业课__中国经济专题__2008年春季中国经济专题期末考试标准答案.docx'),
  docx('libpku__专业课__中国经济专题__2014年春期末试题答案.docx'),
];

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Runs the CLI (`src/cli/index.ts`, what `npx wenyuan` runs) in its own process with a site's environment. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, timeout: 300_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
