/**
 * Opportunities' keyword search (issue 15): each tender's title and description as English full
 * text in a stored generated column with a GIN index, rather than `to_tsvector` computed for every
 * row of every search. The same expression the matching of saved searches computes for one tender.
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table tenders add column search tsvector generated always as (
      to_tsvector('english', title || ' ' || description)
    ) stored`.execute(db);
  await sql`create index tenders_search on tenders using gin (search)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index tenders_search`.execute(db);
  await sql`alter table tenders drop column search`.execute(db);
}
