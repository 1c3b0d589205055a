// A PDF pdf-lib cannot open as it is — encrypted with an empty user password (pdf.js opens those, so the site
// accepts them) or with a damaged cross-reference table — is rewritten by `qpdf --decrypt` first (decision 0019):
// qpdf removes the encryption and rebuilds the cross-reference table, and the copy is marked. qpdf runs as a child
// process with a timeout and an address-space cap (it maps about what it uses), its output capped in size.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const QPDF = '/usr/bin/qpdf';
const PRLIMIT = '/usr/bin/prlimit';
const TIMEOUT_MS = 60_000;
const MEMORY_BYTES = 1024 * 1024 * 1024;

/** True when qpdf is installed (without it such files are not markable). */
export const qpdfAvailable = () => existsSync(QPDF);

/**
 * The decrypted, re-serialised copy of the PDF at `path`, or undefined when qpdf is missing, fails, times out or
 * writes more than `maxBytes`. Deterministic: the same input gives the same bytes (`--deterministic-id`).
 */
export async function qpdfRewrite(path: string, maxBytes: number): Promise<Buffer | undefined> {
  if (!qpdfAvailable()) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'wenyuan-qpdf-'));
  const out = join(dir, 'out.pdf');
  try {
    // An empty user password opens the file; a real one makes qpdf fail (pdf.js refuses those at upload).
    const args = ['--password=', '--decrypt', '--deterministic-id', '--no-warn', path, out];
    const [cmd, argv] = existsSync(PRLIMIT)
      ? [PRLIMIT, [`--as=${MEMORY_BYTES}`, `--fsize=${maxBytes}`, '--', QPDF, ...args]]
      : [QPDF, args];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(cmd, argv, { stdio: 'ignore', env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      child.on('error', () => {
        clearTimeout(timer);
        resolve(null);
      });
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    // 0: written; 3: written with warnings (a reconstructed cross-reference table). 2 is an error.
    if (code !== 0 && code !== 3) return undefined;
    const size = (await stat(out).catch(() => undefined))?.size;
    if (!size || size > maxBytes) return undefined;
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
