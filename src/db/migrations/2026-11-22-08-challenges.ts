/**
 * The Community Right to Challenge (Localism Act 2011, ss.81–86; issue 4, items 6–9): each
 * authority's published policy (the period within which it decides on an expression of interest,
 * and the minimum and maximum period between accepting one and starting the procurement exercise),
 * windows for expressions of interest per service, and the expressions of interest themselves with
 * their consideration, modification agreement and decision. An accepted EOI's commissioning project
 * carries the procurement window (columns added to `projects`). Tenant tables: the authority id
 * leads every key. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table challenge_policies (
      authority_id uuid not null references authorities (id),
      decision_period_days integer not null check (decision_period_days between 1 and 730),
      min_procurement_days integer not null check (min_procurement_days between 0 and 1825),
      max_procurement_days integer not null check (max_procurement_days between 1 and 1825),
      published_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id),
      check (min_procurement_days <= max_procurement_days)
    )`.execute(db);

  await sql`
    create table challenge_windows (
      authority_id uuid not null,
      id uuid not null,
      service_id uuid not null,
      opens_on date not null,
      closes_on date not null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, service_id) references services (authority_id, id),
      check (opens_on <= closes_on)
    )`.execute(db);
  await sql`create index challenge_windows_service on challenge_windows (authority_id, service_id)`.execute(
    db,
  );

  await sql`
    create table challenges (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      service_id uuid not null,
      applicant_type text not null check (applicant_type in ('organisation', 'employees')),
      organisation_id uuid references organisations (id),
      lead_user_id uuid references users (id) on delete set null,
      co_signatories jsonb not null default '[]'::jsonb,
      financial_resources text not null default '' check (char_length(financial_resources) <= 10000),
      partners text not null default '' check (char_length(partners) <= 10000),
      capability_evidence text not null default '' check (char_length(capability_evidence) <= 10000),
      service_area text not null default '' check (char_length(service_area) <= 10000),
      outcomes text not null default '' check (char_length(outcomes) <= 10000),
      user_needs text not null default '' check (char_length(user_needs) <= 10000),
      status text not null check (status in ('draft', 'submitted', 'considered', 'accepted', 'modified', 'rejected', 'withdrawn')),
      submitted_at timestamptz,
      decision_due date,
      considered_on date,
      considered_by text,
      evidence_weighed text,
      consideration_recorded_at timestamptz,
      modification text,
      modification_grounds text[],
      modification_proposed_at timestamptz,
      agreement_kind text check (agreement_kind in ('platform', 'written')),
      agreed_on date,
      agreement_evidence text,
      agreement_recorded_at timestamptz,
      decision text check (decision in ('accepted', 'modified', 'rejected')),
      rejection_grounds text[],
      reasons text,
      decided_at timestamptz,
      withdrawn_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, service_id) references services (authority_id, id),
      check ((applicant_type = 'organisation') = (organisation_id is not null)),
      check (status = 'draft' or status = 'withdrawn' or (submitted_at is not null and decision_due is not null)),
      check (status not in ('considered', 'accepted', 'modified', 'rejected') or consideration_recorded_at is not null),
      check ((status in ('accepted', 'modified', 'rejected')) = (decision is not null and decided_at is not null)),
      check (decision is null or decision = status),
      check (decision <> 'rejected' or (cardinality(rejection_grounds) >= 1 and char_length(reasons) >= 1)),
      check (decision <> 'modified' or (agreed_on is not null and modification is not null))
    )`.execute(db);
  await sql`create index challenges_status on challenges (authority_id, status)`.execute(db);
  await sql`create index challenges_organisation on challenges (organisation_id) where organisation_id is not null`.execute(
    db,
  );

  // An accepted EOI's project: the procurement exercise must start within the published window.
  await sql`alter table projects add column challenge_id uuid`.execute(db);
  await sql`alter table projects add column procurement_earliest date`.execute(db);
  await sql`alter table projects add column procurement_latest date`.execute(db);
  await sql`alter table projects add column procurement_started_on date`.execute(db);
  await sql`
    alter table projects add constraint projects_challenge
    foreign key (authority_id, challenge_id) references challenges (authority_id, id)`.execute(db);
  await sql`
    alter table projects add constraint projects_procurement_window
    check ((procurement_earliest is null) = (procurement_latest is null) and procurement_earliest <= procurement_latest)`.execute(
    db,
  );
  await sql`create unique index projects_challenge_once on projects (authority_id, challenge_id) where challenge_id is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists projects_challenge_once`.execute(db);
  await sql`alter table projects drop constraint if exists projects_procurement_window`.execute(db);
  await sql`alter table projects drop constraint if exists projects_challenge`.execute(db);
  await sql`alter table projects drop column if exists procurement_started_on`.execute(db);
  await sql`alter table projects drop column if exists procurement_latest`.execute(db);
  await sql`alter table projects drop column if exists procurement_earliest`.execute(db);
  await sql`alter table projects drop column if exists challenge_id`.execute(db);
  await sql`drop table if exists challenges`.execute(db);
  await sql`drop table if exists challenge_windows`.execute(db);
  await sql`drop table if exists challenge_policies`.execute(db);
}
