import type { Deps } from '../../deps.ts';
import type { JobHandler } from '../../jobs/worker.ts';
import { reindexAll } from './service.ts';

/**
 * `search.reindex`: re-reads every published document into the index (without emptying it first, so search keeps
 * answering). Enqueued when the site's preview rule changes, because the excerpts snippets quote were cut by the
 * old rule. Idempotent: running it twice writes the same entries.
 */
export function searchReindexHandler(deps: Pick<Deps, 'database' | 'search' | 'log'>): JobHandler<'search.reindex'> {
  return {
    async run(_payload, { log }) {
      const n = await reindexAll(deps, { clear: false });
      log.info({ documents: n }, 'search index rebuilt');
    },
    async onFinalFailure(_payload, error) {
      deps.log.error({ err: error }, 'search reindex failed; run `npx wenyuan reindex`');
    },
  };
}
