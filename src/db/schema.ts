// The database schema as Kysely sees it: the table types live in schema/, one file per area; this file joins them
// into DB and is what the rest of the code imports.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type {
  AccountTokensTable,
  ApiTokensTable,
  AuthThrottleTable,
  SessionsTable,
  UsersTable,
  VerificationPhotosTable,
  VerificationsTable,
} from './schema/accounts.ts';
import type {
  CommentsTable,
  FavoriteFoldersTable,
  FavoritesTable,
  FollowFanoutsTable,
  FollowsTable,
  NotificationsTable,
  RatingsTable,
  SupportConversationsTable,
  SupportMessagesTable,
} from './schema/community.ts';
import type {
  LedgerAccountsTable,
  LedgerEntriesTable,
  LedgerTransactionsTable,
  LedgerUnsettledTable,
  PaymentNotificationsTable,
  PayoutsTable,
  PurchasesTable,
  TermsAcceptancesTable,
  TopupOrdersTable,
} from './schema/credits.ts';
import type {
  CategoriesTable,
  DocumentBandsTable,
  DocumentPiiTable,
  DocumentsTable,
  DocumentTextsTable,
  DownloadsTable,
  SearchExcerptsTable,
  SearchQueriesTable,
} from './schema/documents.ts';
import type {
  AuditLogTable,
  CopyrightCounterNoticesTable,
  CopyrightEventsTable,
  CopyrightFilesTable,
  CopyrightNoticeDocumentsTable,
  CopyrightNoticesTable,
  PunishmentsTable,
  ReportsTable,
} from './schema/staff.ts';
import type { AvatarReleasesTable, BlobClaimsTable, JobsTable, SettingsTable } from './schema/system.ts';

export type * from './schema/accounts.ts';
export type * from './schema/community.ts';
export type * from './schema/credits.ts';
export type * from './schema/documents.ts';
export type * from './schema/staff.ts';
export type * from './schema/system.ts';

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
