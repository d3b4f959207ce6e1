/**
 * Individual services (issue 17, item 1): the people an authority supports, their assessed eligible
 * needs, and their care and support plans with a personal budget. Personal data (name, date of
 * birth, contact) lives only in `care_people`, which no open dataset reads; everything else refers
 * to the person by id. A plan's budget changes only by a new version, with its reason; a version's
 * parts say how the money is delivered (a direct payment, a managed account held by the authority or
 * a named organisation, or a mix of parts). Versions and their parts are never changed (triggers).
 * Tenant tables keyed by (authority_id, …). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Care staff: an authority's people who record those it supports (two-factor sign-in).
  await sql`alter table role_grants drop constraint role_grants_role_check`.execute(db);
  await sql`
    alter table role_grants add constraint role_grants_role_check check (role in ('citizen',
      'organisation-admin', 'organisation-member', 'commissioner', 'evaluator', 'bid-opener',
      'authority-admin', 'care-staff', 'regulator-staff', 'ombudsman-staff', 'consumer-champion',
      'platform-admin'))`.execute(db);

  await sql`
    create table care_people (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      full_name text not null check (char_length(full_name) between 1 and 200),
      date_of_birth date not null,
      email text check (email is null or char_length(email) between 3 and 320),
      phone text check (phone is null or char_length(phone) between 3 and 40),
      address text not null default '' check (char_length(address) <= 500),
      area_code text not null references areas (code),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      -- Records are kept 7 years after the last plan ends, then the personal fields are erased.
      erased_at timestamptz,
      primary key (authority_id, id)
    )`.execute(db);
  await sql`create index care_people_by_area on care_people (authority_id, area_code)`.execute(db);

  await sql`
    create table care_needs (
      authority_id uuid not null,
      id uuid not null,
      person_id uuid not null,
      -- The eligibility outcome the need is about (the Care and Support (Eligibility Criteria)
      -- Regulations 2015, reg. 2(2), or an education, health and care plan's section for SEN).
      outcome text not null check (char_length(outcome) between 1 and 80),
      description text not null check (char_length(description) between 1 and 2000),
      assessed_on date not null,
      met_on date,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, person_id) references care_people (authority_id, id)
    )`.execute(db);
  await sql`create index care_needs_by_person on care_needs (authority_id, person_id)`.execute(db);

  await sql`
    create table care_plans (
      authority_id uuid not null,
      id uuid not null,
      person_id uuid not null,
      -- The regime whose review clocks apply (care.clocks in the care module).
      regime text not null check (regime in ('adult-social-care', 'sen')),
      status text not null check (status in ('active', 'ended')),
      current_version integer not null check (current_version >= 1),
      started_on date not null,
      ended_on date,
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, person_id) references care_people (authority_id, id),
      check ((status = 'ended') = (ended_on is not null))
    )`.execute(db);
  await sql`create index care_plans_by_person on care_plans (authority_id, person_id)`.execute(db);

  await sql`
    create table care_plan_versions (
      authority_id uuid not null,
      plan_id uuid not null,
      version integer not null check (version >= 1),
      -- The personal budget: an amount sufficient to meet the assessed eligible needs.
      amount_pence bigint not null check (amount_pence > 0),
      period text not null check (period in ('week', 'year')),
      starts_on date not null,
      reason text not null check (char_length(reason) between 1 and 2000),
      -- The level above which an unspent balance is flagged for recovery (direct payments).
      surplus_level_pence bigint check (surplus_level_pence is null or surplus_level_pence >= 0),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      primary key (authority_id, plan_id, version),
      foreign key (authority_id, plan_id) references care_plans (authority_id, id)
    )`.execute(db);

  await sql`
    create table care_budget_parts (
      authority_id uuid not null,
      plan_id uuid not null,
      version integer not null,
      part integer not null check (part between 1 and 10),
      delivery text not null
        check (delivery in ('direct-payment', 'managed-by-authority', 'managed-by-organisation')),
      amount_pence bigint not null check (amount_pence > 0),
      organisation_id uuid references organisations (id),
      primary key (authority_id, plan_id, version, part),
      foreign key (authority_id, plan_id, version)
        references care_plan_versions (authority_id, plan_id, version),
      check ((delivery = 'managed-by-organisation') = (organisation_id is not null))
    )`.execute(db);

  // What is decided stays as it was decided: a change is a new version. (Deleting is left to the
  // retention job, which erases a person's records 7 years on.)
  await sql`
    create function care_versions_frozen() returns trigger language plpgsql as $$
    begin
      raise exception 'a plan version and its budget parts are never changed: add a version';
    end $$`.execute(db);
  for (const table of ["care_plan_versions", "care_budget_parts"]) {
    await sql`
      create trigger ${sql.raw(`${table}_frozen`)} before update on ${sql.table(table)}
      for each row execute function care_versions_frozen()`.execute(db);
  }
}
