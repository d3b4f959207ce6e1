/**
 * The authority's schedule of payments in (pure): periods of four weeks or of a calendar month from
 * the ledger's first day, paid in advance on each period's first day, and the amount of each.
 *
 * The arithmetic, in whole pence with no rounding drift:
 * - A budget part's amount is per week or per year (its version's `period`). Its amount a year, Y,
 *   is the yearly amount, or the weekly amount × 52.
 * - A year has n periods: 13 of four weeks, or 12 months. Period k (0, 1, …) is the (k mod n)-th of
 *   its year, i, and pays floor(Y × (i + 1) / n) − floor(Y × i / n): each period its share rounded
 *   down, the pence left over paid in the later periods, so that every n periods pay exactly Y.
 *   A weekly amount paid every four weeks is exactly 4 weeks' (Y / 13 = 4 × the weekly amount).
 * - 13 four-week periods are 364 days: a year of four-weekly payments in pays 52 weeks, as the
 *   weekly budget says (a calendar year has a day or two more; the next period starts 28 days on).
 * - A month starts on the first period's day of the month (the month's last day when it has no
 *   such day: 31 January, 28 February, 31 March).
 */
import { addDays, addMonths } from "../../lib/london-time.ts";
import type { Cadence } from "./budgets.table.ts";

export const PERIODS_A_YEAR: Record<Cadence, number> = { "four-weekly": 13, monthly: 12 };

/** The first day of period `k` of a schedule starting on `first`. */
export function periodStart(first: string, cadence: Cadence, k: number): string {
  return cadence === "monthly" ? addMonths(first, k) : addDays(first, 28 * k);
}

/** Period `k`: its first and last days. */
export function periodOf(first: string, cadence: Cadence, k: number): { startsOn: string; endsOn: string } {
  return {
    startsOn: periodStart(first, cadence, k),
    endsOn: addDays(periodStart(first, cadence, k + 1), -1),
  };
}

/** How many periods have started by `today` (the periods due: 0 … count − 1). */
export function periodsStartedBy(first: string, cadence: Cadence, today: string): number {
  if (today < first) return 0;
  // An estimate from the days elapsed, then corrected by a step either way.
  const days = (Date.parse(today) - Date.parse(first)) / 86_400_000;
  let k = Math.max(0, Math.floor(cadence === "monthly" ? days / 31 : days / 28));
  while (periodStart(first, cadence, k + 1) <= today) k++;
  while (k > 0 && periodStart(first, cadence, k) > today) k--;
  return k + 1;
}

/** A part's amount a year, in pence: the yearly amount, or the weekly amount × 52. */
export function yearlyPence(amount: bigint, per: "week" | "year"): bigint {
  return per === "year" ? amount : amount * 52n;
}

/** What period `k` pays of an amount of `yearly` pence a year (see above). */
export function periodPence(yearly: bigint, cadence: Cadence, k: number): bigint {
  const n = BigInt(PERIODS_A_YEAR[cadence]);
  const i = BigInt(k) % n;
  return (yearly * (i + 1n)) / n - (yearly * i) / n;
}

/**
 * A ledger's schedule: its cadence from its first day, which is the first day of period
 * `period_base` (0, unless care staff changed the cadence: the schedule then restarts at the next
 * period not yet paid, whose number is kept). Period k ≥ period_base is the (k − period_base)-th of
 * the cadence, for its days and for its place in the year's rounding.
 */
export interface Schedule {
  first_period_on: string;
  cadence: Cadence;
  period_base: number;
}

/** Period `k` of a ledger's schedule: its first and last days. */
export function schedulePeriod(s: Schedule, k: number): { startsOn: string; endsOn: string } {
  return periodOf(s.first_period_on, s.cadence, k - s.period_base);
}

/** The periods of a ledger's schedule started by `today` (the periods due: 0 … count − 1). */
export function schedulePeriodsStartedBy(s: Schedule, today: string): number {
  return s.period_base + periodsStartedBy(s.first_period_on, s.cadence, today);
}

/** What period `k` of a ledger's schedule pays of `yearly` pence a year. */
export function schedulePeriodPence(yearly: bigint, s: Schedule, k: number): bigint {
  return periodPence(yearly, s.cadence, k - s.period_base);
}
