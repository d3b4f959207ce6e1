/**
 * A progress report's period: a financial year (April to March) written `2026-27`, or one of its
 * quarters written `2026-Q3` (Q1 April–June, Q2 July–September, Q3 October–December, Q4
 * January–March of the next calendar year), as HM Treasury's quarters of a financial year run. Pure.
 */
import { addMonths, londonInstant } from "../../lib/london-time.ts";

export interface Period {
  /** As written in the address: `2026-27` or `2026-Q3`. */
  code: string;
  kind: "year" | "quarter";
  /** The calendar year the financial year starts in (2026 for 2026-27). */
  year: number;
  /** 1–4 for a quarter; null for a year. */
  quarter: number | null;
  /** The first and last months (YYYY-MM-01), both included. */
  firstMonth: string;
  lastMonth: string;
  /** The instants it runs between in Europe/London: from its first midnight, to the next period's. */
  from: Date;
  to: Date;
}

const YEAR = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
/** Financial years a report may be asked for (OpenPS keeps nothing older than the White Paper). */
const FIRST_YEAR = 2011;
const LAST_YEAR = 2099;

const pad = (n: number) => String(n).padStart(2, "0");

/** The period of a financial year (quarter null) or of one of its quarters. */
export function periodOf(year: number, quarter: number | null): Period {
  const firstMonth = addMonths(`${year}-04-01`, quarter === null ? 0 : (quarter - 1) * 3);
  const months = quarter === null ? 12 : 3;
  const lastMonth = addMonths(firstMonth, months - 1);
  return {
    code: quarter === null ? `${year}-${pad((year + 1) % 100)}` : `${year}-Q${quarter}`,
    kind: quarter === null ? "year" : "quarter",
    year,
    quarter,
    firstMonth,
    lastMonth,
    from: londonInstant(firstMonth, 0, 0) as Date,
    to: londonInstant(addMonths(firstMonth, months), 0, 0) as Date,
  };
}

/** A period as written (`2026-27`, `2026-Q3`, either case, spaces around ignored); null when it is not one. */
export function parsePeriod(text: string): Period | null {
  const typed = text.trim().toUpperCase();
  const year = YEAR.exec(typed);
  const quarter = QUARTER.exec(typed);
  const start = Number((year ?? quarter)?.[1]);
  if (!(start >= FIRST_YEAR && start <= LAST_YEAR)) return null;
  if (year) return Number(year[2]) === (start + 1) % 100 ? periodOf(start, null) : null;
  return quarter ? periodOf(start, Number(quarter[2])) : null;
}

/** The period of the same length just before: the year before, or the quarter before. */
export function previousPeriod(period: Period): Period {
  if (period.quarter === null) return periodOf(period.year - 1, null);
  return period.quarter === 1 ? periodOf(period.year - 1, 4) : periodOf(period.year, period.quarter - 1);
}

/** The financial year a London date (YYYY-MM-DD) falls in, by the year it starts in. */
export function financialYearOf(date: string): number {
  const [year, month] = date.split("-").map(Number) as [number, number];
  return month >= 4 ? year : year - 1;
}

/** The periods offered in the chooser: each financial year from `first` to `last`, newest first, then its quarters. */
export function periodChoices(first: number, last: number): Period[] {
  const periods: Period[] = [];
  for (let year = last; year >= Math.max(first, FIRST_YEAR); year -= 1) {
    periods.push(periodOf(year, null));
    for (const quarter of [1, 2, 3, 4]) periods.push(periodOf(year, quarter));
  }
  return periods;
}
