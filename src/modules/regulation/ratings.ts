/**
 * Ratings (DOMAIN.md §3): the four-point scale and the aggregation of the five key-question ratings
 * into the overall rating (adult social care), applied in order — the first rule that matches wins —
 * then the breach cap. Pure functions: no I/O.
 */
import { KEY_QUESTIONS, type KeyQuestion, RATINGS, type Rating } from "./regulation.table.ts";

export type KeyQuestionRatings = Readonly<Record<KeyQuestion, Rating>>;

/** Which rule gave the overall rating, for showing the working. */
export type AggregationRule =
  | "two-or-more-inadequate"
  | "one-inadequate-or-two-or-more-requires-improvement"
  | "two-or-more-outstanding-rest-good"
  | "otherwise-good";

export interface Aggregation {
  /** The overall rating after the breach cap. */
  overall: Rating;
  /** The rule that matched first. */
  rule: AggregationRule;
  /** What the rule gave, before the cap. */
  beforeCap: Rating;
  /** The breach cap lowered the rating. */
  capped: boolean;
}

/** The rating at most as good as Requires improvement when regulations were breached. */
export const BREACH_CAP: Rating = "requires-improvement";

export function isRating(value: unknown): value is Rating {
  return typeof value === "string" && (RATINGS as readonly string[]).includes(value);
}

/** 0 for Outstanding … 3 for Inadequate: a larger rank is a worse rating. */
export function ratingRank(rating: Rating): number {
  return RATINGS.indexOf(rating);
}

/** The worse of two ratings. */
export function worseOf(a: Rating, b: Rating): Rating {
  return ratingRank(a) >= ratingRank(b) ? a : b;
}

/** The overall rating from the five key-question ratings and whether a breach was recorded. */
export function aggregateRatings(ratings: KeyQuestionRatings, breach: boolean): Aggregation {
  const values = KEY_QUESTIONS.map((q) => ratings[q]);
  const count = (r: Rating) => values.filter((v) => v === r).length;
  const inadequate = count("inadequate");
  const requiresImprovement = count("requires-improvement");
  const outstanding = count("outstanding");
  let rule: AggregationRule;
  let beforeCap: Rating;
  if (inadequate >= 2) {
    rule = "two-or-more-inadequate";
    beforeCap = "inadequate";
  } else if (inadequate === 1 || requiresImprovement >= 2) {
    rule = "one-inadequate-or-two-or-more-requires-improvement";
    beforeCap = "requires-improvement";
  } else if (outstanding >= 2 && values.every((v) => v === "outstanding" || v === "good")) {
    rule = "two-or-more-outstanding-rest-good";
    beforeCap = "outstanding";
  } else {
    rule = "otherwise-good";
    beforeCap = "good";
  }
  const overall = breach ? worseOf(beforeCap, BREACH_CAP) : beforeCap;
  return { overall, rule, beforeCap, capped: overall !== beforeCap };
}

/** Whether any key question, or the overall rating, is Inadequate. */
export function anyInadequate(ratings: KeyQuestionRatings, overall: Rating): boolean {
  return overall === "inadequate" || KEY_QUESTIONS.some((q) => ratings[q] === "inadequate");
}
