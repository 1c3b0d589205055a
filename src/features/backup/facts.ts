import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { type BlobKey, parseBlobKey } from '../../storage/blob-store.ts';
import { type LedgerReport, verifyLedger } from '../credits/verify.ts';

/** Row counts and sums that a restored site must reproduce exactly, and the copy's ledger verification. */
export interface SiteFacts {
  readonly counts: Record<string, number>;
  /** Sum of every credit ever posted (append-only entries: independent of when hot accounts are settled). */
  readonly creditsPosted: number;
  readonly ledger: Pick<LedgerReport, 'ok' | 'accounts' | 'transactions' | 'entries' | 'total'>;
}

const COUNTED = [
  'users',
  'documents',
  'purchases',
  'downloads',
  'ledger_accounts',
  'ledger_transactions',
  'ledger_entries',
] as const;

/** Counts, balances and `ledger verify` of a database (a scratch copy or a restored site). */
export async function siteFacts(deps: Pick<Deps, 'database'>): Promise<{ facts: SiteFacts; report: LedgerReport }> {
  const { db } = deps.database;
  const counts: Record<string, number> = {};
  for (const table of COUNTED) {
    const r = await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(r.n);
  }
  const posted = await db
    .selectFrom('ledger_entries')
    .select(sql<number>`coalesce(sum(amount), 0)`.as('s'))
    .where('amount', '>', 0)
    .executeTakeFirstOrThrow();
  const report = await verifyLedger(deps);
  const { ok, accounts, transactions, entries, total } = report;
  return {
    facts: { counts, creditsPosted: Number(posted.s), ledger: { ok, accounts, transactions, entries, total } },
    report,
  };
}

/**
 * The blobs a live site cannot do without: every file of a document that is not deleted or rejected, the original of
 * a bought one, and avatars. (Dead documents' blobs may already be collected, and that is fine.)
 */
export async function requiredBlobKeys(deps: Pick<Deps, 'database'>): Promise<Set<BlobKey>> {
  const { db } = deps.database;
  const out = new Set<BlobKey>();
  const add = (k: unknown) => {
    if (typeof k !== 'string') return;
    try {
      out.add(parseBlobKey(k));
    } catch {
      // Not a store key (rows from before key validation): nothing to copy.
    }
  };
  const docs = await db
    .selectFrom('documents')
    .select(['status', 'blob_key', 'pdf_key', 'page_images'])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('purchases')
            .select('purchases.id')
            .whereRef('purchases.document_id', '=', 'documents.id')
            .where('purchases.status', '=', 'active'),
        )
        .as('bought'),
    )
    .execute();
  for (const d of docs) {
    const live = d.status !== 'deleted' && d.status !== 'rejected';
    if (live || Number(d.bought)) add(d.blob_key);
    if (!live) continue;
    add(d.pdf_key);
    try {
      for (const image of JSON.parse(d.page_images ?? '[]') as Array<{ key?: unknown }>) add(image?.key);
    } catch {
      // Unreadable JSON: no images.
    }
  }
  for (const u of await db.selectFrom('users').select('avatar_key').where('avatar_key', 'is not', null).execute())
    add(u.avatar_key);
  return out;
}
