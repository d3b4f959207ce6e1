/**
 * Accreditation bodies and standards (issue 20, item 7). National reference tables, except the
 * tenders' requirements (tenant-scoped, keyed by the authority):
 * - `accreditation_bodies`: an organisation of the directory or a public body, registered by the
 *   platform's administrators (exactly one of the two; each at most once);
 * - `standards`: what a body publishes for a service type (the service-category vocabulary);
 * - `standard_versions`: a standard's text and criteria, guidance link and effective date, in
 *   versions numbered from 1 (never changed once published);
 * - `accreditations`: a provider accredited against a standard — granted until an expiry date,
 *   suspended or withdrawn with reasons; one row per provider and standard, its current state
 *   (each decision is on the audit trail). Expired is read from the clock, never stored;
 * - `tender_accreditation_requirements`: a tender's bids refused from a provider without a current
 *   accreditation against the standard.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table accreditation_bodies (
      id uuid primary key,
      organisation_id uuid unique references organisations (id),
      public_body_id uuid unique references authorities (id),
      about text not null default '',
      website text not null default '',
      registered_by uuid references users (id) on delete set null,
      registered_at timestamptz not null,
      check ((organisation_id is null) <> (public_body_id is null))
    )`.execute(db);

  await sql`
    create table standards (
      id uuid primary key,
      body_id uuid not null references accreditation_bodies (id),
      title text not null check (length(title) between 1 and 200),
      service_category text not null references service_categories (code),
      created_by uuid references users (id) on delete set null,
      created_at timestamptz not null,
      unique (body_id, title)
    )`.execute(db);
  await sql`create index standards_service_category on standards (service_category)`.execute(db);

  await sql`
    create table standard_versions (
      standard_id uuid not null references standards (id),
      version integer not null check (version >= 1),
      criteria text not null check (length(criteria) between 1 and 20000),
      guidance_url text not null default '',
      effective_on date not null,
      published_by uuid references users (id) on delete set null,
      published_at timestamptz not null,
      primary key (standard_id, version)
    )`.execute(db);

  await sql`
    create table accreditations (
      id uuid primary key,
      standard_id uuid not null references standards (id),
      organisation_id uuid not null references organisations (id),
      status text not null check (status in ('granted', 'suspended', 'withdrawn')),
      granted_on date not null,
      expires_on date not null,
      reason text not null default '',
      decided_by uuid references users (id) on delete set null,
      decided_at timestamptz not null,
      unique (standard_id, organisation_id),
      check (expires_on > granted_on),
      check (status = 'granted' or reason <> '')
    )`.execute(db);
  await sql`create index accreditations_organisation on accreditations (organisation_id)`.execute(db);

  await sql`
    create table tender_accreditation_requirements (
      authority_id uuid not null,
      tender_id uuid not null,
      standard_id uuid not null references standards (id),
      set_by uuid references users (id) on delete set null,
      set_at timestamptz not null,
      primary key (authority_id, tender_id, standard_id),
      foreign key (authority_id, tender_id) references tenders (authority_id, id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists tender_accreditation_requirements`.execute(db);
  await sql`drop table if exists accreditations`.execute(db);
  await sql`drop table if exists standard_versions`.execute(db);
  await sql`drop table if exists standards`.execute(db);
  await sql`drop table if exists accreditation_bodies`.execute(db);
}
