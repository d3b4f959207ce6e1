/**
 * The market's dashboards narrowed by a service category or an area alone (issue 15/16, found by
 * tests/scale/explain.test.ts): each aggregate's key leads with the authority and its other index
 * with the month, so a category or an area on its own read every row of the aggregate. An index
 * leading with each (the month after it, for a period too); the national mutuals figure by sector;
 * the current ratings by category, area and rating. And the market's job that finds the authorities
 * an organisation holds contracts with — as the lead supplier or a consortium member, a containment
 * test on the contract's consortium (`consortium @> '[{"organisationId": …}]'`) — read every
 * contract: a GIN index on the consortium (jsonb_path_ops: containment only).
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

/** The monthly aggregates, each broken down by authority, service category, area and month. */
const MONTHLY = [
  "market_contracts",
  "market_suppliers",
  "market_tenders",
  "market_awards",
  "market_challenges",
  "market_kpi_ratings",
];

const INDEXES: readonly [name: string, definition: string][] = [
  ...MONTHLY.flatMap((table): [string, string][] => [
    [`${table}_by_category`, `${table} (category_code, area_code, month)`],
    [`${table}_by_area`, `${table} (area_code, month)`],
  ]),
  ["market_suppliers_by_sector", "market_suppliers (sector, month)"],
  ["market_ratings_by_category", "market_ratings (category_code, area_code)"],
  ["market_ratings_by_area", "market_ratings (area_code, rating)"],
  ["market_ratings_by_rating", "market_ratings (rating, area_code)"],
  ["contracts_consortium", "contracts using gin (consortium jsonb_path_ops)"],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, definition] of INDEXES)
    await sql`create index ${sql.raw(name)} on ${sql.raw(definition)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await sql`drop index if exists ${sql.raw(name)}`.execute(db);
}
