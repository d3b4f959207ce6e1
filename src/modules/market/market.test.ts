/**
 * The market dashboards on the demo data (one seeded app): each theme's page with its charts as
 * accessible SVG, each chart's table and CSV giving the same figures, the filters narrowing them,
 * a refusal naming its fields, and an authority's figures recomputed by the job a change queues.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { summaryErrors } from "../../../tests/support/pages.ts";
import { ctxFor, principalOf } from "../../../tests/support/principals.ts";
import { importSources } from "../../cli/import-ocds.ts";
import { transaction } from "../../db/transaction.ts";
import { fixedClock } from "../../lib/clock.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import { addDays, addMonths } from "../../lib/london-time.ts";
import { parseMoney } from "../../lib/money.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_AWARD } from "../../seed/demo/evaluation.ts";
import { DEMO_USERS } from "../../seed/demo/users.ts";
import { SYSTEM } from "../audit/audit.service.ts";
import { barrierFigures } from "../barriers/figures.service.ts";
import { enterContract, readyToContract } from "../contracts/contract-entry.service.ts";
import { createJobRunner, type JobHandler } from "../jobs/jobs.runner.ts";
import { importOcds } from "../ocds/import.service.ts";
import { sectorsOf } from "../organisations/organisations.service.ts";
import { CHARTS, type ChartId } from "./charts.ts";
import {
  FIGURES_QUEUE,
  IMPORTED_QUEUE,
  marketJobHandlers,
  noteMarketChange,
  ORGANISATION_QUEUE,
  recomputeAuthority,
  recomputePublisher,
} from "./figures.service.ts";
import { figuresOf } from "./figures.ts";
import en from "./locales/en.json" with { type: "json" };
import { replaceFigures, startRun } from "./market.repository.ts";
import { forgetKept } from "./market.service.ts";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
});
afterAll(async () => {
  await t?.close();
});

const THEMES = ["diversity", "mutuals", "competition", "concentration", "quality"] as const;

/** The national figures of issue 20 (outcomes by sector, the mutuals movement): tested on their own below. */
const NATIONAL: readonly ChartId[] = [
  "outcomes-ratings",
  "outcomes-kpi-ratings",
  "outcomes-results",
  "mutuals-by-year",
  "spinouts-by-stage",
  "mutual-survival",
  "support-awarded",
  "barriers-by-kind",
  "adjudicator-decisions",
];
/** A theme's charts kept from the authorities' figures (filtered). */
const chartsOfTheme = (theme: string) =>
  Object.entries(CHARTS)
    .filter(([id, of]) => of === theme && !NATIONAL.includes(id as ChartId))
    .map(([id]) => id as ChartId);

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

/**
 * A CSV file of OpenPS's own figures without its last column, `source` (every row "openps"), which
 * the page's table shows only where imported processes are included.
 */
function withoutSource(file: { head: string[]; rows: string[][] }): { head: string[]; rows: string[][] } {
  expect(file.head.at(-1)).toBe("source");
  for (const row of file.rows) expect(row.at(-1)).toBe("openps");
  return { head: file.head.slice(0, -1), rows: file.rows.map((r) => r.slice(0, -1)) };
}

const LABELS: Record<string, Record<string, string>> = {
  sector: en.market.sector,
  size_band: en.market.sizeBand,
  outcome: en.market.outcome,
  days: en.market.daysBand,
  measure: en.market.mutualMeasure,
  bids: { "5+": en.market.fiveOrMore },
  level: en.market.level,
  source: en.market.source,
};
const KPI_RATING_LABELS: Record<string, string> = en.market.kpiRating;

/** What the table shows for a CSV value of a column. */
function shownAs(key: string, csv: string, categories: Map<string, string>, chart: ChartId): string {
  if (key.endsWith("_percent")) return `${csv}%`;
  if (key === "category") return categories.get(csv) ?? (csv === "" ? en.market.notKnown : csv);
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
      for (const id of chartsOfTheme(theme)) {
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
      for (const chart of chartsOfTheme(theme)) {
        const csvFile = await get(`/market/${chart}.csv`);
        expect(csvFile.status).toBe(200);
        expect(csvFile.type).toContain("text/csv");
        const csv = withoutSource(csvOf(csvFile.body));
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

describe("provider diversity and the mutuals movement, national whatever the filters (issue 20, item 9)", () => {
  const db = () => t.deps.db;
  const locale = (module: string) =>
    JSON.parse(fs.readFileSync(path.join(import.meta.dirname, `../${module}/locales/en.json`), "utf8"));
  type Rows = Record<string, string | number>[];
  async function chartRows(theme: "diversity" | "mutuals"): Promise<Map<string, Rows>> {
    const body = JSON.parse((await get(`/api/v1/market/${theme}`)).body) as {
      charts: { id: string; rows: Rows }[];
    };
    return new Map(body.charts.map((c) => [c.id, c.rows]));
  }
  const median = (days: number[]) => {
    const sorted = [...days].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2
      ? (sorted[mid] ?? 0)
      : Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
  };
  const daysBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

  it("counts the movement as its modules record it: mutuals by year, spin-outs by stage and time in each, survival, support, barriers, adjudicators", async () => {
    forgetKept(db());
    const rows = await chartRows("mutuals");
    const evidence = await db()
      .selectFrom("mutual_evidence as me")
      .innerJoin("organisations as o", "o.id", "me.organisation_id")
      .where("me.qualifies", "=", true)
      .where("me.spin_out_date", "is not", null)
      .select(["me.spin_out_date", "o.staff_headcount"])
      .execute();
    const years = new Map<number, { mutuals: number; staff: number }>();
    for (const e of evidence) {
      const year = Number(String(e.spin_out_date).slice(0, 4));
      const y = years.get(year) ?? { mutuals: 0, staff: 0 };
      years.set(year, { mutuals: y.mutuals + 1, staff: y.staff + (e.staff_headcount ?? 0) });
    }
    expect(years.size).toBeGreaterThan(0);
    expect(rows.get("mutuals-by-year")).toEqual(
      [...years].sort(([a], [b]) => a - b).map(([year, y]) => ({ year, ...y, source: "openps" })),
    );

    // Proposals where they are now (a refused one apart), and the median days each stage took.
    const proposals = await db().selectFrom("spinout_proposals").select(["stage", "decision"]).execute();
    const done = await db()
      .selectFrom("spinout_stages")
      .select(["stage", "started_on", "done_on"])
      .where("done_on", "is not", null)
      .execute();
    const stages = rows.get("spinouts-by-stage") ?? [];
    expect(stages.map((r) => r.stage)).toEqual([
      "idea",
      "business-case",
      "parent-body-approval",
      "staff-engagement",
      "tupe-pensions",
      "legal-form",
      "first-contract",
      "trading",
      "refused",
    ]);
    for (const row of stages) {
      const at = proposals.filter((p) => (p.decision === "refused" ? "refused" : p.stage) === row.stage);
      const took = done
        .filter((d) => d.stage === row.stage)
        .map((d) => daysBetween(d.started_on, d.done_on ?? ""));
      expect(row, String(row.stage)).toEqual({
        stage: row.stage,
        proposals: at.length,
        stages_done: took.length,
        median_days: took.length > 0 ? median(took) : "",
        source: "openps",
      });
    }
    // The demo: a proposal at every stage, parks refused, libraries trading (and still trading), every
    // stage of the libraries done.
    for (const row of stages) expect(row.proposals, String(row.stage)).toBeGreaterThan(0);
    expect(stages.find((r) => r.stage === "refused")?.proposals).toBe(1);
    expect(stages.find((r) => r.stage === "trading")?.proposals).toBe(1);
    expect(stages.find((r) => r.stage === "first-contract")?.stages_done).toBe(1);
    expect(rows.get("mutual-survival")).toEqual([
      { survival: "trading", mutuals: 1, source: "openps" },
      { survival: "merged", mutuals: 0, source: "openps" },
      { survival: "closed", mutuals: 0, source: "openps" },
    ]);

    // Support: each programme's awards and the sum awarded, against its budget, in pence.
    const programmes = await db()
      .selectFrom("grant_programmes")
      .select(["id", "title", "budget_pence"])
      .execute();
    const awarded = await db()
      .selectFrom("grant_applications")
      .select(["programme_id", "awarded_pence"])
      .where("status", "=", "awarded")
      .execute();
    expect(rows.get("support-awarded")).toEqual(
      programmes
        .sort((a, b) => a.title.localeCompare(b.title) || a.id.localeCompare(b.id))
        .map((p) => {
          const of = awarded.filter((a) => a.programme_id === p.id);
          return {
            programme: p.title,
            awards: of.length,
            awarded_pence: of.reduce((sum, a) => sum + BigInt(a.awarded_pence ?? 0n), 0n).toString(),
            budget_pence: String(p.budget_pence),
            source: "openps",
          };
        }),
    );
    expect(awarded.length).toBeGreaterThan(0);

    // Barriers: the barriers module's national table by kind, as it publishes it (small numbers hidden).
    const kinds = (await barrierFigures(ctxFor(db(), t.deps.clock, null))).tables.find(
      (x) => x.dimension === "kind",
    );
    const cell = (n: number | null) => (n === null ? "<10" : n);
    expect(rows.get("barriers-by-kind")).toEqual(
      [...(kinds?.rows ?? []), ...(kinds?.rows.length ? [kinds.all] : [])].map((r) => ({
        kind: r.key,
        open: cell(r.counts.open),
        answered: cell(r.counts.answered),
        disputed: cell(r.counts.disputed),
        resolved: cell(r.counts.resolved),
        overdue: cell(r.counts.overdue),
        total: cell(r.total),
        source: "openps",
      })),
    );

    // The adjudicators' decisions by finding and by ground found, and their remedies (the demo's
    // parks appeal: upheld, its remedy ordered).
    const decided = await db()
      .selectFrom("ombudsman_cases")
      .select(["finding", "grounds_found"])
      .where("scheme", "=", "adjudicator")
      .where("decided_on", "is not", null)
      .execute();
    const adjudicator = rows.get("adjudicator-decisions") ?? [];
    const countOf = (dimension: string, group: string) =>
      Number(adjudicator.find((r) => r.dimension === dimension && r.group === group)?.count);
    expect(decided.length).toBeGreaterThan(0);
    for (const finding of new Set(decided.map((d) => d.finding as string)))
      expect(countOf("finding", finding), finding).toBe(decided.filter((d) => d.finding === finding).length);
    expect(
      adjudicator.filter((r) => r.dimension === "finding").reduce((n, r) => n + Number(r.count), 0),
    ).toBe(decided.length);
    for (const ground of ["policy-not-followed", "no-reasons", "unequal-treatment", "not-answered-in-time"])
      expect(countOf("ground", ground), ground).toBe(
        decided.filter((d) => (d.grounds_found as string[]).includes(ground)).length,
      );
    const adjudicators = await db()
      .selectFrom("ombudsman_cases")
      .select("authority_id")
      .where("scheme", "=", "adjudicator");
    const ordered = await db()
      .selectFrom("ombudsman_remedies")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("authority_id", "in", adjudicators)
      .executeTakeFirstOrThrow();
    expect(countOf("remedies", "ordered")).toBe(Number(ordered.n));
    const compliance = ["complied-on-time", "complied-late", "reported", "due", "overdue"];
    expect(compliance.reduce((n, key) => n + countOf("remedies", key), 0)).toBe(Number(ordered.n));
  });

  it("compares outcomes by provider sector and size, large providers included, with the providers counted and small numbers hidden", async () => {
    forgetKept(db());
    const rows = await chartRows("diversity");
    const participants = await db()
      .selectFrom("outcome_participants")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    const locations = await db()
      .selectFrom("registrations")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("status", "in", ["registered", "dormant", "suspended"])
      .executeTakeFirstOrThrow();
    const kpi = await db()
      .selectFrom("kpi_ratings")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    const shown = (n: number) => (n > 0 && n < 10 ? "<10" : n);
    for (const [id, column, expected] of [
      ["outcomes-results", "referred", participants.n],
      ["outcomes-ratings", "total", locations.n],
      ["outcomes-kpi-ratings", "total", kpi.n],
    ] as const) {
      const of = rows.get(id) ?? [];
      for (const dimension of ["sector", "size"]) {
        const all = of.find((r) => r.dimension === dimension && r.group === "all");
        expect(all?.[column], `${id} ${dimension}`).toBe(shown(expected));
        // Every provider is in one group of each grouping.
        const groups = of.filter((r) => r.dimension === dimension && r.group !== "all");
        expect(groups.reduce((n, r) => n + Number(r.providers), 0)).toBe(all?.providers);
      }
      // No count of 1 to 9 is shown; where one is hidden in a group, so is another (no lone hidden cell).
      for (const row of of) {
        const counts = Object.entries(row).filter(
          ([k]) => !["dimension", "group", "providers", "achieved_percent", "source"].includes(k),
        );
        for (const [k, v] of counts)
          expect(typeof v === "number" && v > 0 && v < 10, `${id} ${k}`).toBe(false);
        if (id !== "outcomes-results" && row.total !== "<10")
          expect(counts.filter(([k, v]) => k !== "total" && v === "<10").length).not.toBe(1);
      }
    }
    // The demo's providers include large ones, counted in their own size band.
    expect(rows.get("outcomes-ratings")?.some((r) => r.dimension === "size" && r.group === "large")).toBe(
      true,
    );
    const page = await get("/market/diversity");
    expect(decode(page.body)).toContain(en.market.personalBudgets.fewerThan10);
  });

  it("gives each national figure alike in its table on the page, its CSV and the API", async () => {
    forgetKept(db());
    const words = {
      mutuals: locale("mutuals").mutuals,
      barriers: locale("barriers").barriers,
      redress: locale("redress").redress,
    };
    const labelOf = (key: string, code: string, id: string): string => {
      const m = en.market as unknown as Record<string, Record<string, string>>;
      if (id === "adjudicator-decisions") {
        if (key === "dimension") return en.market.adjudicator.dimension[code as "finding"];
        return (
          words.redress.ombudsman.findings[code] ??
          words.redress.appeals.grounds[code]?.label ??
          en.market.adjudicator.remedies[code as "ordered"]
        );
      }
      if (key === "stage") return code === "refused" ? en.market.movement.refused : words.mutuals.stage[code];
      if (key === "survival") return words.mutuals.survival[code];
      if (key === "kind")
        return code === "all" ? en.market.movement.allBarriers : words.barriers.kinds[code].label;
      if (key === "finding") return words.redress.ombudsman.findings[code];
      if (key === "dimension") return (en.market.outcomes.dimension as Record<string, string>)[code] ?? code;
      if (key === "group")
        return code === "all"
          ? en.market.outcomes.allProviders
          : (m.sector?.[code] ?? m.sizeBand?.[code] ?? code);
      return code;
    };
    const asCsv = (key: string, cell: string): string => {
      if (cell === en.market.personalBudgets.fewerThan10) return "<10";
      if (cell === en.market.personalBudgets.hidden || cell === en.market.movement.noneDone) return "";
      if (key.endsWith("_pence")) {
        const parsed = parseMoney(cell);
        if (!parsed.ok) throw new Error(cell);
        return String(parsed.value);
      }
      return /^[\d,.]+%?$/.test(cell) ? cell.replaceAll(",", "").replace(/%$/, "") : cell;
    };
    let compared = 0;
    for (const theme of ["diversity", "mutuals"] as const) {
      const page = await get(`/market/${theme}`);
      const api = await chartRows(theme);
      for (const id of NATIONAL.filter((c) => CHARTS[c] === theme)) {
        const csv = csvOf((await get(`/market/${id}.csv`)).body);
        const apiRows = api.get(id) ?? [];
        expect(apiRows.map((r) => csv.head.map((k) => String(r[k])))).toEqual(csv.rows);
        expect(page.body, id).toContain(`href="/market/${id}.csv"`);
        if (csv.rows.length === 0) continue;
        const { head, rows } = withoutSource(csv);
        const table = tableOf(page.body, id);
        expect(table.head.length, id).toBe(head.length);
        expect(table.rows.length, id).toBe(rows.length);
        for (const [r, row] of rows.entries())
          for (const [c, value] of row.entries()) {
            const key = head[c] as string;
            const cell = table.rows[r]?.[c] ?? "";
            if (/^[a-z]/.test(value) && !key.endsWith("_pence"))
              expect(cell, `${id} ${r} ${key}`).toBe(labelOf(key, value, id));
            else expect(asCsv(key, cell), `${id} ${r} ${key}`).toBe(value);
            compared += 1;
          }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("publishes the same numbers as open data (diversity-figures), one row per number of each CSV", async () => {
    const json = JSON.parse((await get("/open-data/diversity-figures.json")).body) as {
      rows: {
        figure: string;
        dimension: string;
        group: string;
        measure: string;
        value: number | null;
        suppressed: boolean;
      }[];
    };
    const published = new Map(
      json.rows.map((r) => [`${r.figure}/${r.dimension}/${r.group}/${r.measure}`, r]),
    );
    let compared = 0;
    for (const id of NATIONAL) {
      const { head, rows } = withoutSource(csvOf((await get(`/market/${id}.csv`)).body));
      const outcome = head[0] === "dimension";
      for (const row of rows)
        for (const [c, key] of head.entries()) {
          if (!/^[\d<]|^$/.test(row[c] ?? "x") || key.endsWith("_percent") || (outcome && c < 2)) continue;
          if (!outcome && c === 0) continue;
          const [dimension, group] = outcome ? [row[0], row[1]] : [head[0], row[0]];
          const value = row[c] ?? "";
          expect(published.get(`${id}/${dimension}/${group}/${key}`), `${id} ${group} ${key}`).toEqual({
            figure: id,
            dimension,
            group,
            measure: key,
            value: value === "" || value === "<10" ? null : Number(value),
            suppressed: value === "<10",
          });
          compared += 1;
        }
    }
    expect(json.rows.length).toBe(compared);
    expect(json.rows.some((r) => r.suppressed && r.value === null)).toBe(true);
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

describe("imported processes in the market figures", () => {
  const SAMPLES = path.resolve(import.meta.dirname, "../../../../shared/ocds/samples");
  const FICTIONAL = path.join(SAMPLES, "fictional-example");
  const PUBLISHER = "Example Borough Council (market test)";
  let dir: string;
  let handmade: string;
  /** The directory's organisation the hand-made data names as a supplier, by its identifier. */
  let supplier: { id: string; sector: string; sizeBand: string };
  /** OpenPS's own figures as CSV before any import. */
  const before = new Map<string, string>();
  const publishers: { handmade?: string; fictional?: string } = {};
  const CHARTS_COMPARED = [
    "contracts-by-sector",
    "bids-per-tender",
    "time-to-award",
    "concentration",
  ] as const;

  const apiGet = async (url: string) => {
    const response = await call(t.app, "GET", url);
    return { status: response.statusCode, body: response.json() };
  };
  const importing = (target: string) => {
    const { sources } = importSources(target);
    return importOcds(t.deps.db, t.deps.clock, sources, { actor: SYSTEM("cli"), target });
  };
  const csv = async (chart: string, query: string) =>
    csvOf((await get(`/market/${chart}.csv?${query}`)).body);
  const column = (file: { head: string[]; rows: string[][] }, key: string) => file.head.indexOf(key);
  const rowsWhere = (file: { head: string[]; rows: string[][] }, values: Record<string, string>) =>
    file.rows.filter((row) =>
      Object.entries(values).every(([key, value]) => row[column(file, key)] === value),
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-market-imported-"));
    const held = await t.deps.db
      .selectFrom("organisation_identifiers")
      .select(["organisation_id", "identifier"])
      .where("scheme", "=", "GB-COH")
      .where("identifier", "like", "0%")
      .orderBy("identifier")
      .executeTakeFirstOrThrow();
    const [facts] = await sectorsOf(t.deps.db, [held.organisation_id]);
    supplier = {
      id: held.organisation_id,
      sector: facts?.sector as string,
      sizeBand: facts?.size_band as string,
    };
    const cpv = (id: string) => [{ id: "1", classification: { scheme: "CPV", id } }];
    handmade = path.join(dir, "handmade.json");
    fs.writeFileSync(
      handmade,
      JSON.stringify({
        uri: "https://example.org/ocds/market-test.json",
        version: "1.1",
        publishedDate: "2026-10-01T00:00:00Z",
        publisher: { name: PUBLISHER, scheme: "GB-LAE", uid: "EXB" },
        releases: [
          {
            ocid: "ocds-mkt-1",
            id: "ocds-mkt-1-tender",
            date: "2026-05-01T09:00:00Z",
            tag: ["tender"],
            initiationType: "tender",
            tender: {
              id: "t1",
              title: "Home care in the market test",
              tenderPeriod: { startDate: "2026-05-01T09:00:00Z", endDate: "2026-06-01T12:00:00Z" },
              items: cpv("85312000"),
              numberOfTenderers: 2,
            },
          },
          {
            ocid: "ocds-mkt-1",
            id: "ocds-mkt-1-award",
            date: "2026-07-15T10:00:00Z",
            tag: ["award", "contract"],
            initiationType: "tender",
            // Its identifier without its leading zero, as publishers often write it.
            parties: [
              {
                id: "sup-1",
                name: "A supplier the directory holds",
                identifier: { scheme: "GB-COH", id: held.identifier.replace(/^0+/, "") },
                roles: ["supplier"],
              },
            ],
            awards: [
              {
                id: "a1",
                status: "active",
                date: "2026-07-01T10:00:00Z",
                value: { amount: 120000, currency: "GBP" },
                suppliers: [{ id: "sup-1", name: "A supplier the directory holds" }],
              },
            ],
            contracts: [
              {
                id: "c1",
                awardID: "a1",
                status: "active",
                dateSigned: "2026-07-15T10:00:00Z",
                value: { amount: 120000, currency: "GBP" },
              },
            ],
          },
          {
            ocid: "ocds-mkt-2",
            id: "ocds-mkt-2-1",
            date: "2026-09-01T10:00:00Z",
            tag: ["tender", "award", "contract"],
            initiationType: "tender",
            tender: {
              id: "t2",
              title: "Day care in the market test",
              tenderPeriod: { startDate: "2026-04-01T09:00:00Z", endDate: "2026-05-01T12:00:00Z" },
              numberOfTenderers: 4,
              items: cpv("85312300"),
            },
            parties: [
              { id: "sup-2", name: "Unlisted Care Ltd", identifier: { scheme: "GB-COH", id: "99999991" } },
              { id: "sup-3", name: "Only A Name Care" },
            ],
            awards: [
              {
                id: "a2",
                status: "active",
                date: "2026-08-20T10:00:00Z",
                suppliers: [
                  { id: "sup-2", name: "Unlisted Care Ltd" },
                  { id: "sup-3", name: "Only A Name Care" },
                ],
              },
            ],
            contracts: [
              {
                id: "c2",
                awardID: "a2",
                status: "active",
                dateSigned: "2026-09-01T10:00:00Z",
                value: { amount: 50000.01, currency: "GBP" },
              },
            ],
          },
          {
            ocid: "ocds-mkt-3",
            id: "ocds-mkt-3-1",
            date: "2026-10-01T10:00:00Z",
            tag: ["tender", "award", "contract"],
            initiationType: "tender",
            tender: {
              id: "t3",
              title: "Roadworks abroad in the market test",
              tenderPeriod: { startDate: "2026-06-01T09:00:00Z", endDate: "2026-07-01T12:00:00Z" },
              items: cpv("45233130"),
            },
            bids: { statistics: [{ id: "1", measure: "bids", value: 1 }] },
            awards: [
              {
                id: "a3",
                status: "active",
                date: "2026-09-15T10:00:00Z",
                suppliers: [{ id: "sup-4", name: "Euro Roads" }],
              },
            ],
            contracts: [
              {
                id: "c3",
                awardID: "a3",
                status: "active",
                dateSigned: "2026-10-01T10:00:00Z",
                value: { amount: 10000, currency: "EUR" },
              },
            ],
          },
        ],
      }),
    );
    for (const chart of CHARTS_COMPARED) before.set(chart, (await get(`/market/${chart}.csv`)).body);
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("has none before an import: OpenPS's own figures by default, and none imported to include", async () => {
    const api = await apiGet("/api/v1/market/diversity?source=imported");
    expect(api.status).toBe(200);
    expect(api.body.imported).toMatchObject({ publishers: [], more: 0, otherCurrency: 0 });
    // The national figures of issue 20 are OpenPS's own whatever the source ("OpenPS only").
    for (const chart of api.body.charts)
      if (!NATIONAL.includes(chart.id)) expect(chart.rows, chart.id).toEqual([]);
    expect((await apiGet("/api/v1/market/diversity")).body.imported).toBeNull();
    const page = await get("/market/diversity?source=imported");
    expect(decode(page.body)).toContain("No other publisher's data has been imported yet");
  });

  it("recomputes a publisher's figures by the job its import queues", async () => {
    const summaries = [await importing(handmade), await importing(FICTIONAL)];
    const ids = summaries.flatMap((s) => s.publishers.map((p) => p.id));
    publishers.handmade = summaries[0]?.publishers[0]?.id;
    publishers.fictional = summaries[1]?.publishers[0]?.id;
    expect(ids).toHaveLength(2);
    const jobs = await t.deps.db
      .selectFrom("jobs")
      .select(["payload", "run_at", "status", "dedupe_key"])
      .where("queue", "=", IMPORTED_QUEUE)
      .execute();
    // One job a publisher, in whatever order the database gives them.
    expect(jobs.map((j) => j.payload)).toHaveLength(ids.length);
    expect(jobs.map((j) => j.payload)).toEqual(
      expect.arrayContaining(ids.map((publisherId) => ({ publisherId }))),
    );
    expect(jobs.every((j) => j.status === "pending")).toBe(true);
    // Until it runs, nothing imported is counted.
    expect((await csv("contracts-by-sector", "source=imported")).rows).toEqual([]);
    const latest = Math.max(...jobs.map((j) => j.run_at.getTime()));
    const runner = createJobRunner({
      db: t.deps.db,
      clock: fixedClock(new Date(latest + 1000)),
      handlers: { [IMPORTED_QUEUE]: marketJobHandlers()[IMPORTED_QUEUE] as JobHandler },
      pollMs: 1000,
      batchSize: 50,
      logger: pino({ level: "silent" }),
    });
    await runner.runDue();
    const runs = await t.deps.db
      .selectFrom("market_imported_runs")
      .select(["publisher_id", "processes", "other_currency", "currencies"])
      .orderBy("processes", "desc")
      .execute();
    expect(runs).toEqual([
      { publisher_id: publishers.handmade, processes: 3, other_currency: 1, currencies: ["EUR"] },
      { publisher_id: publishers.fictional, processes: 1, other_currency: 0, currencies: [] },
    ]);
  });

  it("counts imported contracts in pounds by sector and supplier, bids, time to award and concentration, each marked imported", async () => {
    const sectors = await csv("contracts-by-sector", "source=imported");
    expect(sectors.head).toEqual(["sector", "contracts", "value_pence", "value_share_percent", "source"]);
    // The hand-made data's contract with the directory's organisation, in its sector; the others' not known.
    expect(rowsWhere(sectors, { sector: supplier.sector })).toEqual([
      [supplier.sector, "1", "12000000", expect.any(String), "imported"],
    ]);
    // £50,000.01 between two suppliers, and the fictional example's £11,000,000: the euros left out.
    expect(rowsWhere(sectors, { sector: "unknown" })).toEqual([
      ["unknown", "2", String(5_000_001n + 1_100_000_000n), expect.any(String), "imported"],
    ]);
    const sizes = await csv("contracts-by-size", "source=imported&year=2026");
    expect(rowsWhere(sizes, { size_band: supplier.sizeBand })[0]?.[2]).toBe("12000000");
    const bids = await csv("bids-per-tender", "source=imported");
    expect(bids.rows.filter((r) => r[1] !== "0")).toEqual([
      ["1", "1", "imported"],
      ["2", "2", "imported"],
      ["4", "1", "imported"],
    ]);
    const days = await csv("time-to-award", "source=imported");
    expect(days.rows.filter((r) => r[1] !== "0")).toEqual([
      ["61-to-90", "2", "imported"],
      ["91-to-180", "2", "imported"],
    ]);
    const markets = await csv("concentration", "source=imported");
    expect(markets.rows).toEqual([
      ["", "1", "1100000000", "10000", "100", "highly-concentrated", "imported"],
      // Domiciliary care: £120,000, £25,000.01 and £25,000 (85312000 and 85312300 both in it).
      ["domiciliary-care", "3", "17000001", expect.any(String), "100", "highly-concentrated", "imported"],
    ]);
    const hhi = Number(markets.rows[1]?.[3]);
    expect(hhi).toBe(
      Math.round(((12_000_000 ** 2 + 2_500_001 ** 2 + 2_500_000 ** 2) / 17_000_001 ** 2) * 10_000),
    );
  });

  it("leaves OpenPS's own figures as they were by default, and adds the imported with both", async () => {
    for (const chart of CHARTS_COMPARED)
      expect((await get(`/market/${chart}.csv`)).body, chart).toBe(before.get(chart));
    const value = (file: { head: string[]; rows: string[][] }) =>
      file.rows.reduce((s, row) => s + BigInt(row[column(file, "value_pence")] as string), 0n);
    const own = value(await csv("contracts-by-sector", ""));
    const imported = value(await csv("contracts-by-sector", "source=imported"));
    const both = await csv("contracts-by-sector", "source=both");
    expect(value(both)).toBe(own + imported);
    expect(new Set(both.rows.map((r) => r.at(-1)))).toEqual(new Set(["openps", "imported"]));
    // A service market with suppliers from both is one market, its suppliers counted once.
    const ownMarkets = new Set((await csv("concentration", "")).rows.map((r) => r[0]));
    const bothMarkets = await csv("concentration", "source=both");
    const domiciliary = rowsWhere(bothMarkets, { category: "domiciliary-care" })[0];
    expect(domiciliary?.at(-1)).toBe(ownMarkets.has("domiciliary-care") ? "both" : "imported");
  });

  it("names the publishers on the page, says how imported processes count and what was left out, and marks their rows", async () => {
    const page = await get("/market/competition?source=both");
    expect(page.status).toBe(200);
    const text = decode(page.body);
    expect(text).toContain("Including processes imported from other publishers");
    expect(page.body).toContain(`href="/data/ocds/external/releases?publisher=${publishers.handmade}"`);
    expect(page.body).toContain(`href="/data/ocds/external/releases?publisher=${publishers.fictional}"`);
    expect(text).toContain(`${PUBLISHER} — 3 processes`);
    expect(text).toContain("1 contract in another currency than pounds (EUR) is left out.");
    expect(text).toContain("Figures for: Both.");
    // The table marks each row's source; a chart with nothing imported says it is OpenPS's only.
    const bids = tableOf(page.body, "bids-per-tender");
    expect(bids.head.at(-1)).toBe("Source");
    expect(new Set(bids.rows.map((r) => r.at(-1)))).toEqual(new Set(["OpenPS", "Imported"]));
    const challenge = page.body.slice(page.body.indexOf('id="right-to-challenge"'));
    expect(decode(challenge.slice(0, challenge.indexOf("</h3>") + 400))).toContain(
      "OpenPS only These are OpenPS's own figures only",
    );
    expect(page.body).toMatch(
      /<svg [^>]*aria-labelledby="chart-bids-per-tender-title[\s\S]*?>Imported<\/text>/,
    );
    // The imported tenders with fewer than three bids, each linking to its record and naming its publisher.
    expect(page.body).toContain(
      `href="/data/ocds/external/records/ocds-mkt-3?publisher=${publishers.handmade}">Roadworks abroad in the market test</a>`,
    );
    expect(text).toContain(`${PUBLISHER} (imported)`);
    // OpenPS's own, by default: nothing said of imported processes.
    expect(decode((await get("/market/competition")).body)).not.toContain("Including processes imported");
  });

  it("leaves imported processes out with a public body or an area chosen, and says why", async () => {
    const county = await csv("contracts-by-sector", "source=imported&authority=westshire-county-council");
    expect(county.rows).toEqual([]);
    const page = decode(
      (await get("/market/diversity?source=imported&authority=westshire-county-council")).body,
    );
    expect(page).toContain("With a public body chosen, imported processes are left out");
    const area = await t.deps.db.selectFrom("areas").select("code").orderBy("code").executeTakeFirstOrThrow();
    const api = await apiGet(`/api/v1/market/competition?source=both&area=${area.code}`);
    expect(api.status).toBe(200);
    expect(api.body.imported.leftOutBy).toEqual(["area"]);
    for (const chart of api.body.charts as {
      rows: { source: string; tenders?: number; awards?: number }[];
    }[])
      for (const row of chart.rows)
        if (row.source === "imported") expect(row.tenders ?? row.awards ?? 0).toBe(0);
  });

  it("gives the same numbers in the JSON API, the CSV and the page's tables for a filter", async () => {
    const categories = await categoryNames();
    const query = "source=both&from=2010-01";
    let compared = 0;
    for (const theme of THEMES) {
      const api = await apiGet(`/api/v1/market/${theme}?${query}`);
      expect(api.status, theme).toBe(200);
      expect(api.body.filters).toMatchObject({ source: "both", from: "2010-01" });
      const page = await get(`/market/${theme}?${query}`);
      for (const chart of api.body.charts as {
        id: ChartId;
        csv: string;
        columns: { key: string }[];
        rows: Record<string, string | number>[];
      }[]) {
        if (NATIONAL.includes(chart.id)) continue;
        expect(chart.csv).toBe(`/market/${chart.id}.csv?from=2010-01&source=both`);
        const file = csvOf((await get(chart.csv)).body);
        expect(chart.columns.map((c) => c.key)).toEqual(file.head);
        expect(chart.rows.map((row) => file.head.map((key) => String(row[key])))).toEqual(file.rows);
        const table = tableOf(page.body, chart.id);
        expect(table.rows.length, chart.id).toBe(file.rows.length);
        for (const [r, row] of file.rows.entries())
          for (const [c, value] of row.entries()) {
            const key = file.head[c] as string;
            const expected =
              key === "value_pence" ? value : cellAs(key, shownAs(key, value, categories, chart.id));
            expect(cellAs(key, table.rows[r]?.[c] ?? ""), `${chart.id} row ${r} ${key}`).toBe(expected);
            compared += 1;
          }
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("counts nothing twice when the same data is imported again", async () => {
    const figures = async () =>
      Promise.all(CHARTS_COMPARED.map(async (c) => (await get(`/market/${c}.csv?source=both`)).body));
    const was = await figures();
    const queued = await t.deps.db
      .selectFrom("jobs")
      .select("id")
      .where("queue", "=", IMPORTED_QUEUE)
      .execute();
    const again = [await importing(handmade), await importing(FICTIONAL)];
    expect(again.map((s) => s.imported + s.importedWithWarnings)).toEqual([0, 0]);
    // Nothing new stored: nothing queued.
    expect(
      await t.deps.db.selectFrom("jobs").select("id").where("queue", "=", IMPORTED_QUEUE).execute(),
    ).toHaveLength(queued.length);
    // Computed again all the same (as `openps market rebuild` does): the same figures.
    for (const id of [publishers.handmade, publishers.fictional])
      await recomputePublisher(t.deps.db, t.deps.clock, id as string);
    expect(await figures()).toEqual(was);
  });
});

describe("personal budgets' open figures (issue 17, item 10)", () => {
  const district = "authority=millbrook-district-council";

  it("hides counts under 10 and the next smallest beside a lone one, alike in the page, CSV and API", async () => {
    const rows = [
      ["direct-payment", 9, 90_000n],
      ["mixed", 3, 30_000n],
      ["managed-by-authority", 10, 100_000n],
      ["managed-by-organisation", 25, 250_000n],
    ] as const;
    await t.deps.db
      .insertInto("market_budgets")
      .values(
        rows.map(([delivery, people, weekly]) => ({
          authority_id: DEMO_AUTHORITY.district,
          area_code: "",
          delivery,
          people,
          weekly_pence: weekly,
        })),
      )
      .execute();
    forgetKept(t.deps.db);
    try {
      const csv = csvOf((await get(`/market/budgets-by-delivery.csv?${district}`)).body);
      const byKey = new Map(csv.rows.map((r) => [r[0], r]));
      expect(byKey.get("direct-payment")?.slice(1, 3)).toEqual(["<10", ""]);
      expect(byKey.get("mixed")?.slice(1, 3)).toEqual(["<10", ""]);
      expect(byKey.get("managed-by-authority")?.slice(1, 3)).toEqual(["10", "100000"]);
      expect(byKey.get("managed-by-organisation")?.slice(1, 3)).toEqual(["25", "250000"]);
      const page = await get(`/market/personal-budgets?${district}`);
      const table = tableOf(page.body, "budgets-by-delivery");
      expect(table.rows.map((r) => r.slice(1, 3))).toEqual(
        csv.rows.map((r) => [
          r[1] === "<10" ? "fewer than 10" : (r[1] as string),
          r[2] === "" ? "hidden" : `£${(Number(r[2]) / 100).toLocaleString("en-GB")}`,
        ]),
      );
      // The headline total (47 people) is shown: two hidden cells, so neither can be worked out.
      expect(decode(page.body)).toContain("People with a live plan 47");
      const json = await call(t.app, "GET", `/api/v1/market/personal-budgets?${district}`);
      expect(json.statusCode).toBe(200);
      const chart = (
        json.json() as { charts: { id: string; rows: Record<string, unknown>[] }[] }
      ).charts.find((c) => c.id === "budgets-by-delivery");
      expect(chart?.rows.map((r) => [r.delivery, String(r.people), String(r.weekly_value_pence)])).toEqual(
        csv.rows.map((r) => r.slice(0, 3)),
      );
      // A lone small cell takes the next smallest with it: 9 beside 10 and 25 hides the 10 too.
      await t.deps.db
        .deleteFrom("market_budgets")
        .where("authority_id", "=", DEMO_AUTHORITY.district)
        .where("delivery", "=", "mixed")
        .execute();
      forgetKept(t.deps.db);
      const lone = csvOf((await get(`/market/budgets-by-delivery.csv?${district}`)).body);
      expect(lone.rows.map((r) => r[1])).toEqual(["<10", "<10", "25"]);
    } finally {
      await t.deps.db
        .deleteFrom("market_budgets")
        .where("authority_id", "=", DEMO_AUTHORITY.district)
        .execute();
      forgetKept(t.deps.db);
    }
  });

  it("counts choice not available and its answers, hiding those under 10, alike in the page, CSV and API", async () => {
    // Millbrook: 12 answered on time, 3 late, none waiting — the 3 hidden, and the 12 with it (a lone small cell).
    await t.deps.db
      .insertInto("market_unavailable")
      .values({
        authority_id: DEMO_AUTHORITY.district,
        area_code: "",
        records: 15,
        on_time: 12,
        late: 3,
        waiting: 0,
        overdue: 0,
      })
      .execute();
    forgetKept(t.deps.db);
    try {
      const csv = csvOf((await get(`/market/choice-not-available-answers.csv?${district}`)).body);
      expect(csv.rows.map((r) => r.slice(0, 2))).toEqual([
        ["on-time", "<10"],
        ["late", "<10"],
        ["waiting", "0"],
        ["overdue", "0"],
      ]);
      const page = decode((await get(`/market/personal-budgets?${district}`)).body);
      expect(page).toContain("Records made 15");
      expect(page).toContain("Answered late fewer than 10");
      const json = await call(t.app, "GET", `/api/v1/market/personal-budgets?${district}`);
      const chart = (
        json.json() as { charts: { id: string; rows: Record<string, unknown>[] }[] }
      ).charts.find((c) => c.id === "choice-not-available-answers");
      expect(chart?.rows.map((r) => [r.answer, String(r.records)])).toEqual(
        csv.rows.map((r) => r.slice(0, 2)),
      );
      // The demo county's one record (Arthur's), recomputed from choice's records: kept, never shown.
      await recomputeAuthority(t.deps.db, t.deps.clock, DEMO_AUTHORITY.county);
      const county = await t.deps.db
        .selectFrom("market_unavailable")
        .select(["records", "waiting"])
        .where("authority_id", "=", DEMO_AUTHORITY.county)
        .execute();
      expect(county.reduce((n, r) => n + r.records, 0)).toBeGreaterThanOrEqual(1);
      const demo = csvOf(
        (await get("/market/choice-not-available-answers.csv?authority=westshire-county-council")).body,
      );
      expect(demo.rows.find((r) => r[0] === "waiting")?.[1]).toBe("<10");
    } finally {
      await t.deps.db
        .deleteFrom("market_unavailable")
        .where("authority_id", "=", DEMO_AUTHORITY.district)
        .execute();
      forgetKept(t.deps.db);
    }
  });

  it("is recomputed from the plans by the job a care change queues, and shows no small number of the demo", async () => {
    const county = DEMO_AUTHORITY.county;
    const people = async () =>
      Number(
        (
          await t.deps.db
            .selectFrom("market_budgets")
            .select((eb) => eb.fn.sum<string>("people").as("n"))
            .where("authority_id", "=", county)
            .executeTakeFirst()
        )?.n ?? 0,
      );
    const live = await t.deps.db
      .selectFrom("care_plans")
      .select(["id"])
      .where("authority_id", "=", county)
      .where("status", "=", "active")
      .execute();
    expect(live.length).toBeGreaterThan(0);
    expect(await people()).toBe(live.length);
    // The demo has fewer than 10 people: nothing of theirs is shown, only "fewer than 10".
    const csv = csvOf((await get("/market/budgets-by-delivery.csv?authority=westshire-county-council")).body);
    for (const row of csv.rows) expect(row.slice(1, 3)).toEqual(["<10", ""]);
    // A care change queues the authority's recomputation; run, it counts the plan ended.
    const planId = live[0]?.id as string;
    await transaction(t.deps.db, async (trx) => {
      await trx
        .updateTable("care_plans")
        .set({ status: "ended", ended_on: "2026-12-01" })
        .where("authority_id", "=", county)
        .where("id", "=", planId)
        .execute();
      await noteMarketChange(trx, t.deps.clock, {
        authorityId: county,
        action: "care.plan-ended",
        entity: { type: "care-plan", id: planId },
        occurredAt: t.deps.clock.now(),
      });
    });
    const minute = Math.floor(t.deps.clock.now().getTime() / 60_000);
    const job = await t.deps.db
      .selectFrom("jobs")
      .select(["run_at"])
      .where("dedupe_key", "=", `${FIGURES_QUEUE}:${county}:${minute}`)
      .executeTakeFirstOrThrow();
    const runner = createJobRunner({
      db: t.deps.db,
      clock: fixedClock(new Date(job.run_at.getTime() + 1000)),
      handlers: marketJobHandlers(),
      pollMs: 1000,
      batchSize: 50,
      logger: pino({ level: "silent" }),
    });
    await runner.runDue();
    expect(await people()).toBe(live.length - 1);
    await t.deps.db
      .updateTable("care_plans")
      .set({ status: "active", ended_on: null })
      .where("authority_id", "=", county)
      .where("id", "=", planId)
      .execute();
    await recomputeAuthority(t.deps.db, t.deps.clock, county);
    expect(await people()).toBe(live.length);
  });
});
