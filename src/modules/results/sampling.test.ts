/**
 * Sample audits' arithmetic (sampling.ts): the worked example of docs/payment-by-results.md
 * ("Sample audits") to the penny; a census recovers exactly what it found; a clean sample recovers
 * nothing; the provider has the benefit of the doubt (the lower bound, rounded down); the draw is
 * the seed's, whatever order the claims come in.
 */
import { describe, expect, it } from "vitest";
import { drawSample, estimateRecovery, sampleRank } from "./sampling.ts";

const finding = (paid: bigint, found: bigint) => ({ paidPence: paid, foundPence: found });

describe("the estimate", () => {
  it("meets the worked example: 5 of 200 claims, £240,000.00 paid — recovery £7,980.72", () => {
    const e = estimateRecovery({ count: 200, pence: 24_000_000n }, [
      finding(120_000n, 120_000n),
      finding(120_000n, 0n),
      finding(80_000n, 80_000n),
      finding(40_000n, 40_000n),
      finding(140_000n, 100_000n),
    ]);
    expect(e.sampledPence).toBe(500_000n);
    expect(e.errorPence).toBe(160_000n);
    expect(e.errorRate).toBe(0.32);
    expect(e.errorRatePpm).toBe(320_000);
    // s² = 8,975,360,000 ÷ 4; SE = √(0.975 × 2,243,840,000 ÷ (5 × 120,000²)) = 0.174314
    expect(e.standardError).toBeCloseTo(0.174314, 6);
    expect(e.lowerBoundPpm).toBe(33_253);
    expect(e.recoveryPence).toBe(798_072n);
  });

  it("recovers exactly what a census finds, and nothing from a clean sample", () => {
    const census = estimateRecovery({ count: 3, pence: 30_000n }, [
      finding(10_000n, 10_000n),
      finding(10_000n, 7_500n),
      finding(10_000n, 10_000n),
    ]);
    expect([census.standardError, census.lowerBoundPpm, census.recoveryPence]).toEqual([0, 83_333, 2_499n]);
    const clean = estimateRecovery({ count: 1000, pence: 1_000_000n }, [
      finding(5_000n, 5_000n),
      finding(700n, 700n),
    ]);
    expect([clean.errorRatePpm, clean.lowerBoundPpm, clean.recoveryPence]).toEqual([0, 0, 0n]);
  });

  it("gives the provider the benefit of the doubt: never more than the sample's own rate, less for a small sample", () => {
    const sample = [
      finding(1_000n, 0n),
      finding(1_000n, 1_000n),
      finding(1_000n, 1_000n),
      finding(1_000n, 1_000n),
    ];
    const small = estimateRecovery({ count: 10_000, pence: 10_000_000n }, sample);
    expect(small.errorRatePpm).toBe(250_000);
    expect(small.lowerBoundPpm).toBe(0);
    const many = Array.from({ length: 100 }, () => sample).flat();
    const large = estimateRecovery({ count: 10_000, pence: 10_000_000n }, many);
    expect(large.lowerBoundPpm).toBeGreaterThan(0);
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
