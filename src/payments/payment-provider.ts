/** A page-pay order to send the buyer to the provider with. Amounts are integer 分. */
export interface PagePayOrder {
  readonly outTradeNo: string;
  readonly amountFen: number;
  readonly subject: string;
  readonly notifyUrl: string;
  readonly returnUrl: string;
}

/** What a verified asynchronous notify says about an order. */
export interface VerifiedNotify {
  readonly outTradeNo: string;
  readonly tradeNo: string;
  readonly amountFen: number;
  readonly state: 'paid' | 'closed' | 'pending';
}

/** The result of checking a notify: verified, or rejected with a reason for the log. */
export type NotifyCheck =
  | { readonly ok: true; readonly notify: VerifiedNotify }
  | { readonly ok: false; readonly reason: string; readonly outTradeNo: string | undefined };

/** The payment port: creates page-pay orders and verifies the provider's signed notifies. */
export interface PaymentProvider {
  readonly name: string;
  /** The URL to redirect the buyer's browser to (signed request to the provider's gateway). */
  createPagePayUrl(order: PagePayOrder): string;
  /** Checks signature, app id and fields of an asynchronous notify. Never throws for bad input. */
  verifyNotify(params: Record<string, string>): NotifyCheck;
  /** The body the provider expects when a notify was handled (it retries otherwise). */
  readonly ackBody: string;
}

/** Parses a decimal yuan amount ("12.34") into integer 分 without floating point; undefined when malformed. */
export function yuanToFen(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(raw.trim());
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Formats integer 分 as a yuan string with two decimals ("12.30"). */
export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}
