/**
 * Sample audits' arithmetic (sampling.ts): the worked example of docs/payment-by-results.md
 * ("Sample audits") to the penny; Student's t with n − 1 degrees of freedom; at least 30 claims
 * unless a census; a census recovers exactly what it found; a clean sample recovers nothing; a sample
 * whose errors do not vary recovers at most R × 0.05^(1/n); the provider has the benefit of the doubt
 * (the lower bound, rounded down); the draw is the seed's, whatever order the claims come in.
 */
import { describe, expect, it } from "vitest";
import { drawSample, estimateRecovery, sampleRank, tOneSided95 } from "./sampling.ts";

const finding = (paid: bigint, found: bigint) => ({ paidPence: paid, foundPence: found });

/** `k` claims paid `paid` and found to be due `found`. */
const claims = (k: number, paid: bigint, found: bigint) =>
  Array.from({ length: k }, () => finding(paid, found));

describe("the estimate", () => {
  it("meets the worked example: 30 of 200 claims, £240,000.00 paid — recovery £9,299.28", () => {
    const e = estimateRecovery({ count: 200, pence: 24_000_000n }, [
      ...claims(22, 120_000n, 120_000n),
      ...claims(3, 120_000n, 0n),
      ...claims(2, 80_000n, 80_000n),
      ...claims(2, 140_000n, 100_000n),
      ...claims(1, 40_000n, 40_000n),
    ]);
    expect(e.sampledPence).toBe(3_480_000n);
    expect(e.errorPence).toBe(440_000n);
    expect(e.errorRatePpm).toBe(126_437);
    // s² = 39,255,595,190.9 ÷ 29; SE = √(0.85 × 1,353,641,213.5 ÷ (30 × 120,000²)) = 0.0516083
    expect(e.standardError).toBeCloseTo(0.0516083, 7);
    // Student's t with 29 degrees of freedom, not the normal 1.645.
    expect(e.t).toBeCloseTo(1.699127, 6);
    expect(e.lowerBoundPpm).toBe(38_747);
    expect(e.recoveryPence).toBe(929_928n);
  });

  it("uses Student's t with n − 1 degrees of freedom (the standard tables' one-sided 95% points)", () => {
    expect(tOneSided95(1)).toBeCloseTo(6.313752, 6);
    expect(tOneSided95(4)).toBeCloseTo(2.131847, 6);
    expect(tOneSided95(29)).toBeCloseTo(1.699127, 6);
    expect(tOneSided95(1999)).toBeCloseTo(1.645616, 6);
  });

  it("recovers exactly what a census finds, and nothing from a clean sample", () => {
    const census = estimateRecovery({ count: 3, pence: 30_000n }, [
      finding(10_000n, 10_000n),
      finding(10_000n, 7_500n),
      finding(10_000n, 10_000n),
    ]);
    expect([census.standardError, census.lowerBoundPpm, census.recoveryPence]).toEqual([0, 83_333, 2_499n]);
    const clean = estimateRecovery({ count: 1000, pence: 1_000_000n }, [
      ...claims(29, 5_000n, 5_000n),
      finding(700n, 700n),
    ]);
    expect([clean.errorRatePpm, clean.lowerBoundPpm, clean.recoveryPence]).toEqual([0, 0, 0n]);
  });

  it("refuses a sample below 30 claims unless it is every claim of the period", () => {
    expect(() => estimateRecovery({ count: 100_000, pence: 4_000_000_000n }, claims(2, 40_000n, 0n))).toThrow(
      RangeError,
    );
    expect(() => estimateRecovery({ count: 100, pence: 100_000n }, claims(29, 1_000n, 0n))).toThrow(
      RangeError,
    );
    expect(estimateRecovery({ count: 29, pence: 29_000n }, claims(29, 1_000n, 0n)).recoveryPence).toBe(
      29_000n,
    );
  });

  it("does not recover the whole period from a sample whose errors do not vary: at most R × 0.05^(1/n)", () => {
    // 30 claims of 100,000 all wholly wrong: SE = 0, so R − t × SE = 100%; the bound is 0.05^(1/30).
    const all = estimateRecovery({ count: 100_000, pence: 4_000_000_000n }, claims(30, 40_000n, 0n));
    expect([all.errorRatePpm, all.standardError]).toEqual([1_000_000, 0]);
    expect(all.lowerBoundPpm).toBe(904_966);
    expect(all.recoveryPence).toBe(3_619_864_000n);
    // Every claim wrong by the same quarter: a quarter of that.
    const quarter = estimateRecovery({ count: 100_000, pence: 4_000_000_000n }, claims(30, 40_000n, 30_000n));
    expect(quarter.lowerBoundPpm).toBe(Math.floor(250_000 * 0.05 ** (1 / 30)));
  });

  it("gives the provider the benefit of the doubt: never more than the sample's own rate, less for a small sample", () => {
    const sample = [
      finding(1_000n, 0n),
      finding(1_000n, 1_000n),
      finding(1_000n, 1_000n),
      finding(1_000n, 1_000n),
    ];
    const small = estimateRecovery({ count: 10_000, pence: 10_000_000n }, [
      ...Array.from({ length: 8 }, () => sample).flat(),
    ]);
    expect(small.errorRatePpm).toBe(250_000);
    const many = Array.from({ length: 100 }, () => sample).flat();
    const large = estimateRecovery({ count: 10_000, pence: 10_000_000n }, many);
    expect(small.lowerBoundPpm).toBeLessThan(large.lowerBoundPpm);
    expect(large.lowerBoundPpm).toBeLessThan(250_000);
    expect(large.recoveryPence).toBe((10_000_000n * BigInt(large.lowerBoundPpm)) / 1_000_000n);
  });

  it("refuses a finding above what was paid, and a sample larger than its population", () => {
    expect(() => estimateRecovery({ count: 1, pence: 10n }, [finding(10n, 11n)])).toThrow(RangeError);
    expect(() => estimateRecovery({ count: 1, pence: 10n }, [finding(5n, 5n), finding(5n, 5n)])).toThrow(
      RangeError,
    );
  });
});

describe("the draw", () => {
  const claims = Array.from({ length: 50 }, (_, i) => ({
    participantId: `019a0000-0000-7000-8000-${String(i).padStart(12, "0")}`,
    rule: "job-outcome",
    metric: "",
    seq: 1,
  }));

  it("is the seed's: the same claims whatever their order, others for another seed", () => {
    const one = drawSample(claims, 7, "seed-a");
    expect(drawSample([...claims].reverse(), 7, "seed-a")).toEqual(one);
    expect(one).toHaveLength(7);
    expect(drawSample(claims, 7, "seed-b")).not.toEqual(one);
    // The rank is SQL's md5(seed || '|' || participant || '|' || rule || '|' || metric || '|' || seq).
    expect(sampleRank("s", { participantId: "p", rule: "r", metric: "", seq: 2 })).toBe(
      "b16f68e98e8cf3187eb44a3a5c63422d",
    );
  });
});
