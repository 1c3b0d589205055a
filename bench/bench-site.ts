// What the ingest and relevance benches share: the one uploader every file is imported as, and a job worker over the
// real handlers polling fast (the benches measure conversion, not the poll interval).
import type { Kysely } from 'kysely';
import { type buildDeps, jobHandlers } from '../src/compose.ts';
import type { DB } from '../src/db/schema.ts';
import { startWorker } from '../src/jobs/worker.ts';
import type { Logger } from '../src/log.ts';

/** Inserts the bench's uploader (no password: it never signs in) and returns it with the first category. */
export async function benchUploader(db: Kysely<DB>): Promise<{ user: { id: number }; category: { id: number } }> {
  const now = Date.now();
  const user = await db
    .insertInto('users')
    .values({
      email: 'bench@example.com',
      password_hash: 'x',
      display_name: '基准',
      created_at: now,
      updated_at: now,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const category = await db.selectFrom('categories').select('id').orderBy('id').executeTakeFirstOrThrow();
  return { user: { id: Number(user.id) }, category: { id: Number(category.id) } };
}

/** A worker running every job handler with `concurrency` slots. */
export function benchWorker(
  deps: ReturnType<typeof buildDeps>,
  concurrency: number,
  log: Logger,
  leaseMs = 600_000,
): ReturnType<typeof startWorker> {
  return startWorker({
    queue: deps.queue,
    handlers: jobHandlers(deps),
    concurrency,
    pollMs: 5,
    leaseMs,
    backoffMs: 10,
    log,
  });
}
