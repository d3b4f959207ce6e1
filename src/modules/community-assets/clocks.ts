/**
 * The clocks of assets of community value (Localism Act 2011, Part 5 Chapter 3, and the Assets of
 * Community Value (England) Regulations 2012): pure functions of London dates (YYYY-MM-DD), tested
 * at every edge (clocks.test.ts). DOMAIN.md §6.
 *
 * The Act and its regulations count most periods as "beginning with" a day: that day is the first
 * of the period, so a period of 8 weeks beginning with 1 March 2027 ends at the end of 25 April
 * (56 days, the first included). A period of months beginning with a day ends the day before the
 * same date that many months later (6 months beginning with 1 March end on 31 August); where the
 * later month has no such date, the same date is taken as its last day (`addMonths`), so 6 months
 * beginning with 31 August end on the day before the last day of February.
 *
 * Each function gives a period's **last day**: a thing due "by" it is on time on that day and late
 * the day after.
 */
import { addDays, addMonths } from "../../lib/london-time.ts";

/** The periods, as the Act and the regulations set them. */
export const ACV_PERIODS = {
  /** The council decides a nomination within 8 weeks beginning with the day it received it (reg. 7). */
  decisionWeeks: 8,
  /** A listing lasts 5 years beginning with the day the land was entered in the list (reg. 2). */
  listingYears: 5,
  /** The owner may ask for a review within 8 weeks beginning with the day notice of listing is given (sch. 2). */
  reviewRequestWeeks: 8,
  /** The council completes the review within 8 weeks beginning with the day the owner asked (sch. 2). */
  reviewDecisionWeeks: 8,
  /** The owner appeals the review's decision to the First-tier Tribunal within 28 days of the day it was sent. */
  appealDays: 28,
  /** The interim moratorium: 6 weeks beginning with the day the council receives the owner's notice (s.95(6)). */
  interimWeeks: 6,
  /** The full moratorium: 6 months beginning with the same day, if a community group asks to bid in time (s.95(6)). */
  fullMonths: 6,
  /** The protected period: 18 months beginning with the same day (s.95(6)). */
  protectedMonths: 18,
} as const;

/** The last day of a period of `weeks` weeks beginning with `first`. */
export function weeksBeginningWith(first: string, weeks: number): string {
  return addDays(first, weeks * 7 - 1);
}

/** The last day of a period of `months` months beginning with `first`. */
export function monthsBeginningWith(first: string, months: number): string {
  return addDays(addMonths(first, months), -1);
}

/** The last day for the council's decision on a nomination received on `receivedOn`. */
export function decisionDue(receivedOn: string): string {
  return weeksBeginningWith(receivedOn, ACV_PERIODS.decisionWeeks);
}

/** The last day an asset entered in the list on `listedOn` stays listed (unless removed before). */
export function listingEnds(listedOn: string): string {
  return monthsBeginningWith(listedOn, ACV_PERIODS.listingYears * 12);
}

/** The last day the owner may ask for a review of a listing whose notice was given on `noticeGivenOn`. */
export function reviewRequestBy(noticeGivenOn: string): string {
  return weeksBeginningWith(noticeGivenOn, ACV_PERIODS.reviewRequestWeeks);
}

/** The last day for the council's review decision, asked for on `requestedOn`. */
export function reviewDecisionDue(requestedOn: string): string {
  return weeksBeginningWith(requestedOn, ACV_PERIODS.reviewDecisionWeeks);
}

/** The last day to appeal a review decision sent on `sentOn` (28 days after it). */
export function appealBy(sentOn: string): string {
  return addDays(sentOn, ACV_PERIODS.appealDays);
}

/** The moratorium's dates from the day the council received the owner's notice of an intended sale. */
export interface DisposalDates {
  /** The day the council received the owner's notice: the first day of every period below. */
  noticeOn: string;
  /** The interim moratorium's last day; a community group's request to bid counts only up to it. */
  interimEnds: string;
  /** The full moratorium's last day (it applies only if a community group asked to bid in time). */
  fullEnds: string;
  /** The protected period's last day: until then, no new moratorium starts. */
  protectedEnds: string;
}

export function disposalDates(noticeOn: string): DisposalDates {
  return {
    noticeOn,
    interimEnds: weeksBeginningWith(noticeOn, ACV_PERIODS.interimWeeks),
    fullEnds: monthsBeginningWith(noticeOn, ACV_PERIODS.fullMonths),
    protectedEnds: monthsBeginningWith(noticeOn, ACV_PERIODS.protectedMonths),
  };
}

/** How many days before the interim moratorium's last day the nominating group is reminded (the daily sweep). */
export const INTERIM_REMINDER_DAYS = 7;

/**
 * Whether a notice received on `noticeOn`, with no request to bid, is due its reminder on `today`:
 * from 7 days before the interim moratorium's last day to that day itself (once: the sweep keeps the day).
 */
export function interimReminderDue(noticeOn: string, today: string): boolean {
  const { interimEnds } = disposalDates(noticeOn);
  return today >= addDays(interimEnds, -INTERIM_REMINDER_DAYS) && today <= interimEnds;
}

/** The days on which notices are received that are due their reminder on `today` (the sweep's search). */
export function noticesDueReminderOn(today: string): { from: string; to: string } {
  const interimDays = ACV_PERIODS.interimWeeks * 7;
  return {
    from: addDays(today, 1 - interimDays),
    to: addDays(today, 1 - interimDays + INTERIM_REMINDER_DAYS),
  };
}

/** Whether a community group's request to be treated as a bidder, made on `requestedOn`, starts the full moratorium. */
export function bidRequestInTime(dates: DisposalDates, requestedOn: string): boolean {
  return requestedOn >= dates.noticeOn && requestedOn <= dates.interimEnds;
}

/**
 * Where a notified sale stands on `today`:
 * - `interim`: the interim moratorium — the owner may sell only to a community interest group;
 * - `full`: the full moratorium, because a group asked to bid in time — the same, for 6 months;
 * - `protected`: the moratoria are over and the owner may sell to anyone; no new moratorium starts
 *   until the protected period ends;
 * - `ended`: the protected period is over: a sale from now on needs a new notice, and a new moratorium;
 * - `not-started`: before the notice.
 */
export type DisposalStanding = "not-started" | "interim" | "full" | "protected" | "ended";

export function disposalStanding(
  dates: DisposalDates,
  bidRequestedOn: string | null,
  today: string,
): DisposalStanding {
  if (today < dates.noticeOn) return "not-started";
  if (today <= dates.interimEnds) return "interim";
  const full = bidRequestedOn !== null && bidRequestInTime(dates, bidRequestedOn);
  if (full && today <= dates.fullEnds) return "full";
  if (today <= dates.protectedEnds) return "protected";
  return "ended";
}

/** Whether the owner may complete a sale (other than an exempt disposal) to anyone on `today`. */
export function mayCompleteSale(standing: DisposalStanding): boolean {
  return standing === "protected";
}
