// Accounts: users, sessions, account tokens, login throttle, API tokens, real-name verification. Part of the database schema (src/db/schema.ts joins the parts).
import type { Generated } from 'kysely';
import type { Millis } from './millis.ts';

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

/** Login back-off per account or address (consecutive failures and the end of the current block). */
export interface AuthThrottleTable {
  key: string;
  failures: number;
  last_failure_at: Millis;
  blocked_until: Millis;
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
