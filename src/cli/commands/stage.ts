import { parseArgs } from 'node:util';
import { rerunStage, STAGES, type Stage } from '../../features/documents/stages.ts';
import type { Command } from '../command.ts';

/** `wenyuan stage`: re-run a pipeline stage for every document missing it. */
export const stage: Command = {
  usage:
    `stage <${STAGES.join('|')}> [--all]\n` +
    '    queues the stage for every document missing it (convert: never extracted, including rejected ones;\n' +
    '    pages: published without page images; dedup: not yet in the near-duplicate index, done inline);\n' +
    '    --all redoes pages/dedup for every published document. A running server (or `import`) runs the jobs.',
  async run(args, open) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { all: { type: 'boolean', default: false } },
    });
    const name = positionals[0] as Stage | undefined;
    if (!name || !STAGES.includes(name)) return 2;
    const { deps, close } = await open();
    try {
      const n = await rerunStage(deps, name, { all: values.all });
      console.log(`${name}: ${n} documents ${name === 'dedup' ? 'indexed' : 'queued'}`);
      return 0;
    } finally {
      await close();
    }
  },
};
