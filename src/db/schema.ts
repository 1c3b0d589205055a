import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { DocFormat } from '../convert/types.ts';

/** Timestamps are integer milliseconds since the epoch on both dialects; booleans are 0/1 integers. */
type Millis = number;

export interface UsersTable {
  id: Generated<number>;
  email: string | null;
  phone: string | null;
  password_hash: string;
  display_name: string;
  bio: string;
  avatar_key: string | null;
  role: UserRole;
  real_name_verified: number;
  is_provider: number;
  /** Bumped whenever anything shown on a cached page about this user changes (name, bio, badges, followers). */
  rev: number;
  follower_count: number;
  created_at: Millis;
  updated_at: Millis;
  /** End of the live ban (a far-future value for a permanent one); null or past when not banned. */
  banned_until: Millis | null;
  /** End of the live mute (no upload, comment or report); null or past when not muted. */
  muted_until: Millis | null;
  /** When the account proved control of its email or phone; null until then (no selling, no payouts). */
  contact_verified_at: Millis | null;
  /** How many uploaders this user follows (public, beside follower_count). */
  following_count: Generated<number>;
  /** 1: the user's following and follower lists are shown to them and staff only. */
  follows_hidden: Generated<number>;
  /** Last nickname change (changes are rate-limited); null before the first. */
  name_changed_at: Millis | null;
}

/** What an account token proves: the contact (verify), a password reset, or a registration to confirm. */
export type AccountTokenPurpose = 'verify' | 'reset' | 'register';

/** A link token or SMS code, kept only as a keyed hash (decision 0015). */
export interface AccountTokensTable {
  id: Generated<number>;
  /** Null for a registration still to be confirmed and for decoy rows of unknown identifiers. */
  user_id: number | null;
  purpose: AccountTokenPurpose;
  channel: 'email' | 'sms';
  /** The normalised email or phone it was sent to (rate limits count by it). */
  identifier: string;
  token_hash: string;
  expires_at: Millis;
  used_at: Millis | null;
  attempts: number;
  created_at: Millis;
  ip: string;
  pending_name: string | null;
  pending_password_hash: string | null;
}

/** Who a user is to the site: a reader/uploader, a moderator (reports, reviews, notices) or an administrator. */
export type UserRole = 'user' | 'moderator' | 'admin';

export interface SessionsTable {
  /** sha256 of the cookie token: a leaked database does not leak live sessions. */
  id: string;
  user_id: number;
  created_at: Millis;
  expires_at: Millis;
  last_seen_at: Millis;
  ip: string;
  user_agent: string;
}

export interface CategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  sort_order: number;
  created_at: Millis;
}

export type DocumentStatus = 'uploaded' | 'converting' | 'review' | 'published' | 'rejected' | 'taken_down' | 'deleted';
export type PreviewMode = 'pages' | 'percent';

export interface DocumentsTable {
  id: Generated<number>;
  owner_id: number;
  category_id: number;
  title: string;
  /** 1 when the uploader left the title blank: conversion may replace it with the title stated in the file. */
  title_auto: number;
  description: string;
  format: DocFormat;
  original_name: string;
  blob_key: string;
  size_bytes: number;
  price: number;
  status: DocumentStatus;
  /** Catalog key of the rejection reason, plus JSON params; shown to the uploader in zh-CN. */
  reject_code: string | null;
  reject_params: string | null;
  page_count: number | null;
  char_count: number | null;
  /** Per-document preview override; null falls back to the site setting. */
  preview_mode: PreviewMode | null;
  preview_value: number | null;
  download_count: number;
  /** Average rating (0 until rated) and how many ratings it averages; read by the 评分最高 sort. */
  rating_avg: Generated<number>;
  rating_count: Generated<number>;
  /** Sum of the stars (the average is exactly sum / count) and the Bayesian score the 评分最高 sort orders by. */
  rating_sum: Generated<number>;
  rating_score: Generated<number>;
  /** How many readers keep it in a favorites folder. */
  favorite_count: Generated<number>;
  rev: number;
  created_at: Millis;
  updated_at: Millis;
  /** One timestamp per pipeline stage, so "redo stage X where missing" is one query. */
  extracted_at: Millis | null;
  published_at: Millis | null;
  deleted_at: Millis | null;
  /** Images of the free pages, JSON [{n, w, h, key}] (blob keys in 'page/'); null before the stage ran. */
  page_images: string | null;
  /** When page images were last rendered (also set when there was nothing to render). */
  pages_rendered_at: Millis | null;
  /** The PDF LibreOffice made of an office-format original ('pdf/…'), reused by later stages. */
  pdf_key: string | null;
  /** What the text-quality gate repaired, JSON {"repairs":[…],"ocr"?:true}; null when published as extracted. */
  text_quality: string | null;
  /** What the reader should know about the source, JSON array of flags ("signed": an OFD with 电子签章); or null. */
  source_flags: string | null;
  /** Per-buyer mark: 'ok', or why the file cannot carry one (tooLarge, encrypted, unreadable); null: not checked */
  mark_state: string | null;
  /** MinHash signature of the text (JSON array of 60 numbers), for near-duplicate checks. */
  minhash: string | null;
  /** Held for review as a near duplicate of this earlier document, with this similarity in percent. */
  dup_of: number | null;
  dup_score: number | null;
  /** The operator who approved or rejected a document held for review, and when. */
  reviewed_by: number | null;
  reviewed_at: Millis | null;
  /** The takedown (see features/documents/takedown.ts): when, why (a TakedownCode), what caused it, the note. */
  taken_down_at: Millis | null;
  takedown_code: string | null;
  /** What caused it: `report:<id>`, `notice:<id>`, `user:<id>` (a banned uploader), or null (a moderator). */
  takedown_ref: string | null;
  takedown_note: string | null;
  /** The status it was taken down from (`published` or `review`): where a restore sends it back. */
  takedown_from: DocumentStatus | null;
  /** Who earns from sales from now on, after an approved 认领 (copyright claim); null = the uploader. */
  earnings_user_id: number | null;
  /**
   * The PII screen (decision 0012): null when nothing was found; `held` until a moderator decides; `cleared`
   * (published as is), `masked` (published with the numbers masked; original withheld) or `rejected`.
   */
  pii_state: PiiState | null;
}

/** Where a document stands with the PII screen (see DocumentsTable.pii_state). */
export type PiiState = 'held' | 'cleared' | 'masked' | 'rejected';

/** One number the PII screen found in a document: kind, field, UTF-16 offsets and the masked form (never the number). */
export interface DocumentPiiTable {
  document_id: number;
  seq: number;
  kind: 'idNumber' | 'mobile' | 'bankCard';
  field: 'body' | 'title' | 'description';
  start_offset: number;
  end_offset: number;
  masked: string;
}

/** LSH bands of documents' MinHash signatures: (band, hash) → documents sharing it. */
export interface DocumentBandsTable {
  band: number;
  hash: number;
  document_id: number;
}

export interface DocumentTextsTable {
  document_id: number;
  body: string;
  /** JSON array of UTF-16 offsets where each page starts. */
  page_starts: string;
  /** JSON array of {offset, level, text}. */
  headings: string;
}

export interface JobsTable {
  id: Generated<number>;
  name: string;
  payload: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: Millis;
  locked_by: string | null;
  locked_until: Millis | null;
  last_error: string | null;
  dedupe_key: string | null;
  /** Lower runs first among ready jobs (decision 0028): conversions 0, page images 10. */
  priority: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
}

export interface ReportsTable {
  id: Generated<number>;
  document_id: number;
  reporter_id: number;
  reason: string;
  detail: string;
  /** One open report per (reporter, document) — a partial unique index. */
  status: ReportStatus;
  created_at: Millis;
  /** How it was closed (see features/reports/decisions.ts), the moderator's reason, who and when. */
  decision: string | null;
  decision_reason: string | null;
  resolved_by: number | null;
  resolved_at: Millis | null;
  /** The reported comment (of `document_id`), or null for a report on the document itself. */
  comment_id: number | null;
}

export type ReportStatus = 'open' | 'dismissed' | 'actioned';

export interface FollowsTable {
  follower_id: number;
  followee_id: number;
  created_at: Millis;
}

/** The notification of a published document to its uploader's followers, done in batches behind a cursor. */
export interface FollowFanoutsTable {
  document_id: number;
  owner_id: number;
  /** The last follower id notified (followers are visited in id order). */
  cursor: number;
  sent: number;
  created_at: Millis;
  done_at: Millis | null;
}

/** An avatar blob a user replaced; the collector removes it once no user holds it and the grace period is over. */
export interface AvatarReleasesTable {
  key: string;
  released_at: Millis;
}

/** A collector deleting a blob from the S3 store right now (decision 0016); stale after the lease. */
export interface BlobClaimsTable {
  key: string;
  claim: string;
  claimed_at: Millis;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Millis;
}

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

export interface DownloadsTable {
  id: Generated<number>;
  user_id: number;
  document_id: number;
  ip: string;
  created_at: Millis;
}

/** The free part of a published document, as indexed: the only text a search snippet may quote. */
export interface SearchExcerptsTable {
  document_id: number;
  excerpt: string;
}

/** Queries that found documents by title or summary, counted, for suggestions and 相关搜索. */
export interface SearchQueriesTable {
  query: string;
  hits: number;
  last_at: Millis;
}

/** Login back-off per account or address (consecutive failures and the end of the current block). */
export interface AuthThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Millis;
  blocked_until: Millis;
}

/** 站内信: one message to one user. `kind` names a catalog entry `notify.<kind>`; `params` fills it (JSON). */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind: string;
  params: string;
  link: string | null;
  created_at: Millis;
  read_at: Millis | null;
}

/** One staff action. Append-only (the database refuses UPDATE and DELETE). */
export interface AuditLogTable {
  id: Generated<number>;
  actor_id: number | null;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: number | null;
  /** JSON of the relevant fields before and after the action (never secrets or unmasked identity numbers). */
  before: string | null;
  after: string | null;
  reason: string;
  ip: string;
  created_at: Millis;
}

/** A ban or a mute, timed (`ends_at`) or permanent (null), until revoked. */
export interface PunishmentsTable {
  id: Generated<number>;
  user_id: number;
  kind: 'ban' | 'mute';
  reason: string;
  starts_at: Millis;
  ends_at: Millis | null;
  created_by: number;
  revoked_at: Millis | null;
  revoked_by: number | null;
}

/** A copyright filing (decision 0013): a notice (take documents down) or a 认领 claim (the work's earnings). */
export interface CopyrightNoticesTable {
  id: Generated<number>;
  kind: 'notice' | 'claim';
  filer_id: number;
  /** notice: submitted → processed | rejected | withdrawn; claim: submitted → approved | rejected | withdrawn. */
  status: 'submitted' | 'processed' | 'approved' | 'rejected' | 'withdrawn';
  holder_kind: 'person' | 'organisation';
  holder_name: string;
  id_type: 'id_card' | 'passport' | 'uscc' | 'other';
  /** A person's identity number is kept masked (the proof files carry the document); a 统一社会信用代码 in full. */
  id_number: string;
  phone: string;
  email: string;
  address: string;
  work_title: string;
  work_author: string;
  work_published: string;
  proof_text: string;
  sworn_at: Millis;
  decided_by: number | null;
  decided_at: Millis | null;
  decision_reason: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A document named by a copyright filing, and where it stands in that filing's flow. */
export interface CopyrightNoticeDocumentsTable {
  notice_id: number;
  document_id: number;
  /** The uploader when the filing was made (the party the notice is forwarded to). */
  uploader_id: number;
  title: string;
  status: 'named' | 'taken_down' | 'countered' | 'restored' | 'kept_down' | 'not_public';
  updated_at: Millis;
}

/** The uploader's counter-notice for one document of one notice. */
export interface CopyrightCounterNoticesTable {
  id: Generated<number>;
  notice_id: number;
  document_id: number;
  user_id: number;
  name: string;
  contact: string;
  address: string;
  statement: string;
  evidence_text: string;
  sworn_at: Millis;
  created_at: Millis;
}

/** A proof or evidence file (blob `proof/<sha256>`), shown and served to staff only. */
export interface CopyrightFilesTable {
  id: Generated<number>;
  notice_id: number;
  counter_notice_id: number | null;
  blob_key: string;
  filename: string;
  mime: string;
  size_bytes: number;
  uploaded_by: number;
  created_at: Millis;
}

/** One dated step of a copyright filing's timeline (`kind` names a catalog entry `copyright.event.<kind>`). */
export interface CopyrightEventsTable {
  id: Generated<number>;
  notice_id: number;
  document_id: number | null;
  kind: string;
  actor_id: number | null;
  reason: string;
  created_at: Millis;
}

/** Where a real-name verification stands. */
export type VerificationStatus = 'pending' | 'approved' | 'rejected' | 'revoked';

/** One real-name submission. Name and number are sealed (`v1.<kid>.…`); the fingerprint is a keyed HMAC. */
export interface VerificationsTable {
  id: Generated<number>;
  user_id: number;
  legal_name_sealed: string;
  id_number_sealed: string;
  id_number_fingerprint: string;
  status: VerificationStatus;
  /** Why it was rejected or revoked (shown to the applicant); empty otherwise. */
  reason: string;
  submitted_at: Millis;
  reviewed_by: number | null;
  reviewed_at: Millis | null;
  revoked_by: number | null;
  revoked_at: Millis | null;
}

/** The optional photo of the card, sealed as bytes. */
export interface VerificationPhotosTable {
  verification_id: number;
  sealed: Buffer;
}

/** A user's favorites folder; the default one (默认收藏夹) has `is_default = 1` and the empty name. */
export interface FavoriteFoldersTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  is_default: number;
  created_at: Millis;
  updated_at: Millis;
}

/** One saved document of one user, in one of their folders. */
export interface FavoritesTable {
  user_id: number;
  document_id: number;
  folder_id: number;
  created_at: Millis;
}

/** One reader's 1–5 rating of one document (editable; removed by deleting the row). */
export interface RatingsTable {
  document_id: number;
  user_id: number;
  stars: number;
  created_at: Millis;
  updated_at: Millis;
}

/** A comment on a document: a thread (`parent_id` null) or a reply in one, soft-deleted and hideable. */
export interface CommentsTable {
  id: Generated<number>;
  document_id: number;
  user_id: number;
  /** The top-level comment of the thread; null for a thread itself. */
  parent_id: number | null;
  /** The comment answered (the thread or a reply in it) and its author, for the @name and the notification. */
  reply_to_id: number | null;
  reply_to_user_id: number | null;
  body: string;
  created_at: Millis;
  /** Deleted by its author: a thread with replies keeps a placeholder. */
  deleted_at: Millis | null;
  /** Hidden by a moderator: others see a placeholder, staff the text. */
  hidden_at: Millis | null;
  hidden_by: number | null;
}

/** A user's conversation with the operators (客服). */
export interface SupportConversationsTable {
  id: Generated<number>;
  user_id: number;
  subject: string;
  status: 'open' | 'closed';
  /** Whose turn it is: `staff` (待回复) or `user` (已回复). */
  awaiting: 'staff' | 'user';
  /** Messages the other side has not opened yet. */
  staff_unread: number;
  user_unread: number;
  created_at: Millis;
  /** The last message (or close/reopen). */
  updated_at: Millis;
  closed_at: Millis | null;
  closed_by: number | null;
}

/** One message of a 客服 conversation, with an optional re-encoded screenshot (blob `support/<sha256>`, WebP). */
export interface SupportMessagesTable {
  id: Generated<number>;
  conversation_id: number;
  author_id: number;
  from_staff: number;
  body: string;
  image_key: string | null;
  image_width: number | null;
  image_height: number | null;
  created_at: Millis;
}

/** A personal API token (issue #14): only a keyed hash of the secret is stored. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  /** HMAC of the whole token under the PII lookup key; the secret itself is shown once and never stored. */
  token_hash: string;
  /** `wy_` and the first characters of the secret, to tell tokens apart in the list. */
  token_prefix: string;
  /** Space-separated scopes: `read`, `upload`. */
  scopes: string;
  created_at: Millis;
  expires_at: Millis | null;
  /** Updated at most once a minute. */
  last_used_at: Millis | null;
  revoked_at: Millis | null;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  categories: CategoriesTable;
  documents: DocumentsTable;
  document_texts: DocumentTextsTable;
  document_bands: DocumentBandsTable;
  jobs: JobsTable;
  reports: ReportsTable;
  follows: FollowsTable;
  follow_fanouts: FollowFanoutsTable;
  avatar_releases: AvatarReleasesTable;
  settings: SettingsTable;
  blob_claims: BlobClaimsTable;
  ledger_accounts: LedgerAccountsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_unsettled: LedgerUnsettledTable;
  purchases: PurchasesTable;
  terms_acceptances: TermsAcceptancesTable;
  topup_orders: TopupOrdersTable;
  payment_notifications: PaymentNotificationsTable;
  payouts: PayoutsTable;
  downloads: DownloadsTable;
  search_excerpts: SearchExcerptsTable;
  search_queries: SearchQueriesTable;
  auth_throttle: AuthThrottleTable;
  notifications: NotificationsTable;
  audit_log: AuditLogTable;
  punishments: PunishmentsTable;
  verifications: VerificationsTable;
  verification_photos: VerificationPhotosTable;
  copyright_notices: CopyrightNoticesTable;
  copyright_notice_documents: CopyrightNoticeDocumentsTable;
  copyright_counter_notices: CopyrightCounterNoticesTable;
  copyright_files: CopyrightFilesTable;
  copyright_events: CopyrightEventsTable;
  document_pii: DocumentPiiTable;
  favorite_folders: FavoriteFoldersTable;
  favorites: FavoritesTable;
  ratings: RatingsTable;
  comments: CommentsTable;
  support_conversations: SupportConversationsTable;
  support_messages: SupportMessagesTable;
  api_tokens: ApiTokensTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Document = Selectable<DocumentsTable>;
export type NewDocument = Insertable<DocumentsTable>;
export type DocumentUpdate = Updateable<DocumentsTable>;
export type Category = Selectable<CategoriesTable>;
export type Job = Selectable<JobsTable>;
