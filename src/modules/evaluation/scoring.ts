/**
 * Best value with the working shown (issue 6, DOMAIN.md §2): the score of each bid on each award
 * criterion, the price score by the published formula, the totals and the ranking. Pure functions.
 *
 * Weights are basis points summing to 10,000. A quality (or social value) criterion scored `s` on a
 * scale of 0–`max` earns `weight × s ÷ max`; price earns `weight × lowest price ÷ bid price`; a
 * fixed-price tender (price weight 0) scores quality only. An accreditation criterion earns its whole
 * weight when the bidder was accredited against its standard on the bid's date, and 0 otherwise (no
 * evaluator scores it; it counts with quality). Every score is kept as an exact fraction
 * of basis points (bigint numerator and denominator), so totals are compared exactly: no rounding
 * can change a ranking. Shown to people, a score is rounded to hundredths of a basis point.
 * A tie on the total is broken by the higher quality score, then by the commissioner's recorded
 * decision; until one is recorded the tie is reported and the ranking is not final.
 */

/** An exact, non-negative fraction of basis points. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

export type CriterionKind = "quality" | "social-value" | "price" | "accreditation";

export interface Criterion {
  id: string;
  name: string;
  kind: CriterionKind;
  /** Basis points; all the criteria of a tender sum to 10,000. */
  weightBp: number;
}

export interface BidToScore {
  bidId: string;
  /** The bid's price in pence; null in a fixed-price tender. */
  pricePence: bigint | null;
  /** The moderated score per non-price criterion id, a whole number from 0 to the scale's maximum. */
  scores: Readonly<Record<string, number>>;
  /** Per accreditation criterion id: whether the bidder was accredited on the bid's date. */
  accredited?: Readonly<Record<string, boolean>>;
}

export interface CriterionWorking {
  criterionId: string;
  kind: CriterionKind;
  weightBp: number;
  /** The score given (quality) or the bid's price (price). */
  score?: number;
  /** Whether the bidder was accredited on the bid's date (accreditation). */
  accredited?: boolean;
  pricePence?: bigint;
  lowestPricePence?: bigint;
  points: Fraction;
  /** The points rounded to hundredths of a basis point, for people. */
  pointsShown: string;
  /** The sum as a sentence: "3 ÷ 4 × 4,000 bp = 3,000.00 bp". */
  working: string;
}

export interface ScoredBid {
  bidId: string;
  criteria: CriterionWorking[];
  quality: Fraction;
  price: Fraction;
  total: Fraction;
  totalShown: string;
  /** 1 for the best; bids still tied share a rank until the commissioner decides. */
  rank: number;
  /** How this bid's place against an equal total was settled, if it had one. */
  tieBrokenBy: "quality" | "decision" | null;
}

export interface Ranking {
  bids: ScoredBid[];
  /** Groups of bid ids whose total and quality are equal and that no recorded decision orders. */
  unresolvedTies: string[][];
}

export class ScoringError extends Error {}

const TOTAL_BP = 10_000;

export function fraction(num: bigint, den: bigint): Fraction {
  if (den <= 0n) throw new ScoringError("A fraction needs a positive denominator");
  const g = gcd(num < 0n ? -num : num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

export function add(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** Negative when a < b, zero when equal, positive when a > b — exactly. */
export function compare(a: Fraction, b: Fraction): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

const ZERO: Fraction = { num: 0n, den: 1n };

/** Basis points to hundredths, rounded half up: 1,000/3 bp → "333.33". */
export function showBp(value: Fraction): string {
  const hundredths = (value.num * 200n + value.den) / (2n * value.den);
  const whole = hundredths / 100n;
  const rest = hundredths % 100n;
  return `${whole.toLocaleString("en-GB")}.${String(rest).padStart(2, "0")}`;
}

const pounds = (pence: bigint) =>
  `£${(pence / 100n).toLocaleString("en-GB")}.${String(pence % 100n).padStart(2, "0")}`;

/** Checks the criteria: known kinds, whole non-negative weights summing to 10,000, at most one price. */
export function checkCriteria(criteria: readonly Criterion[]): void {
  const ids = new Set<string>();
  let sum = 0;
  for (const c of criteria) {
    if (ids.has(c.id)) throw new ScoringError(`The criterion ${c.name} is listed twice`);
    ids.add(c.id);
    if (!Number.isInteger(c.weightBp) || c.weightBp < 0 || c.weightBp > TOTAL_BP)
      throw new ScoringError(
        `The weight of ${c.name} must be a whole number of basis points from 0 to 10,000`,
      );
    sum += c.weightBp;
  }
  if (criteria.filter((c) => c.kind === "price").length > 1)
    throw new ScoringError("A tender has at most one price criterion");
  if (sum !== TOTAL_BP)
    throw new ScoringError(`The weights add up to ${sum} basis points; they must add up to 10,000 (100%)`);
}

/** The price score: lowest price ÷ this bid's price × the price weight. */
export function priceScore(lowestPence: bigint, pricePence: bigint, weightBp: number): Fraction {
  if (pricePence <= 0n || lowestPence <= 0n) throw new ScoringError("Prices must be more than £0");
  if (lowestPence > pricePence) throw new ScoringError("The lowest price cannot be more than a bid's price");
  return fraction(lowestPence * BigInt(weightBp), pricePence);
}

/** A quality score: the score ÷ the scale's maximum × the weight. */
export function qualityScore(score: number, max: number, weightBp: number): Fraction {
  if (!Number.isInteger(max) || max < 1)
    throw new ScoringError("The scoring scale needs a maximum of 1 or more");
  if (!Number.isInteger(score) || score < 0 || score > max)
    throw new ScoringError(`A score must be a whole number from 0 to ${max}, not ${score}`);
  return fraction(BigInt(score) * BigInt(weightBp), BigInt(max));
}

/** An accreditation's score: the whole weight when accredited on the bid's date, else 0. */
export function accreditationScore(accredited: boolean, weightBp: number): Fraction {
  return fraction(accredited ? BigInt(weightBp) : 0n, 1n);
}

/** The lowest bid price when the tender scores price (every bid must then have one), else undefined. */
function lowestPrice(criteria: readonly Criterion[], bids: readonly BidToScore[]): bigint | undefined {
  if (!criteria.some((c) => c.kind === "price" && c.weightBp > 0)) return undefined;
  let lowest: bigint | undefined;
  for (const bid of bids) {
    if (bid.pricePence === null || bid.pricePence <= 0n)
      throw new ScoringError(`Bid ${bid.bidId} has no price, but the tender scores price`);
    if (lowest === undefined || bid.pricePence < lowest) lowest = bid.pricePence;
  }
  return lowest;
}

/** One bid's points on each criterion, with the working, and its quality, price and total. */
function scoreBid(
  bid: BidToScore,
  criteria: readonly Criterion[],
  scaleMax: number,
  lowest: bigint | undefined,
): Omit<ScoredBid, "rank" | "tieBrokenBy"> {
  let quality = ZERO;
  let price = ZERO;
  const workings: CriterionWorking[] = [];
  for (const c of criteria) {
    if (c.kind === "price") {
      if (c.weightBp === 0 || lowest === undefined || bid.pricePence === null) continue;
      const points = priceScore(lowest, bid.pricePence, c.weightBp);
      price = add(price, points);
      workings.push({
        criterionId: c.id,
        kind: c.kind,
        weightBp: c.weightBp,
        pricePence: bid.pricePence,
        lowestPricePence: lowest,
        points,
        pointsShown: showBp(points),
        working: `${pounds(lowest)} ÷ ${pounds(bid.pricePence)} × ${c.weightBp.toLocaleString("en-GB")} bp = ${showBp(points)} bp`,
      });
      continue;
    }
    if (c.kind === "accreditation") {
      const accredited = bid.accredited?.[c.id];
      if (accredited === undefined)
        throw new ScoringError(`Bid ${bid.bidId} has no accreditation read for ${c.name}`);
      const points = accreditationScore(accredited, c.weightBp);
      quality = add(quality, points);
      workings.push({
        criterionId: c.id,
        kind: c.kind,
        weightBp: c.weightBp,
        accredited,
        points,
        pointsShown: showBp(points),
        working: `${accredited ? 1 : 0} × ${c.weightBp.toLocaleString("en-GB")} bp = ${showBp(points)} bp`,
      });
      continue;
    }
    const score = bid.scores[c.id];
    if (score === undefined) throw new ScoringError(`Bid ${bid.bidId} has no agreed score for ${c.name}`);
    const points = qualityScore(score, scaleMax, c.weightBp);
    quality = add(quality, points);
    workings.push({
      criterionId: c.id,
      kind: c.kind,
      weightBp: c.weightBp,
      score,
      points,
      pointsShown: showBp(points),
      working: `${score} ÷ ${scaleMax} × ${c.weightBp.toLocaleString("en-GB")} bp = ${showBp(points)} bp`,
    });
  }
  const total = add(quality, price);
  return { bidId: bid.bidId, criteria: workings, quality, price, total, totalShown: showBp(total) };
}

/**
 * Scores and ranks bids. `tieDecision` is the commissioner's recorded order for bids still tied on
 * total and quality (earlier is better); bids it does not order stay tied and are reported.
 */
export function rankBids(
  criteria: readonly Criterion[],
  scaleMax: number,
  bids: readonly BidToScore[],
  tieDecision: readonly string[] = [],
): Ranking {
  checkCriteria(criteria);
  const lowest = lowestPrice(criteria, bids);
  const scored = bids.map((bid) => scoreBid(bid, criteria, scaleMax, lowest));

  const decided = new Map(tieDecision.map((id, i) => [id, i]));
  const byMerit = (a: (typeof scored)[number], b: (typeof scored)[number]) =>
    compare(b.total, a.total) || compare(b.quality, a.quality);
  // The order is by merit, then the decision, then the bid id only to make the output stable.
  const ordered = [...scored].sort(
    (a, b) =>
      byMerit(a, b) ||
      (decided.get(a.bidId) ?? Number.MAX_SAFE_INTEGER) - (decided.get(b.bidId) ?? Number.MAX_SAFE_INTEGER) ||
      (a.bidId < b.bidId ? -1 : a.bidId > b.bidId ? 1 : 0),
  );

  type Scored = (typeof scored)[number];
  const result: ScoredBid[] = [];
  const unresolvedTies: string[][] = [];
  const sameTotal = (a: Scored | undefined, b: Scored) => a !== undefined && compare(a.total, b.total) === 0;
  let i = 0;
  while (i < ordered.length) {
    const first = ordered[i] as Scored;
    // A run of bids equal on total and on quality: only a recorded decision can order them.
    let j = i + 1;
    while (j < ordered.length && byMerit(first, ordered[j] as Scored) === 0) j++;
    const run = ordered.slice(i, j);
    const resolved = run.filter((b) => !decided.has(b.bidId)).length <= 1;
    if (!resolved) unresolvedTies.push(run.map((b) => b.bidId));
    for (const [k, bid] of run.entries()) {
      const tieBrokenBy =
        run.length > 1
          ? resolved
            ? ("decision" as const)
            : null
          : sameTotal(ordered[i - 1], bid) || sameTotal(ordered[j], bid)
            ? ("quality" as const)
            : null;
      result.push({ ...bid, rank: resolved ? i + k + 1 : i + 1, tieBrokenBy });
    }
    i = j;
  }
  return { bids: result, unresolvedTies };
}
