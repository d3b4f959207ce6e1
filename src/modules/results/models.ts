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

import { msg } from "../../lib/messages.ts";
import { type Pence, pence as toPence } from "../../lib/money.ts";
import type { ModelKind } from "./results.table.ts";

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

/* ---------------------------------------------------------------------------------------------
 * Checking a definition (issue 19, item 1): what the API and the model page take is checked here,
 * field by field, and every problem is named by its path ("groups[1].jobOutcome.pence") with what
 * to do about it. A definition that passes is safe for the engine (claims.service.ts): every price
 * a whole number of pence, every window a whole number of days, every number with its rule.
 * ------------------------------------------------------------------------------------------- */

export interface ModelProblem {
  /** Where in the definition, e.g. `groups[0].sustainment.maxPayments`. */
  path: string;
  message: string;
}

export type ModelCheck = { ok: true; definition: ModelDefinition } | { ok: false; problems: ModelProblem[] };

const CODE = /^[a-z0-9][a-z0-9-]{0,59}$/;
const YEAR_START = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** The largest price a model may hold: £10,000,000.00 (whole programmes are paid per outcome). */
const MAX_PRICE_PENCE = 1_000_000_000;
/** Units and counts: a bound well above any contract's, so that sums stay exact. */
const MAX_UNITS = 100_000_000;

type Json = Record<string, unknown>;

class Checker {
  readonly problems: ModelProblem[] = [];
  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }
  object(value: unknown, path: string): Json | undefined {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Json;
    this.add(path, msg`Give an object here`);
    return undefined;
  }
  list(value: unknown, path: string, atLeastOne: boolean): unknown[] {
    if (!Array.isArray(value)) {
      this.add(path, msg`Give a list here`);
      return [];
    }
    if (atLeastOne && value.length === 0) this.add(path, msg`Give at least one`);
    return value;
  }
  text(value: unknown, path: string, max: number): void {
    if (typeof value !== "string" || value.trim() === "" || value.length > max) {
      this.add(path, msg`Enter text of 1 to ${max} characters`);
    }
  }
  code(value: unknown, path: string): void {
    if (typeof value !== "string" || !CODE.test(value)) {
      this.add(path, msg`Use a code of lower-case letters, digits and hyphens, like jsa-25-plus`);
    }
  }
  whole(value: unknown, path: string, min: number, max: number): void {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.add(path, msg`Enter a whole number from ${min} to ${max}`);
    }
  }
  flag(value: unknown, path: string): void {
    if (typeof value !== "boolean") this.add(path, msg`Give true or false`);
  }
  rule(node: Json, path: string): void {
    const rule = node.rule;
    if (typeof rule !== "string" || rule.trim() === "" || rule.length > 500) {
      this.add(
        `${path}.rule`,
        msg`Name the rule this number comes from (the contract's clause or the published tariff), in up to 500 characters`,
      );
    }
  }
  price(value: unknown, path: string): void {
    const node = this.object(value, path);
    if (!node) return;
    const p = node.pence;
    if (typeof p !== "number" || !Number.isInteger(p) || p < 0 || p > MAX_PRICE_PENCE) {
      this.add(
        `${path}.pence`,
        msg`Enter a whole number of pence from 0 to 1000000000, like 40000 for £400.00`,
      );
    }
    this.rule(node, path);
  }
  days(value: unknown, path: string): void {
    const node = this.object(value, path);
    if (!node) return;
    this.whole(node.days, `${path}.days`, 1, 3650);
    this.rule(node, path);
  }
  unique(codes: unknown[], path: (i: number) => string): void {
    const seen = new Set<unknown>();
    codes.forEach((code, i) => {
      if (typeof code !== "string") return;
      if (seen.has(code)) this.add(path(i), msg`Use each code once: ${code} is used already`);
      seen.add(code);
    });
  }
}

function checkMinimumPerformance(c: Checker, value: unknown, outcomes: readonly string[]): void {
  if (value === undefined) return;
  const node = c.object(value, "minimumPerformance");
  if (!node) return;
  if (typeof node.outcome !== "string" || !outcomes.includes(node.outcome)) {
    c.add(
      "minimumPerformance.outcome",
      msg`Name an outcome this model pays for, one of: ${outcomes.join(", ")}`,
    );
  }
  c.whole(node.rateBp, "minimumPerformance.rateBp", 0, 10_000);
  c.whole(node.withinMonths, "minimumPerformance.withinMonths", 1, 60);
  c.rule(node, "minimumPerformance");
}

function checkMarketShare(c: Checker, value: unknown): void {
  if (value === undefined) return;
  const node = c.object(value, "marketShare");
  if (!node) return;
  c.whole(node.maxShiftBp, "marketShare.maxShiftBp", 0, 10_000);
  c.flag(node.onlyFromBelowMinimum, "marketShare.onlyFromBelowMinimum");
  c.rule(node, "marketShare");
}

function checkTariff(c: Checker, d: Json): void {
  const groups = c.list(d.groups, "groups", true);
  groups.forEach((value, i) => {
    const path = `groups[${i}]`;
    const g = c.object(value, path);
    if (!g) return;
    c.code(g.code, `${path}.code`);
    c.text(g.name, `${path}.name`, 200);
    c.price(g.attachment, `${path}.attachment`);
    c.price(g.jobOutcome, `${path}.jobOutcome`);
    const job = g.jobOutcome as Json | undefined;
    if (job && typeof job === "object") c.whole(job.weeks, `${path}.jobOutcome.weeks`, 1, 156);
    c.price(g.sustainment, `${path}.sustainment`);
    const sus = g.sustainment as Json | undefined;
    if (sus && typeof sus === "object") {
      c.whole(sus.everyWeeks, `${path}.sustainment.everyWeeks`, 1, 52);
      c.whole(sus.maxPayments, `${path}.sustainment.maxPayments`, 0, 104);
    }
  });
  c.unique(
    groups.map((g) => (g as Json | null)?.code),
    (i) => `groups[${i}].code`,
  );
  c.days(d.attachmentWithin, "attachmentWithin");
  c.days(d.outcomeWithin, "outcomeWithin");
  checkMinimumPerformance(c, d.minimumPerformance, ["attachment", "job-outcome"]);
  checkMarketShare(c, d.marketShare);
}

function checkOutcomePrices(c: Checker, d: Json): void {
  const metrics = c.list(d.metrics, "metrics", false);
  const byCode = new Map<string, Json>();
  metrics.forEach((value, i) => {
    const path = `metrics[${i}]`;
    const m = c.object(value, path);
    if (!m) return;
    c.code(m.code, `${path}.code`);
    c.text(m.name, `${path}.name`, 200);
    c.text(m.definition, `${path}.definition`, 2000);
    if (m.event !== "outcome" && m.event !== "qualification") {
      c.add(`${path}.event`, msg`Choose "outcome" or "qualification": the kind of event that evidences it`);
    }
    c.price(m.price, `${path}.price`);
    c.whole(m.maxPerPerson, `${path}.maxPerPerson`, 1, 1000);
    if (typeof m.code === "string") byCode.set(m.code, m);
  });
  c.unique(
    metrics.map((m) => (m as Json | null)?.code),
    (i) => `metrics[${i}].code`,
  );
  metrics.forEach((value, i) => {
    const m = value as Json | null;
    if (!m || typeof m !== "object" || m.proxyFor === undefined) return;
    const path = `metrics[${i}].proxyFor`;
    const proxy = c.object(m.proxyFor, path);
    if (!proxy) return;
    const final = typeof proxy.metric === "string" ? byCode.get(proxy.metric) : undefined;
    if (!final || final === m || final.proxyFor !== undefined) {
      c.add(`${path}.metric`, msg`Name another metric of this model, one that is not itself a proxy`);
    }
    c.whole(proxy.onAccountBp, `${path}.onAccountBp`, 1, 9_999);
    c.days(proxy.finalWithin, `${path}.finalWithin`);
    c.rule(proxy, path);
    const finalPence = (final?.price as Json | undefined)?.pence;
    const ownPence = (m.price as Json | undefined)?.pence;
    if (
      typeof finalPence === "number" &&
      Number.isInteger(proxy.onAccountBp) &&
      typeof ownPence === "number"
    ) {
      const due = onAccountPence(finalPence, proxy.onAccountBp as number);
      if (ownPence !== due) {
        c.add(
          `metrics[${i}].price.pence`,
          msg`Set the proxy's price to ${due} pence: its share on account of the final outcome's price, rounded down to the penny`,
        );
      }
    }
  });
  c.price(d.capPerPerson, "capPerPerson");
  c.price(d.capPerContract, "capPerContract");
  c.days(d.outcomeWithin, "outcomeWithin");
  if (d.cohortThreshold !== undefined) {
    const t = c.object(d.cohortThreshold, "cohortThreshold");
    if (t) {
      c.code(t.metric, "cohortThreshold.metric");
      c.whole(t.singleCohortBp, "cohortThreshold.singleCohortBp", 1, 10_000);
      c.whole(t.pooledBp, "cohortThreshold.pooledBp", 1, 10_000);
      c.price(t.pricePerEventAvoided, "cohortThreshold.pricePerEventAvoided");
      c.rule(t, "cohortThreshold");
    }
  }
  const outcomes = [...byCode.keys()];
  if (d.cohortThreshold !== undefined) outcomes.push("cohort");
  checkMinimumPerformance(c, d.minimumPerformance, outcomes);
  checkMarketShare(c, d.marketShare);
}

function checkFeeForService(c: Checker, d: Json): void {
  c.price(d.onAccountPerUnit, "onAccountPerUnit");
  const bands = c.list(d.bands, "bands", true);
  let next = 0;
  bands.forEach((value, i) => {
    const path = `bands[${i}]`;
    const b = c.object(value, path);
    if (!b) return;
    const last = i === bands.length - 1;
    if (b.fromUnits !== next) {
      c.add(
        `${path}.fromUnits`,
        msg`Start this band at ${next} units: the first band starts at 0 and each next one at the unit after the band before`,
      );
    }
    if (last) {
      if (b.toUnits !== null) c.add(`${path}.toUnits`, msg`Leave the last band open: give null`);
    } else {
      c.whole(b.toUnits, `${path}.toUnits`, typeof b.fromUnits === "number" ? b.fromUnits : 0, MAX_UNITS);
      next = typeof b.toUnits === "number" ? b.toUnits + 1 : next;
    }
    c.price(b.perUnit, `${path}.perUnit`);
  });
  if (typeof d.yearStarts !== "string" || !YEAR_START.test(d.yearStarts)) {
    c.add("yearStarts", msg`Enter the day the contract year starts as MM-DD, like 04-01`);
  }
  checkMinimumPerformance(c, d.minimumPerformance, ["service"]);
  checkMarketShare(c, d.marketShare);
}

/**
 * Checks a model's definition for a contract: the shape of its kind, each number in range with the
 * rule it comes from. Problems are named by path, each saying what to change.
 */
export function checkModel(kind: ModelKind, definition: unknown): ModelCheck {
  const c = new Checker();
  const d = c.object(definition, "definition");
  if (!d) return { ok: false, problems: c.problems };
  if (d.kind !== kind) {
    return { ok: false, problems: [{ path: "kind", message: msg`Give the model's kind as "${kind}"` }] };
  }
  if (kind === "tariff") checkTariff(c, d);
  else if (kind === "outcome-prices") checkOutcomePrices(c, d);
  else checkFeeForService(c, d);
  return c.problems.length === 0
    ? { ok: true, definition: definition as ModelDefinition }
    : { ok: false, problems: c.problems };
}

/** A proxy's payment on account: `onAccountBp` of the final outcome's price, rounded down to the penny. */
export function onAccountPence(finalPence: number, onAccountBp: number): number {
  return Math.floor((finalPence * onAccountBp) / 10_000);
}

/** The most a tariff pays for one participant: attachment + job outcome + every sustainment payment. */
export function groupMaximumPence(group: TariffGroup): Pence {
  return toPence(
    BigInt(group.attachment.pence) +
      BigInt(group.jobOutcome.pence) +
      BigInt(group.sustainment.pence) * BigInt(group.sustainment.maxPayments),
  );
}

/* ---------------------------------------------------------------------------------------------
 * Example definitions, used by the demo data, the tests and docs/payment-by-results.md.
 * ------------------------------------------------------------------------------------------- */

const WP = "Work Programme provider guidance (DWP, 2011), chapter 8: the payment model";

/**
 * The Work Programme's tariff shape (DOMAIN.md §5): the JSA groups' maxima are reproduced exactly —
 * JSA 18–24: £400 + £1,200 + 13 × £170 = £3,810.00; JSA 25+: £400 + £1,200 + 13 × £215 = £4,395.00.
 * The ESA group shows the 13-week job outcome (its prices are illustrative).
 */
export const WORK_PROGRAMME_TARIFF: TariffDefinition = {
  kind: "tariff",
  groups: [
    {
      code: "jsa-18-24",
      name: "JSA 18–24",
      attachment: { pence: 40_000, rule: `${WP}: attachment fee, JSA 18–24` },
      jobOutcome: { pence: 120_000, weeks: 26, rule: `${WP}: job outcome after 26 weeks in work, JSA 18–24` },
      sustainment: {
        pence: 17_000,
        everyWeeks: 4,
        maxPayments: 13,
        rule: `${WP}: sustainment for each further 4 weeks, at most 13, JSA 18–24 (maximum £3,810)`,
      },
    },
    {
      code: "jsa-25-plus",
      name: "JSA 25+",
      attachment: { pence: 40_000, rule: `${WP}: attachment fee, JSA 25+` },
      jobOutcome: { pence: 120_000, weeks: 26, rule: `${WP}: job outcome after 26 weeks in work, JSA 25+` },
      sustainment: {
        pence: 21_500,
        everyWeeks: 4,
        maxPayments: 13,
        rule: `${WP}: sustainment for each further 4 weeks, at most 13, JSA 25+ (maximum £4,395)`,
      },
    },
    {
      code: "esa-flow",
      name: "ESA new claimants",
      attachment: {
        pence: 60_000,
        rule: "Contract schedule 4, para 2.1: attachment fee, ESA (illustrative)",
      },
      jobOutcome: {
        pence: 120_000,
        weeks: 13,
        rule: "Contract schedule 4, para 2.2: job outcome after 13 weeks in work, ESA (illustrative)",
      },
      sustainment: {
        pence: 11_500,
        everyWeeks: 4,
        maxPayments: 20,
        rule: "Contract schedule 4, para 2.3: sustainment for each further 4 weeks, at most 20, ESA (illustrative)",
      },
    },
  ],
  attachmentWithin: { days: 28, rule: `${WP}: the provider attaches a referral within 4 weeks` },
  outcomeWithin: {
    days: 1092,
    rule: `${WP}: two years on the programme and up to a year of sustainment (156 weeks from referral)`,
  },
  minimumPerformance: {
    outcome: "job-outcome",
    rateBp: 550,
    withinMonths: 12,
    rule: "Work Programme minimum performance level, year 1: 5.5% of a month's referrals reach a job outcome",
  },
  marketShare: {
    maxShiftBp: 500,
    onlyFromBelowMinimum: true,
    rule: "Work Programme market share shift: up to 5% of referrals from a provider below the minimum level",
  },
};

const PB = "Peterborough social impact bond (Ministry of Justice, 2010), outcome payment schedule";

/**
 * The Peterborough social impact bond's shape: no payment per person; a payment per reconviction
 * event avoided against a comparison group, only when a cohort's fall is at least 10% on its own, or
 * all cohorts' pooled fall at least 7.5%. The price and the cap are illustrative.
 */
export const PETERBOROUGH_SIB: OutcomePricesDefinition = {
  kind: "outcome-prices",
  metrics: [],
  capPerPerson: { pence: 0, rule: `${PB}: no payment per person; outcomes are paid per cohort` },
  capPerContract: { pence: 800_000_000, rule: `${PB}: the most the commissioners pay in all (illustrative)` },
  outcomeWithin: { days: 365, rule: `${PB}: reconvictions counted in the 12 months after release` },
  cohortThreshold: {
    metric: "reconviction-events",
    singleCohortBp: 1000,
    pooledBp: 750,
    pricePerEventAvoided: {
      pence: 200_000,
      rule: `${PB}: the price per reconviction event avoided (illustrative)`,
    },
    rule: `${PB}: a cohort is paid on its own at a 10% fall; all cohorts pooled at a 7.5% fall`,
  },
};
