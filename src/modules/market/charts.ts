/**
 * The dashboards' charts and their alternatives: each chart is a `Figure` — its rows once, as the
 * CSV gives them (codes, whole numbers, pence) and as its table shows them (labels, pounds,
 * percentages) — and a Vega-Lite specification of the same rows, compiled to Vega and rendered on
 * the server to SVG (`renderChart`: headless, no canvas, text measured by Vega's estimate), made an
 * image with its title and description (role="img", aria-labelledby), so a chart needs no script
 * and reads the same without JavaScript. Colours are at least 3:1 against white (WCAG 2.2, 1.4.11),
 * and adjacent segments are parted by a white line; every chart is followed by its table.
 *
 * Every row says whose figure it is — OpenPS's own (`openps`), imported processes' (`imported`), or,
 * a market's concentration, `both` — in the CSV's last column, `source`, always; where the page
 * includes imported processes, the table shows it too and the chart divides its bars by it.
 */
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { formatPercent, percentValue, WHOLE_BP } from "../../lib/basis-points.ts";
import { escapeHtml } from "../../lib/html.ts";
import type { Language } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { CONCENTRATED_HHI, HIGHLY_CONCENTRATED_HHI } from "./concentration.ts";
import { DAYS_BANDS, ENOUGH_BIDS } from "./figures.ts";
import type { FigureSource, Outcomes, PersonalBudgets, Theme, ThemeFigures } from "./market.service.ts";
import type { OutcomeRow, OutcomeTable } from "./outcomes.ts";
import type { ShownCell } from "./personal-budgets.ts";

/** Every chart, by the theme whose page shows it; its id names its CSV (`/market/<id>.csv`). */
export const CHARTS = {
  "contracts-by-sector": "diversity",
  "contracts-by-size": "diversity",
  "contracts-by-year": "diversity",
  "outcomes-ratings": "diversity",
  "outcomes-kpi-ratings": "diversity",
  "outcomes-results": "diversity",
  "mutual-staff": "mutuals",
  "mutuals-by-year": "mutuals",
  "spinouts-by-stage": "mutuals",
  "mutual-survival": "mutuals",
  "support-awarded": "mutuals",
  "barriers-by-kind": "mutuals",
  "adjudicator-decisions": "mutuals",
  "bids-per-tender": "competition",
  "time-to-award": "competition",
  "right-to-challenge": "competition",
  concentration: "concentration",
  ratings: "quality",
  "kpi-ratings": "quality",
  "budgets-by-delivery": "personal-budgets",
  "budget-spend-by-sector": "personal-budgets",
  "budget-spend-by-size": "personal-budgets",
  "review-timeliness": "personal-budgets",
  "choice-not-available-answers": "personal-budgets",
} as const satisfies Record<string, Theme>;
export type ChartId = keyof typeof CHARTS;

export function isChart(id: string): id is ChartId {
  return Object.hasOwn(CHARTS, id);
}

/** The words a chart is made of, in the page's language. */
export interface Words {
  t(key: string, options?: Record<string, unknown>): string;
  locale: Language;
  /** A service category's name (a code with none: "Not known"). */
  category(code: string): string;
}

export interface Column {
  /** The CSV's header. */
  key: string;
  /** The table's header. */
  label: string;
  numeric: boolean;
}

export type CsvValue = string | number | bigint;

/** Whose figures a page shows: OpenPS's, imported processes', or both, in the order the charts divide them. */
export type Shown = readonly ("openps" | "imported")[];

export interface Figure {
  id: ChartId;
  title: string;
  /** OpenPS's figures only: imported processes have nothing that counts here (Right to Challenge, ratings…). */
  openpsOnly: boolean;
  /** The table shows the source column (the CSV always has it, last): imported processes are included. */
  sourceInTable: boolean;
  /** What the chart shows, in a sentence or two: the SVG's <desc>. */
  description: string;
  columns: Column[];
  /** Each row as the CSV writes it. */
  csv: CsvValue[][];
  /** Each row as the table shows it. */
  cells: string[][];
  /** Nothing to draw (no figures): the page says so instead of the chart. */
  empty: boolean;
  /** With nothing to draw (every count hidden), the page still shows the table (and the description). */
  tableWhenEmpty?: boolean;
  spec: TopLevelSpec;
}

// Colours: every one at least 3:1 against white (charts.test.ts checks it).

export const BAR = "#1d70b8";
export const SECTOR_COLOURS: Readonly<Record<string, string>> = {
  "public-body": "#003078",
  "public-service-mutual": "#00703c",
  charity: "#4c2c92",
  "social-enterprise": "#d53880",
  "co-operative": "#1d70b8",
  "voluntary-community": "#5a6b1e",
  "parish-council": "#8f5a1d",
  sme: "#1f7a72",
  "large-company": "#d4351c",
  "professional-partnership": "#912b88",
  unconfirmed: "#505a5f",
  unknown: "#383f43",
};
export const RATING_COLOURS: Readonly<Record<string, string>> = {
  outstanding: "#00703c",
  good: "#1d70b8",
  "approaching-target": "#4c2c92",
  "requires-improvement": "#b25400",
  inadequate: "#d4351c",
  unrated: "#505a5f",
};
/** The sources' colours, where a chart divides its bars by source. */
export const SOURCE_COLOURS: Readonly<Record<FigureSource, string>> = {
  openps: "#1d70b8",
  imported: "#b25400",
  both: "#4c2c92",
};
const TEXT = "#0b0c0c";
const LINE = "#505a5f";

const CONFIG = {
  aria: false,
  background: "#ffffff",
  font: "Helvetica, Arial, sans-serif",
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: TEXT,
    titleColor: TEXT,
    domainColor: LINE,
    tickColor: LINE,
    gridColor: "#d9dcdd",
    labelFontSize: 13,
    titleFontSize: 14,
    titleFontWeight: "bold",
    labelLimit: 280,
  },
  legend: {
    labelColor: TEXT,
    titleColor: TEXT,
    labelFontSize: 13,
    titleFontSize: 14,
    labelLimit: 420,
    orient: "bottom",
    direction: "vertical",
    symbolType: "square",
    symbolStrokeColor: LINE,
  },
  bar: { stroke: "#ffffff", strokeWidth: 1 },
} as const;

const WIDTH = 560;

const pounds = (pence: bigint) => Number(pence) / 100;
const money = (pence: bigint) => formatMoney(pence as Pence, { pence: false });
const whole = (n: number | bigint, locale: Language) =>
  Number(n).toLocaleString(locale === "cy" ? "cy-GB" : "en-GB");
/** Contracts counted by shares (10,000 a contract), to two places where shared: 25,000 → "2.5". */
export function contractsCsv(bp: bigint): string {
  const hundredths = (bp * 100n + 5000n) / 10_000n;
  const fraction = hundredths % 100n;
  const units = (hundredths / 100n).toString();
  return fraction === 0n ? units : `${units}.${fraction.toString().padStart(2, "0").replace(/0$/, "")}`;
}
/** The same as people read it: "1,234.5". */
export function contractsText(bp: bigint): string {
  return contractsCsv(bp).replace(/^\d+/, (units) => BigInt(units).toLocaleString("en-GB"));
}
/** a ÷ b in basis points, rounded to the nearest. */
export function shareBp(part: bigint, total: bigint): number {
  return total === 0n ? 0 : Number((2n * part * BigInt(WHOLE_BP) + total) / (2n * total));
}

/** The value axis of a bar chart: whole numbers unless told otherwise. */
function valueEncoding(axis: { value: string; format?: string }) {
  return {
    field: "value",
    type: "quantitative",
    title: axis.value,
    axis: { format: axis.format ?? ",d", tickMinStep: 1 },
  } as const;
}

/** A horizontal or vertical bar chart of one value per label. */
function bars(
  rows: { label: string; value: number }[],
  axis: { label: string; value: string; format?: string },
  options: { horizontal: boolean; colours?: string[] },
): TopLevelSpec {
  const label = { field: "label", type: "nominal", sort: null, title: axis.label } as const;
  const value = valueEncoding(axis);
  return {
    width: options.horizontal ? WIDTH - 260 : WIDTH - 80,
    ...(options.horizontal ? { height: { step: 28 } } : { height: 240 }),
    data: { values: rows },
    mark: { type: "bar" },
    encoding: {
      ...(options.horizontal
        ? { y: label, x: value }
        : { x: { ...label, axis: { labelAngle: 0 } }, y: value }),
      color: options.colours
        ? {
            field: "label",
            type: "nominal",
            scale: { domain: rows.map((r) => r.label), range: options.colours },
            legend: null,
          }
        : { value: BAR },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

/**
 * A chart of one count per label (a bar each, divided by source when the page shows both), with its
 * table and CSV: the rows' CSV keys, their labels as shown, their counts and sources; the two
 * columns named by their keys in `market.columns`, then the source.
 */
function countFigure(
  w: Words,
  figure: {
    id: ChartId;
    description: string;
    empty: boolean;
    horizontal?: boolean;
    colours?: string[];
    openpsOnly?: boolean;
  },
  columns: { label: string; count: string },
  rows: readonly { key: string; label: string; count: number; source?: FigureSource }[],
  shown: Shown,
): Figure {
  const labelTitle = w.t(`market.columns.${columns.label}`);
  const countTitle = w.t(`market.columns.${columns.count}`);
  const sourceOf = (r: { source?: FigureSource }) => r.source ?? "openps";
  const divided = shown.length > 1 && !figure.openpsOnly;
  return {
    id: figure.id,
    title: w.t(`market.charts.${figure.id}.title`),
    description: figure.description,
    openpsOnly: figure.openpsOnly ?? false,
    sourceInTable: shown.includes("imported"),
    columns: [
      { key: columns.label, label: labelTitle, numeric: false },
      { key: columns.count, label: countTitle, numeric: true },
      sourceColumn(w),
    ],
    csv: rows.map((r) => [r.key, r.count, sourceOf(r)]),
    cells: rows.map((r) => [r.label, whole(r.count, w.locale), sourceText(w, sourceOf(r))]),
    empty: figure.empty,
    spec: divided
      ? stacked(
          rows.map((r) => ({ bar: r.label, part: sourceText(w, sourceOf(r)), value: r.count })),
          { bar: labelTitle, value: countTitle, part: w.t("market.columns.source") },
          sourceParts(w, shown),
          figure.horizontal ?? false,
        )
      : bars(
          rows.map((r) => ({ label: r.label, value: r.count })),
          { label: labelTitle, value: countTitle },
          { horizontal: figure.horizontal ?? false, ...(figure.colours ? { colours: figure.colours } : {}) },
        ),
  };
}

/** The CSV's last column: whose figure a row is. */
function sourceColumn(w: Words): Column {
  return { key: "source", label: w.t("market.columns.source"), numeric: false };
}

const sourceText = (w: Words, source: FigureSource) => w.t(`market.source.${source}`);

/** The parts of a bar divided by source, in order, with their colours. */
const sourceParts = (w: Words, shown: Shown) =>
  shown.map((s) => ({ label: sourceText(w, s), colour: SOURCE_COLOURS[s] }));

/** A stacked bar chart: one bar per `bar`, a segment per `part`, coloured by part in `order`. */
function stacked(
  rows: { bar: string; part: string; value: number }[],
  axis: { bar: string; value: string; part: string; format?: string },
  parts: { label: string; colour: string }[],
  horizontal: boolean,
): TopLevelSpec {
  const bar = { field: "bar", type: "nominal", sort: null, title: axis.bar } as const;
  const value = valueEncoding(axis);
  return {
    width: horizontal ? WIDTH - 260 : WIDTH - 80,
    ...(horizontal ? { height: { step: 28 } } : { height: 260 }),
    data: { values: rows.map((r) => ({ ...r, order: parts.findIndex((p) => p.label === r.part) })) },
    mark: { type: "bar" },
    encoding: {
      ...(horizontal ? { y: bar, x: value } : { x: { ...bar, axis: { labelAngle: 0 } }, y: value }),
      color: {
        field: "part",
        type: "nominal",
        title: axis.part,
        scale: { domain: parts.map((p) => p.label), range: parts.map((p) => p.colour) },
      },
      order: { field: "order", type: "quantitative" },
    },
    config: CONFIG,
  } as TopLevelSpec;
}

// The figures of each chart

const label = (w: Words, group: string, code: string) => w.t(`market.${group}.${code}`);

function contractsBy(
  id: "contracts-by-sector" | "contracts-by-size",
  rows: ThemeFigures["diversity"]["bySector"],
  w: Words,
  shown: Shown,
): Figure {
  const group = id === "contracts-by-sector" ? "sector" : "sizeBand";
  const total = rows.reduce((s, r) => s + r.valuePence, 0n);
  const totalBp = rows.reduce((s, r) => s + r.contractsBp, 0n);
  // The largest by value, its sources together (the rows come by it, largest first).
  const topKey = rows[0]?.key;
  const topValue = rows.filter((r) => r.key === topKey).reduce((s, r) => s + r.valuePence, 0n);
  const k = `market.charts.${id}`;
  const divided = shown.length > 1;
  const labelTitle = w.t(`market.columns.${group}`);
  return {
    id,
    title: w.t(`${k}.title`),
    description:
      topKey !== undefined && total > 0n
        ? w.t(`${k}.description`, {
            top: label(w, group, topKey),
            value: money(topValue),
            share: formatPercent(shareBp(topValue, total)),
            total: money(total),
            contracts: contractsText(totalBp),
          })
        : w.t("market.noFigures"),
    openpsOnly: false,
    sourceInTable: shown.includes("imported"),
    columns: [
      { key: group === "sector" ? "sector" : "size_band", label: labelTitle, numeric: false },
      { key: "contracts", label: w.t("market.columns.contracts"), numeric: true },
      { key: "value_pence", label: w.t("market.columns.value"), numeric: true },
      { key: "value_share_percent", label: w.t("market.columns.valueShare"), numeric: true },
      sourceColumn(w),
    ],
    csv: rows.map((r) => [
      r.key,
      contractsCsv(r.contractsBp),
      r.valuePence,
      percentValue(shareBp(r.valuePence, total)),
      r.source,
    ]),
    cells: rows.map((r) => [
      label(w, group, r.key),
      contractsText(r.contractsBp),
      money(r.valuePence),
      formatPercent(shareBp(r.valuePence, total)),
      sourceText(w, r.source),
    ]),
    empty: total === 0n,
    spec: divided
      ? stacked(
          rows.map((r) => ({
            bar: label(w, group, r.key),
            part: sourceText(w, r.source),
            value: pounds(r.valuePence),
          })),
          {
            bar: labelTitle,
            value: w.t("market.axis.valuePounds"),
            part: w.t("market.columns.source"),
            format: ",.0f",
          },
          sourceParts(w, shown),
          true,
        )
      : bars(
          rows.map((r) => ({ label: label(w, group, r.key), value: pounds(r.valuePence) })),
          { label: labelTitle, value: w.t("market.axis.valuePounds"), format: ",.0f" },
          { horizontal: true },
        ),
  };
}

/** "2026–27" for the financial year starting in April 2026. */
export function financialYearText(year: number): string {
  return `${year}–${String((year + 1) % 100).padStart(2, "0")}`;
}

function contractsByYear(rows: ThemeFigures["diversity"]["byYear"], w: Words, shown: Shown): Figure {
  const sectors = Object.keys(SECTOR_COLOURS).filter((s) => rows.some((r) => r.key === s));
  const years = [...new Set(rows.map((r) => r.year))].sort((a, b) => a - b);
  const ordered = years.flatMap((y) =>
    shown.flatMap((source) =>
      sectors.flatMap((s) => rows.filter((r) => r.year === y && r.source === source && r.key === s)),
    ),
  );
  const total = rows.reduce((s, r) => s + r.valuePence, 0n);
  const k = "market.charts.contracts-by-year";
  // With both sources, a bar for each year and source ("2026–27, imported"), each divided by sector.
  const barOf = (r: (typeof rows)[number]) =>
    shown.length > 1
      ? w.t("market.yearAndSource", { year: financialYearText(r.year), source: sourceText(w, r.source) })
      : financialYearText(r.year);
  return {
    id: "contracts-by-year",
    title: w.t(`${k}.title`),
    description:
      years.length > 0
        ? w.t(`${k}.description`, {
            first: financialYearText(years[0] as number),
            last: financialYearText(years[years.length - 1] as number),
            total: money(total),
            sectors: sectors.length,
          })
        : w.t("market.noFigures"),
    openpsOnly: false,
    sourceInTable: shown.includes("imported"),
    columns: [
      { key: "financial_year", label: w.t("market.columns.financialYear"), numeric: false },
      { key: "sector", label: w.t("market.columns.sector"), numeric: false },
      { key: "contracts", label: w.t("market.columns.contracts"), numeric: true },
      { key: "value_pence", label: w.t("market.columns.value"), numeric: true },
      sourceColumn(w),
    ],
    csv: ordered.map((r) => [
      financialYearText(r.year),
      r.key,
      contractsCsv(r.contractsBp),
      r.valuePence,
      r.source,
    ]),
    cells: ordered.map((r) => [
      financialYearText(r.year),
      label(w, "sector", r.key),
      contractsText(r.contractsBp),
      money(r.valuePence),
      sourceText(w, r.source),
    ]),
    empty: total === 0n,
    spec: stacked(
      ordered.map((r) => ({
        bar: barOf(r),
        part: label(w, "sector", r.key),
        value: pounds(r.valuePence),
      })),
      {
        bar: w.t("market.columns.financialYear"),
        value: w.t("market.axis.valuePounds"),
        part: w.t("market.columns.sector"),
        format: ",.0f",
      },
      sectors.map((s) => ({ label: label(w, "sector", s), colour: SECTOR_COLOURS[s] as string })),
      shown.length > 1,
    ),
  };
}

/**
 * The mutuals movement's staff against its published figures (DOMAIN.md §7): about 35,000 people in
 * about 100 mutuals in 2014, against the 2011 aspiration of 1 million public servants in mutuals
 * by 2015 (Cabinet Office; Open Public Services White Paper, 2011).
 */
export const MUTUAL_FIGURES = {
  mutuals2010: 9,
  mutuals2014: 100,
  staff2014: 35_000,
  value2014Pence: 150_000_000_000n,
  mutuals2018: 115,
  turnover2018Pence: 160_000_000_000n,
  aspirationStaff: 1_000_000,
} as const;

function mutualStaff(figures: ThemeFigures["mutuals"], w: Words, shown: Shown): Figure {
  const rows = [
    { key: "openps", count: figures.directory.staff },
    { key: "2014", count: MUTUAL_FIGURES.staff2014 },
    { key: "aspiration", count: MUTUAL_FIGURES.aspirationStaff },
  ];
  return countFigure(
    w,
    {
      id: "mutual-staff",
      description: w.t("market.charts.mutual-staff.description", {
        staff: whole(figures.directory.staff, w.locale),
        mutuals: whole(figures.directory.organisations, w.locale),
        share: formatPercent(
          shareBp(BigInt(figures.directory.staff), BigInt(MUTUAL_FIGURES.aspirationStaff)),
        ),
      }),
      empty: false,
      horizontal: true,
      openpsOnly: true,
    },
    { label: "measure", count: "staff" },
    rows.map((r) => ({ ...r, label: w.t(`market.mutualMeasure.${r.key}`) })),
    shown,
  );
}

// Outcomes by provider sector and size band, national and OpenPS's own (issue 20, item 9): each
// grouping's rows with the providers they hold, small numbers hidden (outcomes.ts).

const hiddenCsv = (n: number | null) => (n === null ? HIDDEN_CSV : n);
const hiddenText = (w: Words, n: number | null) =>
  n === null ? w.t("market.personalBudgets.fewerThan10") : whole(n, w.locale);

/** A sector's or size band's name, or all providers. */
function groupLabel(w: Words, dimension: string, key: string): string {
  if (key === "all") return w.t("market.outcomes.allProviders");
  return label(w, dimension === "sector" ? "sector" : "sizeBand", key);
}

/** Every grouping's rows, then its "All providers" row, with the grouping's name. */
const outcomeRows = (table: OutcomeTable) =>
  table.groupings.flatMap((g) =>
    [...g.rows, ...(g.rows.length > 0 ? [g.all] : [])].map((row) => ({ dimension: g.dimension, row })),
  );

/** Ratings (the regulators' or the KPI ratings) by sector and size: a bar a group, divided by rating where all its counts are shown. */
function outcomeRatings(
  id: "outcomes-ratings" | "outcomes-kpi-ratings",
  table: OutcomeTable,
  w: Words,
): Figure {
  const group = id === "outcomes-ratings" ? "rating" : "kpiRating";
  const rows = outcomeRows(table);
  const drawn = rows.filter((r) => r.row.key !== "all" && r.row.cells.every((c) => c !== null));
  const all = table.groupings[0]?.all;
  return {
    id,
    title: w.t(`market.charts.${id}.title`),
    description:
      drawn.length > 0 && all && all.total !== null
        ? w.t(`market.charts.${id}.description`, {
            count: whole(all.total, w.locale),
            providers: whole(all.providers, w.locale),
          })
        : w.t("market.outcomes.fewToDraw"),
    openpsOnly: true,
    sourceInTable: false,
    tableWhenEmpty: true,
    columns: [
      { key: "dimension", label: w.t("market.columns.groupedBy"), numeric: false },
      { key: "group", label: w.t("market.columns.group"), numeric: false },
      { key: "providers", label: w.t("market.columns.providers"), numeric: true },
      ...table.columns.map((c) => ({ key: c, label: label(w, group, c), numeric: true })),
      { key: "total", label: w.t("market.columns.total"), numeric: true },
      sourceColumn(w),
    ],
    csv: rows.map(({ dimension, row }) => [
      dimension,
      row.key,
      row.providers,
      ...row.cells.map(hiddenCsv),
      hiddenCsv(row.total),
      "openps",
    ]),
    cells: rows.map(({ dimension, row }) => [
      w.t(`market.outcomes.dimension.${dimension}`),
      groupLabel(w, dimension, row.key),
      whole(row.providers, w.locale),
      ...row.cells.map((c) => hiddenText(w, c)),
      hiddenText(w, row.total),
      sourceText(w, "openps"),
    ]),
    empty: drawn.length === 0,
    spec: stacked(
      drawn.flatMap(({ dimension, row }) =>
        table.columns.map((c, i) => ({
          bar: groupLabel(w, dimension, row.key),
          part: label(w, group, c),
          value: row.cells[i] ?? 0,
        })),
      ),
      {
        bar: w.t("market.columns.group"),
        value: w.t(`market.columns.${id === "outcomes-ratings" ? "locations" : "ratings"}`),
        part: w.t("market.columns.rating"),
      },
      table.columns.map((c) => ({ label: label(w, group, c), colour: RATING_COLOURS[c] as string })),
      true,
    ),
  };
}

/** The share of those referred with an outcome, in basis points: only where both are shown. */
const achievedBp = (row: OutcomeRow) => {
  const [achieved] = row.cells;
  return achieved == null || row.total === null || row.total === 0
    ? null
    : shareBp(BigInt(achieved), BigInt(row.total));
};

/** Payment by results by sector and size: participants referred, those with an outcome, its share. */
function outcomeResults(table: OutcomeTable, w: Words): Figure {
  const id = "outcomes-results";
  const rows = outcomeRows(table);
  const drawn = rows.filter((r) => r.row.key !== "all" && achievedBp(r.row) !== null);
  const all = table.groupings[0]?.all;
  const allShare = all ? achievedBp(all) : null;
  return {
    id,
    title: w.t(`market.charts.${id}.title`),
    description:
      drawn.length > 0 && all && all.total !== null
        ? w.t(`market.charts.${id}.description`, {
            referred: whole(all.total, w.locale),
            providers: whole(all.providers, w.locale),
            share: allShare === null ? w.t("market.personalBudgets.hidden") : formatPercent(allShare),
          })
        : w.t("market.outcomes.fewToDraw"),
    openpsOnly: true,
    sourceInTable: false,
    tableWhenEmpty: true,
    columns: [
      { key: "dimension", label: w.t("market.columns.groupedBy"), numeric: false },
      { key: "group", label: w.t("market.columns.group"), numeric: false },
      { key: "providers", label: w.t("market.columns.providers"), numeric: true },
      { key: "referred", label: w.t("market.columns.referred"), numeric: true },
      { key: "achieved", label: w.t("market.columns.achieved"), numeric: true },
      { key: "achieved_percent", label: w.t("market.columns.achievedShare"), numeric: true },
      sourceColumn(w),
    ],
    csv: rows.map(({ dimension, row }) => {
      const bp = achievedBp(row);
      return [
        dimension,
        row.key,
        row.providers,
        hiddenCsv(row.total),
        hiddenCsv(row.cells[0] ?? null),
        bp === null ? "" : percentValue(bp),
        "openps",
      ];
    }),
    cells: rows.map(({ dimension, row }) => {
      const bp = achievedBp(row);
      return [
        w.t(`market.outcomes.dimension.${dimension}`),
        groupLabel(w, dimension, row.key),
        whole(row.providers, w.locale),
        hiddenText(w, row.total),
        hiddenText(w, row.cells[0] ?? null),
        bp === null ? w.t("market.personalBudgets.hidden") : formatPercent(bp),
        sourceText(w, "openps"),
      ];
    }),
    empty: drawn.length === 0,
    spec: bars(
      drawn.map(({ dimension, row }) => ({
        label: groupLabel(w, dimension, row.key),
        value: (achievedBp(row) ?? 0) / 100,
      })),
      { label: w.t("market.columns.group"), value: w.t("market.columns.achievedShare"), format: ",.1f" },
      { horizontal: true },
    ),
  };
}

// The movement's figures, national and OpenPS's own (issue 20, item 9): each chart followed by its
// table with the counts, so no one over-reads a small number.

type Movement = ThemeFigures["mutuals"]["movement"];

/** A table of the movement's: its columns (the CSV's keys and the table's labels) and its rows both ways. */
function movementFigure(
  w: Words,
  id: ChartId,
  description: string,
  columns: { key: string; label: string; numeric: boolean }[],
  rows: { csv: CsvValue[]; cells: string[] }[],
  chart: { label: string; value: number }[],
  axis: { label: string; value: string; format?: string },
): Figure {
  return {
    id,
    title: w.t(`market.charts.${id}.title`),
    description: chart.length > 0 ? description : w.t("market.outcomes.fewToDraw"),
    openpsOnly: true,
    sourceInTable: false,
    tableWhenEmpty: true,
    columns: [...columns, sourceColumn(w)],
    csv: rows.map((r) => [...r.csv, "openps"]),
    cells: rows.map((r) => [...r.cells, sourceText(w, "openps")]),
    empty: chart.length === 0,
    spec: bars(chart, axis, { horizontal: true }),
  };
}

const column = (w: Words, key: string, label: string, numeric = true) => ({
  key,
  label: w.t(`market.columns.${label}`),
  numeric,
});

/** Public service mutuals by the year they spun out, with their staff now. */
function mutualsByYear(m: Movement, w: Words): Figure {
  const mutuals = m.byYear.reduce((s, r) => s + r.organisations, 0);
  return movementFigure(
    w,
    "mutuals-by-year",
    w.t("market.charts.mutuals-by-year.description", {
      mutuals: whole(mutuals, w.locale),
      staff: whole(
        m.byYear.reduce((s, r) => s + r.staff, 0),
        w.locale,
      ),
    }),
    [column(w, "year", "year", false), column(w, "mutuals", "mutuals"), column(w, "staff", "staff")],
    m.byYear.map((r) => ({
      csv: [r.year, r.organisations, r.staff],
      cells: [String(r.year), whole(r.organisations, w.locale), whole(r.staff, w.locale)],
    })),
    m.byYear.map((r) => ({ label: String(r.year), value: r.organisations })),
    { label: w.t("market.columns.year"), value: w.t("market.columns.mutuals") },
  );
}

const stageLabel = (w: Words, stage: string) =>
  stage === "refused" ? w.t("market.movement.refused") : w.t(`mutuals.stage.${stage}`);

/** Spin-out proposals by the stage they are at now, and the median days the stages done took. */
function spinoutsByStage(m: Movement, w: Words): Figure {
  const proposals = m.stages.reduce((s, r) => s + r.proposals, 0);
  return movementFigure(
    w,
    "spinouts-by-stage",
    w.t("market.charts.spinouts-by-stage.description", { proposals: whole(proposals, w.locale) }),
    [
      column(w, "stage", "stage", false),
      column(w, "proposals", "proposals"),
      column(w, "stages_done", "stagesDone"),
      column(w, "median_days", "medianDays"),
    ],
    m.stages.map((r) => ({
      csv: [r.stage, r.proposals, r.done, r.medianDays ?? ""],
      cells: [
        stageLabel(w, r.stage),
        whole(r.proposals, w.locale),
        whole(r.done, w.locale),
        r.medianDays === null ? w.t("market.movement.noneDone") : whole(r.medianDays, w.locale),
      ],
    })),
    proposals > 0 ? m.stages.map((r) => ({ label: stageLabel(w, r.stage), value: r.proposals })) : [],
    { label: w.t("market.columns.stage"), value: w.t("market.columns.proposals") },
  );
}

/** The spin-outs that began trading: trading still, merged into a group, or closed. */
function mutualSurvival(m: Movement, w: Words): Figure {
  const total = m.survival.reduce((s, r) => s + r.mutuals, 0);
  const trading = m.survival.find((r) => r.survival === "trading")?.mutuals ?? 0;
  return movementFigure(
    w,
    "mutual-survival",
    w.t("market.charts.mutual-survival.description", {
      total: whole(total, w.locale),
      trading: whole(trading, w.locale),
    }),
    [column(w, "survival", "survival", false), column(w, "mutuals", "mutuals")],
    m.survival.map((r) => ({
      csv: [r.survival, r.mutuals],
      cells: [w.t(`mutuals.survival.${r.survival}`), whole(r.mutuals, w.locale)],
    })),
    total > 0
      ? m.survival.map((r) => ({ label: w.t(`mutuals.survival.${r.survival}`), value: r.mutuals }))
      : [],
    { label: w.t("market.columns.survival"), value: w.t("market.columns.mutuals") },
  );
}

/** Support awarded by each programme: how many grants, how much, against its budget. */
function supportAwarded(m: Movement, w: Words): Figure {
  const awarded = m.support.reduce((s, r) => s + r.awardedPence, 0n);
  const awards = m.support.reduce((s, r) => s + r.awards, 0);
  return movementFigure(
    w,
    "support-awarded",
    w.t("market.charts.support-awarded.description", {
      awards: whole(awards, w.locale),
      value: money(awarded),
      programmes: whole(m.support.length, w.locale),
    }),
    [
      column(w, "programme", "programme", false),
      column(w, "awards", "awards"),
      column(w, "awarded_pence", "awarded"),
      column(w, "budget_pence", "budget"),
    ],
    m.support.map((r) => ({
      csv: [r.title, r.awards, r.awardedPence, r.budgetPence],
      cells: [r.title, whole(r.awards, w.locale), money(r.awardedPence), money(r.budgetPence)],
    })),
    m.support.map((r) => ({ label: r.title, value: pounds(r.awardedPence) })),
    { label: w.t("market.columns.programme"), value: w.t("market.columns.awardedPounds"), format: ",.0f" },
  );
}

const STANDING_KEYS = ["open", "answered", "disputed", "resolved", "overdue"] as const;

/** Barriers logged this year by kind and where each stands, as the barriers module publishes them (small numbers hidden). */
function barriersByKind(m: Movement, w: Words): Figure {
  const { year, table } = m.barriers;
  const kindLabel = (key: string) =>
    key === "all" ? w.t("market.movement.allBarriers") : w.t(`barriers.kinds.${key}.label`);
  const rows = [...table.rows, ...(table.rows.length > 0 ? [table.all] : [])];
  return movementFigure(
    w,
    "barriers-by-kind",
    table.all.total === null
      ? w.t("market.outcomes.fewToDraw")
      : w.t("market.charts.barriers-by-kind.description", {
          year,
          barriers: whole(table.all.total, w.locale),
        }),
    [
      column(w, "kind", "kind", false),
      ...STANDING_KEYS.map((s) => ({ key: s, label: w.t(`barriers.standing.${s}`), numeric: true })),
      column(w, "total", "total"),
    ],
    rows.map((r) => ({
      csv: [r.key, ...STANDING_KEYS.map((s) => hiddenCsv(r.counts[s])), hiddenCsv(r.total)],
      cells: [
        kindLabel(r.key),
        ...STANDING_KEYS.map((s) => hiddenText(w, r.counts[s])),
        hiddenText(w, r.total),
      ],
    })),
    table.rows.flatMap((r) => (r.total === null ? [] : [{ label: kindLabel(r.key), value: r.total }])),
    { label: w.t("market.columns.kind"), value: w.t("market.columns.barriers") },
  );
}

/**
 * The independent adjudicators' decisions by finding and by each published ground found, and the
 * remedies they ordered by compliance: a bar a row with a count.
 */
function adjudicatorDecisions(m: Movement, w: Words): Figure {
  const id = "adjudicator-decisions";
  const of = (dimension: string) => m.adjudicator.filter((r) => r.dimension === dimension);
  const decisions = of("finding").reduce((s, r) => s + r.count, 0);
  const remedies = of("remedies").find((r) => r.key === "ordered")?.count ?? 0;
  const groupLabel = (dimension: string, key: string) =>
    dimension === "finding"
      ? w.t(`redress.ombudsman.findings.${key}`)
      : dimension === "ground"
        ? w.t(`redress.appeals.grounds.${key}.label`)
        : w.t(`market.adjudicator.remedies.${key}`);
  const dimensionLabel = (dimension: string) => w.t(`market.adjudicator.dimension.${dimension}`);
  return movementFigure(
    w,
    id,
    w.t(`market.charts.${id}.description`, {
      decisions: whole(decisions, w.locale),
      remedies: whole(remedies, w.locale),
    }),
    [
      column(w, "dimension", "groupedBy", false),
      { key: "group", label: w.t("market.adjudicator.group"), numeric: false },
      column(w, "count", "count"),
    ],
    m.adjudicator.map((r) => ({
      csv: [r.dimension, r.key, r.count],
      cells: [dimensionLabel(r.dimension), groupLabel(r.dimension, r.key), whole(r.count, w.locale)],
    })),
    decisions + remedies > 0
      ? m.adjudicator.map((r) => ({
          label: `${dimensionLabel(r.dimension)}: ${groupLabel(r.dimension, r.key)}`,
          value: r.count,
        }))
      : [],
    { label: w.t("market.adjudicator.group"), value: w.t("market.columns.count") },
  );
}

/** Bids per opened tender, 5 or more together, for each source shown. */
function bidsPerTender(figures: ThemeFigures["competition"], w: Words, shown: Shown): Figure {
  const buckets = shown.flatMap((source) =>
    [0, 1, 2, 3, 4, 5].map((b) => ({
      key: b === 5 ? "5+" : String(b),
      label: b === 5 ? w.t("market.fiveOrMore") : String(b),
      source,
      count: figures.bids
        .filter((r) => r.source === source && (b === 5 ? r.bids >= 5 : r.bids === b))
        .reduce((s, r) => s + r.tenders, 0),
    })),
  );
  const tenders = figures.bids.reduce((s, r) => s + r.tenders, 0);
  const bids = figures.bids.reduce((s, r) => s + r.bids * r.tenders, 0);
  const few = figures.bids.filter((r) => r.bids < ENOUGH_BIDS).reduce((s, r) => s + r.tenders, 0);
  return countFigure(
    w,
    {
      id: "bids-per-tender",
      description:
        tenders > 0
          ? w.t("market.charts.bids-per-tender.description", {
              tenders: whole(tenders, w.locale),
              mean: (bids / tenders).toFixed(1),
              few: formatPercent(shareBp(BigInt(few), BigInt(tenders))),
            })
          : w.t("market.noFigures"),
      empty: tenders === 0,
    },
    { label: "bids", count: "tenders" },
    buckets,
    shown,
  );
}

function timeToAward(figures: ThemeFigures["competition"], w: Words, shown: Shown): Figure {
  const rows = shown.flatMap((source) =>
    DAYS_BANDS.map((band) => {
      const row = figures.awards.find((a) => a.band === band.code && a.source === source);
      return { key: band.code, source, awards: row?.awards ?? 0, days: row?.days ?? 0n };
    }),
  );
  const awards = rows.reduce((s, r) => s + r.awards, 0);
  const days = rows.reduce((s, r) => s + r.days, 0n);
  return countFigure(
    w,
    {
      id: "time-to-award",
      description:
        awards > 0
          ? w.t("market.charts.time-to-award.description", {
              awards: whole(awards, w.locale),
              mean: w.t("market.competition.days", { count: Math.round(Number(days) / awards) }),
            })
          : w.t("market.noFigures"),
      empty: awards === 0,
    },
    { label: "days", count: "awards" },
    rows.map((r) => ({ key: r.key, label: label(w, "daysBand", r.key), count: r.awards, source: r.source })),
    shown,
  );
}

function rightToChallenge(figures: ThemeFigures["competition"], w: Words, shown: Shown): Figure {
  const rows = figures.challenges;
  const decided = rows.reduce((s, r) => s + r.challenges, 0);
  const accepted = rows.filter((r) => r.outcome !== "rejected").reduce((s, r) => s + r.challenges, 0);
  return countFigure(
    w,
    {
      id: "right-to-challenge",
      description:
        decided > 0
          ? w.t("market.charts.right-to-challenge.description", {
              decided: whole(decided, w.locale),
              accepted: whole(accepted, w.locale),
            })
          : w.t("market.noFigures"),
      empty: decided === 0,
      openpsOnly: true,
    },
    { label: "outcome", count: "challenges" },
    rows.map((r) => ({ key: r.outcome, label: label(w, "outcome", r.outcome), count: r.challenges })),
    shown,
  );
}

function concentrationFigure(markets: ThemeFigures["concentration"], w: Words, shown: Shown): Figure {
  const k = "market.charts.concentration";
  const top = markets[0];
  const max = Math.max(HIGHLY_CONCENTRATED_HHI + 500, ...markets.map((m) => m.hhi));
  const rules = [
    { value: CONCENTRATED_HHI, text: w.t("market.level.concentrated") },
    { value: HIGHLY_CONCENTRATED_HHI, text: w.t("market.level.highly-concentrated") },
  ];
  const barSpec = bars(
    markets.map((m) => ({ label: w.category(m.category), value: m.hhi })),
    { label: w.t("market.columns.category"), value: w.t("market.columns.hhi") },
    { horizontal: true },
  ) as unknown as Record<string, unknown>;
  // Including imported processes: each market's bar coloured by whose suppliers it counts.
  const sources = (["openps", "imported", "both"] as const).filter((s) =>
    markets.some((m) => m.source === s),
  );
  if (shown.includes("imported"))
    barSpec.data = {
      values: markets.map((m) => ({
        label: w.category(m.category),
        value: m.hhi,
        source: sourceText(w, m.source),
      })),
    };
  const { data, mark, encoding, width, height, config } = barSpec;
  const xScale = { domain: [0, max] };
  const enc = encoding as { x: Record<string, unknown>; y: Record<string, unknown>; color: unknown };
  return {
    id: "concentration",
    title: w.t(`${k}.title`),
    description: top
      ? w.t(`${k}.description`, {
          markets: whole(markets.length, w.locale),
          top: w.category(top.category),
          hhi: whole(top.hhi, w.locale),
          top3: formatPercent(top.top3Bp),
        })
      : w.t("market.noFigures"),
    columns: [
      { key: "category", label: w.t("market.columns.category"), numeric: false },
      { key: "suppliers", label: w.t("market.columns.suppliers"), numeric: true },
      { key: "value_pence", label: w.t("market.columns.value"), numeric: true },
      { key: "hhi", label: w.t("market.columns.hhi"), numeric: true },
      { key: "top3_share_percent", label: w.t("market.columns.top3"), numeric: true },
      { key: "level", label: w.t("market.columns.level"), numeric: false },
      sourceColumn(w),
    ],
    csv: markets.map((m) => [
      m.category,
      m.suppliers,
      m.value,
      m.hhi,
      percentValue(m.top3Bp),
      m.level,
      m.source,
    ]),
    cells: markets.map((m) => [
      w.category(m.category),
      whole(m.suppliers, w.locale),
      money(m.value),
      whole(m.hhi, w.locale),
      formatPercent(m.top3Bp),
      w.t(`market.level.${m.level}`),
      sourceText(w, m.source),
    ]),
    empty: markets.length === 0,
    openpsOnly: false,
    sourceInTable: shown.includes("imported"),
    spec: {
      width,
      height,
      config,
      layer: [
        {
          data,
          mark,
          encoding: {
            ...enc,
            x: { ...enc.x, scale: xScale },
            ...(shown.includes("imported")
              ? {
                  color: {
                    field: "source",
                    type: "nominal",
                    title: w.t("market.columns.source"),
                    scale: {
                      domain: sources.map((s) => sourceText(w, s)),
                      range: sources.map((s) => SOURCE_COLOURS[s]),
                    },
                  },
                }
              : {}),
          },
        },
        {
          data: { values: rules },
          mark: { type: "rule", color: TEXT, strokeDash: [4, 3], strokeWidth: 1.5 },
          encoding: { x: { field: "value", type: "quantitative", scale: xScale } },
        },
        {
          data: { values: rules },
          mark: {
            type: "text",
            color: TEXT,
            align: "left",
            dx: 4,
            dy: -4,
            baseline: "bottom",
            fontSize: 12,
            y: 0,
          },
          encoding: { x: { field: "value", type: "quantitative", scale: xScale }, text: { field: "text" } },
        },
      ],
    } as TopLevelSpec,
  };
}

const RATINGS = ["outstanding", "good", "requires-improvement", "inadequate", "unrated"] as const;

function ratingsFigure(rows: ThemeFigures["quality"]["ratings"], w: Words, shown: Shown): Figure {
  const categories = [...new Set(rows.map((r) => r.category))].sort((a, b) =>
    w.category(a).localeCompare(w.category(b)),
  );
  const count = (category: string, rating: string) =>
    rows.filter((r) => r.category === category && r.rating === rating).reduce((s, r) => s + r.locations, 0);
  const locations = rows.reduce((s, r) => s + r.locations, 0);
  const inadequate = rows.filter((r) => r.rating === "inadequate").reduce((s, r) => s + r.locations, 0);
  const k = "market.charts.ratings";
  return {
    id: "ratings",
    title: w.t(`${k}.title`),
    description:
      locations > 0
        ? w.t(`${k}.description`, {
            locations: whole(locations, w.locale),
            types: whole(categories.length, w.locale),
            inadequate: whole(inadequate, w.locale),
          })
        : w.t("market.noFigures"),
    columns: [
      { key: "category", label: w.t("market.columns.serviceType"), numeric: false },
      ...RATINGS.map((r) => ({ key: r.replaceAll("-", "_"), label: label(w, "rating", r), numeric: true })),
      sourceColumn(w),
    ],
    csv: categories.map((c) => [c, ...RATINGS.map((r) => count(c, r)), "openps"]),
    cells: categories.map((c) => [
      w.category(c),
      ...RATINGS.map((r) => whole(count(c, r), w.locale)),
      sourceText(w, "openps"),
    ]),
    empty: locations === 0,
    openpsOnly: true,
    sourceInTable: shown.includes("imported"),
    spec: stacked(
      categories.flatMap((c) =>
        RATINGS.map((r) => ({ bar: w.category(c), part: label(w, "rating", r), value: count(c, r) })).filter(
          (x) => x.value > 0,
        ),
      ),
      {
        bar: w.t("market.columns.serviceType"),
        value: w.t("market.columns.locations"),
        part: w.t("market.columns.rating"),
      },
      RATINGS.map((r) => ({ label: label(w, "rating", r), colour: RATING_COLOURS[r] as string })),
      true,
    ),
  };
}

function kpiRatingsFigure(rows: ThemeFigures["quality"]["kpiRatings"], w: Words, shown: Shown): Figure {
  const total = rows.reduce((s, r) => s + r.ratings, 0);
  const good = rows.find((r) => r.rating === "good")?.ratings ?? 0;
  return countFigure(
    w,
    {
      id: "kpi-ratings",
      description:
        total > 0
          ? w.t("market.charts.kpi-ratings.description", {
              ratings: whole(total, w.locale),
              good: formatPercent(shareBp(BigInt(good), BigInt(total))),
            })
          : w.t("market.noFigures"),
      empty: total === 0,
      colours: rows.map((r) => RATING_COLOURS[r.rating] as string),
      openpsOnly: true,
    },
    { label: "rating", count: "ratings" },
    rows.map((r) => ({ key: r.rating, label: label(w, "kpiRating", r.rating), count: r.ratings })),
    shown,
  );
}

// Personal budgets' figures, the small-numbers rule applied (personal-budgets.ts): a hidden count is
// "<10" in the CSV and "fewer than 10" in the table, its money empty; the chart draws the cells shown.

/** A hidden count as the CSV writes it. */
export const HIDDEN_CSV = "<10";
const countCsv = (c: ShownCell) => (c.count === null ? HIDDEN_CSV : c.count);
const countText = (w: Words, c: ShownCell) =>
  c.count === null ? w.t("market.personalBudgets.fewerThan10") : whole(c.count, w.locale);
const valueCsv = (c: ShownCell) => c.value ?? "";
const valueText = (w: Words, c: ShownCell) =>
  c.value === null ? w.t("market.personalBudgets.hidden") : money(c.value);

function budgetsByDelivery(f: PersonalBudgets, w: Words): Figure {
  const id = "budgets-by-delivery";
  const shownCells = f.byDelivery.filter((c) => c.count !== null);
  const deliveryLabel = (key: string) => w.t(`market.personalBudgets.delivery.${key}`);
  return {
    id,
    title: w.t(`market.charts.${id}.title`),
    description:
      f.people.count !== null
        ? w.t(`market.charts.${id}.description`, {
            people: whole(f.people.count, w.locale),
            value: money(f.people.value ?? 0n),
          })
        : w.t("market.personalBudgets.tooFew"),
    openpsOnly: true,
    sourceInTable: false,
    columns: [
      { key: "delivery", label: w.t("market.columns.delivery"), numeric: false },
      { key: "people", label: w.t("market.columns.people"), numeric: true },
      { key: "weekly_value_pence", label: w.t("market.columns.weeklyValue"), numeric: true },
      sourceColumn(w),
    ],
    csv: f.byDelivery.map((c) => [c.key, countCsv(c), valueCsv(c), "openps"]),
    cells: f.byDelivery.map((c) => [
      deliveryLabel(c.key),
      countText(w, c),
      valueText(w, c),
      sourceText(w, "openps"),
    ]),
    empty: shownCells.length === 0,
    spec: bars(
      shownCells.map((c) => ({ label: deliveryLabel(c.key), value: c.count ?? 0 })),
      { label: w.t("market.columns.delivery"), value: w.t("market.columns.people") },
      { horizontal: true },
    ),
  };
}

function budgetSpend(
  id: "budget-spend-by-sector" | "budget-spend-by-size",
  f: PersonalBudgets,
  w: Words,
): Figure {
  const cells = id === "budget-spend-by-sector" ? f.spendBySector : f.spendBySize;
  const group = id === "budget-spend-by-sector" ? "sector" : "sizeBand";
  const name = (key: string) =>
    key === "direct-spend" ? w.t("market.personalBudgets.directSpend") : label(w, group, key);
  const total = f.spend.value;
  const share = (c: ShownCell) => (c.value === null || !total ? null : shareBp(c.value, total));
  const shownCells = cells.filter((c) => c.value !== null);
  return {
    id,
    title: w.t(`market.charts.${id}.title`),
    description:
      total !== null
        ? w.t("market.charts.budget-spend.description", { total: money(total) })
        : w.t("market.personalBudgets.tooFew"),
    openpsOnly: true,
    sourceInTable: false,
    columns: [
      {
        key: group === "sector" ? "sector" : "size_band",
        label: w.t(`market.columns.${group}`),
        numeric: false,
      },
      { key: "budgets", label: w.t("market.columns.budgets"), numeric: true },
      { key: "paid_pence", label: w.t("market.columns.paid"), numeric: true },
      { key: "paid_share_percent", label: w.t("market.columns.paidShare"), numeric: true },
      sourceColumn(w),
    ],
    csv: cells.map((c) => {
      const bp = share(c);
      return [c.key, countCsv(c), valueCsv(c), bp === null ? "" : percentValue(bp), "openps"];
    }),
    cells: cells.map((c) => {
      const bp = share(c);
      return [
        name(c.key),
        countText(w, c),
        valueText(w, c),
        bp === null ? w.t("market.personalBudgets.hidden") : formatPercent(bp),
        sourceText(w, "openps"),
      ];
    }),
    empty: shownCells.length === 0,
    spec: bars(
      shownCells.map((c) => ({ label: name(c.key), value: pounds(c.value ?? 0n) })),
      { label: w.t(`market.columns.${group}`), value: w.t("market.columns.paidPounds"), format: ",.0f" },
      { horizontal: true },
    ),
  };
}

export const TIMELINESS_COLOURS: Readonly<Record<string, string>> = {
  "on-time": "#00703c",
  late: "#b25400",
  overdue: "#d4351c",
};

function reviewTimeliness(f: PersonalBudgets, w: Words): Figure {
  const id = "review-timeliness";
  // A clock's code (care's `clocks.ts`: "adult-social-care.plan") with its dots as dashes: a key of one part.
  const clockName = (code: string) => w.t(`market.personalBudgets.clock.${code.replaceAll(".", "-")}`);
  const how = (code: string) => w.t(`market.personalBudgets.timeliness.${code}`);
  const shownCells = f.reviews.filter((c) => c.count !== null);
  const onTime = f.reviewTotals.find((t) => t.key === "on-time");
  return {
    id,
    title: w.t(`market.charts.${id}.title`),
    description:
      shownCells.length > 0
        ? w.t(`market.charts.${id}.description`, {
            onTime:
              onTime?.count === null
                ? w.t("market.personalBudgets.fewerThan10")
                : whole(onTime?.count ?? 0, w.locale),
          })
        : w.t("market.personalBudgets.tooFew"),
    openpsOnly: true,
    sourceInTable: false,
    columns: [
      { key: "clock", label: w.t("market.columns.clock"), numeric: false },
      { key: "timeliness", label: w.t("market.columns.timeliness"), numeric: false },
      { key: "reviews", label: w.t("market.columns.reviews"), numeric: true },
      sourceColumn(w),
    ],
    csv: f.reviews.map((c) => [c.clock, c.timeliness, countCsv(c), "openps"]),
    cells: f.reviews.map((c) => [
      clockName(c.clock),
      how(c.timeliness),
      countText(w, c),
      sourceText(w, "openps"),
    ]),
    empty: shownCells.length === 0,
    spec: stacked(
      shownCells.map((c) => ({ bar: clockName(c.clock), part: how(c.timeliness), value: c.count ?? 0 })),
      {
        bar: w.t("market.columns.clock"),
        value: w.t("market.columns.reviews"),
        part: w.t("market.columns.timeliness"),
      },
      ["on-time", "late", "overdue"].map((t) => ({ label: how(t), colour: TIMELINESS_COLOURS[t] as string })),
      true,
    ),
  };
}

/** "Choice not available" records by how the authority answered them: on time, late, waiting still. */
function choiceNotAvailable(f: PersonalBudgets, w: Words): Figure {
  const id = "choice-not-available-answers";
  const how = (code: string) => w.t(`market.personalBudgets.answers.${code}`);
  const shownCells = f.unavailable.filter((c) => c.count !== null && c.count > 0);
  const records = f.unavailableRecords;
  return {
    id,
    title: w.t(`market.charts.${id}.title`),
    description:
      records.count !== null
        ? w.t(`market.charts.${id}.description`, {
            records: whole(records.count, w.locale),
            overdue: countText(w, f.unavailableOverdue),
          })
        : w.t("market.personalBudgets.tooFew"),
    openpsOnly: true,
    sourceInTable: false,
    columns: [
      { key: "answer", label: w.t("market.columns.answer"), numeric: false },
      { key: "records", label: w.t("market.columns.records"), numeric: true },
      sourceColumn(w),
    ],
    csv: [...f.unavailable, f.unavailableOverdue].map((c) => [c.key, countCsv(c), "openps"]),
    cells: [...f.unavailable, f.unavailableOverdue].map((c) => [
      how(c.key),
      countText(w, c),
      sourceText(w, "openps"),
    ]),
    empty: shownCells.length === 0,
    spec: bars(
      shownCells.map((c) => ({ label: how(c.key), value: c.count ?? 0 })),
      { label: w.t("market.columns.answer"), value: w.t("market.columns.records") },
      { horizontal: true },
    ),
  };
}

/**
 * The figures of every chart of a theme, in the order the page shows them, for the sources shown
 * (OpenPS's, imported processes', or both: `shownOf`).
 */
export function chartsOf<T extends Theme>(
  theme: T,
  figures: ThemeFigures[T],
  w: Words,
  shown: Shown = ["openps"],
): Figure[] {
  if (theme === "diversity") {
    const f = figures as ThemeFigures["diversity"];
    return [
      contractsBy("contracts-by-sector", f.bySector, w, shown),
      contractsBy("contracts-by-size", f.bySize, w, shown),
      contractsByYear(f.byYear, w, shown),
      outcomeRatings("outcomes-ratings", f.outcomes.ratings, w),
      outcomeRatings("outcomes-kpi-ratings", f.outcomes.kpiRatings, w),
      outcomeResults(f.outcomes.results, w),
    ];
  }
  if (theme === "mutuals") {
    const f = figures as ThemeFigures["mutuals"];
    return [
      mutualStaff(f, w, shown),
      mutualsByYear(f.movement, w),
      spinoutsByStage(f.movement, w),
      mutualSurvival(f.movement, w),
      supportAwarded(f.movement, w),
      barriersByKind(f.movement, w),
      adjudicatorDecisions(f.movement, w),
    ];
  }
  if (theme === "competition") {
    const f = figures as ThemeFigures["competition"];
    return [bidsPerTender(f, w, shown), timeToAward(f, w, shown), rightToChallenge(f, w, shown)];
  }
  if (theme === "concentration")
    return [concentrationFigure(figures as ThemeFigures["concentration"], w, shown)];
  if (theme === "personal-budgets") {
    const f = figures as PersonalBudgets;
    return [
      budgetsByDelivery(f, w),
      budgetSpend("budget-spend-by-sector", f, w),
      budgetSpend("budget-spend-by-size", f, w),
      reviewTimeliness(f, w),
      choiceNotAvailable(f, w),
    ];
  }
  const f = figures as ThemeFigures["quality"];
  return [ratingsFigure(f.ratings, w, shown), kpiRatingsFigure(f.kpiRatings, w, shown)];
}

/**
 * The national figures of issue 20, item 9 (the mutuals movement, outcomes by provider sector and
 * size), as their pages show them: what the open dataset publishes (open-figures.ts).
 */
export function nationalCharts(movement: Movement, outcomes: Outcomes, w: Words): Figure[] {
  return [
    mutualsByYear(movement, w),
    spinoutsByStage(movement, w),
    mutualSurvival(movement, w),
    supportAwarded(movement, w),
    barriersByKind(movement, w),
    adjudicatorDecisions(movement, w),
    outcomeRatings("outcomes-ratings", outcomes.ratings, w),
    outcomeRatings("outcomes-kpi-ratings", outcomes.kpiRatings, w),
    outcomeResults(outcomes.results, w),
  ];
}

/** The sources a choice shows, in the order charts divide them. */
export function shownOf(source: "openps" | "imported" | "both"): Shown {
  return source === "both" ? ["openps", "imported"] : [source];
}

// Rendering

const quiet = {
  level: () => quiet,
  warn: () => quiet,
  info: () => quiet,
  debug: () => quiet,
  error: (...args: readonly unknown[]) => {
    throw new Error(`Vega-Lite: ${args.map(String).join(" ")}`);
  },
} as unknown as Parameters<typeof compile>[1] extends infer O
  ? O extends { logger?: infer L }
    ? L
    : never
  : never;

/**
 * A chart as SVG markup: compiled from Vega-Lite to Vega, rendered without a browser (no canvas:
 * Vega estimates text widths), then made an accessible image — role="img" with its <title> and
 * <desc>, named by aria-labelledby; the marks inside are hidden from assistive technology (the
 * table after the chart gives the same figures).
 */
export async function renderChart(
  figure: Pick<Figure, "id" | "title" | "description" | "spec">,
): Promise<string> {
  const view = new View(parse(compile(figure.spec, { logger: quiet }).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    const open = /^<svg\b[^>]*>/.exec(svg);
    if (!open) throw new Error("Vega's SVG has no <svg> element");
    const size = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(open[0])?.[1] ?? "";
    const id = `chart-${figure.id}`;
    const head =
      `<svg xmlns="http://www.w3.org/2000/svg" class="openps-chart" width="${size("width")}" height="${size("height")}" viewBox="${size("viewBox")}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">` +
      `<title id="${id}-title">${escapeHtml(figure.title)}</title><desc id="${id}-desc">${escapeHtml(figure.description)}</desc>`;
    // Inside an image, Vega's own roles for groups and marks say nothing more: left out.
    const body = svg
      .slice(open[0].length)
      .replace(/ role="graphics-[a-z]+"/g, "")
      .replace(/ aria-roledescription="[^"]*"/g, "");
    return head + body;
  } finally {
    view.finalize();
  }
}
