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

/** A table is analyzed again by `analyzeGrown` once at least this many pages (8 kB) larger. */
const GROWN_PAGES = 128;

/**
 * Refreshes the statistics of the tables that have at least doubled (and grown by 1 MB) since they
 * were last analyzed: autovacuum's automatic `ANALYZE`, for long bulk work on the embedded database,
 * which has none (publishing the releases of data written in bulk). A table filled from nearly
 * empty keeps the statistics of its first rows — a column's few values, each matching much of the
 * table — and the planner stops using the index for it: each page's query then reads more of the
 * table than the last. Only the columns its indexes hold are sampled (what the planner chooses an
 * index by: a fraction of a second); a document column's (a release's JSON: seconds) is left to the
 * whole `ANALYZE`. Checked between pages: one query, and a few tables analyzed, each once at every
 * doubling. Returns the tables analyzed.
 */
export async function analyzeGrown(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string; columns: string[] }>`
    select c.relname as name, array_agg(distinct a.attname::text) as columns
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_index i on i.indrelid = c.oid
    join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey::int2[]) and a.attnum > 0
    where c.relkind = 'r' and n.nspname = current_schema()
      and pg_relation_size(c.oid) / current_setting('block_size')::int
        >= greatest(2 * c.relpages, c.relpages + ${GROWN_PAGES})
    group by c.relname
    order by c.relname`.execute(db);
  for (const { name, columns } of rows)
    await sql`analyze ${sql.id(name)} (${sql.join([...columns].sort().map((column) => sql.id(column)))})`.execute(
      db,
    );
  return rows.map((r) => r.name);
}
