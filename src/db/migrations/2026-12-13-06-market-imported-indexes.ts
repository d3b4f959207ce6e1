/**
 * The market's figures of imported processes narrowed by a service category alone, and the mutuals
 * figure by sector, with other publishers' data beside OpenPS's (found by tests/scale/explain.test.ts):
 * each imported aggregate's key leads with its publisher and its other index with the month, so a
 * category on its own read every row. An index leading with the category (the month after it, for
 * a period too; an imported process's area is never known), and the suppliers by sector, as
 * `2026-12-13-01-market-filter-indexes` gives OpenPS's own aggregates.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

const MONTHLY = [
  "market_imported_contracts",
  "market_imported_suppliers",
  "market_imported_tenders",
  "market_imported_awards",
];

const INDEXES: readonly [name: string, definition: string][] = [
  ...MONTHLY.map((table): [string, string] => [`${table}_by_category`, `${table} (category_code, month)`]),
  ["market_imported_suppliers_by_sector", "market_imported_suppliers (sector, month)"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, definition] of INDEXES)
    await sql`create index ${sql.raw(name)} on ${sql.raw(definition)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await sql`drop index if exists ${sql.raw(name)}`.execute(db);
}
