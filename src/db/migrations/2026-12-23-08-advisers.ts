/**
 * Advisers matched to spin-outs (issue 20, item 3): what an organisation of the directory offers as
 * an adviser (the spin-out stages and service areas it advises on); the stage and service area an
 * adviser-time application asks about; and the adviser the funder assigns to it, with when it was
 * assigned and when the adviser accepted (the response times). Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table grant_adviser_offers (
      organisation_id uuid primary key references organisations (id),
      -- Spin-out stage ids and service category codes, as the modules that own them define them.
      stages text[] not null check (cardinality(stages) >= 1),
      service_areas text[] not null check (cardinality(service_areas) >= 1),
      updated_by uuid references users (id) on delete set null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`create index grant_adviser_offers_stages on grant_adviser_offers using gin (stages)`.execute(db);

  await sql`alter table grant_applications
    add column advice_stage text check (advice_stage ~ '^[a-z][a-z0-9-]{0,39}$'),
    add column advice_area text check (advice_area ~ '^[a-z][a-z0-9-]{0,39}$'),
    add check (support_kind = 'adviser-time' or (advice_stage is null and advice_area is null))`.execute(db);

  await sql`
    create table grant_adviser_assignments (
      application_id uuid primary key references grant_applications (id),
      adviser_organisation_id uuid not null references organisations (id),
      assigned_by uuid references users (id) on delete set null,
      assigned_at timestamptz not null,
      accepted_by uuid references users (id) on delete set null,
      accepted_at timestamptz,
      check (accepted_at is null or accepted_at >= assigned_at)
    )`.execute(db);
  await sql`create index grant_adviser_assignments_adviser on grant_adviser_assignments (adviser_organisation_id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists grant_adviser_assignments`.execute(db);
  // Their check constraint goes with the columns.
  await sql`alter table grant_applications drop column if exists advice_stage, drop column if exists advice_area`.execute(
    db,
  );
  await sql`drop table if exists grant_adviser_offers`.execute(db);
}
