/**
 * The public market dashboards (issue 16, item 6): diversity of provision, the mutuals movement,
 * competition, concentration and quality, narrowed by authority, service category, area and period.
 * Every figure is read from the maintained aggregates (figures.service.ts keeps them), never from
 * the tenders or contracts themselves; each answer is kept for a while per filters (`keptFor`) and
 * forgotten as soon as a recomputation commits, and pages say when the figures were computed.
 * Public: anyone may read them. docs/market.md says what each figure means and how it is counted.
 */
import type { Db } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import type { FieldError } from "../../lib/errors.ts";
import { ValidationError } from "../../lib/errors.ts";
import { type Kept, keptFor } from "../../lib/kept.ts";
import { msg } from "../../lib/messages.ts";
import { isSmall } from "../../lib/small-numbers.ts";
import type { Ctx } from "../access/context.ts";
import { type Authority, findAuthorityBySlug, listAuthorities } from "../authorities/authorities.service.ts";
import { barrierFigures, type FigureTable } from "../barriers/figures.service.ts";
import { kpiRatingsByLead } from "../contracts/contracts.service.ts";
import { awardsByProgramme } from "../grants/grants.service.ts";
import { type SpinoutFigures, spinoutFigures } from "../mutuals/figures.service.ts";
import { publishersNamed } from "../ocds/external.service.ts";
import { mutualSummary, mutualsBySpinOutYear, sectorsOf } from "../organisations/organisations.service.ts";
import { type AdjudicatorFigures, adjudicatorFigures } from "../redress/appeals.service.ts";
import { currentRatingsByProvider } from "../regulation/regulation.service.ts";
import { outcomesByProvider } from "../results/open-data.service.ts";
import {
  existingCategoryCodes,
  findArea,
  listAreas,
  listServiceCategories,
} from "../vocabularies/vocabularies.service.ts";
import { type Concentration, concentrationOf } from "./concentration.ts";
import { onRecomputed } from "./figures.service.ts";
import { DAYS_BANDS, ENOUGH_BIDS, MUTUAL, RATING_BY_RANK } from "./figures.ts";
import * as repo from "./market.repository.ts";
import {
  type OutcomeTable,
  outcomeTable,
  type ProviderCount,
  type ProviderFacts,
  RESULT_COLUMNS,
  resultCounts,
} from "./outcomes.ts";
import {
  ANSWERS,
  type Cell,
  DELIVERY_TYPES,
  type ShownCell,
  suppressed,
  suppressedTotal,
  TIMELINESS,
} from "./personal-budgets.ts";

export type { MarketFilters, MarketSource } from "./market.repository.ts";

/** How long an answer is kept at most (a recomputation forgets it at once). */
export const KEPT_FOR_MS = 5 * 60_000;

/** The themes, each a page of its own under /market. */
export const THEMES = [
  "diversity",
  "mutuals",
  "competition",
  "concentration",
  "quality",
  "personal-budgets",
] as const;
export type Theme = (typeof THEMES)[number];

/** What the address asks for, as typed. */
export interface MarketQuery {
  authority?: string | undefined;
  category?: string | undefined;
  area?: string | undefined;
  /** A financial year by the calendar year it starts in (April to March). */
  year?: string | undefined;
  /** YYYY-MM, both ends included. */
  from?: string | undefined;
  to?: string | undefined;
  /** Whose figures: "openps" (OpenPS's own, the default), "imported" or "both". */
  source?: string | undefined;
  /** A page of the tenders with fewer than three bids: the key of the one before. */
  after?: string | undefined;
}

/** Whose figures a page may show, the default first. */
export const SOURCES = ["openps", "imported", "both"] as const satisfies readonly repo.MarketSource[];

/** Where a figure comes from: OpenPS's own records, imported processes, or (a market's concentration) both. */
export type FigureSource = "openps" | "imported" | "both";

export interface Chosen {
  filters: repo.MarketFilters & { source: repo.MarketSource };
  authority: Authority | null;
  /** The query as it should be written in links: the same figures (without `after`). */
  query: string;
}

const MONTH = /^(\d{4})-(\d{2})$/;

function monthStart(text: string): string | null {
  const match = MONTH.exec(text);
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? `${match[1]}-${match[2]}-01` : null;
}

/** The query's filters, each checked against what exists; every problem named beside its field. */
export async function chosenFilters(db: Db, query: MarketQuery): Promise<Chosen> {
  const problems: FieldError[] = [];
  const text = (value: string | undefined) => (value ?? "").trim();
  let authority: Authority | null = null;
  const slug = text(query.authority);
  if (slug) {
    authority = (await findAuthorityBySlug(db, slug)) ?? null;
    if (!authority || authority.verified_at === null) {
      authority = null;
      problems.push({ field: "authority", message: msg`Choose a public body from the list` });
    }
  }
  const category = text(query.category);
  if (category && !(await existingCategoryCodes(db, [category])).has(category))
    problems.push({ field: "category", message: msg`Choose a service from the list` });
  const area = text(query.area);
  if (area && !(await findArea(db, area)))
    problems.push({ field: "area", message: msg`Choose an area from the list` });
  let from: string | undefined;
  let to: string | undefined;
  const year = text(query.year);
  if (year) {
    if (/^\d{4}$/.test(year) && Number(year) >= 2000 && Number(year) < 2100) {
      from = `${year}-04-01`;
      to = `${Number(year) + 1}-03-01`;
    } else problems.push({ field: "year", message: msg`Choose a financial year from the list` });
  }
  for (const end of ["from", "to"] as const) {
    const typed = text(query[end]);
    if (!typed) continue;
    const month = monthStart(typed);
    if (!month) {
      problems.push({ field: end, message: msg`Enter a month as a year and month, like 2026-04` });
      continue;
    }
    // Within the financial year when one is chosen too: the narrower of the two.
    if (end === "from") from = from && from > month ? from : month;
    else to = to && to < month ? to : month;
  }
  const source = text(query.source) || "openps";
  if (!(SOURCES as readonly string[]).includes(source))
    problems.push({ field: "source", message: msg`Choose whose figures to show from the list` });
  if (from && to && from > to && problems.length === 0)
    problems.push({ field: "to", message: msg`The last month must be the same as or after the first month` });
  if (problems.length > 0) throw new ValidationError(msg`Check the filters`, problems);
  const params = new URLSearchParams();
  if (authority) params.set("authority", authority.slug);
  if (category) params.set("category", category);
  if (area) params.set("area", area);
  if (year) params.set("year", year);
  if (text(query.from)) params.set("from", text(query.from));
  if (text(query.to)) params.set("to", text(query.to));
  if (source !== "openps") params.set("source", source);
  return {
    filters: {
      source: source as repo.MarketSource,
      authorityId: authority?.id,
      category: category || undefined,
      area: area || undefined,
      from,
      to,
    },
    authority,
    query: params.toString(),
  };
}

// Kept answers, forgotten when figures are recomputed.

const keptAnswers = keptFor<Db, unknown>(KEPT_FOR_MS, { names: 500 });
onRecomputed((db) => keptAnswers.forget(db));

/** Forgets the kept answers of a database (its figures changed elsewhere: `openps market rebuild`). */
export function forgetKept(db: Db): void {
  keptAnswers.forget(db);
}

function kept<T>(ctx: Pick<Ctx, "db" | "clock">, name: string, count: () => Promise<T>): Promise<Kept<T>> {
  return keptAnswers.get(ctx.db, ctx.clock.now(), count, name) as Promise<Kept<T>>;
}

/** Keeps the rendering of a chart (or anything derived from kept figures) as long as they are kept. */
export function keptRendering(ctx: Pick<Ctx, "db" | "clock">, name: string, render: () => Promise<string>) {
  return kept(ctx, `render:${name}`, render);
}

// The form's choices

export interface Choices {
  authorities: { slug: string; name: string; welshName: string | null }[];
  categories: { code: string; name: string }[];
  areas: { code: string; name: string }[];
  /** Financial years with figures, by the year they start in, newest first. */
  years: number[];
}

function financialYear(month: string): number {
  const [year, mm] = month.split("-").map(Number) as [number, number];
  return mm >= 4 ? year : year - 1;
}

export async function choices(ctx: Pick<Ctx, "db" | "clock">): Promise<Choices> {
  const { value } = await kept(ctx, "choices", async () => {
    const [authorities, categories, areas, range] = await Promise.all([
      listAuthorities(ctx.db),
      listServiceCategories(ctx.db),
      listAreas(ctx.db),
      repo.monthRange(ctx.db),
    ]);
    const years: number[] = [];
    if (range.first && range.last)
      for (let y = financialYear(range.last); y >= financialYear(range.first); y -= 1) years.push(y);
    return {
      authorities: authorities
        .filter((a) => a.verified_at !== null && a.kind !== "ombudsman" && a.kind !== "consumer-champion")
        .map((a) => ({ slug: a.slug, name: a.name, welshName: a.welsh_name })),
      categories: categories.map((c) => ({ code: c.code, name: c.name })),
      areas: areas.map((a) => ({ code: a.code, name: a.name })),
      years,
    };
  });
  return value;
}

// The themes' figures

export interface ContractsBy {
  key: string;
  /** OpenPS's own contracts, or imported processes'. */
  source: "openps" | "imported";
  contractsBp: bigint;
  valuePence: bigint;
}

export interface Diversity {
  bySector: ContractsBy[];
  bySize: ContractsBy[];
  byYear: (ContractsBy & { year: number })[];
  /** Outcomes by provider sector and size band (national, whatever the filters). */
  outcomes: Outcomes;
}

/**
 * Outcomes compared by provider sector and size band (issue 20, item 9), national whatever the
 * filters, small numbers hidden (outcomes.ts): the regulators' current ratings of locations, the
 * commissioners' KPI ratings, payment by results' participants with an outcome and without.
 */
export interface Outcomes {
  ratings: OutcomeTable;
  kpiRatings: OutcomeTable;
  results: OutcomeTable;
}

/** The KPI ratings, best first. */
export const KPI_RATINGS = ["good", "approaching-target", "requires-improvement", "inadequate"] as const;
const SECTOR_ORDER = [
  "public-body",
  "public-service-mutual",
  "charity",
  "social-enterprise",
  "co-operative",
  "voluntary-community",
  "parish-council",
  "sme",
  "large-company",
  "professional-partnership",
  "unconfirmed",
] as const;
const SIZE_ORDER = ["micro", "small", "medium", "large"] as const;
/** Providers' sectors read a thousand at a time. */
const FACTS_PAGE = 1000;

/** Each provider's counts read through its module's service, then grouped by the directory's sector and size. */
async function outcomesOf(ctx: Pick<Ctx, "db">): Promise<Outcomes> {
  const ratings: ProviderCount[] = (await currentRatingsByProvider(ctx.db)).map((r) => ({
    organisationId: r.organisation_id,
    column: RATING_BY_RANK[r.rank] ?? "unrated",
    count: r.locations,
  }));
  const kpi: ProviderCount[] = (await kpiRatingsByLead(ctx.db)).map((r) => ({
    organisationId: r.organisation_id,
    column: r.rating,
    count: r.ratings,
  }));
  const results = resultCounts(await outcomesByProvider(ctx));
  const ids = [...new Set([...ratings, ...kpi, ...results].map((c) => c.organisationId))];
  const facts = new Map<string, ProviderFacts>();
  for (let i = 0; i < ids.length; i += FACTS_PAGE)
    for (const row of await sectorsOf(ctx.db, ids.slice(i, i + FACTS_PAGE)))
      facts.set(row.id, { sector: row.sector, sizeBand: row.size_band });
  const order = { sector: SECTOR_ORDER, size: SIZE_ORDER };
  return {
    ratings: outcomeTable(RATING_BY_RANK, ratings, facts, order),
    kpiRatings: outcomeTable(KPI_RATINGS, kpi, facts, order),
    results: outcomeTable(RESULT_COLUMNS, results, facts, order),
  };
}

const NO_OUTCOME_TABLE: OutcomeTable = { columns: [], groupings: [] };

export interface Mutuals {
  /** Mutuals in the directory with qualifying evidence, and their staff (national: not filtered). */
  directory: { organisations: number; staff: number };
  /** Mutuals holding a share of contracts within the filters, and its value. */
  contracted: { suppliers: number; contractsBp: bigint; valuePence: bigint };
  /** Every contract's value within the filters. */
  totalValuePence: bigint;
  /** The movement's figures read from the modules that own them (national: not filtered). */
  movement: Movement;
}

/**
 * The mutuals movement as its own modules record it (issue 20, item 9), national whatever the
 * filters: each read through its module's service, kept as long as the theme's other figures.
 */
export interface Movement {
  /** Qualifying mutuals with a spin-out date, by its year, and their staff now (organisations). */
  byYear: { year: number; organisations: number; staff: number }[];
  /** Spin-out proposals by stage now, and the median days spent in each stage done (mutuals). */
  stages: SpinoutFigures["stages"];
  /** Proposals that spun out, by survival (mutuals). */
  survival: SpinoutFigures["survival"];
  /** Support awarded by programme (grants). */
  support: { id: string; title: string; budgetPence: bigint; awards: number; awardedPence: bigint }[];
  /** Barriers logged this calendar year by kind and where each stands, suppressed by the barriers module. */
  barriers: { year: number; table: FigureTable };
  /**
   * The independent adjudicators' decisions (redress `adjudicatorFigures`, every adjudicator's summed):
   * by finding, by each published ground found (a decision may find several), and the remedies they
   * ordered by compliance (ordered; complied with on time, late; reported done, waiting for the
   * adjudicator; due; overdue).
   */
  adjudicator: { dimension: AdjudicatorDimension; key: string; count: number }[];
}

export type AdjudicatorDimension = "finding" | "ground" | "remedies";
/** The remedies' compliance, in the order the chart shows it (redress's counts by these names). */
export const REMEDY_COMPLIANCE = [
  ["ordered", "ordered"],
  ["complied-on-time", "compliedOnTime"],
  ["complied-late", "compliedLate"],
  ["reported", "reported"],
  ["due", "due"],
  ["overdue", "overdue"],
] as const;

/** Before the movement's figures are read (the theme's kept figures leave them to `movementOf`). */
const NO_MOVEMENT: Movement = {
  byYear: [],
  stages: [],
  survival: [],
  support: [],
  barriers: {
    year: 0,
    table: {
      dimension: "kind",
      rows: [],
      all: {
        key: "all",
        name: null,
        counts: { open: 0, answered: 0, disputed: 0, resolved: 0, overdue: 0 },
        total: 0,
      },
    },
  },
  adjudicator: [],
};

/** The movement's figures, each from the module that owns them, as the public may read them. */
async function movementOf(ctx: Pick<Ctx, "db" | "clock">): Promise<Movement> {
  const publicCtx: Ctx = { db: ctx.db, clock: ctx.clock, principal: null };
  const spinouts = await spinoutFigures(publicCtx);
  const barriers = await barrierFigures(publicCtx);
  const kinds = barriers.tables.find((t) => t.dimension === "kind");
  return {
    byYear: await mutualsBySpinOutYear(publicCtx),
    stages: spinouts.stages,
    survival: spinouts.survival,
    support: await awardsByProgramme(publicCtx),
    barriers: {
      year: barriers.year,
      table: kinds ?? NO_MOVEMENT.barriers.table,
    },
    adjudicator: adjudicatorRows(await adjudicatorFigures(publicCtx)),
  };
}

/** Every adjudicator's decisions by finding and by ground found, and its remedies by compliance, summed. */
function adjudicatorRows(figures: AdjudicatorFigures[]): Movement["adjudicator"] {
  const [first] = figures;
  if (!first) return [];
  const sum = (count: (f: AdjudicatorFigures) => number) => figures.reduce((n, f) => n + count(f), 0);
  return [
    ...first.byOutcome.map(({ finding }) => ({
      dimension: "finding" as const,
      key: finding,
      count: sum((f) => f.byOutcome.find((o) => o.finding === finding)?.count ?? 0),
    })),
    ...first.byGround.map(({ ground }) => ({
      dimension: "ground" as const,
      key: ground,
      count: sum((f) => f.byGround.find((g) => g.ground === ground)?.found ?? 0),
    })),
    ...REMEDY_COMPLIANCE.map(([key, name]) => ({
      dimension: "remedies" as const,
      key,
      count: sum((f) => f.remedies[name]),
    })),
  ];
}

/**
 * The national figures of issue 20, item 9 — the mutuals movement and outcomes by provider sector
 * and size — read afresh from the modules that own them (not kept: the open dataset dates them by
 * the changes that make them, `open-figures.ts`). Public.
 */
export async function nationalFigures(
  ctx: Pick<Ctx, "db" | "clock">,
): Promise<{ movement: Movement; outcomes: Outcomes }> {
  return { movement: await movementOf(ctx), outcomes: await outcomesOf(ctx) };
}

export interface Competition {
  bids: { bids: number; source: "openps" | "imported"; tenders: number }[];
  awards: { band: string; source: "openps" | "imported"; awards: number; days: bigint }[];
  /** OpenPS's only: imported processes have no Right to Challenge. */
  challenges: { outcome: string; challenges: number }[];
}

export interface ServiceMarket extends Concentration {
  category: string;
  /** Whose suppliers the market's figures count: OpenPS's, imported processes', or both. */
  source: FigureSource;
}

export interface Quality {
  ratings: { category: string; rating: string; locations: number }[];
  kpiRatings: { rating: string; ratings: number }[];
}

/**
 * Personal budgets' open figures (issue 17, item 10), the small-numbers rule applied
 * (personal-budgets.ts): each cell's count, or null where fewer than 10 (or hidden beside another).
 */
export interface PersonalBudgets {
  /** People with a live plan and their budgets' weekly value, by delivery type; and in all. */
  byDelivery: ShownCell[];
  people: ShownCell;
  /** What the budgets paid out, by the payee's sector, and by its size band; and in all. */
  spendBySector: ShownCell[];
  spendBySize: ShownCell[];
  spend: ShownCell;
  /** Reviews that fell due in the months, by clock and how met (key `clock|timeliness`); and by how met. */
  reviews: (ShownCell & { clock: string; timeliness: string })[];
  reviewTotals: ShownCell[];
  /**
   * "Choice not available" records by how they were answered (`on-time`, `late`, `waiting`), their
   * total, and of those waiting, how many are past their day (hidden with the waiting ones).
   */
  unavailable: ShownCell[];
  unavailableRecords: ShownCell;
  unavailableOverdue: ShownCell;
}

export interface ThemeFigures {
  "personal-budgets": PersonalBudgets;
  diversity: Diversity;
  mutuals: Mutuals;
  competition: Competition;
  concentration: ServiceMarket[];
  quality: Quality;
}

/** By value, the largest first (a key's sources together, OpenPS's first), then by key. */
const by = (
  rows: { key: string; source: "openps" | "imported"; contracts_bp: bigint; value_pence: bigint }[],
): ContractsBy[] => {
  const totals = new Map<string, bigint>();
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0n) + r.value_pence);
  const total = (key: string) => totals.get(key) ?? 0n;
  return rows
    .map((r) => ({ key: r.key, source: r.source, contractsBp: r.contracts_bp, valuePence: r.value_pence }))
    .sort(
      (a, b) =>
        (total(a.key) > total(b.key) ? -1 : total(a.key) < total(b.key) ? 1 : a.key.localeCompare(b.key)) ||
        (a.source === b.source ? 0 : a.source === "openps" ? -1 : 1),
    );
};

/** Cells summed by key (a sector's size bands; a size band's sectors). */
function cellsBy<R>(
  rows: readonly R[],
  key: (r: R) => string,
  count: (r: R) => number,
  value: (r: R) => bigint,
) {
  const cells = new Map<string, Cell & { value: bigint }>();
  for (const r of rows) {
    const k = key(r);
    const cell = cells.get(k) ?? { key: k, count: 0, value: 0n };
    cell.count += count(r);
    cell.value += value(r);
    cells.set(k, cell);
  }
  return [...cells.values()].sort((a, b) =>
    b.value > a.value ? 1 : b.value < a.value ? -1 : a.key.localeCompare(b.key),
  );
}

const COUNT: { [T in Theme]: (db: Db, f: repo.MarketFilters) => Promise<ThemeFigures[T]> } = {
  async "personal-budgets"(db, f) {
    const budgets = await repo.budgetsByDelivery(db, f);
    const spend = await repo.budgetSpendBy(db, f);
    const reviews = await repo.reviewsByClock(db, f);
    const unavailable = await repo.unavailableSums(db, f);
    const answerCells: Cell[] = [
      { key: "on-time", count: unavailable.on_time },
      { key: "late", count: unavailable.late },
      { key: "waiting", count: unavailable.waiting },
    ].filter((c) => c.count > 0);
    const answers = suppressed(answerCells);
    const waiting = answers.find((c) => c.key === "waiting");
    const overdueHidden = isSmall(unavailable.overdue) || waiting?.suppressed === true;
    const delivery: Cell[] = DELIVERY_TYPES.flatMap((d) => {
      const row = budgets.find((b) => b.delivery === d);
      return row ? [{ key: d, count: row.people, value: row.weekly_pence }] : [];
    });
    const bySector = cellsBy(
      spend,
      (r) => r.sector,
      (r) => r.budgets,
      (r) => r.paid_pence,
    );
    const bySize = cellsBy(
      spend,
      (r) => r.size_band || r.sector,
      (r) => r.budgets,
      (r) => r.paid_pence,
    );
    // Each way of being met is a group whose total is shown: the rule applies within it.
    const reviewCells = TIMELINESS.flatMap((timeliness) =>
      suppressed(
        reviews
          .filter((r) => r.timeliness === timeliness)
          .sort((a, b) => a.clock.localeCompare(b.clock))
          .map((r) => ({ key: `${r.clock}|${timeliness}`, count: r.reviews })),
      ).map((cell) => ({ ...cell, clock: cell.key.split("|")[0] ?? "", timeliness })),
    );
    return {
      byDelivery: suppressed(delivery),
      people: suppressedTotal(delivery),
      spendBySector: suppressed(bySector),
      spendBySize: suppressed(bySize),
      spend: suppressedTotal(bySector),
      reviews: reviewCells,
      reviewTotals: TIMELINESS.map((timeliness) => ({
        ...suppressedTotal(
          reviews.filter((r) => r.timeliness === timeliness).map((r) => ({ key: r.clock, count: r.reviews })),
        ),
        key: timeliness,
      })),
      unavailable: ANSWERS.map(
        (key) => answers.find((c) => c.key === key) ?? { key, count: 0, value: null, suppressed: false },
      ),
      unavailableRecords: { ...suppressedTotal(answerCells), key: "records" },
      unavailableOverdue: {
        key: "overdue",
        count: overdueHidden && unavailable.overdue > 0 ? null : unavailable.overdue,
        value: null,
        suppressed: overdueHidden && unavailable.overdue > 0,
      },
    };
  },
  async diversity(db, f) {
    const [sector, size, years] = [
      await repo.contractsBy(db, f, "sector"),
      await repo.contractsBy(db, f, "size_band"),
      await repo.contractsByYear(db, f),
    ];
    return {
      outcomes: { ratings: NO_OUTCOME_TABLE, kpiRatings: NO_OUTCOME_TABLE, results: NO_OUTCOME_TABLE },
      bySector: by(sector),
      bySize: by(size),
      byYear: years.map((r) => ({
        year: r.year,
        key: r.sector,
        source: r.source,
        contractsBp: r.contracts_bp,
        valuePence: r.value_pence,
      })),
    };
  },
  async mutuals(db, f) {
    const mutual = await repo.sectorSuppliers(db, f, MUTUAL);
    const all = await repo.contractsBy(db, f, "sector");
    return {
      directory: { organisations: 0, staff: 0 },
      movement: NO_MOVEMENT,
      contracted: {
        suppliers: mutual.suppliers,
        contractsBp: mutual.contracts_bp,
        valuePence: mutual.value_pence,
      },
      totalValuePence: all.reduce((sum, r) => sum + r.value_pence, 0n),
    };
  },
  async competition(db, f) {
    const bids = await repo.tendersByBids(db, f);
    const awards = await repo.awardsByBand(db, f);
    const challenges = await repo.challengesByOutcome(db, f);
    const order = (code: string) => DAYS_BANDS.findIndex((b) => b.code === code);
    return {
      bids,
      awards: awards
        .map((a) => ({ band: a.days_band, source: a.source, awards: a.awards, days: a.days }))
        .sort(
          (a, b) =>
            order(a.band) - order(b.band) || (a.source === b.source ? 0 : a.source === "openps" ? -1 : 1),
        ),
      challenges: ["accepted", "modified", "rejected"].map((outcome) => ({
        outcome,
        challenges: challenges.find((c) => c.outcome === outcome)?.challenges ?? 0,
      })),
    };
  },
  async concentration(db, f) {
    // Summed by the database per market (a market's suppliers never all come here).
    const sums = await repo.marketSums(db, f);
    return sums
      .map((m) => ({
        category: m.category_code,
        source: (m.own && m.imported ? "both" : m.imported ? "imported" : "openps") as FigureSource,
        ...concentrationOf(m),
      }))
      .filter((m) => m.suppliers > 0)
      .sort((a, b) => b.hhi - a.hhi || a.category.localeCompare(b.category));
  },
  async quality(db, f) {
    const ratings = await repo.ratingsByCategory(db, f);
    const kpi = await repo.kpiRatingsByRating(db, f);
    return {
      ratings: ratings.map((r) => ({ category: r.category_code, rating: r.rating, locations: r.locations })),
      kpiRatings: ["good", "approaching-target", "requires-improvement", "inadequate"].map((rating) => ({
        rating,
        ratings: kpi.find((k) => k.rating === rating)?.ratings ?? 0,
      })),
    };
  },
};

/** The publishers of imported processes named on a page that includes them, at most. */
export const PUBLISHERS_LISTED = 20;
/** The publishers' computations read, at most (a row each). */
const PUBLISHERS_READ = 1000;

/** A publisher whose imported processes the figures include. */
export interface ImportedPublisher {
  id: string;
  name: string;
  uri: string | null;
  /** Its processes read, and its contracts left out for a value in another currency than pounds. */
  processes: number;
  otherCurrency: number;
  currencies: string[];
  computedAt: Date | null;
}

/** What a page including imported processes says of them. */
export interface ImportedSources {
  /** The publishers, by name, up to `PUBLISHERS_LISTED`; `more` how many others there are. */
  publishers: ImportedPublisher[];
  more: number;
  /** Contracts left out for their currency, over every publisher; and those currencies. */
  otherCurrency: number;
  currencies: string[];
  /** When the latest publisher's figures were computed. */
  computedAt: Date | null;
  /** Filters that leave imported processes out: a public body (they belong to none), an area (theirs is not known). */
  leftOutBy: ("authority" | "area")[];
}

async function importedSources(db: Db, filters: Chosen["filters"]): Promise<ImportedSources> {
  const runs = await repo.importedRuns(db, PUBLISHERS_READ);
  const named = new Map(
    (
      await publishersNamed(
        db,
        runs.map((r) => r.publisher_id),
      )
    ).map((p) => [p.id, p]),
  );
  const publishers = runs
    .map((r) => {
      const p = named.get(r.publisher_id);
      return {
        id: r.publisher_id,
        name: p?.name ?? r.publisher_id,
        uri: p?.uri ?? null,
        processes: r.processes,
        otherCurrency: r.other_currency,
        currencies: r.currencies,
        computedAt: r.computed_at,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const times = runs.map((r) => r.computed_at?.getTime() ?? 0);
  return {
    publishers: publishers.slice(0, PUBLISHERS_LISTED),
    more: Math.max(0, publishers.length - PUBLISHERS_LISTED),
    otherCurrency: runs.reduce((n, r) => n + r.other_currency, 0),
    currencies: [...new Set(runs.flatMap((r) => r.currencies))].sort(),
    computedAt: times.length > 0 && Math.max(...times) > 0 ? new Date(Math.max(...times)) : null,
    leftOutBy: [
      ...(filters.authorityId ? (["authority"] as const) : []),
      ...(filters.area ? (["area"] as const) : []),
    ],
  };
}

/** Whether the figures chosen include imported processes. */
export const includesImported = (chosen: Chosen): boolean => chosen.filters.source !== "openps";

export interface ThemeAnswer<T extends Theme> {
  figures: ThemeFigures[T];
  /** When OpenPS's figures were computed (of the authority chosen, or the latest of any). */
  computedAt: Date | null;
  /** The imported processes the figures include, when they include any. */
  imported: ImportedSources | null;
}

/** A theme's figures within the filters, with when they were computed and whose they are. Public. */
export async function themeFigures<T extends Theme>(
  ctx: Pick<Ctx, "db" | "clock">,
  theme: T,
  chosen: Chosen,
): Promise<ThemeAnswer<T>> {
  const name = `${theme}?${JSON.stringify(chosen.filters)}`;
  const { value } = await kept(ctx, name, async () => {
    const figures = await COUNT[theme](ctx.db, chosen.filters);
    const computedAt = await repo.lastComputed(ctx.db, chosen.filters.authorityId);
    const imported = includesImported(chosen) ? await importedSources(ctx.db, chosen.filters) : null;
    return { figures, computedAt, imported };
  });
  if (theme === "diversity") {
    // Outcomes by sector and size: national, read from their modules, kept as long as the theme's figures.
    const outcomes = (await kept(ctx, "outcomes", () => outcomesOf(ctx))).value;
    return { ...value, figures: { ...(value.figures as Diversity), outcomes } as ThemeFigures[T] };
  }
  if (theme === "mutuals") {
    // The directory's own figures, counted by the organisations module at most once a minute.
    const mutuals = value.figures as Mutuals;
    const movement = (await kept(ctx, "movement", () => movementOf(ctx))).value;
    return {
      ...value,
      figures: { ...mutuals, directory: await mutualSummary(ctx), movement } as ThemeFigures[T],
    };
  }
  return value;
}

// The tenders with fewer than three bids, and their published justifications

export const FEW_BIDS_PAGE = 20;
const FEW_BIDS_KEY: readonly ["string", "string", "string", "string"] = [
  "string",
  "string",
  "string",
  "string",
];

export interface FewBidsEntry {
  source: "openps" | "imported";
  /** The tender's id (OpenPS's), or the process's ocid (imported). */
  id: string;
  title: string;
  bids: number;
  openedAt: Date;
  awarded: boolean;
  /** OpenPS's award's, when it has one: the justification published with it. */
  awardId: string | null;
  justification: string | null;
  /** The authority whose tender it is (OpenPS's). */
  authority: { slug: string; name: string } | null;
  /** The publisher whose process it is (imported). */
  publisher: { id: string; name: string } | null;
}

export interface FewBids {
  rows: FewBidsEntry[];
  /** The key of the next page, when there is one. */
  next: string | null;
}

/** Opened tenders with fewer than three bids, newest first, a page at a time by key. Public. */
export async function fewBids(
  ctx: Pick<Ctx, "db" | "clock">,
  chosen: Chosen,
  after?: string,
): Promise<FewBids> {
  const key = decodeKey(after, FEW_BIDS_KEY, "after");
  const seek = key
    ? {
        openedAt: new Date(String(key[0])),
        source: key[1] === "imported" ? ("imported" as const) : ("openps" as const),
        ownerId: String(key[2]),
        id: String(key[3]),
      }
    : undefined;
  if (seek && Number.isNaN(seek.openedAt.getTime()))
    throw new ValidationError(msg`Check the filters`, [
      { field: "after", message: msg`Follow a link from the page` },
    ]);
  const { value } = await kept(ctx, `few-bids?${JSON.stringify(chosen.filters)}&${after ?? ""}`, async () => {
    const rows = await repo.fewBidsPage(ctx.db, chosen.filters, seek, FEW_BIDS_PAGE + 1);
    const page = rows.slice(0, FEW_BIDS_PAGE);
    const authorities = new Map((await listAuthorities(ctx.db)).map((a) => [a.id, a]));
    const publisherIds = [...new Set(page.filter((r) => r.source === "imported").map((r) => r.owner_id))];
    const publishers = new Map((await publishersNamed(ctx.db, publisherIds)).map((p) => [p.id, p]));
    const last = page[page.length - 1];
    return {
      rows: page.map((row) => {
        const authority = row.source === "openps" ? authorities.get(row.owner_id) : undefined;
        const publisher = row.source === "imported" ? publishers.get(row.owner_id) : undefined;
        return {
          source: row.source,
          id: row.id,
          title: row.title,
          bids: row.bids,
          openedAt: row.opened_at,
          awarded: row.awarded,
          awardId: row.award_id,
          justification: row.justification,
          authority:
            row.source === "openps" ? { slug: authority?.slug ?? "", name: authority?.name ?? "" } : null,
          publisher:
            row.source === "imported" ? { id: row.owner_id, name: publisher?.name ?? row.owner_id } : null,
        };
      }),
      next:
        rows.length > FEW_BIDS_PAGE && last
          ? encodeKey([last.opened_at.toISOString(), last.source, last.owner_id, last.id])
          : null,
    };
  });
  return value;
}

export { ENOUGH_BIDS, RATING_BY_RANK };

// The progress reports' figures (src/modules/reports): one period's sums of the aggregates.

/** What the market keeps of one period (months, both included), for one authority or every one. */
export interface PeriodFigures {
  /** Tenders opened (two-person opening done), and the bids they opened: never a sealed count. */
  tendersOpened: number;
  bidsOpened: number;
  /** Awards made (not withdrawn). */
  awards: number;
  /** Contracts entered, by the sector of each party (shared by their shares), and their value. */
  contractsBySector: ContractsBy[];
  /** Suppliers in the sector "public service mutual" holding a share of those contracts. */
  mutualSuppliers: number;
  /** Right to Challenge expressions of interest decided, by outcome. */
  challengeOutcomes: { accepted: number; modified: number; rejected: number };
}

/**
 * One period's figures from the kept aggregates — for one authority, or summed over every one
 * (a handful of grouped rows each; no tender or contract is read). Public.
 */
export async function periodFigures(
  ctx: Pick<Ctx, "db" | "clock">,
  period: { authorityId?: string | undefined; firstMonth: string; lastMonth: string },
): Promise<PeriodFigures> {
  const filters: repo.MarketFilters = {
    authorityId: period.authorityId,
    from: period.firstMonth,
    to: period.lastMonth,
  };
  const { value } = await kept(ctx, `period?${JSON.stringify(filters)}`, async () => {
    const bids = await repo.tendersByBids(ctx.db, filters);
    const awards = await repo.awardsByBand(ctx.db, filters);
    const sectors = await repo.contractsBy(ctx.db, filters, "sector");
    const mutual = await repo.sectorSuppliers(ctx.db, filters, MUTUAL);
    const challenges = await repo.challengesByOutcome(ctx.db, filters);
    const outcome = (name: string) => challenges.find((c) => c.outcome === name)?.challenges ?? 0;
    return {
      tendersOpened: bids.reduce((sum, r) => sum + r.tenders, 0),
      bidsOpened: bids.reduce((sum, r) => sum + r.bids * r.tenders, 0),
      awards: awards.reduce((sum, r) => sum + r.awards, 0),
      contractsBySector: by(sectors),
      mutualSuppliers: mutual.suppliers,
      challengeOutcomes: {
        accepted: outcome("accepted"),
        modified: outcome("modified"),
        rejected: outcome("rejected"),
      },
    };
  });
  return value;
}

/** Locations rated Inadequate now (in special measures), in an area or everywhere: current, not by period. */
export async function failingLocations(ctx: Pick<Ctx, "db" | "clock">, area?: string): Promise<number> {
  return (await kept(ctx, `failing?${area ?? ""}`, () => repo.inadequateLocations(ctx.db, area))).value;
}

/** The first month the market's figures cover (YYYY-MM-01), for one authority or any: null when none. */
export async function figuresSince(
  ctx: Pick<Ctx, "db" | "clock">,
  authorityId?: string,
): Promise<string | null> {
  return (await kept(ctx, `since?${authorityId ?? ""}`, () => repo.firstMonth(ctx.db, authorityId))).value;
}

/** When an authority's figures (or the latest of any) were computed. */
export function figuresComputedAt(ctx: Pick<Ctx, "db">, authorityId?: string): Promise<Date | null> {
  return repo.lastComputed(ctx.db, authorityId);
}

// Personal budgets' open dataset (src/modules/datasets): the same suppressed figures, per authority and area.

/** A row of the dataset: one cell of one figure of one authority's area, as the page would show it. */
export interface PersonalBudgetRow {
  authorityId: string;
  areaCode: string;
  figure: "people-by-delivery" | "spend-by-sector" | "spend-by-size" | "reviews" | "choice-not-available";
  key: string;
  count: number | null;
  suppressed: boolean;
  valuePence: bigint | null;
}

/** The places (authority, area) of a page of the dataset. */
const PLACES_PAGE = 100;

/**
 * Every authority's and area's personal-budget figures, the small-numbers rule applied to each
 * place as its page (`/market/personal-budgets?authority=…&area=…`) applies it: a page of places at a
 * time, in key order. Public.
 */
export async function* personalBudgetRows(ctx: Pick<Ctx, "db">): AsyncGenerator<PersonalBudgetRow[]> {
  let after: { authorityId: string; area: string } | undefined;
  for (;;) {
    const places = await repo.budgetPlacesAfter(ctx.db, after, PLACES_PAGE);
    if (places.length === 0) return;
    const rows: PersonalBudgetRow[] = [];
    for (const place of places) {
      const f = await COUNT["personal-budgets"](ctx.db, {
        authorityId: place.authority_id,
        area: place.area_code,
      });
      const cells = (figure: PersonalBudgetRow["figure"], list: readonly ShownCell[]) =>
        list.map((c) => ({
          authorityId: place.authority_id,
          areaCode: place.area_code,
          figure,
          key: c.key,
          count: c.count,
          suppressed: c.suppressed,
          valuePence: c.value,
        }));
      rows.push(
        ...cells("people-by-delivery", f.byDelivery),
        ...cells("spend-by-sector", f.spendBySector),
        ...cells("spend-by-size", f.spendBySize),
        ...cells("reviews", f.reviews),
        // Only the answers that counted someone (as the other figures list only cells with rows).
        ...cells(
          "choice-not-available",
          [...f.unavailable, f.unavailableOverdue, f.unavailableRecords].filter((c) => c.count !== 0),
        ),
      );
    }
    yield rows;
    if (places.length < PLACES_PAGE) return;
    const last = places[places.length - 1] as { authority_id: string; area_code: string };
    after = { authorityId: last.authority_id, area: last.area_code };
  }
}
