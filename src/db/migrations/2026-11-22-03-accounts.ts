/**
 * Accounts: passwords, email verification, sessions, sign-in attempts (for rate limiting), two-factor
 * recovery codes and API tokens. National tables (no tenant): a person's account is theirs, not an
 * authority's. Secrets are stored only as hashes (SHA-256 of high-entropy tokens; Argon2id for
 * passwords); the TOTP secret, which must be read back, is stored encrypted (AES-256-GCM) with the
 * server's key. Frozen in time: never import application code into a migration.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table users add column password_hash text`.execute(db);
  await sql`alter table users add column email_verified_at timestamptz`.execute(db);
  await sql`
    alter table users add column status text not null default 'active'
      check (status in ('active', 'disabled'))`.execute(db);
  // AES-256-GCM ciphertext of the base32 secret; set while setting up, confirmed by totp_enabled_at.
  await sql`alter table users add column totp_secret text`.execute(db);
  await sql`alter table users add column totp_enabled_at timestamptz`.execute(db);
  // The 30-second step of the last code accepted: a code is never accepted twice.
  await sql`alter table users add column totp_last_step integer`.execute(db);

  await sql`
    create table sessions (
      id text primary key,
      user_id uuid not null references users (id) on delete cascade,
      created_at timestamptz not null,
      last_seen_at timestamptz not null,
      idle_expires_at timestamptz not null,
      absolute_expires_at timestamptz not null,
      two_factor boolean not null default false,
      user_agent text,
      flash text
    )`.execute(db);
  await sql`create index sessions_user on sessions (user_id)`.execute(db);
  await sql`create index sessions_absolute_expiry on sessions (absolute_expires_at)`.execute(db);

  await sql`
    create table email_tokens (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      purpose text not null check (purpose in ('verify-email', 'reset-password')),
      token_hash text not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      sent_at timestamptz
    )`.execute(db);
  await sql`create index email_tokens_user on email_tokens (user_id, purpose)`.execute(db);

  await sql`
    create table sign_in_attempts (
      id uuid primary key,
      kind text not null check (kind in ('sign-in', 'two-factor', 'verify-email', 'reset-password')),
      account_key text,
      address_key text,
      outcome text not null check (outcome in ('succeeded', 'failed', 'refused', 'sent')),
      occurred_at timestamptz not null
    )`.execute(db);
  await sql`create index sign_in_attempts_account on sign_in_attempts (kind, account_key, occurred_at)`.execute(
    db,
  );
  await sql`create index sign_in_attempts_address on sign_in_attempts (kind, address_key, occurred_at)`.execute(
    db,
  );
  await sql`create index sign_in_attempts_time on sign_in_attempts (occurred_at)`.execute(db);

  await sql`
    create table recovery_codes (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      code_hash text not null,
      created_at timestamptz not null,
      used_at timestamptz,
      unique (user_id, code_hash)
    )`.execute(db);

  await sql`
    create table api_tokens (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      name text not null,
      token_hash text not null unique,
      scopes text[] not null,
      created_at timestamptz not null,
      last_used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  await sql`create index api_tokens_user on api_tokens (user_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists api_tokens`.execute(db);
  await sql`drop table if exists recovery_codes`.execute(db);
  await sql`drop table if exists sign_in_attempts`.execute(db);
  await sql`drop table if exists email_tokens`.execute(db);
  await sql`drop table if exists sessions`.execute(db);
  for (const column of [
    "totp_last_step",
    "totp_enabled_at",
    "totp_secret",
    "status",
    "email_verified_at",
    "password_hash",
  ]) {
    await sql`alter table users drop column if exists ${sql.ref(column)}`.execute(db);
  }
}
