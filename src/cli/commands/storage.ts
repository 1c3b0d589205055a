import { parseArgs } from 'node:util';
import { sweepOrphanBlobs } from '../../features/documents/orphan-sweep.ts';
import type { Command } from '../command.ts';

/** `wenyuan storage sweep`: the full orphan sweep of the blob store (local or S3), with a JSON summary on stdout. */
export const storage: Command = {
  usage:
    'storage sweep [--dry-run]\n' +
    '    lists every blob in the store and removes those no row references that were neither written nor touched\n' +
    '    within BLOB_GC_GRACE_DAYS (uploads in flight are fresh and stay); prints a JSON summary. --dry-run removes\n' +
    '    nothing',
  async run(args, open) {
    const { positionals, values } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean', default: false } },
    });
    if (positionals.length !== 1 || positionals[0] !== 'sweep') return 2;
    const { deps, close } = await open();
    try {
      console.log(JSON.stringify(await sweepOrphanBlobs(deps, { dryRun: values['dry-run'] })));
      return 0;
    } finally {
      await close();
    }
  },
};
