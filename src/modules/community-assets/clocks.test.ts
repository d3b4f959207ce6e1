import { describe, expect, it } from "vitest";
import {
  appealBy,
  bidRequestInTime,
  decisionDue,
  disposalDates,
  disposalStanding,
  interimReminderDue,
  listingEnds,
  mayCompleteSale,
  monthsBeginningWith,
  noticesDueReminderOn,
  reviewDecisionDue,
  reviewRequestBy,
  weeksBeginningWith,
} from "./clocks.ts";

describe("periods beginning with a day", () => {
  it("counts the first day in: 8 weeks beginning with 1 March end on 25 April", () => {
    expect(weeksBeginningWith("2027-03-01", 8)).toBe("2027-04-25");
    expect(weeksBeginningWith("2027-03-01", 1)).toBe("2027-03-07");
  });

  it("ends a period of months the day before the same date: 6 months from 1 March end on 31 August", () => {
    expect(monthsBeginningWith("2027-03-01", 6)).toBe("2027-08-31");
    expect(monthsBeginningWith("2027-01-15", 1)).toBe("2027-02-14");
  });

  it("takes a month's last day for a date it lacks: 6 months from 31 August end on 27 February", () => {
    expect(monthsBeginningWith("2027-08-31", 6)).toBe("2028-02-28");
    expect(monthsBeginningWith("2026-08-31", 6)).toBe("2027-02-27");
  });
});

describe("a nomination and a listing", () => {
  it("is decided by the last day of the 8 weeks beginning with its receipt", () => {
    expect(decisionDue("2027-03-01")).toBe("2027-04-25");
    // Across the clocks going forward (28 March 2027): London dates, not instants.
    expect(decisionDue("2027-02-15")).toBe("2027-04-11");
  });

  it("stays listed for 5 years beginning with its entry, a leap day included", () => {
    expect(listingEnds("2027-03-01")).toBe("2032-02-29");
    expect(listingEnds("2027-06-10")).toBe("2032-06-09");
  });

  it("lets the owner ask for a review within 8 weeks of the notice of listing, and decides it within 8 weeks", () => {
    expect(reviewRequestBy("2027-05-03")).toBe("2027-06-27");
    expect(reviewDecisionDue("2027-06-27")).toBe("2027-08-21");
  });

  it("takes an appeal within 28 days of the day the review decision was sent", () => {
    expect(appealBy("2027-03-01")).toBe("2027-03-29");
    expect(appealBy("2027-02-01")).toBe("2027-03-01");
  });
});

describe("a notified sale", () => {
  const dates = disposalDates("2027-03-01");

  it("runs every period from the day the council received the notice", () => {
    expect(dates).toEqual({
      noticeOn: "2027-03-01",
      interimEnds: "2027-04-11",
      fullEnds: "2027-08-31",
      protectedEnds: "2028-08-31",
    });
  });

  it("counts a request to bid only within the interim moratorium, its last day included", () => {
    expect(bidRequestInTime(dates, "2027-02-28")).toBe(false);
    expect(bidRequestInTime(dates, "2027-03-01")).toBe(true);
    expect(bidRequestInTime(dates, "2027-04-11")).toBe(true);
    expect(bidRequestInTime(dates, "2027-04-12")).toBe(false);
  });

  it("is in the interim moratorium for 6 weeks, then protected when no group asked to bid", () => {
    expect(disposalStanding(dates, null, "2027-02-28")).toBe("not-started");
    expect(disposalStanding(dates, null, "2027-03-01")).toBe("interim");
    expect(disposalStanding(dates, null, "2027-04-11")).toBe("interim");
    expect(disposalStanding(dates, null, "2027-04-12")).toBe("protected");
  });

  it("is in the full moratorium for 6 months when a group asked in time, protected after", () => {
    expect(disposalStanding(dates, "2027-04-11", "2027-04-12")).toBe("full");
    expect(disposalStanding(dates, "2027-04-11", "2027-08-31")).toBe("full");
    expect(disposalStanding(dates, "2027-04-11", "2027-09-01")).toBe("protected");
  });

  it("ignores a request to bid made too late", () => {
    expect(disposalStanding(dates, "2027-04-12", "2027-04-12")).toBe("protected");
  });

  it("ends the protected period 18 months after the notice: a sale after it needs a new notice", () => {
    expect(disposalStanding(dates, null, "2028-08-31")).toBe("protected");
    expect(disposalStanding(dates, null, "2028-09-01")).toBe("ended");
    expect(mayCompleteSale("protected")).toBe(true);
    for (const standing of ["not-started", "interim", "full", "ended"] as const)
      expect(mayCompleteSale(standing)).toBe(false);
  });

  it("reminds the nominating group from 7 days before the interim moratorium's last day to that day", () => {
    expect(interimReminderDue("2027-03-01", "2027-04-03")).toBe(false);
    expect(interimReminderDue("2027-03-01", "2027-04-04")).toBe(true);
    expect(interimReminderDue("2027-03-01", "2027-04-11")).toBe(true);
    expect(interimReminderDue("2027-03-01", "2027-04-12")).toBe(false);
    // The sweep's search on a day finds exactly the notices whose reminder is due that day.
    expect(noticesDueReminderOn("2027-04-04")).toEqual({ from: "2027-02-22", to: "2027-03-01" });
    expect(noticesDueReminderOn("2027-04-11")).toEqual({ from: "2027-03-01", to: "2027-03-08" });
    expect(interimReminderDue("2027-02-21", "2027-04-04")).toBe(false);
    expect(interimReminderDue("2027-03-02", "2027-04-04")).toBe(false);
  });
});
