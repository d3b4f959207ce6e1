/**
 * Sample audits' arithmetic (issue 19, item 3; docs/payment-by-results.md, "Sample audits"): pure.
 *
 * The sample: simple random sampling without replacement, drawn from a seed so anyone holding the
 * seed can draw it again — each paid claim ranked by the MD5 of the seed and the claim's key
 * (`sampleRank`), the `n` lowest ranks taken (the repository orders by the same expression in SQL).
 *
 * The estimate: the error rate by value is the ratio estimator R = Σ errors ÷ Σ paid over the sample
 * (an error is what was paid less what the claim should have been paid). Its standard error, with
 * the finite population correction and the population's mean claim Ȳ = Y ÷ N (known):
 *   SE(R) = √( (1 − n/N) × s² ÷ (n × Ȳ²) ),  s² = Σ (eᵢ − R × yᵢ)² ÷ (n − 1).
 * The commissioner recovers the lower end of the one-sided 95% confidence interval of the rate,
 * L = R − 1.645 × SE(R), so the provider has the benefit of the doubt: recovery = Y × max(0, L).
 * L is rounded down to whole parts per million, and the recovery down to the penny, from the figures
 * stored with the audit: recovery = ⌊Y × L_ppm ÷ 1,000,000⌋.
 */
import { createHash } from "node:crypto";

/** The one-sided 95% point of the standard normal distribution. */
export const Z_ONE_SIDED_95 = 1.645;
/** The largest sample an audit may draw: every item is checked by hand. */
export const MAX_SAMPLE = 2000;

const PPM = 1_000_000n;

/** A claim as the sample names it: its participant, rule, metric and occurrence. */
export interface ClaimKey {
  participantId: string;
  rule: string;
  metric: string;
  seq: number;
}

/** A claim's place in the draw: the MD5 (hex) of the seed and its key, as SQL's `md5()` gives it. */
export function sampleRank(seed: string, key: ClaimKey): string {
  return createHash("md5")
    .update(`${seed}|${key.participantId}|${key.rule}|${key.metric}|${key.seq}`)
    .digest("hex");
}

function keyText(k: ClaimKey): string {
  return `${k.participantId}|${k.rule}|${k.metric}|${String(k.seq).padStart(10, "0")}`;
}

/** The sample: the `size` claims of lowest rank (ties, never seen in practice, by key). */
export function drawSample<K extends ClaimKey>(population: readonly K[], size: number, seed: string): K[] {
  return population
    .map((claim) => ({ claim, rank: sampleRank(seed, claim), key: keyText(claim) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, size)
    .map((r) => r.claim);
}

/** A sampled claim as checked: what was paid, and what should have been (0 when not due). */
export interface Finding {
  paidPence: bigint;
  foundPence: bigint;
}

export interface Estimate {
  /** Claims in the sample (n) and in the population (N); the population's paid total (Y). */
  sampleSize: number;
  populationCount: number;
  populationPence: bigint;
  /** Σ paid and Σ errors over the sample. */
  sampledPence: bigint;
  errorPence: bigint;
  /** R, SE(R) and L = R − 1.645 × SE(R), as fractions. */
  errorRate: number;
  standardError: number;
  lowerBound: number;
  /** R rounded to the nearest part per million; L rounded down, never below 0. */
  errorRatePpm: number;
  lowerBoundPpm: number;
  /** ⌊Y × L_ppm ÷ 1,000,000⌋. */
  recoveryPence: bigint;
}

/** What `population` owes back, extrapolated from the sample's findings (see the file's header). */
export function estimateRecovery(
  population: { count: number; pence: bigint },
  sample: readonly Finding[],
): Estimate {
  const n = sample.length;
  const N = population.count;
  if (n < 1 || n > N) throw new RangeError(`A sample of ${n} from ${N} claims`);
  let ys = 0n;
  let es = 0n;
  for (const s of sample) {
    if (s.foundPence < 0n || s.foundPence > s.paidPence)
      throw new RangeError("Found must be between 0 and paid");
    ys += s.paidPence;
    es += s.paidPence - s.foundPence;
  }
  const rate = ys === 0n ? 0 : Number(es) / Number(ys);
  const errorRatePpm = ys === 0n ? 0 : Number((es * PPM * 2n + ys) / (2n * ys));
  let se: number;
  if (n === N || ys === 0n) se = 0;
  else if (n < 2) se = Number.POSITIVE_INFINITY;
  else {
    // Σ dᵢ² with dᵢ = eᵢ − R yᵢ, exactly: Σ (eᵢ Ys − Es yᵢ)² ÷ Ys².
    let sumD2 = 0n;
    for (const s of sample) {
      const d = (s.paidPence - s.foundPence) * ys - es * s.paidPence;
      sumD2 += d * d;
    }
    // (1 − n/N) × [Σdᵢ² ÷ (n − 1)] ÷ (n × (Y/N)²) = (N − n) N Σdᵢ² ÷ (Ys² (n − 1) n Y²)
    const bn = BigInt(n);
    const bN = BigInt(N);
    const y = population.pence;
    const variance = y === 0n ? 0 : Number((bN - bn) * bN * sumD2) / Number(ys * ys * (bn - 1n) * bn * y * y);
    se = Math.sqrt(variance);
  }
  const lowerBound = rate - Z_ONE_SIDED_95 * se;
  const lowerBoundPpm = Number.isFinite(lowerBound) ? Math.max(0, Math.floor(lowerBound * 1_000_000)) : 0;
  return {
    sampleSize: n,
    populationCount: N,
    populationPence: population.pence,
    sampledPence: ys,
    errorPence: es,
    errorRate: rate,
    standardError: se,
    lowerBound,
    errorRatePpm,
    lowerBoundPpm,
    recoveryPence: (population.pence * BigInt(lowerBoundPpm)) / PPM,
  };
}
