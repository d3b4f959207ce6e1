/**
 * The planner's statistics (`ANALYZE`): without them PostgreSQL guesses every table's size and
 * picks its plans blind, which at national scale means sequential scans where an index would do.
 * A PostgreSQL server's autovacuum keeps them fresh as tables change; the embedded database has no
 * autovacuum, so the server refreshes them at start and hourly (platform.ts). After bulk changes —
 * migrations and seeds applied by the server or the `openps` command — they are refreshed on both.
 */
import { sql } from "kysely";
import type { Db } from "./database.ts";

/** How often the server refreshes the embedded database's statistics. */
export const ANALYZE_EVERY_MS = 60 * 60 * 1000;

/** Refreshes the statistics of every table of the database (a sample of each: bounded work). */
export async function analyzeTables(db: Db): Promise<void> {
  await sql`analyze`.execute(db);
}
