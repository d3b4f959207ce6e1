/**
 * The parent body's published period for deciding on a spin-out proposal: working days (England and
 * Wales, Scotland or Northern Ireland's bank holidays, by the authority's nation) from the London
 * date the proposal reached parent body approval. Pure functions, tested at their edges.
 */
import { addWorkingDays, type Nation } from "../../lib/working-days.ts";

/** The period until an authority publishes its own: 30 working days. */
export const DEFAULT_DECISION_PERIOD_WORKING_DAYS = 30;
export const MAX_DECISION_PERIOD_WORKING_DAYS = 250;

/** The last day the body may decide on: `days` working days after the day it was asked. */
export function decisionDue(askedOn: string, days: number, nation: Nation): string {
  return addWorkingDays(askedOn, days, nation);
}

/** Undecided and past the last day (London `today`): shown as overdue. Deciding on the last day is in time. */
export function isDecisionOverdue(due: string | null, decided: boolean, today: string): boolean {
  return !decided && due !== null && today > due;
}
