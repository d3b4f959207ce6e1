import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { concentration, concentrationOf } from "./concentration.ts";

describe("concentration of a service market", () => {
  it("gives the HHI and the top-3 share of a hand-made market", () => {
    // Shares 40%, 30%, 20%, 10%: HHI = 1,600 + 900 + 400 + 100 = 3,000; the top three hold 90%.
    const market = concentration([400_000n, 100_000n, 300_000n, 200_000n, 0n]);
    expect(market).toEqual({
      suppliers: 4,
      value: 1_000_000n,
      hhi: 3000,
      top3Bp: 9000,
      level: "highly-concentrated",
    });
  });

  it("rounds to the nearest whole point and basis point", () => {
    // Three equal suppliers: 3 × (33.33…)² = 3,333.33… → 3,333; the top three hold it all.
    expect(concentration([1n, 1n, 1n])).toMatchObject({ hhi: 3333, top3Bp: 10_000 });
    // Seven equal suppliers: 10,000 ÷ 7 = 1,428.57… → 1,429 (concentrated); three of seven = 4,285.71… bp → 4,286.
    expect(concentration(Array(7).fill(5n))).toMatchObject({
      hhi: 1429,
      top3Bp: 4286,
      level: "concentrated",
    });
  });

  it("is 10,000 for one supplier, and low for many small ones", () => {
    expect(concentration([123n])).toMatchObject({ hhi: 10_000, top3Bp: 10_000, suppliers: 1 });
    expect(concentration(Array(100).fill(10n))).toMatchObject({
      hhi: 100,
      top3Bp: 300,
      level: "unconcentrated",
    });
  });

  it("is empty for a market with no value", () => {
    expect(concentration([])).toEqual({
      suppliers: 0,
      value: 0n,
      hhi: 0,
      top3Bp: 0,
      level: "unconcentrated",
    });
  });

  it("is the same from the database's sums (suppliers, value, squares, three largest) as from every value", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { maxLength: 40 }), (values) => {
        const held = values.filter((v) => v > 0n).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
        const sums = {
          suppliers: held.length,
          total: held.reduce((s, v) => s + v, 0n),
          squares: held.reduce((s, v) => s + v * v, 0n),
          top3: held.slice(0, 3).reduce((s, v) => s + v, 0n),
        };
        expect(concentrationOf(sums)).toEqual(concentration(values));
      }),
    );
  });
});
