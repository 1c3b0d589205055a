import { createRequire } from 'node:module';

/**
 * node-postgres, loaded when a PostgreSQL database is first opened: a site on the embedded SQLite default never
 * carries it (≈ 3 MB of heap in every process).
 */
export function loadPg(): typeof import('pg') {
  return createRequire(import.meta.url)('pg') as typeof import('pg');
}
