/** KPI reporting periods, report deadlines and the publication of ratings, as date arithmetic. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "../../lib/london-time.ts";
import { periodState, periodsOf, publicationDue, reportOverdueAfter } from "./periods.ts";

describe("periodsOf", () => {
  it("runs from the start in steps of the frequency, the last cut at the end", () => {
    expect(periodsOf("2027-01-31", "2027-05-15", 1)).toEqual([
      { number: 1, startsOn: "2027-01-31", endsOn: "2027-02-27" },
      { number: 2, startsOn: "2027-02-28", endsOn: "2027-03-30" },
      { number: 3, startsOn: "2027-03-31", endsOn: "2027-04-29" },
      { number: 4, startsOn: "2027-04-30", endsOn: "2027-05-15" },
    ]);
    expect(periodsOf("2027-04-01", "2030-03-31", 12).map((p) => p.endsOn)).toEqual([
      "2028-03-31",
      "2029-03-31",
      "2030-03-31",
    ]);
    expect(periodsOf("2027-04-01", "2027-03-31", 3)).toEqual([]);
  });

  it("tiles the contract with no gap and no overlap, for every start, end and frequency", () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDays("2026-01-01", n));
    fc.assert(
      fc.property(
        day,
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom(1, 3, 6, 12),
        (start, length, f) => {
          const end = addDays(start, length);
          const periods = periodsOf(start, end, f);
          expect(periods[0]?.startsOn).toBe(start);
          expect(periods.at(-1)?.endsOn).toBe(end);
          for (const [i, p] of periods.entries()) {
            expect(p.number).toBe(i + 1);
            expect(p.endsOn >= p.startsOn).toBe(true);
            const next = periods[i + 1];
            if (next) expect(next.startsOn).toBe(addDays(p.endsOn, 1));
          }
        },
      ),
    );
  });
});

describe("periodState", () => {
  const period = { endsOn: "2027-03-31" };
  it("is upcoming until the last day, due until 30 days after, then overdue", () => {
    expect(reportOverdueAfter(period)).toBe("2027-04-30");
    expect(periodState(period, "2027-03-30", false, false)).toBe("upcoming");
    expect(periodState(period, "2027-03-31", false, false)).toBe("due");
    expect(periodState(period, "2027-04-30", false, false)).toBe("due");
    expect(periodState(period, "2027-05-01", false, false)).toBe("overdue");
    expect(periodState(period, "2027-05-01", true, false)).toBe("reported");
    expect(periodState(period, "2027-05-01", true, true)).toBe("rated");
  });
});

describe("publicationDue", () => {
  const base = { startsOn: "2027-04-01", endsOn: "2030-03-31", allPeriodsRated: false };
  it("is 12 months after the last publication (or the start), overdue the day after", () => {
    expect(publicationDue({ ...base, lastPublishedOn: null, today: "2028-04-01" })).toEqual({
      dueOn: "2028-04-01",
      overdue: false,
      final: false,
    });
    expect(publicationDue({ ...base, lastPublishedOn: null, today: "2028-04-02" }).overdue).toBe(true);
    expect(publicationDue({ ...base, lastPublishedOn: "2028-02-10", today: "2028-04-02" })).toMatchObject({
      dueOn: "2029-02-10",
      overdue: false,
    });
  });

  it("is the final publication 60 days after the end, done when every period is rated", () => {
    expect(publicationDue({ ...base, lastPublishedOn: "2029-12-01", today: "2030-04-01" })).toEqual({
      dueOn: "2030-05-30",
      overdue: false,
      final: true,
    });
    expect(publicationDue({ ...base, lastPublishedOn: "2029-12-01", today: "2030-05-31" }).overdue).toBe(
      true,
    );
    expect(
      publicationDue({ ...base, lastPublishedOn: "2030-05-01", allPeriodsRated: true, today: "2030-05-31" }),
    ).toEqual({ dueOn: null, overdue: false, final: true });
  });
});
