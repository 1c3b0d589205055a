// Staff work: reports, the audit log, punishments and copyright filings. Part of the database schema (src/db/schema.ts joins the parts).
import type { Generated } from 'kysely';
import type { Millis } from './millis.ts';

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
