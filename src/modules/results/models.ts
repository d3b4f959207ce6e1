/**
 * Payment models as data (issue 19, item 1; DOMAIN.md §5): every number carries the rule it comes
 * from (`rule`: the contract clause, the programme's published tariff…), shown beside it wherever the
 * number is shown and named in each claim's working. A contract's model is versioned
 * (`outcome_models`); a claim names the version it was priced by.
 *
 * Three shapes:
 * - `tariff` (Work Programme): per payment group, an attachment fee, a job-outcome fee after 13 or 26
 *   weeks in work, then a sustainment payment for each further 4 weeks up to a number of payments;
 * - `outcome-prices` (social impact bonds, INDIGO): outcome metrics with a price each, caps per
 *   person and per contract, proxy metrics paid on account of a final one, and a cohort threshold
 *   against a comparison group (Peterborough);
 * - `fee-for-service`: a fee per unit delivered paid on account, reconciled yearly to volume bands
 *   (a top-up or a claw-back).
 */

/** A number with the rule it comes from. */
export interface Ruled {
  rule: string;
}
export interface Price extends Ruled {
  pence: number;
}
export interface Days extends Ruled {
  days: number;
}

/** A payment group of a tariff (e.g. "JSA 18–24"). */
export interface TariffGroup {
  code: string;
  name: string;
  attachment: Price;
  /** Paid once the participant has been in work this many weeks (13 or 26, by group). */
  jobOutcome: Price & { weeks: number };
  /** Paid for each further `everyWeeks` weeks in work after the job outcome, up to `maxPayments`. */
  sustainment: Price & { everyWeeks: number; maxPayments: number };
}

/** Minimum performance level: the share of referrals that must reach the outcome within a time. */
export interface MinimumPerformance extends Ruled {
  /** The rule whose claims count ('job-outcome', or an outcome metric's code). */
  outcome: string;
  /** Of the participants referred in a month, the share with that outcome within `withinMonths`. */
  rateBp: number;
  withinMonths: number;
}

/** How the commissioner may move referrals between the contracts of a programme. */
export interface MarketShareRule extends Ruled {
  /** The most one decision may move, in basis points of the programme's referrals. */
  maxShiftBp: number;
  /** Only away from a contract below its minimum performance level. */
  onlyFromBelowMinimum: boolean;
}

export interface TariffDefinition {
  kind: "tariff";
  groups: TariffGroup[];
  /** Attachment must be evidenced within this many days of referral. */
  attachmentWithin: Days;
  /** Outcomes count only within this many days of referral (the eligibility window). */
  outcomeWithin: Days;
  minimumPerformance?: MinimumPerformance;
  marketShare?: MarketShareRule;
}

/** An outcome a social impact bond pays for. */
export interface OutcomeMetric {
  code: string;
  name: string;
  /** What counts, in words (published with the price). */
  definition: string;
  /** The event that evidences it: an 'outcome' or 'qualification' event with this metric code. */
  event: "outcome" | "qualification";
  price: Price;
  /** The most times one person may be paid for it. */
  maxPerPerson: number;
  /**
   * A proxy: an interim measure paying `onAccountBp` of the final metric's price on account; when the
   * final outcome is evidenced the rest is paid; when `finalWithin` days pass after the interim
   * without it, the amount on account is recovered.
   */
  proxyFor?: { metric: string; onAccountBp: number; finalWithin: Days } & Ruled;
}

/** Peterborough: pay per reconviction event avoided only if events fall enough against the comparison. */
export interface CohortThreshold extends Ruled {
  /** The metric counted (reconviction events, from 'reconviction' events' values). */
  metric: string;
  /** A single cohort is paid on its own when its fall is at least this (Peterborough: 10%). */
  singleCohortBp: number;
  /** Otherwise, all cohorts pooled at the end when the fall is at least this (Peterborough: 7.5%). */
  pooledBp: number;
  pricePerEventAvoided: Price;
}

export interface OutcomePricesDefinition {
  kind: "outcome-prices";
  metrics: OutcomeMetric[];
  capPerPerson: Price;
  capPerContract: Price;
  cohortThreshold?: CohortThreshold;
  outcomeWithin: Days;
  minimumPerformance?: MinimumPerformance;
  marketShare?: MarketShareRule;
}

/** A volume band: the price per unit for the year when the year's units fall in it. */
export interface VolumeBand {
  fromUnits: number;
  /** Inclusive; null for the last band. */
  toUnits: number | null;
  perUnit: Price;
}

export interface FeeForServiceDefinition {
  kind: "fee-for-service";
  onAccountPerUnit: Price;
  bands: VolumeBand[];
  /** The contract year's first day, as "MM-DD" (e.g. "04-01"). */
  yearStarts: string;
  minimumPerformance?: MinimumPerformance;
  marketShare?: MarketShareRule;
}

export type ModelDefinition = TariffDefinition | OutcomePricesDefinition | FeeForServiceDefinition;

/** A problem with a model's definition: where (a JSON path, like "groups[0].attachment.pence") and what to fix. */
export interface ModelProblem {
  path: string;
  message: string;
}

/**
 * Checks a model's definition against its kind: `ok` with the definition, or the problems named per
 * field. MINIMAL until the engine lands (engineer A replaces it with the full check of every number
 * and its rule): the definition must be an object of the kind given.
 */
export function checkModel(
  kind: ModelDefinition["kind"],
  definition: unknown,
): { ok: true; definition: ModelDefinition } | { ok: false; problems: ModelProblem[] } {
  if (typeof definition !== "object" || definition === null || Array.isArray(definition))
    return { ok: false, problems: [{ path: "", message: "The definition must be a JSON object." }] };
  if ((definition as { kind?: unknown }).kind !== kind)
    return { ok: false, problems: [{ path: "kind", message: `The definition's kind must be "${kind}".` }] };
  return { ok: true, definition: definition as ModelDefinition };
}
