/**
 * KPI reporting periods and when things are due, as pure date arithmetic on London calendar dates
 * (YYYY-MM-DD). A KPI reported every `f` months has periods from the contract's start: period k runs
 * from start + (k−1)·f months to the day before start + k·f months, the last one cut at the contract's
 * end (or its termination date). A period's report is due on its last day and overdue
 * `KPI_REPORT_OVERDUE_DAYS` days after it. Ratings are published at least every
 * `RATINGS_PUBLICATION_MONTHS` months and at the end: the final ratings are due
 * `FINAL_RATINGS_DAYS` days after the contract ends.
 */
import { addDays, addMonths } from "../../lib/london-time.ts";

/** A report not made this many days after its period's last day is overdue. */
export const KPI_REPORT_OVERDUE_DAYS = 30;
/** Ratings are published at least this often while the contract runs. */
export const RATINGS_PUBLICATION_MONTHS = 12;
/** The final ratings are due this many days after the contract ends (report, then rating). */
export const FINAL_RATINGS_DAYS = 60;

export interface Period {
  number: number;
  startsOn: string;
  endsOn: string;
}

/** The periods of a KPI reported every `frequencyMonths` months, from `startsOn` to `endsOn` (inclusive). */
export function periodsOf(startsOn: string, endsOn: string, frequencyMonths: number): Period[] {
  const periods: Period[] = [];
  if (endsOn < startsOn) return periods;
  for (let k = 1; ; k++) {
    const from = addMonths(startsOn, (k - 1) * frequencyMonths);
    if (from > endsOn) break;
    const to = addDays(addMonths(startsOn, k * frequencyMonths), -1);
    periods.push({ number: k, startsOn: from, endsOn: to < endsOn ? to : endsOn });
  }
  return periods;
}

/** The date a period's report becomes overdue (the day after is late): its last day + the grace. */
export function reportOverdueAfter(period: Pick<Period, "endsOn">): string {
  return addDays(period.endsOn, KPI_REPORT_OVERDUE_DAYS);
}

export type PeriodState = "upcoming" | "due" | "overdue" | "reported" | "rated";

/** Where a period stands on London date `today`. */
export function periodState(
  period: Pick<Period, "endsOn">,
  today: string,
  reported: boolean,
  rated: boolean,
): PeriodState {
  if (rated) return "rated";
  if (reported) return "reported";
  if (today < period.endsOn) return "upcoming";
  return today > reportOverdueAfter(period) ? "overdue" : "due";
}

export interface PublicationDue {
  /** When the next publication of ratings is due; null when the final ratings are all published. */
  dueOn: string | null;
  overdue: boolean;
  /** Whether what is due is the final publication at the end. */
  final: boolean;
}

/**
 * When ratings must next be published: 12 months after the last publication (or the start), and at
 * the end — every period rated by FINAL_RATINGS_DAYS after the contract's end.
 */
export function publicationDue(input: {
  startsOn: string;
  /** The contract's end, or its termination date. */
  endsOn: string;
  /** London date of the latest rating, if any. */
  lastPublishedOn: string | null;
  allPeriodsRated: boolean;
  today: string;
}): PublicationDue {
  const finalDue = addDays(input.endsOn, FINAL_RATINGS_DAYS);
  if (input.today > input.endsOn && input.allPeriodsRated)
    return { dueOn: null, overdue: false, final: true };
  const regular = addMonths(input.lastPublishedOn ?? input.startsOn, RATINGS_PUBLICATION_MONTHS);
  const final = finalDue <= regular;
  const dueOn = final ? finalDue : regular;
  return { dueOn, overdue: input.today > dueOn, final };
}
