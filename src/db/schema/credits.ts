// Credits: the ledger, purchases, terms acceptances, top-ups, payment notifications and payouts. Part of the database schema (src/db/schema.ts joins the parts).
import type { Generated } from 'kysely';
import type { Millis } from './millis.ts';

/** A ledger account; `balance` is kept in step with its entries by guarded updates (see docs/decisions/0004). */
export interface LedgerAccountsTable {
  id: Generated<number>;
  code: string;
  kind: 'wallet' | 'earnings' | 'pending' | 'platform' | 'system';
  user_id: number | null;
  balance: number;
  allow_negative: number;
  created_at: Millis;
}

/** One money movement; its entries sum to zero. Never updated or deleted. */
export interface LedgerTransactionsTable {
  id: Generated<number>;
  idempotency_key: string;
  kind: string;
  user_id: number | null;
  document_id: number | null;
  memo: string;
  created_by: number | null;
  created_at: Millis;
}

export interface LedgerEntriesTable {
  id: Generated<number>;
  transaction_id: number;
  account_id: number;
  /** Signed integer 分: positive credits the account, negative debits it. */
  amount: number;
  created_at: Millis;
}

/**
 * A credit not yet folded into its account's `balance` (decision 0017): purchases append the seller's and the
 * platform's credits here instead of updating those hot rows; the settle step moves them into the balance.
 */
export interface LedgerUnsettledTable {
  id: Generated<number>;
  account_id: number;
  /** The transaction whose (positive) entry this is. */
  transaction_id: number;
  amount: number;
  created_at: Millis;
}

export interface PurchasesTable {
  id: Generated<number>;
  buyer_id: number;
  document_id: number;
  seller_id: number;
  price: number;
  platform_share: number;
  transaction_id: number;
  status: 'active' | 'refunded';
  created_at: Millis;
  refunded_at: Millis | null;
}

export interface TermsAcceptancesTable {
  user_id: number;
  terms_version: string;
  accepted_at: Millis;
}

export interface TopupOrdersTable {
  id: Generated<number>;
  out_trade_no: string;
  user_id: number;
  amount: number;
  provider: string;
  status: 'pending' | 'paid' | 'closed';
  trade_no: string | null;
  created_at: Millis;
  updated_at: Millis;
  paid_at: Millis | null;
}

export interface PaymentNotificationsTable {
  id: Generated<number>;
  provider: string;
  out_trade_no: string | null;
  outcome: 'credited' | 'duplicate' | 'rejected' | 'ignored';
  reason: string;
  payload: string;
  created_at: Millis;
}

export interface PayoutsTable {
  id: Generated<number>;
  user_id: number;
  amount: number;
  status: 'requested' | 'approved' | 'rejected' | 'paid';
  note: string;
  decided_by: number | null;
  created_at: Millis;
  updated_at: Millis;
}
