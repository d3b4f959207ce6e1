/** The change from the previous period and the period arithmetic, on hand-made examples. */
import { describe, expect, it } from "vitest";
import { change, meanHundredths } from "./change.ts";
import { parsePeriod, previousPeriod } from "./period.ts";

describe("the change from the previous period", () => {
  it("gives the difference and the percentage, rounded half away from zero", () => {
    expect(change(12n, 8n)).toEqual({ comparable: true, difference: 4n, percentBp: 5000n });
    expect(change(5n, 8n)).toEqual({ comparable: true, difference: -3n, percentBp: -3750n });
    // 1/3 = 33.33…%; 2/3 = 66.67%; -1/6 = -16.67%
    expect(change(4n, 3n)).toEqual({ comparable: true, difference: 1n, percentBp: 3333n });
    expect(change(5n, 3n)).toEqual({ comparable: true, difference: 2n, percentBp: 6667n });
    expect(change(5n, 6n)).toEqual({ comparable: true, difference: -1n, percentBp: -1667n });
    // Half a basis point: 1/20,000 rounds away from zero.
    expect(change(20_001n, 20_000n).comparable && change(20_001n, 20_000n)).toMatchObject({ percentBp: 1n });
    expect(change(7n, 7n)).toEqual({ comparable: true, difference: 0n, percentBp: 0n });
  });

  it("gives no percentage from none, and nothing when the previous period cannot be compared", () => {
    expect(change(3n, 0n)).toEqual({ comparable: true, difference: 3n, percentBp: null });
    expect(change(3n, null)).toEqual({ comparable: false });
  });

  it("works out a mean in hundredths", () => {
    expect(meanHundredths(7n, 3n)).toBe(233n);
    expect(meanHundredths(5n, 2n)).toBe(250n);
    expect(meanHundredths(5n, 0n)).toBeNull();
  });
});

describe("periods", () => {
  it("reads a financial year and a quarter, and knows the one before of the same length", () => {
    const year = parsePeriod("2026-27");
    expect(year).toMatchObject({ kind: "year", firstMonth: "2026-04-01", lastMonth: "2027-03-01" });
    // Midnight in London: BST on 1 April.
    expect(year?.from.toISOString()).toBe("2026-03-31T23:00:00.000Z");
    expect(year?.to.toISOString()).toBe("2027-03-31T23:00:00.000Z");
    expect(previousPeriod(year as NonNullable<typeof year>).code).toBe("2025-26");
    const q3 = parsePeriod("2026-q3");
    expect(q3).toMatchObject({ code: "2026-Q3", firstMonth: "2026-10-01", lastMonth: "2026-12-01" });
    expect(q3?.to.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    const q1 = parsePeriod("2026-Q1");
    expect(previousPeriod(q1 as NonNullable<typeof q1>)).toMatchObject({
      code: "2025-Q4",
      firstMonth: "2026-01-01",
      lastMonth: "2026-03-01",
    });
  });

  it("refuses what is not a period", () => {
    for (const text of ["2026", "2026-28", "2026-Q5", "26-27", "2026-27x", "1999-00", ""])
      expect(parsePeriod(text)).toBeNull();
  });
});
