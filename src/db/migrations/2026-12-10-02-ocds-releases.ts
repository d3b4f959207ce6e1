/**
 * Open data of the contracting processes (issue 16): each process's ocid, given once; every OCDS
 * release OpenPS publishes, immutable once written (a trigger refuses any change or deletion), newest
 * first by key, a process's in order.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Each contracting process's ocid, given once and kept: a project's own for its first published
  // tender, "<project ocid>-<n>" for a later one (in the order they were first published).
  await sql`
    create table ocds_processes (
      authority_id uuid not null references authorities (id),
      ocid text not null check (char_length(ocid) between 1 and 250),
      project_id uuid not null,
      tender_id uuid,
      assigned_at timestamptz not null,
      primary key (authority_id, ocid),
      unique (authority_id, tender_id),
      foreign key (authority_id, project_id) references projects (authority_id, id)
    )`.execute(db);
  await sql`create index ocds_processes_project on ocds_processes (authority_id, project_id)`.execute(db);
  await sql`
    create table ocds_releases (
      authority_id uuid not null references authorities (id),
      id text not null check (char_length(id) between 1 and 260),
      ocid text not null check (char_length(ocid) between 1 and 250),
      seq integer not null check (seq >= 1),
      date timestamptz not null,
      tags text[] not null check (cardinality(tags) >= 1),
      release jsonb not null,
      primary key (authority_id, id),
      unique (authority_id, ocid, seq)
    )`.execute(db);
  // Every release, newest first (the release list); one by its id (the release's own page).
  await sql`create index ocds_releases_by_date on ocds_releases (date, id)`.execute(db);
  await sql`create index ocds_releases_by_id on ocds_releases (id)`.execute(db);
  await sql`create index ocds_releases_by_ocid on ocds_releases (ocid, seq)`.execute(db);
  await sql`
    create function ocds_releases_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'an OCDS release, once published, is never changed or deleted (%)', old.id
        using errcode = 'integrity_constraint_violation';
    end $$`.execute(db);
  await sql`
    create trigger ocds_releases_immutable before update or delete on ocds_releases
    for each row execute function ocds_releases_immutable()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists ocds_releases`.execute(db);
  await sql`drop table if exists ocds_processes`.execute(db);
  await sql`drop function if exists ocds_releases_immutable()`.execute(db);
}
