// The settle loop (decision 0017): worker processes fold the hot accounts' unsettled credits into their balances
// every SETTLE_EVERY_MS. Nothing depends on it for exactness — reads add unsettled rows and debits settle first —
// it only keeps the unsettled table short. Any number of processes may run it at once (see `settleAccount`).
import type { Deps } from '../../deps.ts';
import type { Logger } from '../../log.ts';
import { inTransaction } from './ledger.ts';
import { accountsToSettle, settleAccount } from './unsettled.ts';

/** How often a worker settles: well inside the second within which an uploader expects to see a sale. */
export const SETTLE_EVERY_MS = 200;

/** Settles up to `maxAccounts` accounts, one short transaction each; returns how many accounts and how much. */
export async function settlePending(
  deps: Pick<Deps, 'database'>,
  opts: { maxAccounts?: number } = {},
): Promise<{ accounts: number; amount: number }> {
  const ids = await accountsToSettle(deps.database.db, opts.maxAccounts ?? 500);
  let amount = 0;
  for (const id of ids) amount += await inTransaction(deps, (trx) => settleAccount(trx, id));
  return { accounts: ids.length, amount };
}

/** A running settle loop; `stop` waits for the pass in progress. */
export interface Settler {
  stop(): Promise<void>;
}

/** Settles every `everyMs` until stopped (a failed pass is logged and the next one tries again). */
export function startSettling(deps: Pick<Deps, 'database'>, log: Logger, everyMs = SETTLE_EVERY_MS): Settler {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const tick = () => {
    pass = settlePending(deps)
      .then(
        () => undefined,
        (err) => log.error({ err }, 'ledger settle failed'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs).unref();
      });
  };
  timer = setTimeout(tick, everyMs).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
