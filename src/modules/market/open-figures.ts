/**
 * The open dataset `diversity-figures` (issue 20, item 9; docs/market.md, "Open data"): the national
 * figures of the mutuals movement and of outcomes by provider sector and size, one row per number —
 * the same numbers as each chart's CSV (`/market/<figure>.csv`), made from the same figures by the
 * same functions (charts.ts `nationalCharts`), so they cannot differ. Each CSV row's codes (the first
 * columns: a stage, a year, a kind, a sector…) become `dimension` and `group`, each of its numbers a
 * row of its own (`measure`, `value`); a count hidden by the small-numbers rule ("<10" in the CSV) is
 * an empty value with `suppressed` true. Shares (`*_percent`) are left out: they are the counts'
 * quotient, given where both counts are.
 */
import type { Ctx } from "../access/context.ts";
import { type CsvValue, type Figure, nationalCharts, type Words } from "./charts.ts";
import { nationalFigures } from "./market.service.ts";

export interface OpenFigureRow {
  /** The chart's id, as its CSV is named. */
  figure: string;
  /** What the row is grouped by: the CSV's code column (stage, year, kind…), or for outcomes sector or size. */
  dimension: string;
  /** The group: a code, a year, a programme's title, or "all". */
  group: string;
  /** The CSV's column the number is from. */
  measure: string;
  /** The number (pence where the measure ends in `_pence`), null when hidden or none (no median). */
  value: number | null;
  suppressed: boolean;
}

/** Codes rather than words: the dataset is the CSVs' codes, whatever the page's language. */
const CODES: Words = { t: (key) => key, locale: "en", category: (code) => code };

const number = (value: CsvValue): number | null =>
  value === "" || value === "<10" ? null : typeof value === "string" ? Number(value) : Number(value);

/** A chart's CSV rows, one row per number. */
export function openFigureRowsOf(figures: readonly Figure[]): OpenFigureRow[] {
  return figures.flatMap((f) => {
    const keys = f.columns.map((c) => c.key);
    const at = (key: string) => keys.indexOf(key);
    const codes = f.columns.filter((c) => !c.numeric && c.key !== "source" && c.key !== "dimension");
    const code = codes[0]?.key ?? "";
    const measures = f.columns.filter((c) => c.numeric && !c.key.endsWith("_percent"));
    return f.csv.flatMap((row) =>
      measures.map((m) => {
        const value = row[at(m.key)] ?? "";
        return {
          figure: f.id,
          dimension: at("dimension") >= 0 ? String(row[at("dimension")]) : code,
          group: String(row[at(code)] ?? ""),
          measure: m.key,
          value: number(value),
          suppressed: value === "<10",
        };
      }),
    );
  });
}

/** Every national figure's rows, read afresh. Public. */
export async function openFigureRows(ctx: Pick<Ctx, "db" | "clock">): Promise<OpenFigureRow[]> {
  const { movement, outcomes } = await nationalFigures(ctx);
  return openFigureRowsOf(nationalCharts(movement, outcomes, CODES));
}
