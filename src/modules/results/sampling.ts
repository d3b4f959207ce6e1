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
 * The commissioner recovers the lower end of the one-sided 95% confidence interval of the rate, so
 * the provider has the benefit of the doubt:
 *   - Student's t with n − 1 degrees of freedom, not the large-sample normal 1.645:
 *     L_t = R − t₀.₉₅(n − 1) × SE(R) (t₀.₉₅(29) = 1.6991…);
 *   - a sample of at least MIN_SAMPLE (30) claims, or the whole period when it has fewer (a census);
 *   - never more than R × 0.05^(1/n): n claims all in error show, at 95% one-sided confidence (the
 *     exact binomial, Clopper–Pearson, bound), only that at least 0.05^(1/n) of the period's claims
 *     are — so a sample whose errors do not vary (SE = 0: every claim wrong by the same share) does
 *     not recover the whole period as if it were certain (30 of 30 wholly wrong: 90.5%);
 *   - a census (n = N) has no sampling error: L = R.
 * L = max(0, min(L_t, R × 0.05^(1/n))), rounded down to whole parts per million, and the recovery
 * down to the penny, from the figures stored with the audit: recovery = ⌊Y × L_ppm ÷ 1,000,000⌋.
 */
import { createHash } from "node:crypto";

/** The one-sided confidence level of the bound: 95%. */
export const CONFIDENCE = 0.95;
/** The smallest sample an audit may draw (unless it checks every claim of the period: a census). */
export const MIN_SAMPLE = 30;
/** The largest sample an audit may draw: every item is checked by hand. */
export const MAX_SAMPLE = 2000;

/** ln Γ(x), x > 0: Lanczos (g = 7, 9 terms), about 15 significant figures. */
function lnGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0] as number;
  for (let i = 1; i < 9; i++) sum += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the regularised incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    for (const aa of [
      (m * (b - m) * x) / ((a + m2 - 1) * (a + m2)),
      (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1)),
    ]) {
      d = 1 + aa * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-16) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom, t ≥ 0. */
function tDistribution(t: number, df: number): number {
  return 1 - 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * The one-sided 95% point of Student's t with `df` degrees of freedom (df = n − 1): the t at which
 * the distribution reaches 0.95, found by bisection to the last bit a double holds (t₀.₉₅(29) =
 * 1.699127…, t₀.₉₅(1999) = 1.645616…; the large-sample normal point is 1.644854).
 */
export function tOneSided95(df: number): number {
  if (!(df >= 1)) throw new RangeError(`Student's t with ${df} degrees of freedom`);
  let lo = 0;
  let hi = 64;
  for (let i = 0; i < 200 && hi - lo > Number.EPSILON * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tDistribution(mid, df) < CONFIDENCE) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The smallest sample of a period of `count` claims: MIN_SAMPLE, or every claim when fewer. */
export function minimumSample(count: number): number {
  return Math.min(MIN_SAMPLE, count);
}

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
  /** R, SE(R), the t point used (0 for a census) and L (see the file's header), as fractions. */
  errorRate: number;
  standardError: number;
  t: number;
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
  if (n < 1 || n > N || n < minimumSample(N)) throw new RangeError(`A sample of ${n} from ${N} claims`);
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
  const census = n === N;
  const t = census ? 0 : tOneSided95(n - 1);
  const lowerBound = census ? rate : Math.min(rate - t * se, rate * (1 - CONFIDENCE) ** (1 / n));
  const lowerBoundPpm = Math.max(0, Math.floor(lowerBound * 1_000_000));
  return {
    sampleSize: n,
    populationCount: N,
    populationPence: population.pence,
    sampledPence: ys,
    errorPence: es,
    errorRate: rate,
    standardError: se,
    t,
    lowerBound,
    errorRatePpm,
    lowerBoundPpm,
    recoveryPence: (population.pence * BigInt(lowerBoundPpm)) / PPM,
  };
}
