/**
 * The national view of barriers (issue 20, item 5: the White Paper's regular assessment of barriers
 * to entry): the barriers logged in a calendar year (London time), counted by kind, by authority and
 * by the sector of the logger's organisation, each by where it stands now — open, answered (accepted),
 * disputed, resolved, overdue (no answer in substance after its last day) — with its total. Each table
 * publishes its rows' totals and its columns' totals (the "All barriers" row), so its cells are
 * suppressed with `hiddenTable` (src/lib/small-numbers.ts): a count of 1 to 9 is not shown, nor the
 * next smallest beside a lone hidden one in any row or column. Anyone may read it, as a page, JSON
 * or CSV.
 */
import { ValidationError } from "../../lib/errors.ts";
import { londonInstant, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { hiddenTable } from "../../lib/small-numbers.ts";
import type { Ctx } from "../access/context.ts";
import { authoritiesByIds } from "../authorities/authorities.service.ts";
import * as repo from "./barriers.repository.ts";
import { type Standing, standingOf } from "./barriers.service.ts";
import { BARRIER_KIND_CODES } from "./kinds.ts";

/** The columns of every table, in order: the parts, then their total. */
export const STANDINGS: readonly Standing[] = ["open", "answered", "disputed", "resolved", "overdue"];

/** The first year the register counts. */
export const FIRST_YEAR = 2020;

export type Dimension = "kind" | "authority" | "sector";
export const DIMENSIONS: readonly Dimension[] = ["kind", "authority", "sector"];

/** A count as published: null when suppressed. */
export type Shown = number | null;

export interface FigureRow {
  /** The kind's code, the authority's id, or the sector's code. */
  key: string;
  /** The authority's name (dimension "authority"); the page labels kinds and sectors. */
  name: string | null;
  counts: Record<Standing, Shown>;
  total: Shown;
}

export interface FigureTable {
  dimension: Dimension;
  rows: FigureRow[];
  all: FigureRow;
}

export interface BarrierFigures {
  year: number;
  /** The years that may be asked for, newest first. */
  years: number[];
  tables: FigureTable[];
}

/** The year asked for ("" for the current London year), checked: 400 naming `year` otherwise. */
export function yearOf(ctx: Pick<Ctx, "clock">, asked: string | number | undefined): number {
  const current = Number(londonToday(ctx.clock).slice(0, 4));
  if (asked === undefined || asked === "") return current;
  const year = Number(asked);
  if (!Number.isInteger(year) || year < FIRST_YEAR || year > current) {
    const message = msg`Choose a year from ${FIRST_YEAR} to ${current}`;
    throw new ValidationError(message, [{ field: "year", message }]);
  }
  return year;
}

function tableOf(
  dimension: Dimension,
  groups: Map<string, number[]>,
  names: Map<string, string>,
): FigureTable {
  const keys = [...groups.keys()].sort((a, b) =>
    dimension === "kind"
      ? BARRIER_KIND_CODES.indexOf(a) - BARRIER_KIND_CODES.indexOf(b)
      : (names.get(a) ?? a).localeCompare(names.get(b) ?? b),
  );
  const width = STANDINGS.length;
  const rows = keys.map((k) => {
    const parts = groups.get(k) ?? [];
    return [...parts, parts.reduce((s, c) => s + c, 0)];
  });
  const allRow = Array.from({ length: width + 1 }, (_, c) => rows.reduce((s, r) => s + (r[c] ?? 0), 0));
  // The rows and the "All barriers" row: each row's total over its parts; each column's total over the rows.
  const hidden = hiddenTable(
    [...rows, allRow],
    STANDINGS.map((_, i) => i),
  );
  // The column totals are themselves a row: the table's rows add up to it, so hide within the rows only.
  const shownRow = (key: string, counts: number[], h: boolean[]): FigureRow => ({
    key,
    name: dimension === "authority" ? (names.get(key) ?? null) : null,
    counts: Object.fromEntries(STANDINGS.map((s, i) => [s, h[i] ? null : (counts[i] ?? 0)])) as Record<
      Standing,
      Shown
    >,
    total: h[width] ? null : (counts[width] ?? 0),
  });
  return {
    dimension,
    rows: rows.map((r, i) => shownRow(keys[i] as string, r, hidden[i] ?? [])),
    all: shownRow("all", allRow, hidden[rows.length] ?? []),
  };
}

/** The national figures of a year (the current London year unless asked): anyone. */
export async function barrierFigures(ctx: Ctx, asked?: string | number): Promise<BarrierFigures> {
  const year = yearOf(ctx, asked);
  const from = londonInstant(`${year}-01-01`, 0, 0) as Date;
  const to = londonInstant(`${year + 1}-01-01`, 0, 0) as Date;
  const now = ctx.clock.now();
  const rows = await repo.countsLoggedBetween(ctx.db, from, to);
  const groups: Record<Dimension, Map<string, number[]>> = {
    kind: new Map(),
    authority: new Map(),
    sector: new Map(),
  };
  for (const r of rows) {
    const standing = standingOf(
      { status: r.status, answer_due_on: r.answer_due_on, first_answered_at: r.answered ? now : null },
      now,
    );
    const column = STANDINGS.indexOf(standing);
    for (const [dimension, key] of [
      ["kind", r.kind],
      ["authority", r.authority_id],
      ["sector", r.logger_sector],
    ] as const) {
      const counts = groups[dimension].get(key) ?? STANDINGS.map(() => 0);
      counts[column] = (counts[column] ?? 0) + r.count;
      groups[dimension].set(key, counts);
    }
  }
  const authorities = await authoritiesByIds(ctx.db, [...groups.authority.keys()]);
  const names = new Map([...authorities].map(([id, a]) => [id, a.name]));
  const current = yearOf(ctx, undefined);
  return {
    year,
    years: Array.from({ length: current - FIRST_YEAR + 1 }, (_, i) => current - i),
    tables: DIMENSIONS.map((d) => tableOf(d, groups[d], names)),
  };
}

/** The CSV's columns: one row per table row, codes not labels, a suppressed count left empty. */
export const FIGURES_CSV_COLUMNS = ["year", "dimension", "key", "name", ...STANDINGS, "total"] as const;

/** The figures as CSV rows (src/lib/csv.ts writes them). */
export function figuresCsvRows(figures: BarrierFigures): Record<string, unknown>[] {
  return figures.tables.flatMap((t) =>
    [...t.rows, t.all].map((r) => ({
      year: figures.year,
      dimension: t.dimension,
      key: r.key,
      name: r.name ?? "",
      ...Object.fromEntries(STANDINGS.map((s) => [s, r.counts[s] ?? ""])),
      total: r.total ?? "",
    })),
  );
}
