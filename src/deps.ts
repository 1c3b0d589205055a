import type { Config } from './config.ts';
import type { Converter } from './convert/converter.ts';
import type { OcrEngine } from './convert/ocr.ts';
import type { PiiCipher } from './crypto/pii-cipher.ts';
import type { Database } from './db/database.ts';
import type { JobQueue } from './jobs/job-queue.ts';
import type { Logger } from './log.ts';
import type { Mailer } from './mail/mailer.ts';
import type { Metrics } from './metrics/metrics.ts';
import type { PaymentProvider } from './payments/payment-provider.ts';
import type { SearchIndex } from './search/search-index.ts';
import type { SharedState } from './shared-state/shared-state.ts';
import type { SmsSender } from './sms/sms-sender.ts';
import type { BlobStore } from './storage/blob-store.ts';

/** Everything a service may use, built once in main.ts (or a test) and passed down. No singletons. */
export interface Deps {
  readonly config: Config;
  readonly log: Logger;
  readonly database: Database;
  readonly blobs: BlobStore;
  readonly queue: JobQueue;
  readonly converter: Converter;
  /** Text from page images for files whose own text is unreadable (convert/ocr.ts); absent: no OCR configured. */
  readonly ocr?: OcrEngine | undefined;
  /** The top-up provider; undefined when none is configured. */
  readonly payments: PaymentProvider | undefined;
  /** HMAC key for signed download URLs (configured, or generated once and kept under DATA_DIR). */
  readonly downloadUrlSecret: string;
  /** Full-text search (SQLite FTS5 or PostgreSQL tsvector, chosen by dialect in compose.ts). */
  readonly search: SearchIndex;
  /** Seals personal information at rest (identity numbers, legal names, card photos); keys from config or DATA_DIR. */
  readonly pii: PiiCipher;
  /** Outgoing mail: SMTP when SMTP_URL is set, else the null mailer (`configured` false). */
  readonly mailer: Mailer;
  /** SMS codes: console (the log) by default, Aliyun, or none (`configured` false). */
  readonly sms: SmsSender;
  /** This process's Prometheus metrics (served at /metrics when METRICS_PORT or METRICS_TOKEN is set). */
  readonly metrics: Metrics;
  /** Cache generations and the rate limiter's store, agreed on by every process of the site (decision 0018). */
  readonly shared: SharedState;
}
