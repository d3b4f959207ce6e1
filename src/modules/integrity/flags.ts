/**
 * The integrity indicators as pure functions: each reads a contracting process's compiled OCDS
 * release (and its thresholds, from the catalogue in indicators.ts) and answers the flag it raises
 * — with the values it was raised on, so that the flag can say why — or null. Nothing here reads
 * the database or the clock, so the same functions can flag any OCDS data, OpenPS's or imported.
 *
 * Supplier concentration reads an authority's awards in one market (`MarketAward`s, each taken from
 * a compiled release by `marketAwardsOf`); the Right to Challenge indicator reads an accepted
 * expression of interest's procurement window.
 */
import { addDays, endOfLondonDay, londonDate } from "../../lib/london-time.ts";
import { type IndicatorCode, threshold } from "./indicators.ts";

/** A compiled release (or any OCDS release), as parsed JSON. */
export type Release = Record<string, unknown>;

/** A flag an indicator raised: its code and the values it was raised on. */
export interface RaisedFlag {
  code: IndicatorCode;
  values: Record<string, unknown>;
}

const DAY_MS = 86_400_000;
const WHOLE_BP = 10_000n;

// Reading OCDS JSON without trusting its shape.

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const list = (value: unknown): Json[] =>
  Array.isArray(value) ? value.map(object).filter((v): v is Json => v !== undefined) : [];
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
function instant(value: unknown): Date | undefined {
  const at = typeof value === "string" ? new Date(value) : undefined;
  return at && !Number.isNaN(at.getTime()) ? at : undefined;
}

/** An OCDS amount (in the currency's units, pounds) as whole pence, with its currency. */
function amountOf(value: unknown): { pence: bigint; currency: string } | undefined {
  const v = object(value);
  const amount = v?.amount;
  const currency = text(v?.currency);
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0 || !currency) return undefined;
  return { pence: BigInt(Math.round(amount * 100)), currency };
}

/** Procurement methods open to competition: the flags about bids and periods apply only to these. */
const COMPETITIVE = new Set(["open", "selective"]);
function competitive(release: Release): boolean {
  const method = text(object(release.tender)?.procurementMethod);
  return method !== undefined && COMPETITIVE.has(method);
}

/** Awards that stand: not cancelled nor unsuccessful. */
function liveAwards(release: Release): Json[] {
  return list(release.awards).filter((a) => {
    const status = text(a.status);
    return status !== "cancelled" && status !== "unsuccessful";
  });
}

/**
 * How many bids the process received: `tender.numberOfTenderers`, else the bids extension's
 * statistic of all bids (`bids.statistics`, measure "bids", not of one lot); undefined when the
 * release does not say (before the bids are opened).
 */
export function bidCount(release: Release): number | undefined {
  const tenderers = count(object(release.tender)?.numberOfTenderers);
  if (tenderers !== undefined) return tenderers;
  const statistic = list(object(release.bids)?.statistics).find(
    (s) => s.measure === "bids" && s.relatedLot === undefined,
  );
  return count(statistic?.value);
}

/** Only one bid, in a competitive procedure (Cardinal R018). */
export function singleBid(release: Release, limit = threshold("single-bid", "bids")): RaisedFlag | null {
  const bids = bidCount(release);
  if (bids === undefined || bids !== limit || !competitive(release)) return null;
  return { code: "single-bid", values: { bids } };
}

/**
 * Fewer than three bids received, or an award that went ahead with fewer than three compliant bids
 * (it carries `fewerThanThreeBidsJustification`); with whether an award was made and justified.
 */
export function fewerThanThreeBids(
  release: Release,
  limit = threshold("fewer-than-three-bids", "bids"),
): RaisedFlag | null {
  const bids = bidCount(release);
  const awards = liveAwards(release);
  const justification = awards
    .map((a) => text(a.fewerThanThreeBidsJustification))
    .find((j) => j !== undefined && j.trim() !== "");
  const fewer = bids !== undefined && bids >= 1 && bids < limit;
  if (!fewer && justification === undefined) return null;
  return {
    code: "fewer-than-three-bids",
    values: {
      bids: bids ?? null,
      // Fewer than three compliant, though three or more were received: only the justification says so.
      fewerCompliant: !fewer,
      awarded: awards.length > 0,
      justified: justification !== undefined,
    },
  };
}

/**
 * A tender period (tender notice to deadline for bids) shorter than the legal minimum plus the
 * margin, in a competitive procedure.
 */
export function shortSubmissionPeriod(
  release: Release,
  limits = {
    legalMinimum: threshold("short-submission-period", "legalMinimum"),
    margin: threshold("short-submission-period", "margin"),
  },
): RaisedFlag | null {
  const period = object(object(release.tender)?.tenderPeriod);
  const start = instant(period?.startDate);
  const end = instant(period?.endDate);
  if (!start || !end || end <= start || !competitive(release)) return null;
  const ms = end.getTime() - start.getTime();
  if (ms >= (limits.legalMinimum + limits.margin) * DAY_MS) return null;
  return {
    code: "short-submission-period",
    values: {
      days: Math.floor(ms / DAY_MS),
      startDate: start.toISOString(),
      endDate: end.toISOString(),
      legalMinimumDays: limits.legalMinimum,
      marginDays: limits.margin,
    },
  };
}

/**
 * An amendment made with less than `daysBeforeDeadline` left before the deadline for bids as it
 * finally stood (`tenderPeriod.endDate`: an amendment that moved the deadline far enough is not
 * late). Names the latest such amendment and how many there were.
 */
export function lateAmendment(
  release: Release,
  daysBeforeDeadline = threshold("late-amendment", "daysBeforeDeadline"),
): RaisedFlag | null {
  const tender = object(release.tender);
  const end = instant(object(tender?.tenderPeriod)?.endDate);
  if (!end) return null;
  const from = end.getTime() - daysBeforeDeadline * DAY_MS;
  const late = list(tender?.amendments)
    .map((a) => ({ id: text(a.id) ?? "", at: instant(a.date) }))
    .filter((a): a is { id: string; at: Date } => a.at !== undefined)
    .filter((a) => a.at.getTime() > from && a.at < end)
    .sort((x, y) => x.at.getTime() - y.at.getTime());
  const last = late[late.length - 1];
  if (!last) return null;
  return {
    code: "late-amendment",
    values: {
      amendment: last.id,
      amendedAt: last.at.toISOString(),
      deadline: end.toISOString(),
      lateAmendments: late.length,
      daysBeforeDeadline,
    },
  };
}

/**
 * The estimate the authority published: the tender's value, else its lots' values (when every lot
 * has one), else the planned procurement's budget.
 */
export function estimateOf(
  release: Release,
): { pence: bigint; currency: string; from: "tender" | "lots" | "planning" } | undefined {
  const tender = object(release.tender);
  const own = amountOf(tender?.value);
  if (own) return { ...own, from: "tender" };
  const lots = list(tender?.lots).map((lot) => amountOf(lot.value));
  const first = lots[0];
  if (first && lots.every((l) => l !== undefined && l.currency === first.currency))
    return {
      pence: lots.reduce((sum, l) => sum + (l?.pence ?? 0n), 0n),
      currency: first.currency,
      from: "lots",
    };
  const budget = amountOf(object(object(release.planning)?.budget)?.amount);
  return budget ? { ...budget, from: "planning" } : undefined;
}

/** The value awarded (every award that stands) above the estimate by more than `over` percent. */
export function awardAboveEstimate(
  release: Release,
  over = threshold("award-above-estimate", "over"),
): RaisedFlag | null {
  const estimate = estimateOf(release);
  const values = liveAwards(release).map((a) => amountOf(a.value));
  if (!estimate || estimate.pence === 0n || values.length === 0) return null;
  if (values.some((v) => v === undefined || v.currency !== estimate.currency)) return null;
  const awarded = values.reduce((sum, v) => sum + (v?.pence ?? 0n), 0n);
  const overBp = BigInt(Math.round(over * 100));
  if (awarded * WHOLE_BP <= estimate.pence * (WHOLE_BP + overBp)) return null;
  return {
    code: "award-above-estimate",
    values: {
      awardedPence: Number(awarded),
      estimatePence: Number(estimate.pence),
      currency: estimate.currency,
      estimateFrom: estimate.from,
      // How far above, in basis points, rounded down.
      aboveBp: Number(((awarded - estimate.pence) * WHOLE_BP) / estimate.pence),
      thresholdPercent: over,
    },
  };
}

/** Every flag the process-level indicators raise on a compiled release. */
export function processFlags(release: Release): RaisedFlag[] {
  return [
    singleBid(release),
    fewerThanThreeBids(release),
    shortSubmissionPeriod(release),
    lateAmendment(release),
    awardAboveEstimate(release),
  ].filter((f): f is RaisedFlag => f !== null);
}

// Supplier concentration: an authority's awards in one market.

/** One award that stands, as the market sees it: who bought, in which market, from whom, how much, when. */
export interface MarketAward {
  ocid: string;
  awardId: string;
  buyerId: string;
  /** The market: the CPV code of the process's service. */
  cpv: string;
  cpvDescription: string;
  supplierId: string;
  supplierName: string;
  valuePence: bigint;
  awardedAt: Date;
  /** The financial year it falls in, by its first calendar year (2026 for April 2026 to March 2027). */
  financialYear: number;
}

/** The financial year (1 April to 31 March, London dates) of an instant, by its first calendar year. */
export function financialYearOf(at: Date): number {
  const [year, month] = londonDate(at).split("-").map(Number);
  return (month ?? 1) >= 4 ? (year ?? 0) : (year ?? 0) - 1;
}

/**
 * The process's awards that stand, each with its lead supplier (the first named), value and date, in
 * the market of the process's service (its items' CPV classification): empty when the release lacks
 * any of them, or gives an amount in another currency than pounds.
 */
export function marketAwardsOf(release: Release): MarketAward[] {
  const ocid = text(release.ocid);
  const buyerId = text(object(release.buyer)?.id);
  const item = list(object(release.tender)?.items).find(
    (i) => text(object(i.classification)?.scheme) === "CPV",
  );
  const classification = object(item?.classification);
  const cpv = text(classification?.id);
  if (!ocid || !buyerId || !cpv) return [];
  const out: MarketAward[] = [];
  for (const award of liveAwards(release)) {
    const supplier = list(award.suppliers)[0];
    const value = amountOf(award.value);
    const awardedAt = instant(award.date);
    const awardId = text(award.id);
    const supplierId = text(supplier?.id);
    if (!supplierId || !value || value.currency !== "GBP" || !awardedAt || !awardId) continue;
    out.push({
      ocid,
      awardId,
      buyerId,
      cpv,
      cpvDescription: text(classification?.description) ?? "",
      supplierId,
      supplierName: text(supplier?.name) ?? supplierId,
      valuePence: value.pence,
      awardedAt,
      financialYear: financialYearOf(awardedAt),
    });
  }
  return out;
}

/**
 * Over one buyer's awards in one market and financial year: each supplier whose share of the value
 * awarded is above `share` percent — when there were at least `minimumAwards` awards — raises a flag
 * on each process it won there. Answers the flags by ocid.
 */
export function concentrationFlags(
  awards: readonly MarketAward[],
  limits = {
    share: threshold("supplier-concentration", "share"),
    minimumAwards: threshold("supplier-concentration", "minimumAwards"),
  },
): Map<string, RaisedFlag> {
  const flags = new Map<string, RaisedFlag>();
  const total = awards.reduce((sum, a) => sum + a.valuePence, 0n);
  if (awards.length < limits.minimumAwards || total === 0n) return flags;
  const bySupplier = new Map<string, MarketAward[]>();
  for (const award of awards)
    bySupplier.set(award.supplierId, [...(bySupplier.get(award.supplierId) ?? []), award]);
  const shareBp = BigInt(Math.round(limits.share * 100));
  for (const [supplierId, won] of bySupplier) {
    const value = won.reduce((sum, a) => sum + a.valuePence, 0n);
    if (value * WHOLE_BP <= total * shareBp) continue;
    const first = won[0] as MarketAward;
    for (const award of won)
      flags.set(award.ocid, {
        code: "supplier-concentration",
        values: {
          supplierId,
          supplierName: first.supplierName,
          cpv: first.cpv,
          cpvDescription: first.cpvDescription,
          financialYear: first.financialYear,
          shareBp: Number((value * WHOLE_BP) / total),
          supplierPence: Number(value),
          marketPence: Number(total),
          supplierAwards: won.length,
          marketAwards: awards.length,
          thresholdPercent: limits.share,
        },
      });
  }
  return flags;
}

// The Community Right to Challenge.

/** An accepted expression of interest's procurement window (YYYY-MM-DD dates, London). */
export interface ProcurementWindow {
  earliest: string | null;
  latest: string | null;
  startedOn: string | null;
}

/**
 * From when an accepted expression of interest counts as never procured: the end of the London day
 * `daysAfterLatestStart` after the latest start of its window, unless the procurement has started
 * (at any time, late included). Null when it has started, or has no window. Whether it is raised
 * is for the reader to tell from the clock: raised once that instant has passed.
 */
export function unprocuredFrom(
  window: ProcurementWindow,
  daysAfterLatestStart = threshold("right-to-challenge-unprocured", "daysAfterLatestStart"),
): Date | null {
  if (window.startedOn || !window.latest) return null;
  return endOfLondonDay(addDays(window.latest, daysAfterLatestStart));
}
