/**
 * Commissioning projects (issue 4, item 4): a planned procurement led by one authority, perhaps on
 * behalf of others (joint commissioning), covering services on the lead's register. Drafted, then
 * published; publishing issues a pipeline notice, an immutable record kept for the OCDS planning
 * release. Tenant tables: the lead authority's id leads every key. Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projects (
      authority_id uuid not null references authorities (id),
      id uuid not null,
      ocid text not null unique check (char_length(ocid) between 1 and 200),
      title text not null check (char_length(title) between 1 and 200),
      description text not null check (char_length(description) <= 10000),
      need text not null check (char_length(need) between 1 and 10000),
      category_code text not null references service_categories (code),
      area_code text not null references areas (code),
      estimated_value_pence bigint not null check (estimated_value_pence >= 0),
      market_engagement_date date not null,
      tender_date date not null,
      award_date date not null,
      start_date date not null,
      status text not null check (status in ('draft', 'published')),
      created_at timestamptz not null,
      updated_at timestamptz not null,
      published_at timestamptz,
      primary key (authority_id, id),
      check (market_engagement_date <= tender_date and tender_date <= award_date and award_date <= start_date),
      check ((status = 'published') = (published_at is not null))
    )`.execute(db);

  await sql`
    create table project_services (
      authority_id uuid not null,
      project_id uuid not null,
      service_id uuid not null,
      primary key (authority_id, project_id, service_id),
      foreign key (authority_id, project_id) references projects (authority_id, id) on delete cascade,
      foreign key (authority_id, service_id) references services (authority_id, id)
    )`.execute(db);
  await sql`create index project_services_service on project_services (authority_id, service_id)`.execute(db);

  await sql`
    create table project_participants (
      authority_id uuid not null,
      project_id uuid not null,
      participant_id uuid not null references authorities (id),
      primary key (authority_id, project_id, participant_id),
      foreign key (authority_id, project_id) references projects (authority_id, id) on delete cascade,
      check (participant_id <> authority_id)
    )`.execute(db);

  await sql`
    create table project_notices (
      authority_id uuid not null,
      id uuid not null,
      project_id uuid not null,
      kind text not null check (kind in ('pipeline')),
      published_at timestamptz not null,
      content jsonb not null,
      primary key (authority_id, id),
      unique (authority_id, project_id, kind),
      foreign key (authority_id, project_id) references projects (authority_id, id)
    )`.execute(db);
  // Notices are published records: refuse any change to one, and deleting it.
  await sql`
    create function project_notices_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'A published notice cannot be changed or deleted';
    end $$`.execute(db);
  await sql`
    create trigger project_notices_immutable before update or delete on project_notices
    for each row execute function project_notices_immutable()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists project_notices`.execute(db);
  await sql`drop function if exists project_notices_immutable()`.execute(db);
  await sql`drop table if exists project_participants`.execute(db);
  await sql`drop table if exists project_services`.execute(db);
  await sql`drop table if exists projects`.execute(db);
}
