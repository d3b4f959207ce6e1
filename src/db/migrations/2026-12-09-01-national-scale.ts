/**
 * National scale (issue 15): indexes that let every public list read a page by key.
 *
 * - The directory in name order ("C" collation: the same order on PGlite and on any server), by
 *   key; the old `text_pattern_ops` index served only the `like` search this replaces.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists organisations_name`.execute(db);
  await sql`create index organisations_directory_order on organisations ((lower(name) collate "C"), id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists organisations_directory_order`.execute(db);
  await sql`create index organisations_name on organisations (lower(name) text_pattern_ops)`.execute(db);
}
