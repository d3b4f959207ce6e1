/**
 * An authority's published projects read by service category, then id: publishing the OCDS
 * releases of data written in bulk reads them so, a page at a time, and a page then holds the
 * processes of one or two markets (a category's CPV code in a financial year), whose supplier shares
 * are worked out again once for the page instead of once for every page with a process in them.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index projects_published_by_category on projects (authority_id, category_code, id)
    where status = 'published'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists projects_published_by_category`.execute(db);
}
