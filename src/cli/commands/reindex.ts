import { parseArgs } from 'node:util';
import { reindexAll } from '../../features/search/service.ts';
import type { Command } from '../command.ts';

/** `wenyuan reindex`: rebuilds the search index from the documents (after a dictionary change, or to repair it). */
export const reindex: Command = {
  usage:
    'reindex [--keep]\n' +
    '    rebuilds the full-text search index from every published document; --keep updates entries in place\n' +
    '    instead of emptying the index first (search keeps answering meanwhile)',
  async run(args, open) {
    const { values } = parseArgs({ args, options: { keep: { type: 'boolean', default: false } } });
    const { deps, close } = await open();
    try {
      const started = Date.now();
      const n = await reindexAll(deps, {
        clear: !values.keep,
        onProgress: (done) => {
          if (done % 10_000 === 0) console.log(`  ${done} documents`);
        },
      });
      console.log(`reindexed ${n} documents in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return 0;
    } finally {
      await close();
    }
  },
};
