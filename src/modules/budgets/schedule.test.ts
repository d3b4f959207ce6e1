/** The schedule's arithmetic: periods by calendar, amounts in whole pence that add up to the year exactly. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../lib/london-time.ts";
import {
  PERIODS_A_YEAR,
  periodOf,
  periodPence,
  periodStart,
  periodsStartedBy,
  yearlyPence,
} from "./schedule.ts";

describe("the schedule of payments in", () => {
  it("starts months on the first period's day, or the month's last day, never drifting", () => {
    expect([0, 1, 2, 3].map((k) => periodStart("2027-01-31", "monthly", k))).toEqual([
      "2027-01-31",
      "2027-02-28",
      "2027-03-31",
      "2027-04-30",
    ]);
    expect(periodOf("2027-01-04", "four-weekly", 1)).toEqual({
      startsOn: "2027-02-01",
      endsOn: "2027-02-28",
    });
  });

  it("counts the periods started by a day", () => {
    expect(periodsStartedBy("2027-01-31", "monthly", "2027-01-30")).toBe(0);
    expect(periodsStartedBy("2027-01-31", "monthly", "2027-01-31")).toBe(1);
    expect(periodsStartedBy("2027-01-31", "monthly", "2027-02-27")).toBe(1);
    expect(periodsStartedBy("2027-01-31", "monthly", "2027-02-28")).toBe(2);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.constantFrom("monthly" as const, "four-weekly" as const),
        (offset, days, cadence) => {
          const first = addDays("2026-01-01", offset);
          const today = addDays(first, days);
          const n = periodsStartedBy(first, cadence, today);
          expect(periodStart(first, cadence, n - 1) <= today).toBe(true);
          expect(periodStart(first, cadence, n) > today).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("pays a year's amount exactly over a year's periods, each within a penny of its share", () => {
    expect(periodPence(yearlyPence(12_345n, "week"), "four-weekly", 7)).toBe(49_380n);
    expect([0, 1, 2].map((k) => periodPence(52_000n, "monthly", k))).toEqual([4_333n, 4_333n, 4_334n]);
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.constantFrom("monthly" as const, "four-weekly" as const),
        fc.integer({ min: 0, max: 50 }),
        (yearly, cadence, year) => {
          const n = PERIODS_A_YEAR[cadence];
          const paid = Array.from({ length: n }, (_, i) => periodPence(yearly, cadence, year * n + i));
          expect(paid.reduce((s, p) => s + p, 0n)).toBe(yearly);
          for (const p of paid)
            expect(p * BigInt(n) - yearly < BigInt(n) && yearly - p * BigInt(n) < BigInt(n)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
