import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addPence,
  allocatePence,
  formatMoney,
  MAX_PENCE,
  multiplyByBasisPoints,
  type Pence,
  parseMoney,
  pence,
  type Rounding,
  subtractPence,
  sumPence,
  ZERO_PENCE,
} from "./money.ts";

const amounts = fc.bigInt({ min: -MAX_PENCE, max: MAX_PENCE }).map((n) => n as Pence);
const everyday = fc.bigInt({ min: -10_000_000_00n, max: 10_000_000_00n }).map((n) => n as Pence);

function parsed(text: string, allowNegative = false): Pence {
  const result = parseMoney(text, { allowNegative });
  if (!result.ok) throw new Error(`expected "${text}" to parse, got: ${result.error}`);
  return result.value;
}

function parseError(text: string, allowNegative = false): string {
  const result = parseMoney(text, { allowNegative });
  if (result.ok) throw new Error(`expected "${text}" to be refused, got ${result.value}`);
  return result.error;
}

describe("pence", () => {
  it("accepts whole numbers and bigints", () => {
    expect(pence(123)).toBe(123n);
    expect(pence(-5)).toBe(-5n);
    expect(pence(12_345_678_901_234_567_890n)).toBe(12_345_678_901_234_567_890n);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])("refuses %s", (n) => {
    expect(() => pence(n)).toThrow(RangeError);
  });
});

describe("parseMoney", () => {
  it.each([
    ["£1,234.56", 123456n],
    ["1234.5", 123450n],
    ["1,234", 123400n],
    ["£0.05", 5n],
    [" £ 12 ", 1200n],
    ["0", 0n],
    ["£0.00", 0n],
    ["1,234,567.89", 123456789n],
    ["12.", 1200n],
    [".5", 50n],
    ["007", 700n],
    ["\u00a0£3.10\t", 310n],
  ])("reads %j as %d pence", (text, expected) => {
    expect(parsed(text)).toBe(expected);
  });

  it("reads negative amounts only when allowed, with a hyphen or a minus sign", () => {
    expect(parsed("-£5.00", true)).toBe(-500n);
    expect(parsed("−£5", true)).toBe(-500n);
    expect(parsed("£-5.5", true)).toBe(-550n);
    expect(parseError("-£5.00")).toBe("Enter an amount of £0.00 or more");
    expect(parseError("£-5")).toBe("Enter an amount of £0.00 or more");
  });

  it("reads amounts too large for a float exactly", () => {
    expect(parsed("£90,071,992,547,409.93")).toBe(9_007_199_254_740_993n);
    expect(parsed("92233720368547758.07")).toBe(MAX_PENCE);
  });

  it("says what to fix", () => {
    expect(parseError("")).toBe("Enter an amount in pounds and pence, like £1,234.56");
    expect(parseError("   ")).toBe("Enter an amount in pounds and pence, like £1,234.56");
    expect(parseError("1.234")).toBe(
      "Enter an amount with no more than 2 digits after the decimal point, like £1,234.56",
    );
    expect(parseError("1,23,4")).toBe(
      "Put commas only between groups of 3 digits, like £1,234,567.89, or leave them out",
    );
    expect(parseError("12,34")).toMatch(/^Put commas only between groups of 3 digits/);
    expect(parseError(",123")).toMatch(/^Put commas only between groups of 3 digits/);
    expect(parseError("92233720368547758.08")).toBe("Enter an amount of £92,233,720,368,547,758.07 or less");
  });

  it.each([
    "abc",
    "£",
    ".",
    "£.",
    "12p",
    "£12 000",
    "1e5",
    "Infinity",
    "0x10",
    "12.3.4",
    "--5",
    "-£-5",
    "£12£",
    "١٢٣",
  ])("refuses %j as not an amount", (text) => {
    expect(parseError(text, true)).toBe(
      "Enter an amount in pounds and pence using numbers only, like £1,234.56",
    );
  });

  it("reads back every amount it formats (property)", () => {
    fc.assert(
      fc.property(amounts, fc.boolean(), (amount, showPence) => {
        expect(parsed(formatMoney(amount, { pence: showPence }), true)).toBe(amount);
      }),
    );
  });

  it("reads pounds and pence typed with or without commas and £ (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 0, max: 99 }),
        fc.boolean(),
        fc.boolean(),
        (pounds, penceOnly, withCommas, withSign) => {
          const whole = withCommas ? pounds.toLocaleString("en-GB") : pounds.toString();
          const text = `${withSign ? "£" : ""}${whole}.${String(penceOnly).padStart(2, "0")}`;
          expect(parsed(text)).toBe(pounds * 100n + BigInt(penceOnly));
        },
      ),
    );
  });
});

describe("formatMoney", () => {
  it.each([
    [123456n, "£1,234.56"],
    [5n, "£0.05"],
    [0n, "£0.00"],
    [100n, "£1.00"],
    [123456789n, "£1,234,567.89"],
    [-500n, "-£5.00"],
  ])("shows %d pence as %s", (amount, expected) => {
    expect(formatMoney(amount as Pence)).toBe(expected);
  });

  it("leaves off zero pence only when asked, and never hides pence", () => {
    expect(formatMoney(pence(123400), { pence: false })).toBe("£1,234");
    expect(formatMoney(pence(123450), { pence: false })).toBe("£1,234.50");
    expect(formatMoney(pence(-100), { pence: false })).toBe("-£1");
    expect(formatMoney(pence(0), { pence: false })).toBe("£0");
  });
});

describe("adding amounts", () => {
  it("adds, subtracts and sums exactly", () => {
    expect(addPence(pence(150), pence(275))).toBe(425n);
    expect(subtractPence(pence(150), pence(275))).toBe(-125n);
    expect(sumPence([])).toBe(ZERO_PENCE);
    expect(sumPence([pence(1), pence(2), pence(3)])).toBe(6n);
    expect(sumPence(new Set([pence(9_007_199_254_740_993n), pence(1)]))).toBe(9_007_199_254_740_994n);
  });
});

describe("multiplyByBasisPoints", () => {
  it.each<[bigint, number, Rounding, bigint]>([
    [10_000n, 2_000, "floor", 2_000n], // 20% of £100 is £20
    [333n, 1_500, "half-up", 50n], // 49.95 → 50
    [333n, 1_500, "floor", 49n],
    [50n, 5_000, "half-up", 25n], // exact
    [5n, 5_000, "half-up", 3n], // 2.5 → 3
    [5n, 5_000, "half-even", 2n], // 2.5 → 2
    [7n, 5_000, "half-even", 4n], // 3.5 → 4
    [-5n, 5_000, "half-up", -3n], // −2.5 → −3, away from zero
    [-5n, 5_000, "half-even", -2n],
    [-5n, 5_000, "floor", -3n],
    [-1n, 1, "floor", -1n],
    [-1n, 1, "half-up", 0n],
    [1_000n, 0, "half-up", 0n],
    [1_000n, 12_500, "floor", 1_250n], // 125%
  ])("%d pence × %d bp rounded %s is %d", (amount, bp, rounding, expected) => {
    expect(multiplyByBasisPoints(amount as Pence, bp, rounding)).toBe(expected);
  });

  it("refuses a fractional rate", () => {
    expect(() => multiplyByBasisPoints(pence(100), 12.5, "floor")).toThrow(RangeError);
  });

  it("rounds to a neighbouring penny of the exact result (property)", () => {
    fc.assert(
      fc.property(everyday, fc.integer({ min: -20_000, max: 20_000 }), (amount, bp) => {
        const exactTimes10k = amount * BigInt(bp);
        const floor = multiplyByBasisPoints(amount, bp, "floor");
        const up = multiplyByBasisPoints(amount, bp, "half-up");
        const even = multiplyByBasisPoints(amount, bp, "half-even");

        const floorGap = exactTimes10k - floor * 10_000n;
        expect(floorGap >= 0n && floorGap < 10_000n).toBe(true);
        for (const rounded of [up, even]) {
          const gap = rounded * 10_000n - exactTimes10k;
          expect(gap >= -5_000n && gap <= 5_000n).toBe(true);
        }
        if ((exactTimes10k - floor * 10_000n) * 2n === 10_000n) {
          expect(even % 2n).toBe(0n);
          expect(up).toBe(exactTimes10k > 0n ? floor + 1n : floor);
        } else {
          expect(even).toBe(up);
        }
      }),
    );
  });
});

describe("allocatePence", () => {
  it("splits by largest remainder so the parts add up", () => {
    expect(allocatePence(pence(100), [1, 1, 1])).toEqual([34n, 33n, 33n]);
    expect(allocatePence(pence(1000), [5000, 3000, 2000])).toEqual([500n, 300n, 200n]);
    expect(allocatePence(pence(5), [3, 7])).toEqual([2n, 3n]); // 1.5 and 3.5: tie goes to the first
    expect(allocatePence(pence(10), [1, 0, 2])).toEqual([3n, 0n, 7n]);
    expect(allocatePence(pence(-100), [1, 1, 1])).toEqual([-34n, -33n, -33n]);
    expect(allocatePence(pence(0), [1, 2])).toEqual([0n, 0n]);
  });

  it("refuses weights it cannot split by", () => {
    expect(() => allocatePence(pence(100), [])).toThrow(RangeError);
    expect(() => allocatePence(pence(100), [0, 0])).toThrow(RangeError);
    expect(() => allocatePence(pence(100), [1, -1])).toThrow(RangeError);
    expect(() => allocatePence(pence(100), [0.5, 0.5])).toThrow(RangeError);
  });

  it("always adds up to the total, each part within a penny of its share (property)", () => {
    const weights = fc
      .array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 1, maxLength: 20 })
      .filter((ws) => ws.some((w) => w > 0n));
    fc.assert(
      fc.property(amounts, weights, (total, ws) => {
        const parts = allocatePence(total, ws);
        const totalWeight = ws.reduce((a, b) => a + b, 0n);
        expect(parts).toHaveLength(ws.length);
        expect(sumPence(parts)).toBe(total);
        parts.forEach((part, i) => {
          const weight = ws[i] ?? 0n;
          const scaledShare = total * weight; // the exact share is scaledShare / totalWeight
          const gap = part * totalWeight - scaledShare;
          expect(gap > -totalWeight && gap < totalWeight).toBe(true);
          if (weight === 0n) expect(part).toBe(0n);
        });
      }),
    );
  });
});
