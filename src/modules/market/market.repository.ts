/**
 * The market's SQL: an authority's figures replaced whole, and the dashboards' reads — sums over the
 * aggregate tables within the chosen authority, service category, area and months (each read a
 * handful of grouped rows; none reads a tender or a contract). Takes the database or a transaction first.
 */
import { type SelectQueryBuilder, sql } from "kysely";
import type { Database, Db, Trx } from "../../db/database.ts";
import type { Figures } from "./figures.ts";

/** What the dashboards are narrowed to; months are YYYY-MM-01, both ends included. */
export interface MarketFilters {
  authorityId?: string | undefined;
  category?: string | undefined;
  area?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const TABLES = [
  "market_contracts",
  "market_suppliers",
  "market_tenders",
  "market_awards",
  "market_few_bids",
  "market_challenges",
  "market_kpi_ratings",
  "market_ratings",
] as const;

/** Rows inserted at once (well under PostgreSQL's 65,535 parameters). */
const BATCH = 500;

async function insertAll<T extends (typeof TABLES)[number]>(
  trx: Trx,
  table: T,
  authorityId: string,
  rows: readonly object[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const values = rows.slice(i, i + BATCH).map((row) => ({ ...row, authority_id: authorityId }));
    // One insert for every figures table: each row is typed by `Figures`, the table's own shape.
    await trx
      .insertInto(table)
      .values(values as never)
      .execute();
  }
}

/** Counts a computation of an authority's figures as started; its number. */
export async function startRun(db: Db, authorityId: string): Promise<bigint> {
  const row = await db
    .insertInto("market_runs")
    .values({ authority_id: authorityId, started: 1n })
    .onConflict((oc) => oc.column("authority_id").doUpdateSet({ started: sql`market_runs.started + 1` }))
    .returning("started")
    .executeTakeFirstOrThrow();
  return row.started;
}

/**
 * Replaces every figure of one authority with those of computation `run`, read at `computedAt` —
 * unless a later computation's are in already (it began after this one, so it saw more): false then.
 * The runs row is locked first, so one authority's figures are written by one transaction at a time.
 */
export async function replaceFigures(
  trx: Trx,
  authorityId: string,
  run: bigint,
  figures: Figures,
  computedAt: Date,
): Promise<boolean> {
  const current = await trx
    .selectFrom("market_runs")
    .select("written")
    .where("authority_id", "=", authorityId)
    .forUpdate()
    .executeTakeFirst();
  if (current && current.written > run) return false;
  await trx
    .updateTable("market_runs")
    .set({ written: run, computed_at: computedAt })
    .where("authority_id", "=", authorityId)
    .execute();
  for (const table of TABLES) await trx.deleteFrom(table).where("authority_id", "=", authorityId).execute();
  await insertAll(trx, "market_contracts", authorityId, figures.contracts);
  await insertAll(trx, "market_suppliers", authorityId, figures.suppliers);
  await insertAll(trx, "market_tenders", authorityId, figures.tenders);
  await insertAll(trx, "market_awards", authorityId, figures.awards);
  await insertAll(trx, "market_few_bids", authorityId, figures.fewBids);
  await insertAll(trx, "market_challenges", authorityId, figures.challenges);
  await insertAll(trx, "market_kpi_ratings", authorityId, figures.kpiRatings);
  await insertAll(trx, "market_ratings", authorityId, figures.ratings);
  return true;
}

type Monthly =
  | "market_contracts"
  | "market_suppliers"
  | "market_tenders"
  | "market_awards"
  | "market_few_bids"
  | "market_challenges"
  | "market_kpi_ratings";

/** The filters as conditions on a figures table. */
function within<T extends Monthly, O>(
  query: SelectQueryBuilder<Database, T, O>,
  filters: MarketFilters,
): SelectQueryBuilder<Database, T, O> {
  // The tables share these columns; Kysely cannot see that through the union of their names.
  let q = query as unknown as SelectQueryBuilder<Database, "market_contracts", O>;
  if (filters.authorityId) q = q.where("authority_id", "=", filters.authorityId);
  if (filters.category) q = q.where("category_code", "=", filters.category);
  if (filters.area) q = q.where("area_code", "=", filters.area);
  if (filters.from) q = q.where("month", ">=", filters.from);
  if (filters.to) q = q.where("month", "<=", filters.to);
  return q as unknown as SelectQueryBuilder<Database, T, O>;
}

const sumBig = (column: string) => sql<bigint>`coalesce(sum(${sql.ref(column)}), 0)::bigint`;
const sumInt = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::int`;

/** Contracts by sector, or by size band. */
export function contractsBy(
  db: Db,
  filters: MarketFilters,
  by: "sector" | "size_band",
): Promise<{ key: string; contracts_bp: bigint; value_pence: bigint }[]> {
  return within(db.selectFrom("market_contracts"), filters)
    .select([
      sql.ref<string>(by).as("key"),
      sumBig("contracts_bp").as("contracts_bp"),
      sumBig("value_pence").as("value_pence"),
    ])
    .groupBy(by)
    .execute();
}

/** Contracts by financial year (the year it starts in: April to March) and sector. */
export function contractsByYear(
  db: Db,
  filters: MarketFilters,
): Promise<{ year: number; sector: string; contracts_bp: bigint; value_pence: bigint }[]> {
  return within(db.selectFrom("market_contracts"), filters)
    .select([
      sql<number>`extract(year from month - interval '3 months')::int`.as("year"),
      "sector",
      sumBig("contracts_bp").as("contracts_bp"),
      sumBig("value_pence").as("value_pence"),
    ])
    .groupBy([sql`1`, "sector"])
    .orderBy(sql`1`)
    .execute();
}

/**
 * Each service market's sums for its concentration (`concentrationOf`), worked out by the database
 * over each supplier's value in it — how many suppliers hold any, the market's value, the sum of the
 * squares of their values and the value of the three largest — rather than every supplier's row
 * sent here (at national scale, a hundred thousand). Exact: numeric, read as text.
 */
export async function marketSums(
  db: Db,
  filters: MarketFilters,
): Promise<{ category_code: string; suppliers: number; total: bigint; squares: bigint; top3: bigint }[]> {
  const bySupplier = within(db.selectFrom("market_suppliers"), filters)
    .select([
      "category_code",
      sql<string>`sum(value_pence)`.as("v"),
      sql<number>`row_number() over (partition by category_code order by sum(value_pence) desc, supplier)`.as(
        "place",
      ),
    ])
    .groupBy(["category_code", "supplier"]);
  const rows = await db
    .selectFrom(bySupplier.as("s"))
    .select([
      "s.category_code",
      sql<number>`count(*)::int`.as("suppliers"),
      sql<string>`sum(s.v)::text`.as("total"),
      sql<string>`sum(s.v * s.v)::text`.as("squares"),
      sql<string>`coalesce(sum(s.v) filter (where s.place <= 3), 0)::text`.as("top3"),
    ])
    .where(sql<boolean>`s.v > 0`)
    .groupBy("s.category_code")
    .execute();
  return rows.map((r) => ({
    category_code: r.category_code,
    suppliers: r.suppliers,
    total: BigInt(r.total),
    squares: BigInt(r.squares),
    top3: BigInt(r.top3),
  }));
}

/** Contracts held by suppliers of one sector: how many suppliers, and the value. */
export async function sectorSuppliers(
  db: Db,
  filters: MarketFilters,
  sector: string,
): Promise<{ suppliers: number; value_pence: bigint; contracts_bp: bigint }> {
  const row = await within(db.selectFrom("market_suppliers"), filters)
    .where("sector", "=", sector)
    .select([
      sql<number>`count(distinct supplier)::int`.as("suppliers"),
      sumBig("value_pence").as("value_pence"),
      sumBig("contracts_bp").as("contracts_bp"),
    ])
    .executeTakeFirstOrThrow();
  return row;
}

/** Tenders opened, by the number of bids opened. */
export function tendersByBids(db: Db, filters: MarketFilters): Promise<{ bids: number; tenders: number }[]> {
  return within(db.selectFrom("market_tenders"), filters)
    .select(["bids", sumInt("tenders").as("tenders")])
    .groupBy("bids")
    .orderBy("bids")
    .execute();
}

/** Awards by the band of days from publication. */
export function awardsByBand(
  db: Db,
  filters: MarketFilters,
): Promise<{ days_band: string; awards: number; days: bigint }[]> {
  return within(db.selectFrom("market_awards"), filters)
    .select(["days_band", sumInt("awards").as("awards"), sumBig("days").as("days")])
    .groupBy("days_band")
    .execute();
}

/** Opened tenders with fewer than three bids, newest opening first, a page at a time by key. */
export function fewBidsPage(
  db: Db,
  filters: MarketFilters,
  after: { openedAt: Date; tenderId: string } | undefined,
  limit: number,
): Promise<
  {
    authority_id: string;
    tender_id: string;
    title: string;
    opened_at: Date;
    bids: number;
    award_id: string | null;
    justification: string | null;
    category_code: string;
    area_code: string;
  }[]
> {
  let query = within(db.selectFrom("market_few_bids"), filters).select([
    "authority_id",
    "tender_id",
    "title",
    "opened_at",
    "bids",
    "award_id",
    "justification",
    "category_code",
    "area_code",
  ]);
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb("opened_at", "<", after.openedAt),
        eb.and([eb("opened_at", "=", after.openedAt), eb("tender_id", ">", after.tenderId)]),
      ]),
    );
  return query.orderBy("opened_at", "desc").orderBy("tender_id").limit(limit).execute();
}

/** Right to Challenge decisions by outcome. */
export function challengesByOutcome(
  db: Db,
  filters: MarketFilters,
): Promise<{ outcome: string; challenges: number }[]> {
  return within(db.selectFrom("market_challenges"), filters)
    .select(["outcome", sumInt("challenges").as("challenges")])
    .groupBy("outcome")
    .execute();
}

/** KPI ratings by rating. */
export function kpiRatingsByRating(
  db: Db,
  filters: MarketFilters,
): Promise<{ rating: string; ratings: number }[]> {
  return within(db.selectFrom("market_kpi_ratings"), filters)
    .select(["rating", sumInt("ratings").as("ratings")])
    .groupBy("rating")
    .execute();
}

/** Current ratings of registered locations by service type and rating (every regulator: no authority or period). */
export function ratingsByCategory(
  db: Db,
  filters: Pick<MarketFilters, "category" | "area">,
): Promise<{ category_code: string; rating: string; locations: number }[]> {
  let query = db
    .selectFrom("market_ratings")
    .select(["category_code", "rating", sumInt("locations").as("locations")]);
  if (filters.category) query = query.where("category_code", "=", filters.category);
  if (filters.area) query = query.where("area_code", "=", filters.area);
  return query.groupBy(["category_code", "rating"]).execute();
}

/** When the figures were last computed: for one authority, or the latest of all. */
export async function lastComputed(db: Db, authorityId?: string): Promise<Date | null> {
  let query = db.selectFrom("market_runs").select(sql<Date | null>`max(computed_at)`.as("at"));
  if (authorityId) query = query.where("authority_id", "=", authorityId);
  const row = await query.executeTakeFirst();
  return row?.at ?? null;
}

/** The first and last months any figure covers (for the financial years offered): six index look-ups. */
export async function monthRange(db: Db): Promise<{ first: string | null; last: string | null }> {
  const { rows } = await sql<{ first: string | null; last: string | null }>`
    select
      least((select min(month) from market_contracts), (select min(month) from market_tenders),
        (select min(month) from market_awards)) as first,
      greatest((select max(month) from market_contracts), (select max(month) from market_tenders),
        (select max(month) from market_awards)) as last`.execute(db);
  return { first: rows[0]?.first ?? null, last: rows[0]?.last ?? null };
}

/** Locations rated Inadequate now (every regulator), within an area when one is given. */
export async function inadequateLocations(db: Db, area?: string): Promise<number> {
  let query = db
    .selectFrom("market_ratings")
    .select(sumInt("locations").as("locations"))
    .where("rating", "=", "inadequate");
  if (area) query = query.where("area_code", "=", area);
  return (await query.executeTakeFirstOrThrow()).locations;
}

/** The first month any figure of an authority (or of any) covers: three index look-ups. */
export async function firstMonth(db: Db, authorityId?: string): Promise<string | null> {
  const of = (table: "market_contracts" | "market_tenders" | "market_awards") => {
    let query = db.selectFrom(table).select(sql<string | null>`min(month)`.as("first"));
    if (authorityId) query = query.where("authority_id", "=", authorityId);
    return query.executeTakeFirst();
  };
  const firsts = await Promise.all([of("market_contracts"), of("market_tenders"), of("market_awards")]);
  const months = firsts.map((r) => r?.first).filter((m): m is string => Boolean(m));
  return months.length > 0 ? (months.sort()[0] ?? null) : null;
}
