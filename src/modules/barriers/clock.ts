/**
 * The barriers' clock: an authority answers a barrier within `ANSWER_WORKING_DAYS` working days
 * of the London day it was logged (not counting that day; the bank holidays of the authority's
 * nation), by the end of the last day. An acknowledgement does not stop the clock: only an answer in
 * substance (accepted, disputed, resolved) does. A barrier without one after its last day is overdue
 * — the status an appeal to the adjudicator will rest on (docs/barriers.md, "Still to build").
 * Pure functions, tested at their edges.
 */
import { addDays } from "../../lib/london-time.ts";
import { addWorkingDays, endOfLondonDay, londonDate, type Nation } from "../../lib/working-days.ts";

/** The published answering period: 20 working days. */
export const ANSWER_WORKING_DAYS = 20;

/** The last London day of a barrier's answering period. */
export function answerDueOn(loggedAt: Date, nation: Nation): string {
  return addWorkingDays(londonDate(loggedAt), ANSWER_WORKING_DAYS, nation);
}

/** Whether a barrier is overdue at `now`: no answer in substance and its last day is over. */
export function isOverdue(dueOn: string, firstAnsweredAt: Date | null, now: Date): boolean {
  return firstAnsweredAt === null && now.getTime() >= endOfLondonDay(dueOn).getTime();
}

/** Whether its answer in substance came after its last day (answered late). */
export function answeredLate(dueOn: string, firstAnsweredAt: Date | null): boolean {
  return firstAnsweredAt !== null && firstAnsweredAt.getTime() >= endOfLondonDay(dueOn).getTime();
}

/** How many days before a barrier's last day its authority is reminded (the daily sweep). */
export const REMINDER_DAYS = 5;

/**
 * What the daily sweep owes the authority about a barrier on the London day `today`: the notice that
 * it is overdue (from the day after its last day, once), a reminder (from `REMINDER_DAYS` days
 * before its last day until that day, once), or nothing — nothing at all once it has an answer in
 * substance. A barrier first swept when already overdue gets the overdue notice alone.
 */
export function noticeDue(
  b: {
    answer_due_on: string;
    first_answered_at: Date | null;
    reminded_on: string | null;
    overdue_told_on: string | null;
  },
  today: string,
): "overdue" | "reminder" | null {
  if (b.first_answered_at !== null) return null;
  if (today > b.answer_due_on) return b.overdue_told_on === null ? "overdue" : null;
  if (today >= addDays(b.answer_due_on, -REMINDER_DAYS)) return b.reminded_on === null ? "reminder" : null;
  return null;
}
