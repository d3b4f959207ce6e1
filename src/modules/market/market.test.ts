/**
 * The market dashboards on the demo data (one seeded app): each theme's page with its charts as
 * accessible SVG, each chart's table and CSV giving the same figures, the filters narrowing them,
 * a refusal naming its fields, and an authority's figures recomputed by the job a change queues.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { summaryErrors } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { transaction } from "../../db/transaction.ts";
import { fixedClock } from "../../lib/clock.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import { addDays, addMonths } from "../../lib/london-time.ts";
import { parseMoney } from "../../lib/money.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_AWARD } from "../../seed/demo/evaluation.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { enterContract, readyToContract } from "../contracts/contract-entry.service.ts";
import { createJobRunner, type JobHandler } from "../jobs/jobs.runner.ts";
import { CHARTS, type ChartId } from "./charts.ts";
import {
  FIGURES_QUEUE,
  marketJobHandlers,
  noteMarketChange,
  ORGANISATION_QUEUE,
  recomputeAuthority,
} from "./figures.service.ts";
import { figuresOf } from "./figures.ts";
import en from "./locales/en.json" with { type: "json" };
import { replaceFigures, startRun } from "./market.repository.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
});
afterAll(async () => {
  await t?.close();
});

const THEMES = ["diversity", "mutuals", "competition", "concentration", "quality"] as const;

async function get(url: string) {
  const response = await t.app.inject({ url });
  return { status: response.statusCode, body: response.body, type: String(response.headers["content-type"]) };
}

const decode = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();

/** A chart's table: its header and its rows' cells, as the page shows them. */
function tableOf(html: string, id: ChartId): { head: string[]; rows: string[][] } {
  const table = new RegExp(`<table[^>]*data-chart="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (!table) throw new Error(`No table for ${id}`);
  const cells = (row: string) =>
    [...row.matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => decode(m[1] ?? ""));
  const [head = "", body = ""] = [
    /<thead[\s\S]*?<\/thead>/.exec(table)?.[0],
    /<tbody[\s\S]*?<\/tbody>/.exec(table)?.[0],
  ];
  return { head: cells(head), rows: [...body.matchAll(/<tr\b[\s\S]*?<\/tr>/g)].map((m) => cells(m[0])) };
}

/** A CSV file (no field here holds a comma or a quote: codes and numbers). */
function csvOf(text: string): { head: string[]; rows: string[][] } {
  const [head = "", ...rows] = text.trimEnd().split("\n");
  return { head: head.split(","), rows: rows.map((r) => r.split(",")) };
}

const LABELS: Record<string, Record<string, string>> = {
  sector: en.market.sector,
  size_band: en.market.sizeBand,
  outcome: en.market.outcome,
  days: en.market.daysBand,
  measure: en.market.mutualMeasure,
  bids: { "5+": en.market.fiveOrMore },
  level: en.market.level,
};
const KPI_RATING_LABELS: Record<string, string> = en.market.kpiRating;

/** What the table shows for a CSV value of a column. */
function shownAs(key: string, csv: string, categories: Map<string, string>, chart: ChartId): string {
  if (key.endsWith("_percent")) return `${csv}%`;
  if (key === "category") return categories.get(csv) ?? csv;
  if (key === "rating" && chart === "kpi-ratings") return KPI_RATING_LABELS[csv] ?? csv;
  if (LABELS[key]) return LABELS[key]?.[csv] ?? csv;
  return csv;
}

/** A table's cell in the CSV's terms: money in pence, numbers without separators. */
function cellAs(key: string, cell: string): string {
  if (key === "value_pence") {
    const parsed = parseMoney(cell);
    if (!parsed.ok) throw new Error(cell);
    return String(parsed.value);
  }
  return /^[\d,.]+%?$/.test(cell) ? cell.replaceAll(",", "") : cell;
}

async function categoryNames(): Promise<Map<string, string>> {
  const rows = await t.deps.db.selectFrom("service_categories").select(["code", "name"]).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

describe("the market dashboards on the demo data", () => {
  it("shows each theme's charts as SVG images with a title and a description, each followed by its table and CSV", async () => {
    const index = await get("/market");
    expect(index.status).toBe(200);
    for (const theme of THEMES) expect(index.body).toContain(`href="/market/${theme}"`);
    expect(index.body).toContain("Figures last computed at");
    for (const theme of THEMES) {
      const page = await get(`/market/${theme}`);
      expect(page.status, theme).toBe(200);
      const charts = Object.entries(CHARTS)
        .filter(([, of]) => of === theme)
        .map(([id]) => id as ChartId);
      for (const id of charts) {
        expect(page.body, id).toContain(`href="/market/${id}.csv"`);
        const svg = new RegExp(
          `<svg [^>]*aria-labelledby="chart-${id}-title chart-${id}-desc"[^>]*>([\\s\\S]*?)</svg>`,
        ).exec(page.body);
        expect(svg, `${theme}: ${id}`).not.toBeNull();
        const [open = "", inner = ""] = [svg?.[0].slice(0, svg[0].indexOf(">") + 1), svg?.[1]];
        expect(open).toContain('role="img"');
        expect(inner).toMatch(
          new RegExp(`^<title id="chart-${id}-title">[^<]+</title><desc id="chart-${id}-desc">[^<]+</desc>`),
        );
        // Drawn by Vega (marks, axes), with nothing the page's CSP or a screen reader would trip over.
        expect(inner).toContain("mark-rect");
        expect(inner).not.toMatch(/style=|<script|role="graphics/);
        // The table follows the chart.
        expect(page.body.indexOf(`data-chart="${id}"`)).toBeGreaterThan(
          page.body.indexOf(`chart-${id}-desc`),
        );
      }
    }
    // No script is needed: the page's only scripts are the layout's.
    const page = await get("/market/diversity");
    expect(page.body.match(/<script/g)?.length ?? 0).toBeLessThanOrEqual(2);
  });

  it("gives each chart's figures alike in its table and in its CSV", async () => {
    const categories = await categoryNames();
    let compared = 0;
    for (const theme of THEMES) {
      const page = await get(`/market/${theme}`);
      for (const [id] of Object.entries(CHARTS).filter(([, of]) => of === theme)) {
        const chart = id as ChartId;
        const csvFile = await get(`/market/${chart}.csv`);
        expect(csvFile.status).toBe(200);
        expect(csvFile.type).toContain("text/csv");
        const csv = csvOf(csvFile.body);
        const table = tableOf(page.body, chart);
        expect(table.head.length, chart).toBe(csv.head.length);
        expect(table.rows.length, chart).toBe(csv.rows.length);
        expect(csv.rows.length, chart).toBeGreaterThan(0);
        for (const [r, row] of csv.rows.entries())
          for (const [c, value] of row.entries()) {
            const key = csv.head[c] as string;
            const cell = table.rows[r]?.[c] ?? "";
            const expected =
              key === "value_pence" ? value : cellAs(key, shownAs(key, value, categories, chart));
            expect(cellAs(key, cell), `${chart} row ${r} ${key}`).toBe(expected);
            compared += 1;
          }
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("has figures from every part of the demo: contracts, tenders, awards, Right to Challenge, ratings", async () => {
    const sum = (csv: string, column: string) => {
      const file = csvOf(csv);
      const at = file.head.indexOf(column);
      return file.rows.reduce((s, row) => s + Number(row[at]), 0);
    };
    expect(sum((await get("/market/contracts-by-sector.csv")).body, "value_pence")).toBeGreaterThan(0);
    expect(sum((await get("/market/bids-per-tender.csv")).body, "tenders")).toBeGreaterThan(0);
    expect(sum((await get("/market/time-to-award.csv")).body, "awards")).toBeGreaterThan(0);
    expect(sum((await get("/market/right-to-challenge.csv")).body, "challenges")).toBeGreaterThan(0);
    expect(sum((await get("/market/kpi-ratings.csv")).body, "ratings")).toBeGreaterThan(0);
    expect(sum((await get("/market/ratings.csv")).body, "good")).toBeGreaterThan(0);
    const concentration = csvOf((await get("/market/concentration.csv")).body);
    expect(concentration.rows.length).toBeGreaterThan(0);
    for (const row of concentration.rows) expect(Number(row[3])).toBeGreaterThan(0);
  });

  it("narrows the figures by public body, service, area and period, in the pages and their CSV alike", async () => {
    const total = async (query: string) => {
      const file = csvOf((await get(`/market/bids-per-tender.csv?${query}`)).body);
      return file.rows.reduce((s, row) => s + Number(row[1]), 0);
    };
    const all = await total("");
    expect(all).toBeGreaterThan(0);
    const county = await total("authority=westshire-county-council");
    const district = await total("authority=millbrook-district-council");
    expect(county + district).toBeLessThanOrEqual(all);
    expect(county).toBeGreaterThan(0);
    expect(county).toBeLessThanOrEqual(all);
    // A period before any tender: none.
    expect(await total("from=2001-01&to=2001-12")).toBe(0);
    expect(await total("year=2001")).toBe(0);
    // A service category: its tenders only.
    const { rows } = csvOf((await get("/market/concentration.csv")).body);
    const category = rows[0]?.[0] as string;
    const narrowed = csvOf((await get(`/market/concentration.csv?category=${category}`)).body);
    expect(narrowed.rows.map((r) => r[0])).toEqual([category]);
    // The page keeps the filters in its links and says what it shows.
    const page = await get("/market/diversity?authority=westshire-county-council&year=2026");
    expect(page.status).toBe(200);
    expect(page.body).toContain(
      'href="/market/contracts-by-sector.csv?authority=westshire-county-council&amp;year=2026"',
    );
    expect(page.body).toContain(
      'href="/market/competition?authority=westshire-county-council&amp;year=2026"',
    );
    expect(page.body).toContain("Figures for: Westshire County Council, months 2026-04 to 2027-03.");
  });

  it("refuses filters it cannot read, naming each field beside it (400)", async () => {
    const page = await get("/market/competition?authority=nowhere&year=20x6&from=2026-13&category=nothing");
    expect(page.status).toBe(400);
    expect(summaryErrors(page.body)).toEqual([
      ["#authority", "Choose a public body from the list"],
      ["#category", "Choose a service from the list"],
      ["#year", "Choose a financial year from the list"],
      ["#from", "Enter a month as a year and month, like 2026-04"],
    ]);
    const backwards = await get("/market/quality?from=2027-01&to=2026-01");
    expect(summaryErrors(backwards.body)).toEqual([
      ["#to", "The last month must be the same as or after the first month"],
    ]);
    expect((await get("/market/ratings.csv?area=nowhere")).status).toBe(400);
  });

  it("recomputes an authority's figures by the job a change queues: a contract entered through the service", async () => {
    const county = "authority=westshire-county-council";
    const countyValue = async () => {
      const file = csvOf((await get(`/market/contracts-by-sector.csv?${county}`)).body);
      return file.rows.reduce((s, row) => s + BigInt(row[2] as string), 0n);
    };
    const before = await countyValue();
    const commissioner = DEMO_USERS.find((u) => u.role === "commissioner");
    const principal = await principalOf(t.deps.db, commissioner?.id as string);
    const ctx = { ...ctxFor(t.deps.db, t.deps.clock, principal), files: NO_FILES, email: false };
    const award = (await readyToContract(ctx, DEMO_AUTHORITY.county)).find(
      (a) => a.id === DEMO_AWARD.awaitingContract,
    );
    expect(award).toBeDefined();
    const startsOn = addDays(new Date(award?.standstillEndsAt as Date).toISOString().slice(0, 10), 1);
    await enterContract(ctx, DEMO_AUTHORITY.county, {
      awardId: award?.id,
      title: "A contract entered by the market test",
      description: "Entered to see the market figures recomputed.",
      startsOn,
      endsOn: addDays(addMonths(startsOn, 12), -1),
      paymentMechanism: "fixed",
      kpis: [
        { name: "Visits on time", measure: "Visits within 15 minutes", target: "95%", frequencyMonths: 3 },
      ],
    });
    // The change queued the recomputation of its authority for the end of its minute (one a minute).
    const minute = Math.floor(t.deps.clock.now().getTime() / 60_000);
    const job = await t.deps.db
      .selectFrom("jobs")
      .select(["payload", "run_at", "status"])
      .where("dedupe_key", "=", `${FIGURES_QUEUE}:${DEMO_AUTHORITY.county}:${minute}`)
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: "pending", run_at: new Date((minute + 1) * 60_000) });
    expect(job.payload).toEqual({ authorityId: DEMO_AUTHORITY.county });
    // Until it runs, the figures are as they were.
    expect(await countyValue()).toBe(before);
    const runner = createJobRunner({
      db: t.deps.db,
      clock: fixedClock(new Date(job.run_at.getTime() + 1000)),
      handlers: marketJobHandlers(),
      pollMs: 1000,
      batchSize: 50,
      logger: pino({ level: "silent" }),
    });
    await runner.runDue();
    expect(await countyValue()).toBe(before + (award?.valuePence as bigint));
  });
});

describe("two computations of one authority's figures at once", () => {
  it("keeps the figures of the one that began later, whichever finishes first", async () => {
    const district = DEMO_AUTHORITY.district;
    const empty = figuresOf({
      authorityArea: "",
      projects: new Map(),
      services: new Map(),
      tenders: [],
      awards: [],
      contracts: [],
      organisations: new Map(),
      kpiRatings: [],
      decisions: [],
      ratings: [],
    });
    const earlier = await startRun(t.deps.db, district);
    const later = await startRun(t.deps.db, district);
    expect(later).toBe(earlier + 1n);
    const at = t.deps.clock.now();
    expect(await transaction(t.deps.db, (trx) => replaceFigures(trx, district, later, empty, at))).toBe(true);
    expect(await transaction(t.deps.db, (trx) => replaceFigures(trx, district, earlier, empty, at))).toBe(
      false,
    );
    // Computed again, as a job does: the district's figures are back.
    await recomputeAuthority(t.deps.db, t.deps.clock, district);
    const runs = await t.deps.db
      .selectFrom("market_runs")
      .select(["started", "written"])
      .where("authority_id", "=", district)
      .executeTakeFirstOrThrow();
    expect(runs).toEqual({ started: later + 1n, written: later + 1n });
  });
});

describe("a change to an organisation", () => {
  it("queues the recomputation of the authorities it holds contracts with (its sector counts there)", async () => {
    const db = t.deps.db;
    const contract = await db
      .selectFrom("contracts")
      .select(["organisation_id", "authority_id"])
      .executeTakeFirstOrThrow();
    const at = new Date("2030-01-01T12:00:30Z");
    const minute = Math.floor(at.getTime() / 60_000);
    await transaction(db, async (trx) => {
      // A new organisation holds no contract: nothing to do.
      await noteMarketChange(trx, fixedClock(at), {
        authorityId: null,
        action: "organisation.registered",
        entity: { type: "organisation", id: contract.organisation_id },
        occurredAt: at,
      });
      for (const action of ["organisation.updated", "organisation.mutual-evidence-recorded"])
        await noteMarketChange(trx, fixedClock(at), {
          authorityId: null,
          action,
          entity: { type: "organisation", id: contract.organisation_id },
          occurredAt: at,
        });
    });
    const queued = await db
      .selectFrom("jobs")
      .select(["queue", "dedupe_key"])
      .where("dedupe_key", "like", `%:${minute}`)
      .execute();
    expect(queued).toEqual([
      {
        queue: ORGANISATION_QUEUE,
        dedupe_key: `${ORGANISATION_QUEUE}:${contract.organisation_id}:${minute}`,
      },
    ]);
    const runner = createJobRunner({
      db,
      clock: fixedClock(new Date((minute + 1) * 60_000 + 1000)),
      handlers: { [ORGANISATION_QUEUE]: marketJobHandlers()[ORGANISATION_QUEUE] as JobHandler },
      pollMs: 1000,
      batchSize: 50,
      logger: pino({ level: "silent" }),
    });
    await runner.runDue();
    const recompute = await db
      .selectFrom("jobs")
      .select(["status", "payload"])
      .where("queue", "=", FIGURES_QUEUE)
      .where("dedupe_key", "=", `${FIGURES_QUEUE}:${contract.authority_id}:${minute + 1}`)
      .executeTakeFirstOrThrow();
    expect(recompute).toEqual({ status: "pending", payload: { authorityId: contract.authority_id } });
  });
});
