/**
 * The complaint clocks (issue 18, item 2): pure functions of a regime's rules (regimes.ts) and the
 * body's nation calendar (src/lib/working-days.ts). Dates are London days, "YYYY-MM-DD".
 *
 * - A step "within n working days of" a day is due on the nth working day after it (the day itself
 *   not counted): received on a Friday, acknowledged within 3 working days → the Wednesday, or later
 *   when a bank or public holiday of the body's nation falls between.
 * - A step "within a period of n months commencing on" a day is due on the day before the same date
 *   n months on (received 10 January → 9 July); when that month has no such date, its last day
 *   (received 31 August → 28 or 29 February).
 * - An extension moves a deadline: by up to so many working days in all, or, where the regime says
 *   so, to any day agreed with the complainant before the period ends.
 * - A complaint is in time when made on or before the same date `months` later than the event (or
 *   the day the complainant knew of it, if later and the regime counts from knowing).
 */
import { addDays, addMonths } from "../../lib/london-time.ts";
import { addWorkingDays, type Nation, workingDaysBetween } from "../../lib/working-days.ts";
import {
  lastStage,
  type OmbudsmanCode,
  type RegimeCode,
  type RegimeRule,
  regimeOf,
  type SecondTierCode,
  type Span,
  type StepRule,
  secondTierRuleOf,
  type TimeLimitRule,
} from "./regimes.ts";

function monthsPeriodEnds(from: string, months: number): string {
  const same = addMonths(from, months);
  // No such date in that month (31 August + 6): the period runs to the month's last day.
  return Number(same.slice(8)) < Number(from.slice(8)) ? same : addDays(same, -1);
}

/** The last day of a span counted from a day (that day not counted for working days). */
export function spanEnds(span: Span, from: string, nation: Nation): string {
  return "workingDays" in span
    ? addWorkingDays(from, span.workingDays, nation)
    : monthsPeriodEnds(from, span.months);
}

/** The day a step is due, before any extension. `from` is the day its rule counts from. */
export function stepDueOn(rule: StepRule, from: string, nation: Nation): string {
  return spanEnds(rule.within, from, nation);
}

/**
 * The furthest the step's deadline may move from `dueOn` (its first deadline), or null when any
 * agreed day will do (or it cannot move: see `rule.extension`).
 */
export function latestExtensionOn(rule: StepRule, dueOn: string, nation: Nation): string | null {
  if (!rule.extension || !("upToWorkingDays" in rule.extension)) return null;
  return addWorkingDays(dueOn, rule.extension.upToWorkingDays, nation);
}

export type ExtensionRefusal =
  /** The rule does not let this step's deadline move. */
  | { code: "not-extendable" }
  /** The new day is not after the current deadline. */
  | { code: "not-later" }
  /** Beyond the furthest day the rule allows (its working days in all, counted from the first deadline). */
  | { code: "too-long"; latestOn: string; upToWorkingDays: number }
  /** A period "as may be agreed" is agreed before it ends; this one has ended. */
  | { code: "period-ended"; endedOn: string }
  /** The deadline has passed: a step already late is not made on time by moving it. */
  | { code: "deadline-passed"; dueOn: string };

/**
 * Whether a step's deadline may move to `toOn`: null when it may, else why not. `firstDueOn` is the
 * deadline before any extension; `currentDueOn` the deadline now (after earlier extensions); `today`
 * the day it is asked. An extension is asked for before the deadline passes (on its last day at
 * the latest): once a step is late, moving its deadline would hide that it was.
 */
export function extensionRefusal(
  rule: StepRule,
  dates: { firstDueOn: string; currentDueOn: string; toOn: string; today: string },
  nation: Nation,
): ExtensionRefusal | null {
  const extension = rule.extension;
  if (!extension) return { code: "not-extendable" };
  if (dates.toOn <= dates.currentDueOn) return { code: "not-later" };
  if ("byAgreement" in extension) {
    return dates.today > dates.currentDueOn ? { code: "period-ended", endedOn: dates.currentDueOn } : null;
  }
  if (dates.today > dates.currentDueOn) return { code: "deadline-passed", dueOn: dates.currentDueOn };
  const latestOn = addWorkingDays(dates.firstDueOn, extension.upToWorkingDays, nation);
  if (
    workingDaysBetween(dates.firstDueOn, dates.toOn, nation) > extension.upToWorkingDays ||
    dates.toOn > latestOn
  ) {
    return { code: "too-long", latestOn, upToWorkingDays: extension.upToWorkingDays };
  }
  return null;
}

/** Where a step stands on a day. */
export type StepState =
  | "waiting"
  | "due-today"
  | "overdue"
  /** Past a period after which the body owes a written explanation, not a breach (NHS and adult social care). */
  | "explanation-owed"
  | "done-on-time"
  | "done-late";

export function stepState(
  rule: Pick<StepRule, "explanationOwed">,
  dates: { dueOn: string; doneOn: string | null; today: string },
): StepState {
  if (dates.doneOn) return dates.doneOn <= dates.dueOn ? "done-on-time" : "done-late";
  if (dates.today < dates.dueOn) return "waiting";
  if (dates.today === dates.dueOn) return "due-today";
  return rule.explanationOwed ? "explanation-owed" : "overdue";
}

/** How many working days a step is late (0 when on time or not yet due). */
export function workingDaysLate(dueOn: string, doneOrToday: string, nation: Nation): number {
  return doneOrToday > dueOn ? workingDaysBetween(dueOn, doneOrToday, nation) : 0;
}

/** The last day a complaint may be made without the time limit being waived. */
export function timeLimitEnds(
  rule: TimeLimitRule,
  facts: { happenedOn: string; knewOn: string | null },
): string {
  const from =
    rule.fromKnowing && facts.knewOn && facts.knewOn > facts.happenedOn ? facts.knewOn : facts.happenedOn;
  return addMonths(from, rule.months);
}

export function isInTime(
  rule: TimeLimitRule,
  facts: { happenedOn: string; knewOn: string | null; receivedOn: string },
): boolean {
  return facts.receivedOn <= timeLimitEnds(rule, facts);
}

/**
 * The kind of body complained about, as far as routing to an ombudsman goes. Fire and rescue and
 * combined authorities are within the LGSCO's jurisdiction as councils are (Local Government Act
 * 1974, s.25); complaints about the police go to the Independent Office for Police Conduct, a parish
 * council is outside the three ombudsmen's remits, and a devolved body answers to its own nation's
 * public services ombudsman — none of which OpenPS routes to yet ("no-ombudsman").
 */
export const BODY_KINDS = [
  "council",
  "nhs-body",
  "care-provider",
  "social-landlord",
  "government-department",
  "other-provider",
  "fire",
  "combined-authority",
  "police",
  "parish",
  "devolved",
] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

export type OmbudsmanRoute =
  | { code: "route"; ombudsman: OmbudsmanCode }
  /** A government department's complaint reaches the PHSO only through a Member of Parliament. */
  | { code: "mp-referral-needed"; ombudsman: OmbudsmanCode }
  /** No ombudsman takes this kind of body under this regime. */
  | { code: "no-ombudsman" }
  /**
   * A complaint about commissioning: the independent adjudicator of its service area (a service
   * category code), whichever authority the platform administrators name for it
   * (`secondTierBodyFor("adjudicator", serviceArea)`).
   */
  | { code: "adjudicator"; serviceArea: string };

/**
 * Which ombudsman a complaint goes to after the body's last stage: the PHSO for the NHS directly
 * (and for government departments, only through an MP), the Housing Ombudsman for social housing,
 * the LGSCO for councils and for all adult social care, self-funded included (a provider of adult
 * social care is an LGSCO matter even when the person pays it themselves); a provider's complaint
 * about commissioning to the independent adjudicator of its service area.
 */
export function ombudsmanRoute(
  regimeCode: RegimeCode,
  body: BodyKind,
  facts: { mpReferral: boolean; serviceArea?: string },
): OmbudsmanRoute {
  const regime = regimeOf(regimeCode);
  // Commissioning: the adjudicator, whatever the authority (a department's too: no MP filter there).
  if (!regime.ombudsman) return { code: "adjudicator", serviceArea: facts.serviceArea ?? "" };
  if (body === "government-department") {
    return facts.mpReferral
      ? { code: "route", ombudsman: "phso" }
      : { code: "mp-referral-needed", ombudsman: "phso" };
  }
  if (body === "police" || body === "parish" || body === "devolved") return { code: "no-ombudsman" };
  if (body === "nhs-body") {
    return regime.ombudsman.nhsBody
      ? { code: "route", ombudsman: regime.ombudsman.nhsBody }
      : { code: "no-ombudsman" };
  }
  if (regimeCode === "housing" && body !== "social-landlord" && body !== "council")
    return { code: "no-ombudsman" };
  // A council's contractor, a care provider (self-funded care included): the regime's ombudsman.
  return { code: "route", ombudsman: regime.ombudsman.otherBody };
}

export type EscalationReadiness =
  /** The body's last stage has answered: the ombudsman may look at it. */
  | { code: "ready" }
  /** The body's deadline for its stage has passed unanswered: the body has had its chance. */
  | { code: "body-late"; dueOn: string }
  /** The body is still within its time at a stage: escalate with a recorded reason, or wait. */
  | { code: "body-has-time"; stage: number; dueOn: string }
  /** Answered, but a further stage of the body's own procedure comes first. */
  | { code: "next-stage-first"; nextStage: number }
  /**
   * Answered at an earlier stage, and the time to ask for the next one (children's social care: 20
   * working days) ended on `dueOn` unasked: the body's procedure is over, so the ombudsman may look at it.
   */
  | { code: "next-stage-time-passed"; dueOn: string };

/**
 * Whether a complaint may go to the ombudsman now — "after the body has had its chance" — given
 * the stage it is at, whether that stage has answered, its current deadline, and (an answered
 * earlier stage) the last day to ask for the next one: once that has passed unasked, the next stage
 * can no longer be had, and the ombudsman may look at it.
 */
export function escalationReadiness(
  regime: RegimeRule,
  at: { stage: number; answered: boolean; dueOn: string; nextStageBy?: string | null },
  today: string,
): EscalationReadiness {
  if (at.answered) {
    if (at.stage >= lastStage(regime)) return { code: "ready" };
    return at.nextStageBy && today > at.nextStageBy
      ? { code: "next-stage-time-passed", dueOn: at.nextStageBy }
      : { code: "next-stage-first", nextStage: at.stage + 1 };
  }
  return today > at.dueOn
    ? { code: "body-late", dueOn: at.dueOn }
    : { code: "body-has-time", stage: at.stage, dueOn: at.dueOn };
}

/**
 * The last day to bring a complaint to the ombudsman without a reason for lateness: counted from
 * the day the complainant knew of the matter, or (the Housing Ombudsman) from the landlord's final
 * response — null while there is none.
 */
export function ombudsmanTimeLimitEnds(
  code: SecondTierCode,
  facts: { knewOn: string; finalResponseOn: string | null },
): string | null {
  const rule = secondTierRuleOf(code);
  const from = rule.timeLimitFrom === "final-response" ? facts.finalResponseOn : facts.knewOn;
  return from ? addMonths(from, rule.timeLimitMonths) : null;
}
