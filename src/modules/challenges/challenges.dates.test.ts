/**
 * The date arithmetic behind decision dates and procurement windows, checked as properties
 * (fast-check): adding days is exact across month ends, leap years and the clocks changing, and a
 * procurement window's state follows the clock in order — not yet, open, missed — until it starts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../lib/clock.ts";
import { addDays, londonDate } from "../../lib/london-time.ts";
import { procurementWindow } from "../projects/projects.service.ts";
import { isOverdue } from "./challenges.service.ts";

const isoDate = fc
  .date({ min: new Date("2012-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe("adding days", () => {
  it("knows month ends, leap years and the clocks changing", () => {
    expect(addDays("2027-01-31", 1)).toBe("2027-02-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-11-22", 60)).toBe("2027-01-21");
    expect(addDays("2027-03-27", 2)).toBe("2027-03-29");
    expect(londonDate(new Date("2027-06-30T23:30:00Z"))).toBe("2027-07-01");
  });

  it("is undone by subtracting, and adds up", () => {
    fc.assert(
      fc.property(
        isoDate,
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        (d, a, b) => {
          expect(addDays(addDays(d, a), -a)).toBe(d);
          expect(addDays(addDays(d, a), b)).toBe(addDays(d, a + b));
        },
      ),
    );
  });
});

describe("overdue decisions", () => {
  it("are overdue only after the due date, and only while undecided", () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -400, max: 400 }), (due, offset) => {
        const today = addDays(due, offset);
        expect(isOverdue({ status: "submitted", decision_due: due }, today)).toBe(offset > 0);
        expect(isOverdue({ status: "considered", decision_due: due }, today)).toBe(offset > 0);
        expect(isOverdue({ status: "accepted", decision_due: due }, today)).toBe(false);
        expect(isOverdue({ status: "withdrawn", decision_due: due }, today)).toBe(false);
      }),
    );
  });
});

describe("the procurement window", () => {
  it("goes not yet → open → missed as the clock moves, and started once recorded", () => {
    fc.assert(
      fc.property(
        isoDate,
        fc.integer({ min: 0, max: 365 }),
        fc.integer({ min: -400, max: 800 }),
        (earliest, length, offset) => {
          const latest = addDays(earliest, length);
          const today = addDays(earliest, offset);
          const clock = fixedClock(new Date(`${today}T12:00:00Z`));
          const window = { procurement_earliest: earliest, procurement_latest: latest };
          const state = procurementWindow({ ...window, procurement_started_on: null }, clock)?.state;
          expect(state).toBe(today < earliest ? "not-yet" : today > latest ? "missed" : "open");
          const started = procurementWindow({ ...window, procurement_started_on: today }, clock)?.state;
          expect(started).toBe(today > latest ? "started-late" : "started");
        },
      ),
    );
  });
});
