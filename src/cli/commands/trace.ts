import { parseArgs } from 'node:util';
import { probeDocuments } from '../../features/watermark/probe.ts';
import { traceFile } from '../../features/watermark/trace.ts';
import { describeTrace } from '../../features/watermark/views/trace-page.tsx';
import type { Command } from '../command.ts';

/** `wenyuan trace <file>`: the purchase a leaked file was marked for (decision 0019). */
export const trace: Command = {
  usage:
    'trace <file> [--json] | trace --probe [--all]\n' +
    '    finds the per-buyer download mark in a docx, a PDF or text copied out of one and names the purchase\n' +
    '    (masked buyer, document, date) when its signature holds; exit 0 marked, 1 no mark, 3 forged mark.\n' +
    '    --probe: records for each paid docx and PDF not checked yet (--all: every one) whether it can carry the mark',
  async run(args, open) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, probe: { type: 'boolean' }, all: { type: 'boolean' } },
    });
    if (values.probe) {
      if (positionals.length) return 2;
      const { deps, close } = await open();
      try {
        const r = await probeDocuments(deps, { all: values.all });
        if (values.json) console.log(JSON.stringify(r));
        else {
          console.log(`checked ${r.checked}; cannot carry the mark: ${r.unmarkable.length}`);
          for (const u of r.unmarkable) console.log(`  #${u.id} ${u.state}`);
        }
        return 0;
      } finally {
        await close();
      }
    }
    if (positionals.length !== 1) return 2;
    const { deps, close } = await open();
    try {
      const result = await traceFile(deps, positionals[0]!);
      if (values.json) console.log(JSON.stringify(result));
      else for (const line of describeTrace(result)) console.log(line);
      return result.status === 'marked' ? 0 : result.status === 'unmarked' ? 1 : 3;
    } finally {
      await close();
    }
  },
};
