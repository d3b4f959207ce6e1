/**
 * Foundation: authorities, organisations, users, the audit chains, the job queue, the inbox and the
 * record of applied seeds. Frozen in time: never import application code into a migration.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Authorities are the tenants. A reference table (replicated to every node on Citus).
  await sql`
    create table authorities (
      id uuid primary key,
      slug text not null unique,
      name text not null,
      welsh_name text,
      kind text not null check (kind in ('county', 'district', 'unitary', 'metropolitan', 'london-borough',
        'combined', 'nhs-body', 'department', 'devolved', 'police', 'fire', 'parish')),
      nation text not null check (nation in ('england-and-wales', 'scotland', 'northern-ireland')),
      org_id text unique,
      website text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);

  // The national directory of organisations of every sector. A reference table.
  await sql`
    create table organisations (
      id uuid primary key,
      name text not null,
      sector text not null check (sector in ('public-body', 'public-service-mutual', 'charity', 'social-enterprise',
        'co-operative', 'voluntary-community', 'parish-council', 'sme', 'large-company', 'professional-partnership')),
      size_band text not null check (size_band in ('micro', 'small', 'medium', 'large')),
      staff_headcount integer check (staff_headcount >= 0),
      primary_identifier text unique,
      postcode text,
      description text not null default '',
      website text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);

  await sql`
    create table users (
      id uuid primary key,
      email text not null,
      display_name text not null,
      locale text not null default 'en' check (locale in ('en', 'cy')),
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create unique index users_email_lower on users (lower(email))`.execute(db);

  // Audit chains: one per authority and one for the platform (the nil UUID).
  await sql`
    create table audit_chains (
      authority_id uuid primary key,
      last_seq bigint not null default 0,
      last_hash text not null
    )`.execute(db);
  await sql`
    create table audit_events (
      authority_id uuid not null,
      seq bigint not null,
      occurred_at timestamptz not null,
      actor_type text not null,
      actor_id text,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      changes jsonb not null,
      request_id text,
      prev_hash text not null,
      hash text not null,
      primary key (authority_id, seq)
    )`.execute(db);
  await sql`create index audit_events_entity on audit_events (authority_id, entity_type, entity_id)`.execute(
    db,
  );
  await sql`
    create function audit_events_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit events are append-only: % is refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_events_append_only before update or delete on audit_events
    for each row execute function audit_events_refuse_change()`.execute(db);
  await sql`
    create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_events_refuse_change()`.execute(db);

  // The durable queue (a transactional outbox): work enqueued in the same transaction as the change.
  await sql`
    create table jobs (
      id uuid primary key,
      queue text not null,
      payload jsonb not null,
      status text not null check (status in ('pending', 'running', 'done', 'failed')),
      run_at timestamptz not null,
      attempts integer not null default 0,
      max_attempts integer not null,
      locked_until timestamptz,
      last_error text,
      dedupe_key text unique,
      authority_id uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      finished_at timestamptz
    )`.execute(db);
  await sql`create index jobs_due on jobs (run_at) where status in ('pending', 'running')`.execute(db);
  await sql`create index jobs_failed on jobs (updated_at) where status = 'failed'`.execute(db);

  // Each user's inbox.
  await sql`
    create table notifications (
      id uuid primary key,
      user_id uuid not null references users (id) on delete cascade,
      authority_id uuid,
      kind text not null,
      subject text not null,
      body text not null,
      link text,
      email_status text not null check (email_status in ('not-sent', 'queued', 'sent', 'failed')),
      created_at timestamptz not null,
      read_at timestamptz
    )`.execute(db);
  await sql`create index notifications_inbox on notifications (user_id, created_at desc)`.execute(db);

  await sql`
    create table seed_runs (
      name text primary key,
      applied_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "seed_runs",
    "notifications",
    "jobs",
    "audit_events",
    "audit_chains",
    "users",
    "organisations",
    "authorities",
  ]) {
    await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
  await sql`drop function if exists audit_events_refuse_change`.execute(db);
}
