import { formatLedgerReport, verifyLedger } from '../../features/credits/verify.ts';
import type { Command } from '../command.ts';

/** `wenyuan ledger verify`: checks the credits ledger; exit 1 on any discrepancy. */
export const ledger: Command = {
  usage: 'ledger verify\n    checks that every transaction balances, balances match their entries and none is negative',
  async run(args, open) {
    if (args[0] !== 'verify') return 2;
    const { deps, close } = await open();
    try {
      const report = await verifyLedger(deps);
      console.log(formatLedgerReport(report));
      return report.ok ? 0 : 1;
    } finally {
      await close();
    }
  },
};
