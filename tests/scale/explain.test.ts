/**
 * Every public list and search answers in bounded time at national scale (issue 15): on PostgreSQL,
 * with the demo data grown by `openps demo scale` to a test size, each query the public pages and
 * their API send is explained, and none may read a large table from end to end (a sequential scan)
 * or run a subquery for each row (a SubPlan).
 *
 * The queries are the ones the app really sends: the pages and API searches are requested through
 * an app whose database records each query, then each is explained with its own parameters. The
 * planner is asked to avoid sequential scans (`enable_seqscan = off`): at a test size it would
 * rightly choose one for a few thousand rows, so what this proves is that no query *needs* one —
 * each can be answered from an index, as the planner will choose at national size.
 *
 * Answers kept a while (`lib/kept.ts`: the directory's figures, the market's dashboards, the progress
 * reports) are counted once, the first time they are asked for: queries are recorded from the first
 * request on, so each kept answer's SQL is seen. The market's dashboards are read through the app and
 * through its repository's functions, with each filter and without; the market's aggregates may be
 * read whole only for the national figure with no filter at all (kept five minutes: a sum over every
 * authority's rows, which no index can narrow); any filter must be narrowed by an index.
 */
import {
  CompiledQuery,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type QueryResult,
  type RootOperationNode,
  sql,
  type UnknownRow,
} from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/config.ts";
import type { Db } from "../../src/db/database.ts";
import { transaction } from "../../src/db/transaction.ts";
import { settableClock } from "../../src/lib/clock.ts";
import { localFileStore } from "../../src/lib/file-store.ts";
import { authoritiesContracting } from "../../src/modules/contracts/contracts.service.ts";
import { DATASET_IDS } from "../../src/modules/datasets/catalogue.ts";
import { recomputeAll } from "../../src/modules/market/figures.service.ts";
import * as market from "../../src/modules/market/market.repository.ts";
import { loadTenderKeyring } from "../../src/modules/tenders/sealing.ts";
import { DEMO_AREA } from "../../src/seed/demo/areas.ts";
import { DEMO_AUTHORITY } from "../../src/seed/demo/authorities.ts";
import { DEMO_CHOICE } from "../../src/seed/demo/choice.ts";
import { DEMO_PROJECT } from "../../src/seed/demo/projects.ts";
import { scaleDemo } from "../../src/seed/demo/scale/scale.ts";
import { useDemoTenderKeys } from "../../src/seed/demo/tenders.ts";
import { DEMO_ORGANISATION } from "../../src/seed/demo/users.ts";
import {
  createTestDatabase,
  DEMO_SEEDED_AT,
  TEST_TENDER_KEY,
  type TestDatabase,
  testDatabaseUrl,
} from "../support/test-db.ts";

/** The tables that grow with the country: none may be read from end to end by a public page. */
const LARGE = new Set([
  "organisations",
  "organisation_areas",
  "organisation_categories",
  "organisation_identifiers",
  "mutual_evidence",
  "registrations",
  "registration_service_types",
  "registration_activities",
  "inspections",
  "enforcement_actions",
  "projects",
  "tenders",
  "bids",
  "tender_lots",
  "tender_criteria",
  "tender_documents",
  "tender_awards",
  "contracts",
  "kpi_ratings",
  "ocds_releases",
  "ocds_external_releases",
  "integrity_flags",
  "integrity_market_awards",
  "audit_events",
  "consultations",
  "challenges",
  "services",
  "market_contracts",
  "market_suppliers",
  "market_tenders",
  "market_awards",
  "market_few_bids",
  "market_challenges",
  "market_kpi_ratings",
  "market_ratings",
  "market_imported_contracts",
  "market_imported_suppliers",
  "market_imported_tenders",
  "market_imported_awards",
  "market_imported_few_bids",
  "market_budgets",
  "market_budget_spend",
  "market_reviews",
  "market_unavailable",
  "choice_lists",
  "choice_list_areas",
  "choice_members",
  "champion_reports",
  "feedback_reviews",
  "feedback_figures",
  "choice_unavailable",
  "complaints",
  "complaint_stages",
  "ombudsman_cases",
  "ombudsman_remedies",
]);

/**
 * The market's aggregates: every read sums the rows it reaches, so an index that does not narrow
 * what is asked for (its first column) reads the whole aggregate. Read whole only with no condition
 * at all: the national figure.
 */
const SUMMED = new Set([...LARGE].filter((table) => table.startsWith("market_")));

/** The demo's first contracting process: its project's ocid. */
const OCID = `ocds-openps-${DEMO_PROJECT.countyHomeCare}`;

/** What the public asks: the pages and their API, with the searches people make. */
const REQUESTS = [
  "/",
  "/organisations",
  "/organisations?q=care",
  "/organisations?q=riverside+care",
  "/organisations?q=zzzzqx",
  "/organisations?sector=charity",
  "/organisations?sector=charity&size=small&q=support",
  "/organisations?category=domiciliary-care&area=E07000901",
  "/api/v1/organisations?q=care&pageSize=50",
  "/regulation/find",
  "/regulation/find?rating=good",
  "/regulation/find?serviceType=residential-care",
  "/regulation/find?postcodeDistrict=WS1",
  "/regulation/find?areaCode=E07000901&rating=unrated",
  "/api/v1/regulation/locations?pageSize=50",
  "/opportunities",
  "/opportunities?keywords=care",
  "/opportunities?keywords=home+care&includeClosed=true",
  "/opportunities?includeClosed=true&page=3",
  "/opportunities?category=domiciliary-care&includeClosed=true",
  "/api/v1/opportunities?keywords=youth&includeClosed=true",
  "/data/ocds/releases",
  "/data/ocds/releases?since=2026-01-01&until=2026-11-01&pageSize=50",
  `/data/ocds/records/${OCID}`,
  `/data/ocds/releases/${OCID}-1`,
  "/data/ocds/search?q=care",
  "/data/ocds/search?q=home+care&pageSize=50",
  // Open data: the index (each dataset's last change), a dataset's page, the catalogue, and every
  // dataset's download (read a page at a time by key).
  "/open-data",
  "/open-data/organisations",
  "/data.json",
  ...DATASET_IDS.map((id) => `/open-data/${id}.csv`),
  "/integrity",
  "/authorities/westshire-county-council/integrity",
  "/authorities/westshire-county-council/integrity?indicator=supplier-concentration",
  `/api/v1/integrity/flags?ocid=${OCID}`,
  // Progress reports: a period's counts, nationally and for one body (indexed by their dates).
  "/reports?period=2026-27",
  "/authorities/westshire-county-council/reports?period=2026-Q3",
  "/api/v1/reports?period=2025-26",
  `/api/v1/authorities/${DEMO_AUTHORITY.county}/reports?period=2026-Q3`,
  "/reports.pdf?period=2025-26",
  `/api/v1/authorities/${DEMO_AUTHORITY.county}/integrity`,
  `/api/v1/authorities/${DEMO_AUTHORITY.county}/integrity?indicator=single-bid`,
  "/authorities/westshire-county-council/integrity?indicator=fewer-than-three-bids",
  // The market's dashboards: with no filter, and with each (the repository's reads are below too).
  "/market",
  "/market/diversity",
  "/market/diversity?authority=westshire-county-council",
  "/market/mutuals?year=2026",
  "/market/competition?category=domiciliary-care",
  "/market/concentration?area=E10000901",
  "/market/quality?area=E10000901&category=residential-care",
  // With other publishers' imported processes beside OpenPS's, or alone; and the market's JSON API.
  "/market/diversity?source=both",
  "/market/competition?source=both&year=2026",
  "/market/concentration?source=imported&category=domiciliary-care",
  "/api/v1/market/competition?source=imported",
  "/api/v1/market/diversity?source=both&authority=westshire-county-council",
  "/market/personal-budgets",
  "/market/personal-budgets?area=E10000901&year=2026",
  "/api/v1/market/personal-budgets?authority=westshire-county-council&from=2026-04",
  // Approved-provider lists: the index by service and area, an authority's, a list's members sorted.
  "/choice",
  "/choice?categoryCode=domiciliary-care",
  "/choice?areaCode=E07000901&categoryCode=domiciliary-care",
  "/authorities/westshire-county-council/choice",
  `/authorities/westshire-county-council/choice/${DEMO_CHOICE.homeCareList}`,
  `/authorities/westshire-county-council/choice/${DEMO_CHOICE.homeCareList}?sort=capacity`,
  `/api/v1/choice/lists?areaCode=E10000901`,
  `/api/v1/authorities/${DEMO_AUTHORITY.county}/choice/lists/${DEMO_CHOICE.homeCareList}?sort=name`,
  // Each dataset's page, and a JSON download.
  ...DATASET_IDS.map((id) => `/open-data/${id}`),
  "/open-data/tenders.json",
  // Consumer champions' reports: every one, one champion's, one area's, and the next page.
  "/champions",
  "/champions/reports",
  `/champions/reports?area=${DEMO_AREA.westshire}`,
  `/api/v1/champion-reports?champion=${DEMO_AUTHORITY.champion}&pageSize=1`,
  `/api/v1/champion-reports?area=${DEMO_AREA.westshire}&champion=${DEMO_AUTHORITY.champion}`,
  // Users' feedback on a provider: its profile's section, its page, the API (reviews and figures).
  `/organisations/${DEMO_ORGANISATION}`,
  `/organisations/${DEMO_ORGANISATION}/feedback`,
  `/api/v1/organisations/${DEMO_ORGANISATION}/feedback`,
  // An area's open figures of choice: lists, members, choice not available, feedback by month.
  `/choice/areas/${DEMO_AREA.westshire}`,
  `/api/v1/choice/areas/${DEMO_AREA.millbrook}/figures`,
  // Redress's open figures (a provider's, a public body's) and the published decisions, filtered.
  `/complaints/figures/organisations/${DEMO_ORGANISATION}`,
  "/api/v1/complaints/figures/authorities/westshire-county-council",
  "/complaints/decisions",
  "/api/v1/complaints/decisions?finding=fault-injustice",
  // Redress: the published list of overdue remedies, its page and the API.
  "/complaints/overdue-remedies",
  "/api/v1/complaints/overdue-remedies",
];

const COUNTY = DEMO_AUTHORITY.county;
const PERIOD = { from: "2025-04-01", to: "2026-03-01" };

/** The market's filters as its dashboards narrow them: none, each alone, and several together. */
const MARKET_FILTERS: market.MarketFilters[] = [
  {},
  { authorityId: COUNTY },
  { category: "domiciliary-care" },
  { area: DEMO_AREA.westshire },
  PERIOD,
  { authorityId: COUNTY, ...PERIOD },
  { category: "domiciliary-care", area: DEMO_AREA.westshire, ...PERIOD },
  { source: "both" },
  { source: "imported", category: "domiciliary-care" },
  { source: "both", category: "domiciliary-care", ...PERIOD },
];

/**
 * Every public read of the market's repository (market.repository.ts), with each set of filters:
 * the dashboards' themes, the few-bids list (first page and the next), the reports' period sums.
 */
async function marketReads(db: Db): Promise<void> {
  for (const f of MARKET_FILTERS) {
    await market.contractsBy(db, f, "sector");
    await market.contractsBy(db, f, "size_band");
    await market.contractsByYear(db, f);
    await market.marketSums(db, f);
    await market.sectorSuppliers(db, f, "public-service-mutual");
    await market.tendersByBids(db, f);
    await market.awardsByBand(db, f);
    await market.fewBidsPage(db, f, undefined, 21);
    for (const seek of [
      { source: "openps", ownerId: COUNTY, id: DEMO_PROJECT.countyHomeCare },
      { source: "imported", ownerId: COUNTY, id: "ocds-213czf-000-00001" },
    ] as const)
      await market.fewBidsPage(db, f, { openedAt: DEMO_SEEDED_AT, ...seek }, 21);
    await market.challengesByOutcome(db, f);
    await market.kpiRatingsByRating(db, f);
    await market.ratingsByCategory(db, f);
    await market.budgetsByDelivery(db, f);
    await market.budgetSpendBy(db, f);
    await market.reviewsByClock(db, f);
    await market.unavailableSums(db, f);
    await market.inadequateLocations(db, f.area);
    await market.lastComputed(db, f.authorityId);
    await market.firstMonth(db, f.authorityId);
  }
  await market.monthRange(db);
  await market.importedRuns(db, 100);
  await market.publishersSupplied(db, COUNTY);
}

interface Recorded {
  sql: string;
  parameters: readonly unknown[];
  /** Read by a function called here for what it narrows: no large table's index may be read whole. */
  strict?: boolean;
}

/** Records every query the app sends while `on`. */
class Recorder implements KyselyPlugin {
  on = false;
  strict = false;
  readonly nodes: { node: RootOperationNode; strict: boolean }[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.on) this.nodes.push({ node: args.node, strict: this.strict });
    return args.node;
  }
  async transformResult(args: { result: QueryResult<UnknownRow> }): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Filter?: string;
  "Parent Relationship"?: string;
  Plans?: PlanNode[];
}

/** Each index's table and the column it is ordered by first (null for an expression). */
type Indexes = Map<string, { table: string; leading: string | null }>;

const mentions = (text: string, column: string) => new RegExp(`\\b${column}\\b`).test(text);

/**
 * Whether an index read is narrowed: by its own first column, or — a tie the planner broke at the
 * test's size — another index of the table would be by a condition the read tests (one condition,
 * or several that must all hold: with an OR each would need its own).
 */
function narrowed(
  index: { table: string; leading: string | null },
  plan: PlanNode,
  indexes: Indexes,
): boolean {
  const cond = plan["Index Cond"] ?? "";
  if (index.leading && mentions(cond, index.leading)) return true;
  const tested = `${cond} ${plan.Filter ?? ""}`;
  if (/\bOR\b/.test(tested)) return false;
  return [...indexes.values()].some(
    (other) => other.table === index.table && other.leading !== null && mentions(tested, other.leading),
  );
}

/**
 * What is wrong with a plan: sequential scans of large tables, subqueries run for each row, and a
 * condition that no index narrows (a sequential scan with a filter; an index whose first column
 * nothing narrows, with no limit to stop it) on the market's aggregates — on any large table for a
 * query read `strict`ly (a function called here for what it narrows). Elsewhere a join may read an
 * index whole at the test's size, as the planner rightly chooses there.
 */
function faultsOf(plan: PlanNode, indexes: Indexes, strict = false, limited = false): string[] {
  const faults: string[] = [];
  const relation = plan["Relation Name"];
  const conditioned = plan["Index Cond"] !== undefined || plan.Filter !== undefined;
  if (plan["Node Type"] === "Seq Scan" && relation && LARGE.has(relation)) {
    // The national figure, with no filter, is the only whole read of an aggregate.
    if (!SUMMED.has(relation) || conditioned) faults.push(`a sequential scan of ${relation}`);
  }
  const index = plan["Index Name"] ? indexes.get(plan["Index Name"]) : undefined;
  const narrowing = strict ? LARGE.has(index?.table ?? "") : SUMMED.has(index?.table ?? "");
  if (index?.leading && narrowing && conditioned && !limited && !narrowed(index, plan, indexes))
    faults.push(`${plan["Index Name"]} read from end to end (nothing narrows ${index.leading})`);
  if (plan["Parent Relationship"] === "SubPlan")
    faults.push(`a subquery for each row (${plan["Node Type"]})`);
  const limit = limited || plan["Node Type"] === "Limit";
  for (const child of plan.Plans ?? []) faults.push(...faultsOf(child, indexes, strict, limit));
  return faults;
}

const serverUrl = testDatabaseUrl();

describe.skipIf(!serverUrl)("public lists and searches at national scale (PostgreSQL)", () => {
  let database: TestDatabase;
  const recorder = new Recorder();
  let recorded: Recorded[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ seededAt: DEMO_SEEDED_AT });
    const clock = settableClock(DEMO_SEEDED_AT);
    await scaleDemo(database.db, { factor: 1, clock, check: false });
    // The market's figures of the grown data, as its job computes them, and the planner told of them.
    await recomputeAll(database.db, clock);
    await sql`analyze`.execute(database.db);
    const config = loadConfig({
      NODE_ENV: "test",
      OPENPS_DATA_DIR: "/tmp/openps-explain",
      OPENPS_DEMO: "true",
      OPENPS_TENDER_KEY: TEST_TENDER_KEY,
    });
    const db = database.db.withPlugin(recorder) as Db;
    const tenderKeys = loadTenderKeyring(config);
    if (tenderKeys) useDemoTenderKeys(tenderKeys);
    const app = await buildApp({
      config,
      db,
      dbKind: database.kind,
      clock,
      files: localFileStore({ root: "/tmp/openps-explain/files", maxBytes: config.maxUploadBytes }),
      mailer: undefined,
      tenderKeys,
    });
    try {
      // Recorded from the first request: an answer kept a while is counted only then. Once to find
      // the next pages, then again with them.
      recorder.on = true;
      const urls = [...REQUESTS];
      for (const url of REQUESTS) {
        const response = await app.inject({ url });
        expect(response.statusCode, url).toBe(200);
        const next =
          /href="([^"]*after=[^"]*)"/.exec(response.body)?.[1] ??
          /"next":"https?:\/\/[^/"]+([^"]*after=[^"]*)"/.exec(response.body)?.[1];
        if (next) urls.push(next.replaceAll("&amp;", "&"));
      }
      for (const url of urls) expect((await app.inject({ url })).statusCode, url).toBe(200);
      // The market's repository, each read with each filter; the market's job's search for the
      // authorities an organisation holds contracts with (as lead supplier or consortium member).
      recorder.strict = true;
      await marketReads(db);
      const supplier = await db
        .selectFrom("contracts")
        .select("organisation_id")
        .orderBy("organisation_id")
        .executeTakeFirstOrThrow();
      await authoritiesContracting(db, supplier.organisation_id);
      recorder.on = false;
    } finally {
      await app.close();
    }
    const executor = database.db.getExecutor();
    const seen = new Set<string>();
    recorded = recorder.nodes.flatMap(({ node, strict }) => {
      const compiled = executor.compileQuery(node, { queryId: "explain" } as never);
      const key = `${compiled.sql}\n${JSON.stringify(compiled.parameters, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ sql: compiled.sql, parameters: compiled.parameters, strict }];
    });
  }, 300_000);

  afterAll(async () => {
    await database?.destroy();
  });

  it("recorded the queries of every page and search", () => {
    expect(recorded.length).toBeGreaterThan(REQUESTS.length);
  });

  /** The faults of each query's plan, with the planner asked to avoid sequential scans. */
  async function faultsOfQueries(
    queries: readonly Recorded[],
  ): Promise<{ explained: number; faults: string[] }> {
    return transaction(database.db, async (trx) => {
      const { rows } = await sql<{ index: string; table: string; leading: string | null }>`
        select c.relname as index, t.relname as table, a.attname as leading
        from pg_index i
        join pg_class c on c.oid = i.indexrelid
        join pg_class t on t.oid = i.indrelid
        join pg_namespace n on n.oid = t.relnamespace and n.nspname = current_schema()
        left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]`.execute(trx);
      const indexes: Indexes = new Map(rows.map((r) => [r.index, { table: r.table, leading: r.leading }]));
      await sql`set local enable_seqscan = off`.execute(trx);
      const faults: string[] = [];
      let explained = 0;
      for (const query of queries) {
        if (!/^\s*(select|with)\b/i.test(query.sql)) continue;
        const result = await trx.executeQuery<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
          CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
        );
        const plan = result.rows[0]?.["QUERY PLAN"][0].Plan;
        explained++;
        if (plan)
          for (const fault of faultsOf(plan, indexes, query.strict)) faults.push(`${fault}:\n  ${query.sql}`);
      }
      return { explained, faults };
    });
  }

  it("sees a query that must read a whole table, narrows no aggregate by an index, or runs a subquery for each row", async () => {
    const { faults } = await faultsOfQueries([
      {
        sql: "select count(*) from organisations where strpos(lower(description), $1) > 0",
        parameters: ["care"],
      },
      {
        sql: "select r.id, (select count(*) from inspections i where i.registration_id = r.id) from registrations r where r.id = $1",
        parameters: ["00000000-0000-0000-0000-000000000000"],
      },
      // A supplier's figures: its name is the aggregate's fifth key column, no index's first.
      { sql: "select sum(value_pence) from market_suppliers where supplier = $1", parameters: ["name:Acme"] },
      // The national figure: every row, with no condition (allowed).
      { sql: "select sum(value_pence) from market_suppliers", parameters: [] },
    ]);
    expect(faults).toEqual([
      expect.stringMatching(/^a sequential scan of organisations/),
      expect.stringMatching(/^a subquery for each row/),
      expect.stringMatching(
        /^(a sequential scan of market_suppliers|market_suppliers_\w+ read from end to end)/,
      ),
    ]);
  });

  it("reads no large table from end to end and runs no subquery for each row", async () => {
    const { explained, faults } = await faultsOfQueries(recorded);
    expect(explained).toBeGreaterThan(REQUESTS.length);
    expect(faults).toEqual([]);
  });
});
