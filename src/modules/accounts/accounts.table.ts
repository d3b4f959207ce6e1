import type { ColumnType, Insertable, Selectable } from "kysely";

/**
 * A signed-in browser. The cookie holds a random token; `id` is its SHA-256 (hex), so the table
 * never holds a usable cookie.
 */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  /** Signed out after 30 minutes without a request… */
  idle_expires_at: Date;
  /** …and 12 hours after signing in, whatever happens. */
  absolute_expires_at: Date;
  /** A second factor (TOTP or a recovery code) was passed in this session. */
  two_factor: ColumnType<boolean, boolean | undefined, boolean>;
  /** "Firefox on Windows": a summary, never the whole header. */
  user_agent: string | null;
  /** A message for the next page (a notice, recovery codes, a new API token), encrypted; read once. */
  flash: ColumnType<string | null, string | null | undefined, string | null>;
}

export type EmailTokenPurpose = "verify-email" | "reset-password";

/**
 * A link sent by email. Only the SHA-256 of the token is stored; the token itself is derived from
 * the row's id with the server's key when the email is written (see accounts.emails.ts).
 */
export interface EmailTokensTable {
  id: string;
  user_id: string;
  purpose: EmailTokenPurpose;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  sent_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type AttemptKind = "sign-in" | "two-factor" | "verify-email" | "reset-password" | "complaint-email";
export type AttemptOutcome = "succeeded" | "failed" | "refused" | "sent";

/**
 * Sign-in attempts, second-factor attempts and emails sent, counted for rate limiting. Keys are
 * HMACs (with the server's key) of the lower-cased email address or user id, and of the client's
 * IP address: neither is stored as it is.
 */
export interface SignInAttemptsTable {
  id: string;
  kind: AttemptKind;
  account_key: string | null;
  address_key: string | null;
  outcome: AttemptOutcome;
  occurred_at: Date;
}

/** Single-use codes for signing in when the authenticator is lost; SHA-256 of each code only. */
export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: Date;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** A Bearer token a person made for the API; SHA-256 of the token only, shown once when made. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string[];
  created_at: Date;
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  expires_at: Date | null;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export type Session = Selectable<SessionsTable>;
export type NewSession = Insertable<SessionsTable>;
export type EmailToken = Selectable<EmailTokensTable>;
export type NewEmailToken = Insertable<EmailTokensTable>;
export type SignInAttempt = Selectable<SignInAttemptsTable>;
export type NewSignInAttempt = Insertable<SignInAttemptsTable>;
export type RecoveryCode = Selectable<RecoveryCodesTable>;
export type NewRecoveryCode = Insertable<RecoveryCodesTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type NewApiToken = Insertable<ApiTokensTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    sessions: SessionsTable;
    email_tokens: EmailTokensTable;
    sign_in_attempts: SignInAttemptsTable;
    recovery_codes: RecoveryCodesTable;
    api_tokens: ApiTokensTable;
  }
}
