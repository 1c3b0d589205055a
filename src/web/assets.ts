import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Directory of hand-written static files (CSS, icons, manifest source). */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
/** Directory of the built client bundle (esbuild output; not committed). */
export const BUILD_DIR = fileURLToPath(new URL('../../public/build/', import.meta.url));

function versionOf(path: string): string {
  if (!existsSync(path)) return 'missing';
  return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 10);
}

/** Content hashes of the stylesheet and script, used as cache-busting query strings and in page ETags. */
export function assetVersions(): { css: string; js: string } {
  return { css: versionOf(`${PUBLIC_DIR}site.css`), js: versionOf(`${BUILD_DIR}app.js`) };
}
