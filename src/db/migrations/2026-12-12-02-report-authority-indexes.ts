/**
 * Progress reports for one public body (issue 16): its tenders published in a period counted from
 * an index on (authority, publication) — the national index alone made the count read every
 * authority's tenders of the period (107–150 ms a count at national scale, two a report).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tenders_authority_published_at on tenders (authority_id, published_at)
    where published_at is not null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists tenders_authority_published_at`.execute(db);
}
