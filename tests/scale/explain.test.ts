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
 * each can be answered from an index, as the planner will choose at national size. The directory's
 * figures, counted once a minute (`lib/kept.ts`), are counted before the queries are recorded.
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
import { DATASET_IDS } from "../../src/modules/datasets/catalogue.ts";
import { loadTenderKeyring } from "../../src/modules/tenders/sealing.ts";
import { DEMO_PROJECT } from "../../src/seed/demo/projects.ts";
import { scaleDemo } from "../../src/seed/demo/scale/scale.ts";
import { useDemoTenderKeys } from "../../src/seed/demo/tenders.ts";
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
]);

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
];

interface Recorded {
  sql: string;
  parameters: readonly unknown[];
}

/** Records every query the app sends while `on`. */
class Recorder implements KyselyPlugin {
  on = false;
  readonly nodes: RootOperationNode[] = [];
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.on) this.nodes.push(args.node);
    return args.node;
  }
  async transformResult(args: { result: QueryResult<UnknownRow> }): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Parent Relationship"?: string;
  Plans?: PlanNode[];
}

/** What is wrong with a plan: sequential scans of large tables, subqueries run for each row. */
function faultsOf(plan: PlanNode): string[] {
  const faults: string[] = [];
  if (plan["Node Type"] === "Seq Scan" && plan["Relation Name"] && LARGE.has(plan["Relation Name"]))
    faults.push(`a sequential scan of ${plan["Relation Name"]}`);
  if (plan["Parent Relationship"] === "SubPlan")
    faults.push(`a subquery for each row (${plan["Node Type"]})`);
  for (const child of plan.Plans ?? []) faults.push(...faultsOf(child));
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
      // Once to count what is kept a while (the directory's figures) and to find the next pages.
      const urls = [...REQUESTS];
      for (const url of REQUESTS) {
        const response = await app.inject({ url });
        expect(response.statusCode, url).toBe(200);
        const next =
          /href="([^"]*after=[^"]*)"/.exec(response.body)?.[1] ??
          /"next":"https?:\/\/[^/"]+([^"]*after=[^"]*)"/.exec(response.body)?.[1];
        if (next) urls.push(next.replaceAll("&amp;", "&"));
      }
      recorder.on = true;
      for (const url of urls) expect((await app.inject({ url })).statusCode, url).toBe(200);
      recorder.on = false;
    } finally {
      await app.close();
    }
    const executor = database.db.getExecutor();
    const seen = new Set<string>();
    recorded = recorder.nodes.flatMap((node) => {
      const compiled = executor.compileQuery(node, { queryId: "explain" } as never);
      const key = `${compiled.sql}\n${JSON.stringify(compiled.parameters, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ sql: compiled.sql, parameters: compiled.parameters }];
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
        if (plan) for (const fault of faultsOf(plan)) faults.push(`${fault}:\n  ${query.sql}`);
      }
      return { explained, faults };
    });
  }

  it("sees a query that must read a whole table, or runs a subquery for each row", async () => {
    const { faults } = await faultsOfQueries([
      {
        sql: "select count(*) from organisations where strpos(lower(description), $1) > 0",
        parameters: ["care"],
      },
      {
        sql: "select r.id, (select count(*) from inspections i where i.registration_id = r.id) from registrations r where r.id = $1",
        parameters: ["00000000-0000-0000-0000-000000000000"],
      },
    ]);
    expect(faults).toEqual([
      expect.stringMatching(/^a sequential scan of organisations/),
      expect.stringMatching(/^a subquery for each row/),
    ]);
  });

  it("reads no large table from end to end and runs no subquery for each row", async () => {
    const { explained, faults } = await faultsOfQueries(recorded);
    expect(explained).toBeGreaterThan(REQUESTS.length);
    expect(faults).toEqual([]);
  });
});
