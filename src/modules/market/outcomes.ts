/**
 * Outcomes compared by provider sector and size band (issue 20, item 9: "large providers included,
 * with the counts so no one over-reads small numbers"), pure: the regulators' current ratings of
 * locations, the commissioners' KPI ratings of contracts, and payment by results' participants
 * referred and those with an outcome — each counted by its provider (the location's, the contract's
 * lead, the outcome contract's), then grouped by the provider's effective sector, and again by its
 * size band, with how many providers each group holds.
 *
 * The small-numbers rule (src/lib/small-numbers.ts) is applied to each grouping as a table whose
 * rows' totals and columns' totals are both published (the "All providers" row; a sector's rows and
 * a size band's rows add up to the same totals, so each grouping is suppressed as a whole table):
 * every count of 1 to 9 is hidden, and the next smallest beside a lone hidden one in any row or
 * column. Payment by results is a table of those with an outcome and those without (whose sum, the
 * participants referred, is published), so neither can be told from the other.
 */
import { hiddenTable } from "../../lib/small-numbers.ts";

export type Dimension = "sector" | "size";
export const DIMENSIONS: readonly Dimension[] = ["sector", "size"];

/** A provider's sector and size band, as the directory shows them (a mutual only with evidence). */
export interface ProviderFacts {
  sector: string;
  sizeBand: string;
}

/** A count of one provider's, in one column. */
export interface ProviderCount {
  organisationId: string;
  column: string;
  count: number;
}

/** A group's counts as published: null where hidden. */
export interface OutcomeRow {
  /** A sector's or a size band's code, or "all". */
  key: string;
  /** Providers in the group with anything counted: organisations, never hidden. */
  providers: number;
  cells: (number | null)[];
  total: number | null;
}

export interface OutcomeGrouping {
  dimension: Dimension;
  rows: OutcomeRow[];
  all: OutcomeRow;
}

export interface OutcomeTable {
  /** The columns, in order: ratings, or (payment by results) "achieved" and "not-achieved". */
  columns: readonly string[];
  groupings: OutcomeGrouping[];
}

/** The order a grouping's rows are shown in (its codes' order; anything else after, by code). */
export interface KeyOrder {
  sector: readonly string[];
  size: readonly string[];
}

function groupingOf(
  dimension: Dimension,
  columns: readonly string[],
  counts: readonly ProviderCount[],
  facts: ReadonlyMap<string, ProviderFacts>,
  order: readonly string[],
): OutcomeGrouping {
  const groups = new Map<string, { providers: Set<string>; cells: number[] }>();
  for (const c of counts) {
    const f = facts.get(c.organisationId);
    const key = (dimension === "sector" ? f?.sector : f?.sizeBand) || "unknown";
    const column = columns.indexOf(c.column);
    if (column < 0) continue;
    const group = groups.get(key) ?? { providers: new Set<string>(), cells: columns.map(() => 0) };
    group.providers.add(c.organisationId);
    group.cells[column] = (group.cells[column] ?? 0) + c.count;
    groups.set(key, group);
  }
  const place = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  const keys = [...groups.keys()].sort((a, b) => place(a) - place(b) || a.localeCompare(b));
  const rows = keys.map((k) => {
    const cells = groups.get(k)?.cells ?? [];
    return [...cells, cells.reduce((s, n) => s + n, 0)];
  });
  const allRow = Array.from({ length: columns.length + 1 }, (_, i) =>
    rows.reduce((s, r) => s + (r[i] ?? 0), 0),
  );
  const hidden = hiddenTable(
    [...rows, allRow],
    columns.map((_, i) => i),
  );
  const shown = (key: string, providers: number, row: number[], h: boolean[]): OutcomeRow => ({
    key,
    providers,
    cells: columns.map((_, i) => (h[i] ? null : (row[i] ?? 0))),
    total: h[columns.length] ? null : (row[columns.length] ?? 0),
  });
  const everyone = new Set(counts.map((c) => c.organisationId));
  return {
    dimension,
    rows: keys.map((k, i) => shown(k, groups.get(k)?.providers.size ?? 0, rows[i] ?? [], hidden[i] ?? [])),
    all: shown("all", everyone.size, allRow, hidden[rows.length] ?? []),
  };
}

/** One measure's counts grouped by sector and by size band, suppressed. */
export function outcomeTable(
  columns: readonly string[],
  counts: readonly ProviderCount[],
  facts: ReadonlyMap<string, ProviderFacts>,
  order: KeyOrder,
): OutcomeTable {
  return {
    columns,
    groupings: DIMENSIONS.map((d) =>
      groupingOf(d, columns, counts, facts, d === "sector" ? order.sector : order.size),
    ),
  };
}

/** Payment by results' columns: participants with an outcome, and without; their total is those referred. */
export const RESULT_COLUMNS = ["achieved", "not-achieved"] as const;

/** Participants referred to each provider and those with an outcome, as the two parts of one total. */
export function resultCounts(
  rows: readonly { organisation_id: string; referred: number; achieved: number }[],
): ProviderCount[] {
  return rows.flatMap((r) => [
    { organisationId: r.organisation_id, column: "achieved", count: r.achieved },
    { organisationId: r.organisation_id, column: "not-achieved", count: r.referred - r.achieved },
  ]);
}
