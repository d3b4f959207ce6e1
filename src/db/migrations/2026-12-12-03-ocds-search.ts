/**
 * Searching the contracting processes of the open data (issue 16): OpenPS's own releases and those
 * imported from other publishers, by the words of their tender's title and description — one GIN
 * index on that text for each table (the expression the search uses, word for word).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index ocds_releases_search on ocds_releases using gin (to_tsvector('english',
    coalesce(release #>> '{tender,title}', '') || ' ' || coalesce(release #>> '{tender,description}', '')))`.execute(
    db,
  );
  await sql`create index ocds_external_releases_search on ocds_external_releases using gin (to_tsvector('english',
    coalesce(release #>> '{tender,title}', '') || ' ' || coalesce(release #>> '{tender,description}', '')))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists ocds_external_releases_search`.execute(db);
  await sql`drop index if exists ocds_releases_search`.execute(db);
}
