import { parseArgs } from 'node:util';
import { collectGarbage } from '../../features/documents/gc.ts';
import type { Command } from '../command.ts';

/** `wenyuan gc`: one maintenance run now (what the worker role does hourly), with a JSON summary on stdout. */
export const gc: Command = {
  usage:
    'gc [--dry-run]\n' +
    '    removes stale temp files and the blobs of documents deleted or rejected more than BLOB_GC_GRACE_DAYS ago\n' +
    '    that no live document or active purchase references; prints a JSON summary. --dry-run removes nothing',
  async run(args, open) {
    const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean', default: false } } });
    const { deps, close } = await open();
    try {
      const summary = await collectGarbage(deps, { dryRun: values['dry-run'] });
      console.log(JSON.stringify(summary));
      return 0;
    } finally {
      await close();
    }
  },
};
