/**
 * Grants (issue 20): programmes of a funder — an authority, or an organisation of the directory —
 * with a budget, dates, eligibility rules as data, matched funding and the kinds of support;
 * organisations' applications, decided by the funder's people (awarded with an amount and
 * conditions, or refused with reasons); and the payments of an award, each written once per
 * idempotency key. `awarded_pence` is the sum of the programme's awards, kept in the transaction of
 * each award under the programme's row lock, and never above the budget. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table grant_programmes (
      id uuid primary key,
      -- The funder: an authority (its tenant) or an organisation of the directory, exactly one.
      authority_id uuid references authorities (id),
      funder_organisation_id uuid references organisations (id),
      title text not null check (length(title) between 1 and 200),
      description text not null check (length(description) <= 5000),
      budget_pence bigint not null check (budget_pence > 0),
      awarded_pence bigint not null default 0 check (awarded_pence >= 0),
      opens_on date not null,
      closes_on date not null,
      eligibility jsonb not null default '[]',
      matched_funding_bp integer not null check (matched_funding_bp between 0 and 10000),
      support_kinds text[] not null,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      check ((authority_id is null) <> (funder_organisation_id is null)),
      check (closes_on >= opens_on),
      check (awarded_pence <= budget_pence),
      check (cardinality(support_kinds) >= 1 and support_kinds <@ array['grant', 'adviser-time']::text[])
    )`.execute(db);
  await sql`create index grant_programmes_authority on grant_programmes (authority_id) where authority_id is not null`.execute(
    db,
  );
  await sql`create index grant_programmes_funder_organisation on grant_programmes (funder_organisation_id)
    where funder_organisation_id is not null`.execute(db);

  await sql`
    create table grant_applications (
      id uuid primary key,
      programme_id uuid not null references grant_programmes (id),
      organisation_id uuid not null references organisations (id),
      support_kind text not null check (support_kind in ('grant', 'adviser-time')),
      purpose text not null check (length(purpose) between 1 and 5000),
      amount_pence bigint not null check (amount_pence > 0),
      matched_pence bigint not null check (matched_pence >= 0),
      context text not null default '' check (length(context) <= 2000),
      -- Another module's record the application is about (a spin-out proposal, a contract): opaque here.
      context_type text check (context_type ~ '^[a-z][a-z0-9-]{0,39}$'),
      context_id text check (length(context_id) between 1 and 100),
      planned_start date,
      planned_end date,
      status text not null check (status in ('submitted', 'awarded', 'refused')),
      submitted_by uuid references users (id) on delete set null,
      submitted_at timestamptz not null,
      awarded_pence bigint check (awarded_pence > 0),
      conditions text not null default '' check (length(conditions) <= 5000),
      reasons text not null default '' check (length(reasons) <= 5000),
      decided_by uuid references users (id) on delete set null,
      decided_at timestamptz,
      check ((context_type is null) = (context_id is null)),
      check (planned_end is null or planned_start is null or planned_end >= planned_start),
      check ((status = 'awarded') = (awarded_pence is not null)),
      check ((status = 'submitted') = (decided_at is null)),
      check (status <> 'refused' or length(reasons) > 0)
    )`.execute(db);
  await sql`create index grant_applications_programme on grant_applications (programme_id, submitted_at, id)`.execute(
    db,
  );
  await sql`create index grant_applications_organisation on grant_applications (organisation_id)`.execute(db);
  await sql`create index grant_applications_awarded on grant_applications (decided_at, id) where status = 'awarded'`.execute(
    db,
  );

  await sql`
    create table grant_payments (
      id uuid primary key,
      application_id uuid not null references grant_applications (id),
      amount_pence bigint not null check (amount_pence > 0),
      paid_on date not null,
      idempotency_key text not null,
      recorded_by uuid references users (id) on delete set null,
      recorded_at timestamptz not null,
      unique (application_id, idempotency_key)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists grant_payments`.execute(db);
  await sql`drop table if exists grant_applications`.execute(db);
  await sql`drop table if exists grant_programmes`.execute(db);
}
