/**
 * Other publishers' OCDS data, imported by `openps import ocds` (issue 16): each publisher as its
 * packages name it, and each of its releases as imported (upgraded to OCDS 1.1, with what the import
 * changed and what the schema finds wrong), one row per publisher, ocid and release id, so importing
 * the same data again adds nothing. External releases are read-only records of their publisher: a
 * trigger refuses any change to one.
 *
 * Not tenant-scoped: these are public records of publishers outside OpenPS, belonging to no
 * authority, so neither table carries an authority id (like the national registers).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ocds_publishers (
      id uuid primary key,
      key text not null unique check (char_length(key) between 1 and 1100),
      name text not null check (char_length(name) between 1 and 500),
      uri text check (char_length(uri) <= 1000),
      scheme text check (char_length(scheme) <= 200),
      uid text check (char_length(uid) <= 500),
      first_imported_at timestamptz not null
    )`.execute(db);
  // The publishers list, by name (paged by key).
  await sql`create index ocds_publishers_by_name on ocds_publishers (name, id)`.execute(db);
  await sql`
    create table ocds_external_releases (
      publisher_id uuid not null references ocds_publishers (id),
      ocid text not null check (char_length(ocid) between 1 and 1000),
      release_id text not null check (char_length(release_id) between 1 and 1000),
      date timestamptz not null,
      tags text[] not null,
      release jsonb not null,
      problems jsonb not null default '[]',
      warnings jsonb not null default '[]',
      source text not null check (char_length(source) between 1 and 2000),
      imported_at timestamptz not null,
      primary key (publisher_id, ocid, release_id)
    )`.execute(db);
  // A publisher's releases, newest first (paged by date, ocid, release id); a process's releases come
  // from the primary key.
  await sql`
    create index ocds_external_releases_by_date
      on ocds_external_releases (publisher_id, date, ocid, release_id)`.execute(db);
  await sql`
    create function ocds_external_releases_read_only() returns trigger language plpgsql as $$
    begin
      raise exception 'an imported OCDS release is its publisher''s record and is never changed (%)', old.release_id
        using errcode = 'integrity_constraint_violation';
    end $$`.execute(db);
  await sql`
    create trigger ocds_external_releases_read_only before update on ocds_external_releases
    for each row execute function ocds_external_releases_read_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists ocds_external_releases`.execute(db);
  await sql`drop function if exists ocds_external_releases_read_only()`.execute(db);
  await sql`drop table if exists ocds_publishers`.execute(db);
}
