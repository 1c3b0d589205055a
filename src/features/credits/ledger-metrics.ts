import type { Deps } from '../../deps.ts';
import type { ScrapeGauge } from '../../metrics/metrics.ts';
import { balancesByKind } from './unsettled.ts';

/**
 * Ledger totals for /metrics: the summed balance of every account kind (wallets, earnings, held rewards, platform,
 * system). The kinds sum to zero in a healthy ledger, so a dashboard can alert on the sum as `ledger verify` would.
 * Two grouped scans per scrape: the accounts table and the (short) unsettled credits, not the entries.
 */
export function ledgerTotalsGauge(deps: Pick<Deps, 'database'>): ScrapeGauge {
  return {
    name: 'wenyuan_ledger_balance_total',
    help: 'Sum of ledger account balances by account kind (credits)',
    labelNames: ['kind'],
    async collect() {
      // Unsettled credits included (decision 0017): stored balances alone do not sum to zero while sales settle.
      const rows = await balancesByKind(deps.database.db);
      return rows.map((r) => ({ labels: { kind: r.kind }, value: r.total }));
    },
  };
}
