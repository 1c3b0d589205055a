import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { ScrapeGauge } from '../../metrics/metrics.ts';

/**
 * Ledger totals for /metrics: the summed balance of every account kind (wallets, earnings, held rewards, platform,
 * system). The kinds sum to zero in a healthy ledger, so a dashboard can alert on the sum as `ledger verify` would.
 * One grouped scan of the accounts table per scrape (one row per user and kind, not per entry).
 */
export function ledgerTotalsGauge(deps: Pick<Deps, 'database'>): ScrapeGauge {
  return {
    name: 'wenyuan_ledger_balance_total',
    help: 'Sum of ledger account balances by account kind (credits)',
    labelNames: ['kind'],
    async collect() {
      const rows = await deps.database.db
        .selectFrom('ledger_accounts')
        .select(['kind', sql<number>`coalesce(sum(balance), 0)`.as('total')])
        .groupBy('kind')
        .execute();
      return rows.map((r) => ({ labels: { kind: r.kind }, value: Number(r.total) }));
    },
  };
}
