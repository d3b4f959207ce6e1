/**
 * The market's SQL: an authority's figures replaced whole, and the dashboards' reads — sums over the
 * aggregate tables within the chosen authority, service category, area and months (each read a
 * handful of grouped rows; none reads a tender or a contract). Takes the database or a transaction first.
 */
import { type SelectQueryBuilder, sql } from "kysely";
import type { Database, Db, Trx } from "../../db/database.ts";
import type { Figures } from "./figures.ts";
import type { ImportedFigures } from "./imported.ts";
import type { BudgetFigures } from "./personal-budgets.ts";

/** Whose figures: OpenPS's own (the default), those of imported processes, or both. */
export type MarketSource = "openps" | "imported" | "both";

/** What the dashboards are narrowed to; months are YYYY-MM-01, both ends included. */
export interface MarketFilters {
  source?: MarketSource | undefined;
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
  "market_budgets",
  "market_budget_spend",
  "market_reviews",
  "market_unavailable",
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
  budgets: BudgetFigures = { budgets: [], spend: [], reviews: [], unavailable: [] },
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
  await insertAll(trx, "market_budgets", authorityId, budgets.budgets);
  await insertAll(trx, "market_budget_spend", authorityId, budgets.spend);
  await insertAll(trx, "market_reviews", authorityId, budgets.reviews);
  await insertAll(trx, "market_unavailable", authorityId, budgets.unavailable);
  return true;
}

// The figures of imported processes, per publisher

const IMPORTED_TABLES = [
  "market_imported_contracts",
  "market_imported_suppliers",
  "market_imported_tenders",
  "market_imported_awards",
  "market_imported_few_bids",
] as const;

/** Counts a computation of a publisher's figures as started; its number. */
export async function startImportedRun(db: Db, publisherId: string): Promise<bigint> {
  const row = await db
    .insertInto("market_imported_runs")
    .values({ publisher_id: publisherId, started: 1n })
    .onConflict((oc) =>
      oc.column("publisher_id").doUpdateSet({ started: sql`market_imported_runs.started + 1` }),
    )
    .returning("started")
    .executeTakeFirstOrThrow();
  return row.started;
}

/**
 * Replaces every figure of one publisher's imported processes with those of computation `run`, as
 * `replaceFigures` does an authority's: false, writing nothing, when a later computation's are in.
 */
export async function replaceImportedFigures(
  trx: Trx,
  publisherId: string,
  run: bigint,
  figures: ImportedFigures,
  computedAt: Date,
): Promise<boolean> {
  const current = await trx
    .selectFrom("market_imported_runs")
    .select("written")
    .where("publisher_id", "=", publisherId)
    .forUpdate()
    .executeTakeFirst();
  if (current && current.written > run) return false;
  await trx
    .updateTable("market_imported_runs")
    .set({
      written: run,
      computed_at: computedAt,
      processes: figures.processes,
      other_currency: figures.otherCurrency,
      currencies: figures.currencies,
    })
    .where("publisher_id", "=", publisherId)
    .execute();
  for (const table of IMPORTED_TABLES)
    await trx.deleteFrom(table).where("publisher_id", "=", publisherId).execute();
  const insert = async (table: (typeof IMPORTED_TABLES)[number], rows: readonly object[]) => {
    for (let i = 0; i < rows.length; i += BATCH)
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + BATCH).map((row) => ({ ...row, publisher_id: publisherId })) as never)
        .execute();
  };
  await insert("market_imported_contracts", figures.contracts);
  await insert("market_imported_suppliers", figures.suppliers);
  await insert("market_imported_tenders", figures.tenders);
  await insert("market_imported_awards", figures.awards);
  await insert("market_imported_few_bids", figures.fewBids);
  return true;
}

/** The publishers whose imported figures are computed, with what each left out: up to `limit`. */
export function importedRuns(
  db: Db,
  limit: number,
): Promise<
  {
    publisher_id: string;
    computed_at: Date | null;
    processes: number;
    other_currency: number;
    currencies: string[];
  }[]
> {
  return db
    .selectFrom("market_imported_runs")
    .select(["publisher_id", "computed_at", "processes", "other_currency", "currencies"])
    .where("computed_at", "is not", null)
    .orderBy("publisher_id")
    .limit(limit)
    .execute();
}

/** The publishers whose imported processes have an organisation of the directory as a supplier. */
export async function publishersSupplied(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("market_imported_suppliers")
    .select("publisher_id")
    .distinct()
    .where("supplier", "=", organisationId)
    .execute();
  return rows.map((r) => r.publisher_id);
}

/** The filters as conditions on a figures table (an authority's, or, `imported`, a publisher's). */
function within<T extends keyof Database, O>(
  query: SelectQueryBuilder<Database, T, O>,
  filters: MarketFilters,
  imported = false,
): SelectQueryBuilder<Database, T, O> {
  // The tables share these columns; Kysely cannot see that through the union of their names.
  let q = query as unknown as SelectQueryBuilder<Database, "market_contracts", O>;
  // An imported process belongs to no authority in OpenPS: none is within one.
  if (filters.authorityId)
    q = imported ? q.where(sql<boolean>`false`) : q.where("authority_id", "=", filters.authorityId);
  if (filters.category) q = q.where("category_code", "=", filters.category);
  if (filters.area) q = q.where("area_code", "=", filters.area);
  if (filters.from) q = q.where("month", ">=", filters.from);
  if (filters.to) q = q.where("month", "<=", filters.to);
  return q as unknown as SelectQueryBuilder<Database, T, O>;
}

const sumBig = (column: string) => sql<bigint>`coalesce(sum(${sql.ref(column)}), 0)::bigint`;
const sumInt = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::int`;

/** The figures that have an imported counterpart: each an authority's table and a publisher's. */
const FAMILIES = {
  contracts: { own: "market_contracts", imported: "market_imported_contracts" },
  suppliers: { own: "market_suppliers", imported: "market_imported_suppliers" },
  tenders: { own: "market_tenders", imported: "market_imported_tenders" },
  awards: { own: "market_awards", imported: "market_imported_awards" },
} as const;
type Family = keyof typeof FAMILIES;

/**
 * The rows of a family of figures within the filters, from the sources chosen — OpenPS's own
 * (`source` "openps"), the imported ("imported"), or both, one `union all` of the two tables each
 * narrowed by the filters (so each is read by its own indexes) — with the columns asked for and
 * `source`. Grouped and summed by the caller.
 */
function rowsOf<C extends string>(db: Db, family: Family, filters: MarketFilters, columns: readonly C[]) {
  const branch = (source: "openps" | "imported") => {
    const table = FAMILIES[family][source === "openps" ? "own" : "imported"];
    const query = db
      .selectFrom(table as "market_contracts")
      .select([...columns.map((c) => sql.ref(c).as(c)), sql.lit(source).as("source")]);
    return within(query, filters, source === "imported");
  };
  const chosen = filters.source ?? "openps";
  const own = chosen === "imported" ? null : branch("openps");
  const imported = chosen === "openps" ? null : branch("imported");
  const rows = own && imported ? own.unionAll(imported) : (own ?? imported ?? branch("openps"));
  type Row = { [K in C]: unknown } & { source: "openps" | "imported" };
  return db.selectFrom(rows.as("r") as never) as unknown as SelectQueryBuilder<
    Database & { r: Row },
    "r",
    object
  >;
}

/** Contracts by sector, or by size band, and by source. */
export function contractsBy(
  db: Db,
  filters: MarketFilters,
  by: "sector" | "size_band",
): Promise<{ key: string; source: "openps" | "imported"; contracts_bp: bigint; value_pence: bigint }[]> {
  return rowsOf(db, "contracts", filters, [by, "contracts_bp", "value_pence"])
    .select([
      sql.ref<string>(by).as("key"),
      sql.ref<"openps" | "imported">("source").as("source"),
      sumBig("contracts_bp").as("contracts_bp"),
      sumBig("value_pence").as("value_pence"),
    ])
    .groupBy([by, "source"])
    .execute();
}

/** Contracts by financial year (the year it starts in: April to March), sector and source. */
export function contractsByYear(
  db: Db,
  filters: MarketFilters,
): Promise<
  { year: number; sector: string; source: "openps" | "imported"; contracts_bp: bigint; value_pence: bigint }[]
> {
  return rowsOf(db, "contracts", filters, ["month", "sector", "contracts_bp", "value_pence"])
    .select([
      sql<number>`extract(year from month - interval '3 months')::int`.as("year"),
      sql.ref<string>("sector").as("sector"),
      sql.ref<"openps" | "imported">("source").as("source"),
      sumBig("contracts_bp").as("contracts_bp"),
      sumBig("value_pence").as("value_pence"),
    ])
    .groupBy([sql`1`, "sector", "source"])
    .orderBy(sql`1`)
    .execute();
}

/**
 * Each service market's sums for its concentration (`concentrationOf`), worked out by the database
 * over each supplier's value in it — how many suppliers hold any, the market's value, the sum of the
 * squares of their values and the value of the three largest — rather than every supplier's row
 * sent here (at national scale, a hundred thousand). Exact: numeric, read as text. With both sources,
 * a supplier of the directory is one supplier in both (counted by its organisation's id); `own` and
 * `imported` say whether the market has figures from each.
 */
export async function marketSums(
  db: Db,
  filters: MarketFilters,
): Promise<
  {
    category_code: string;
    suppliers: number;
    total: bigint;
    squares: bigint;
    top3: bigint;
    own: boolean;
    imported: boolean;
  }[]
> {
  const bySupplier = rowsOf(db, "suppliers", filters, ["category_code", "supplier", "value_pence"])
    .select([
      sql.ref<string>("category_code").as("category_code"),
      sql<string>`sum(value_pence)`.as("v"),
      sql<boolean>`bool_or(source = 'openps')`.as("own"),
      sql<boolean>`bool_or(source = 'imported')`.as("imported"),
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
      sql<boolean>`bool_or(s.own)`.as("own"),
      sql<boolean>`bool_or(s.imported)`.as("imported"),
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
    own: r.own,
    imported: r.imported,
  }));
}

/** Contracts held by suppliers of one sector: how many suppliers (one in both sources counted once), and the value. */
export async function sectorSuppliers(
  db: Db,
  filters: MarketFilters,
  sector: string,
): Promise<{ suppliers: number; value_pence: bigint; contracts_bp: bigint }> {
  const row = await rowsOf(db, "suppliers", filters, ["supplier", "sector", "value_pence", "contracts_bp"])
    .where(sql.ref("sector"), "=", sector)
    .select([
      sql<number>`count(distinct supplier)::int`.as("suppliers"),
      sumBig("value_pence").as("value_pence"),
      sumBig("contracts_bp").as("contracts_bp"),
    ])
    .executeTakeFirstOrThrow();
  return row;
}

/** Tenders opened, by the number of bids opened, and by source. */
export function tendersByBids(
  db: Db,
  filters: MarketFilters,
): Promise<{ bids: number; source: "openps" | "imported"; tenders: number }[]> {
  return rowsOf(db, "tenders", filters, ["bids", "tenders"])
    .select([
      sql.ref<number>("bids").as("bids"),
      sql.ref<"openps" | "imported">("source").as("source"),
      sumInt("tenders").as("tenders"),
    ])
    .groupBy(["bids", "source"])
    .orderBy("bids")
    .orderBy("source", "desc")
    .execute();
}

/** Awards by the band of days from publication, and by source. */
export function awardsByBand(
  db: Db,
  filters: MarketFilters,
): Promise<{ days_band: string; source: "openps" | "imported"; awards: number; days: bigint }[]> {
  return rowsOf(db, "awards", filters, ["days_band", "awards", "days"])
    .select([
      sql.ref<string>("days_band").as("days_band"),
      sql.ref<"openps" | "imported">("source").as("source"),
      sumInt("awards").as("awards"),
      sumBig("days").as("days"),
    ])
    .groupBy(["days_band", "source"])
    .execute();
}

/** A tender with fewer than three bids: OpenPS's (its authority's tender), or an imported process (its publisher's). */
export interface FewBidsRow {
  source: "openps" | "imported";
  /** The authority (OpenPS's) or the publisher (imported). */
  owner_id: string;
  /** The tender's id (OpenPS's) or the process's ocid (imported). */
  id: string;
  title: string;
  opened_at: Date;
  bids: number;
  award_id: string | null;
  awarded: boolean;
  justification: string | null;
  category_code: string;
  area_code: string;
}

/** Where a page of them starts: after this one (newest opening first; OpenPS's before imported at the same instant). */
export interface FewBidsSeek {
  openedAt: Date;
  source: "openps" | "imported";
  ownerId: string;
  id: string;
}

/**
 * Opened tenders with fewer than three bids, newest opening first, a page at a time by key: from each
 * source chosen, up to `limit` read by its own index in that order, then the two merged.
 */
export async function fewBidsPage(
  db: Db,
  filters: MarketFilters,
  after: FewBidsSeek | undefined,
  limit: number,
): Promise<FewBidsRow[]> {
  const chosen = filters.source ?? "openps";
  const pages: Promise<FewBidsRow[]>[] = [];
  if (chosen !== "imported") {
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
        after.source === "openps"
          ? eb.or([
              eb("opened_at", "<", after.openedAt),
              eb.and([eb("opened_at", "=", after.openedAt), eb("tender_id", ">", after.id)]),
            ])
          : eb("opened_at", "<", after.openedAt),
      );
    pages.push(
      query
        .orderBy("opened_at", "desc")
        .orderBy("tender_id")
        .limit(limit)
        .execute()
        .then((rows) =>
          rows.map(({ authority_id, tender_id, ...row }) => ({
            ...row,
            source: "openps" as const,
            owner_id: authority_id,
            id: tender_id,
            awarded: row.award_id !== null,
          })),
        ),
    );
  }
  if (chosen !== "openps") {
    let query = within(
      db
        .selectFrom("market_imported_few_bids")
        .select([
          "publisher_id",
          "ocid",
          "title",
          "opened_at",
          "bids",
          "awarded",
          "category_code",
          "area_code",
        ]),
      filters,
      true,
    );
    if (after)
      query = query.where((eb) =>
        after.source === "imported"
          ? eb.or([
              eb("opened_at", "<", after.openedAt),
              eb.and([
                eb("opened_at", "=", after.openedAt),
                eb(eb.refTuple("publisher_id", "ocid"), ">", eb.tuple(after.ownerId, after.id)),
              ]),
            ])
          : eb("opened_at", "<=", after.openedAt),
      );
    pages.push(
      query
        .orderBy("opened_at", "desc")
        .orderBy("publisher_id")
        .orderBy("ocid")
        .limit(limit)
        .execute()
        .then((rows) =>
          rows.map(({ publisher_id, ocid, ...row }) => ({
            ...row,
            source: "imported" as const,
            owner_id: publisher_id,
            id: ocid,
            award_id: null,
            justification: null,
          })),
        ),
    );
  }
  const rows: FewBidsRow[] = [];
  for (const page of pages) rows.push(...(await page));
  return rows.sort(fewBidsOrder).slice(0, limit);
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Newest opening first; at the same instant OpenPS's (by tender id) before imported (by publisher, ocid). */
function fewBidsOrder(a: FewBidsRow, b: FewBidsRow): number {
  const byTime = b.opened_at.getTime() - a.opened_at.getTime();
  if (byTime !== 0) return byTime;
  if (a.source !== b.source) return a.source === "openps" ? -1 : 1;
  if (a.source === "imported") return compareText(a.owner_id, b.owner_id) || compareText(a.id, b.id);
  return compareText(a.id, b.id);
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

/** The first and last months any figure covers, OpenPS's or imported (for the financial years offered): index look-ups. */
export async function monthRange(db: Db): Promise<{ first: string | null; last: string | null }> {
  const { rows } = await sql<{ first: string | null; last: string | null }>`
    select
      least((select min(month) from market_contracts), (select min(month) from market_tenders),
        (select min(month) from market_awards), (select min(month) from market_imported_contracts),
        (select min(month) from market_imported_tenders), (select min(month) from market_imported_awards)) as first,
      greatest((select max(month) from market_contracts), (select max(month) from market_tenders),
        (select max(month) from market_awards), (select max(month) from market_imported_contracts),
        (select max(month) from market_imported_tenders), (select max(month) from market_imported_awards)) as last`.execute(
    db,
  );
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

// Personal budgets' open figures (personal-budgets.ts): summed over the authorities and areas
// chosen, a handful of grouped rows; suppressed by the service.

/** People with a live plan and their budgets' weekly value, by delivery type. Current: no period. */
export function budgetsByDelivery(
  db: Db,
  filters: Pick<MarketFilters, "authorityId" | "area">,
): Promise<{ delivery: string; people: number; weekly_pence: bigint }[]> {
  let q = db
    .selectFrom("market_budgets")
    .select(["delivery", sumInt("people").as("people"), sumBig("weekly_pence").as("weekly_pence")]);
  if (filters.authorityId) q = q.where("authority_id", "=", filters.authorityId);
  if (filters.area) q = q.where("area_code", "=", filters.area);
  return q.groupBy("delivery").execute();
}

/** What budgets paid out, by the payee's sector and size band. Current: no period. */
export function budgetSpendBy(
  db: Db,
  filters: Pick<MarketFilters, "authorityId" | "area">,
): Promise<{ sector: string; size_band: string; budgets: number; paid_pence: bigint }[]> {
  let q = db
    .selectFrom("market_budget_spend")
    .select(["sector", "size_band", sumInt("budgets").as("budgets"), sumBig("paid_pence").as("paid_pence")]);
  if (filters.authorityId) q = q.where("authority_id", "=", filters.authorityId);
  if (filters.area) q = q.where("area_code", "=", filters.area);
  return q.groupBy(["sector", "size_band"]).execute();
}

/** Reviews that fell due within the months, by clock and how they were met. */
export function reviewsByClock(
  db: Db,
  filters: Pick<MarketFilters, "authorityId" | "area" | "from" | "to">,
): Promise<{ clock: string; timeliness: string; reviews: number }[]> {
  let q = db.selectFrom("market_reviews").select(["clock", "timeliness", sumInt("reviews").as("reviews")]);
  if (filters.authorityId) q = q.where("authority_id", "=", filters.authorityId);
  if (filters.area) q = q.where("area_code", "=", filters.area);
  if (filters.from) q = q.where("month", ">=", filters.from);
  if (filters.to) q = q.where("month", "<=", filters.to);
  return q.groupBy(["clock", "timeliness"]).execute();
}

/** "Choice not available" records and their answers, summed. Current: no period. */
export function unavailableSums(
  db: Db,
  filters: Pick<MarketFilters, "authorityId" | "area">,
): Promise<{ records: number; on_time: number; late: number; waiting: number; overdue: number }> {
  let q = db
    .selectFrom("market_unavailable")
    .select([
      sumInt("records").as("records"),
      sumInt("on_time").as("on_time"),
      sumInt("late").as("late"),
      sumInt("waiting").as("waiting"),
      sumInt("overdue").as("overdue"),
    ]);
  if (filters.authorityId) q = q.where("authority_id", "=", filters.authorityId);
  if (filters.area) q = q.where("area_code", "=", filters.area);
  return q.executeTakeFirstOrThrow();
}

/** The (authority, area) pairs with personal-budget figures after a key, in key order: the open dataset's pages. */
export async function budgetPlacesAfter(
  db: Db,
  after: { authorityId: string; area: string } | undefined,
  limit: number,
): Promise<{ authority_id: string; area_code: string }[]> {
  const branch = (
    table: "market_budgets" | "market_budget_spend" | "market_reviews" | "market_unavailable",
  ) => {
    let q = db.selectFrom(table).select(["authority_id", "area_code"]);
    if (after)
      q = q.where((eb) =>
        eb.or([
          eb("authority_id", ">", after.authorityId),
          eb.and([eb("authority_id", "=", after.authorityId), eb("area_code", ">", after.area)]),
        ]),
      );
    return q.orderBy("authority_id").orderBy("area_code").limit(limit);
  };
  const { rows } = await sql<{ authority_id: string; area_code: string }>`
    select distinct authority_id, area_code from (
      (${branch("market_budgets")}) union all (${branch("market_budget_spend")}) union all (${branch("market_reviews")})
      union all (${branch("market_unavailable")})
    ) as places order by authority_id, area_code limit ${limit}`.execute(db);
  return rows;
}
