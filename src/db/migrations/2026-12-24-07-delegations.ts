/**
 * Delegation of services to neighbourhood councils (issue 21, item 6; DOMAIN.md §6). `delegations`
 * holds each delegation of a service of an authority's register — the whole of it, or the part in an
 * area of the areas list — to a parish or town council or a community body of the directory, with
 * its delegated budget in pence a year, the standards expected, its start and review dates, the
 * latest review (continued, budget changed) and its end with reasons. `delegation_reports` holds the
 * neighbourhood body's reports of delivery: a period, what was delivered, the money spent, and
 * against each standard met, partly met or not met with a note. Days are London dates. Frozen: never
 * import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table delegations (
      -- The authority whose register holds the service.
      authority_id uuid not null references authorities (id),
      id uuid not null,
      service_id uuid not null,
      -- The part of the service in an area (a code of the areas list); null: the whole service.
      area_code text references areas (code),
      organisation_id uuid not null references organisations (id),
      budget_pence bigint not null check (budget_pence > 0),
      -- The standards expected, in order (each 1 to 500 characters).
      standards text[] not null check (cardinality(standards) between 1 and 20),
      starts_on date not null,
      review_on date not null,
      status text not null check (status in ('active', 'ended')),
      last_reviewed_on date,
      review_note text check (char_length(review_note) between 1 and 5000),
      ended_on date,
      end_reasons text check (char_length(end_reasons) between 1 and 5000),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (authority_id, id),
      unique (id),
      foreign key (authority_id, service_id) references services (authority_id, id),
      check (review_on > starts_on),
      check ((status = 'ended') = (ended_on is not null)),
      check ((ended_on is null) = (end_reasons is null))
    )`.execute(db);
  // One active delegation of a service for an area (or for the whole service).
  await sql`create unique index delegations_one_active on delegations (authority_id, service_id, coalesce(area_code, '')) where status = 'active'`.execute(
    db,
  );
  await sql`create index delegations_by_review on delegations (status, review_on)`.execute(db);

  await sql`
    create table delegation_reports (
      authority_id uuid not null,
      id uuid not null,
      delegation_id uuid not null,
      period_from date not null,
      period_to date not null,
      delivered text not null check (char_length(delivered) between 1 and 5000),
      spent_pence bigint not null check (spent_pence >= 0),
      -- Against each standard, in the delegation's order: met, partly or not met, and a note.
      ratings text[] not null,
      notes text[] not null,
      submitted_by uuid references users (id) on delete set null,
      submitted_at timestamptz not null,
      primary key (authority_id, id),
      foreign key (authority_id, delegation_id) references delegations (authority_id, id),
      check (period_to >= period_from),
      check (cardinality(ratings) = cardinality(notes)),
      check (ratings <@ array['met', 'partly', 'not-met']::text[])
    )`.execute(db);
  await sql`create index delegation_reports_of on delegation_reports (authority_id, delegation_id, submitted_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists delegation_reports`.execute(db);
  await sql`drop table if exists delegations`.execute(db);
}
