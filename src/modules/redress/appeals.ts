/**
 * The independent adjudicator's published grounds and period (issue 20, item 6), as data and pure
 * functions. OpenPS's rule: no statute sets them (docs/redress.md, "Appeals to the adjudicator").
 */
import { addWorkingDays, type Nation } from "../../lib/working-days.ts";

/**
 * What the adjudicator may find, in order: an appeal names the grounds it relies on, a decision the
 * grounds it finds. Labels and explanations in English and Welsh: `redress.appeals.grounds.<code>`.
 */
export const ADJUDICATOR_GROUNDS = [
  "policy-not-followed",
  "no-reasons",
  "unequal-treatment",
  "not-answered-in-time",
] as const;
export type AdjudicatorGround = (typeof ADJUDICATOR_GROUNDS)[number];

export function isGround(value: unknown): value is AdjudicatorGround {
  return (ADJUDICATOR_GROUNDS as readonly unknown[]).includes(value);
}

/** The published period: the decision within this many working days of the appeal's acceptance. */
export const APPEAL_DECISION_WORKING_DAYS = 40;

/** The last day for the decision: n working days after the day accepted (not counted), on the adjudicator's nation calendar. */
export function appealDecisionDueOn(acceptedOn: string, nation: Nation): string {
  return addWorkingDays(acceptedOn, APPEAL_DECISION_WORKING_DAYS, nation);
}

/**
 * Where an appeal's decision stands on a day: not yet accepted (the period has not started), due,
 * overdue (undecided after its last day), decided on time (on or before it) or late.
 */
export type AppealTimeliness = "not-accepted" | "due" | "overdue" | "decided-on-time" | "decided-late";

export function appealTimeliness(
  k: { acceptedOn: string | null; decidedOn: string | null },
  nation: Nation,
  today: string,
): { state: AppealTimeliness; dueOn: string | null } {
  if (!k.acceptedOn) return { state: "not-accepted", dueOn: null };
  const dueOn = appealDecisionDueOn(k.acceptedOn, nation);
  if (k.decidedOn) return { state: k.decidedOn <= dueOn ? "decided-on-time" : "decided-late", dueOn };
  return { state: today > dueOn ? "overdue" : "due", dueOn };
}

/** Whether a complaint is an appeal to the adjudicator (a refused spin-out, an unanswered barrier). */
export function isAppeal(c: { commissioning_kind: string | null } | null | undefined): boolean {
  return c?.commissioning_kind === "spin-out" || c?.commissioning_kind === "barrier";
}

/** What a case's pages show of an appeal: its subject, the grounds relied on and found, the period. */
export function appealInfo(
  file: { commissioning_kind: string | null; commissioning_title: string; appeal_grounds: string[] } | null,
  k: { assessed_on: string | null; status: string; decided_on: string | null; grounds_found: string[] },
  nation: Nation,
  today: string,
) {
  if (!file || !isAppeal(file)) return null;
  // Accepted: assessed and not declined (a declined appeal has no decision to wait for).
  const accepted = k.assessed_on !== null && k.status !== "declined" ? k.assessed_on : null;
  return {
    kind: file.commissioning_kind as "spin-out" | "barrier",
    title: file.commissioning_title,
    groundsClaimed: file.appeal_grounds,
    groundsFound: k.grounds_found,
    periodDays: APPEAL_DECISION_WORKING_DAYS,
    ...appealTimeliness({ acceptedOn: accepted, decidedOn: k.decided_on }, nation, today),
  };
}
