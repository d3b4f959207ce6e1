/**
 * The review clocks (issue 17, item 2) as data: per regime, when a plan and a direct payment must be
 * reviewed, each clock with its source and its reason in English and Welsh (DOMAIN.md asks for
 * clocks as data per regime). `nextReview` is a pure function of a plan's facts: the earliest date
 * any clock gives, and which clock gives it. The care service keeps the answer on the plan
 * (`next_review_on`) in the transaction of every change that moves it; care staff's work lists the
 * plans whose review is due within `REVIEW_DUE_SOON_DAYS` or overdue.
 */
import { addDays, addMonths } from "../../lib/london-time.ts";
import type { Regime } from "./care.table.ts";

/** Text in both languages. */
export interface Bilingual {
  en: string;
  cy: string;
}

export const CLOCK_CODES = [
  "adult-social-care.plan",
  "adult-social-care.direct-payment",
  "sen.plan",
  "sen.direct-payment",
  "concern",
] as const;
export type ClockCode = (typeof CLOCK_CODES)[number];

export interface ReviewClock {
  code: ClockCode;
  /** The regime it applies to; null for every regime. */
  regime: Regime | null;
  /** What it times: the plan, its direct payment, or a concern raised. */
  times: "plan" | "direct-payment" | "concern";
  /** The first review, after the start (of the plan, of the direct payment, or the concern's day). */
  first: { months?: number; days?: number };
  /** Then at least this often after each review; null when one review answers it (a concern). */
  thenMonths: number | null;
  source: Bilingual;
  reason: Bilingual;
}

/** A concern makes a review due within this many days: OpenPS's choice (the law says "whenever"). */
export const CONCERN_REVIEW_DAYS = 28;

/** A review shows in care staff's work this many days before it is due, and stays until it is done. */
export const REVIEW_DUE_SOON_DAYS = 28;

export const REVIEW_CLOCKS: readonly ReviewClock[] = [
  {
    code: "adult-social-care.plan",
    regime: "adult-social-care",
    times: "plan",
    first: { months: 12 },
    thenMonths: 12,
    source: {
      en: "Care Act 2014, section 27; Care and Support Statutory Guidance, paragraph 13.32",
      cy: "Deddf Gofal 2014, adran 27; Canllawiau Statudol Gofal a Chymorth, paragraff 13.32",
    },
    reason: {
      en: "A care and support plan is kept under review, and reviewed no later than every 12 months.",
      cy: "Caiff cynllun gofal a chymorth ei adolygu’n barhaus, a’i adolygu o leiaf bob 12 mis.",
    },
  },
  {
    code: "adult-social-care.direct-payment",
    regime: "adult-social-care",
    times: "direct-payment",
    first: { months: 6 },
    thenMonths: 12,
    source: {
      en: "The Care and Support (Direct Payments) Regulations 2014, regulation 7(1)(a)",
      cy: "Rheoliadau Gofal a Chymorth (Taliadau Uniongyrchol) 2014, rheoliad 7(1)(a)",
    },
    reason: {
      en: "A direct payment is reviewed within 6 months of its start, then at least every 12 months.",
      cy: "Caiff taliad uniongyrchol ei adolygu o fewn 6 mis i’w ddechrau, yna o leiaf bob 12 mis.",
    },
  },
  {
    code: "sen.plan",
    regime: "sen",
    times: "plan",
    first: { months: 12 },
    thenMonths: 12,
    source: {
      en: "Children and Families Act 2014, section 44",
      cy: "Deddf Plant a Theuluoedd 2014, adran 44",
    },
    reason: {
      en: "An education, health and care plan is reviewed at least every 12 months.",
      cy: "Caiff cynllun addysg, iechyd a gofal ei adolygu o leiaf bob 12 mis.",
    },
  },
  {
    code: "sen.direct-payment",
    regime: "sen",
    times: "direct-payment",
    first: { months: 3 },
    thenMonths: 12,
    source: {
      en: "The Special Educational Needs (Personal Budgets) Regulations 2014, regulation 11",
      cy: "Rheoliadau Anghenion Addysgol Arbennig (Cyllidebau Personol) 2014, rheoliad 11",
    },
    reason: {
      en: "A direct payment for special educational provision is reviewed within 3 months of its start, then at least every year.",
      cy: "Caiff taliad uniongyrchol ar gyfer darpariaeth addysgol arbennig ei adolygu o fewn 3 mis i’w ddechrau, yna o leiaf bob blwyddyn.",
    },
  },
  {
    code: "concern",
    regime: null,
    times: "concern",
    first: { days: CONCERN_REVIEW_DAYS },
    thenMonths: null,
    source: {
      en: "Care Act 2014, section 27(4); The Care and Support (Direct Payments) Regulations 2014, regulation 7(1)(b)–(d) (a review whenever a concern is notified); the 28 days are OpenPS's choice",
      cy: "Deddf Gofal 2014, adran 27(4); Rheoliadau Gofal a Chymorth (Taliadau Uniongyrchol) 2014, rheoliad 7(1)(b)–(d) (adolygiad pryd bynnag yr hysbysir pryder); dewis OpenPS yw’r 28 diwrnod",
    },
    reason: {
      en: "A concern raised about a plan or its direct payment makes a review due within 28 days: soon enough to act, long enough to meet the person.",
      cy: "Mae pryder a godir am gynllun neu ei daliad uniongyrchol yn golygu bod adolygiad yn ddyledus o fewn 28 diwrnod: yn ddigon buan i weithredu, yn ddigon hir i gwrdd â’r person.",
    },
  },
];

export function clockOf(code: ClockCode): ReviewClock {
  const clock = REVIEW_CLOCKS.find((c) => c.code === code);
  if (!clock) throw new RangeError(`No review clock ${code}`);
  return clock;
}

function after(from: string, span: { months?: number; days?: number }): string {
  return addDays(addMonths(from, span.months ?? 0), span.days ?? 0);
}

/** What decides a plan's next review. Dates are London days, YYYY-MM-DD. */
export interface ReviewFacts {
  regime: Regime;
  startedOn: string;
  /** The start of the plan's current direct payment (the first of the run of versions with one); null without one. */
  directPaymentFrom: string | null;
  /** The latest review done, if any. */
  lastReviewOn: string | null;
  /** The earliest concern raised after the latest review (and not answered by one), if any. */
  openConcernOn: string | null;
}

export interface NextReview {
  on: string;
  clock: ClockCode;
}

/**
 * The earliest review any clock gives: the plan's (12 months after its start or its last review);
 * the direct payment's (its first review after its start, unless a review has been done since, then
 * 12 months after the last); a concern's (28 days after it is raised). On a tie the concern's comes
 * first, then the direct payment's.
 */
export function nextReview(facts: ReviewFacts): NextReview {
  const candidates: NextReview[] = [];
  if (facts.openConcernOn)
    candidates.push({ on: after(facts.openConcernOn, clockOf("concern").first), clock: "concern" });
  if (facts.directPaymentFrom) {
    const code: ClockCode = `${facts.regime}.direct-payment`;
    const clock = clockOf(code);
    const reviewedSince = facts.lastReviewOn !== null && facts.lastReviewOn >= facts.directPaymentFrom;
    candidates.push({
      on: reviewedSince
        ? addMonths(facts.lastReviewOn as string, clock.thenMonths ?? 12)
        : after(facts.directPaymentFrom, clock.first),
      clock: code,
    });
  }
  const planCode: ClockCode = `${facts.regime}.plan`;
  const planClock = clockOf(planCode);
  candidates.push({
    on: facts.lastReviewOn
      ? addMonths(facts.lastReviewOn, planClock.thenMonths ?? 12)
      : after(facts.startedOn, planClock.first),
    clock: planCode,
  });
  return candidates.reduce((best, c) => (c.on < best.on ? c : best));
}

export type ReviewState = "later" | "due" | "overdue";

/** Whether a review on `dueOn` is yet to come, due (within `REVIEW_DUE_SOON_DAYS`, or today), or overdue. */
export function reviewState(dueOn: string, today: string): ReviewState {
  if (today > dueOn) return "overdue";
  if (today >= addDays(dueOn, -REVIEW_DUE_SOON_DAYS)) return "due";
  return "later";
}
