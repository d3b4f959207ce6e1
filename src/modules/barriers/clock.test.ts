/** The barriers' clock at its edges: 20 working days from the London day logged, the end of the last day. */
import { describe, expect, it } from "vitest";
import { standingOf } from "./barriers.service.ts";
import { ANSWER_WORKING_DAYS, answerDueOn, answeredLate, isOverdue, noticeDue } from "./clock.ts";

describe("the answering period", () => {
  it("is 20 working days after the London day logged, skipping weekends and bank holidays", () => {
    expect(ANSWER_WORKING_DAYS).toBe(20);
    // Logged Monday 2 November 2026: four weeks of working days later is Monday 30 November.
    expect(answerDueOn(new Date("2026-11-02T12:00:00Z"), "england-and-wales")).toBe("2026-11-30");
    // Logged Friday 18 December 2026: Christmas Day, the Boxing Day holiday (Monday 28) and New
    // Year's Day are not working days, so it ends on Wednesday 20 January 2027, not Friday 15.
    expect(answerDueOn(new Date("2026-12-18T10:00:00Z"), "england-and-wales")).toBe("2027-01-20");
  });

  it("counts the London day logged: 23:30 UTC on 31 May is already 1 June in London", () => {
    expect(answerDueOn(new Date("2026-05-31T23:30:00Z"), "england-and-wales")).toBe(
      answerDueOn(new Date("2026-06-01T09:00:00Z"), "england-and-wales"),
    );
  });

  it("follows the authority's nation: St Andrew's Day is a holiday in Scotland only", () => {
    const logged = new Date("2026-11-20T10:00:00Z");
    expect(answerDueOn(logged, "england-and-wales")).toBe("2026-12-18");
    expect(answerDueOn(logged, "scotland")).toBe("2026-12-21");
  });
});

describe("overdue", () => {
  // 30 November 2026 is in GMT: the day ends at 00:00 UTC on 1 December.
  const due = "2026-11-30";
  const end = new Date("2026-12-01T00:00:00Z");
  const before = new Date(end.getTime() - 1);

  it("is not overdue until the last day is over, and is from its end", () => {
    expect(isOverdue(due, null, before)).toBe(false);
    expect(isOverdue(due, null, end)).toBe(true);
  });

  it("ends with an answer in substance, late or not", () => {
    expect(isOverdue(due, before, new Date("2027-01-01T00:00:00Z"))).toBe(false);
    expect(answeredLate(due, before)).toBe(false);
    expect(answeredLate(due, end)).toBe(true);
  });

  it("in summer the last day ends at 23:00 UTC", () => {
    expect(isOverdue("2026-07-01", null, new Date("2026-07-01T22:59:59.999Z"))).toBe(false);
    expect(isOverdue("2026-07-01", null, new Date("2026-07-01T23:00:00Z"))).toBe(true);
  });

  it("an acknowledgement leaves a barrier open, then overdue; other answers say where it stands", () => {
    const ack = { status: "acknowledged" as const, answer_due_on: due, first_answered_at: null };
    expect(standingOf(ack, before)).toBe("open");
    expect(standingOf(ack, end)).toBe("overdue");
    expect(standingOf({ ...ack, status: "accepted", first_answered_at: before }, end)).toBe("answered");
    expect(standingOf({ ...ack, status: "disputed", first_answered_at: before }, end)).toBe("disputed");
    expect(standingOf({ ...ack, status: "resolved", first_answered_at: end }, end)).toBe("resolved");
  });
});

describe("what the daily sweep tells the authority", () => {
  // Last day Monday 30 November 2026: reminded from Wednesday 25, overdue from Tuesday 1 December.
  const b = {
    answer_due_on: "2026-11-30",
    first_answered_at: null,
    reminded_on: null,
    overdue_told_on: null,
  };
  it("a reminder from 5 days before the last day to the last day, once", () => {
    expect(noticeDue(b, "2026-11-24")).toBeNull();
    expect(noticeDue(b, "2026-11-25")).toBe("reminder");
    expect(noticeDue(b, "2026-11-30")).toBe("reminder");
    expect(noticeDue({ ...b, reminded_on: "2026-11-25" }, "2026-11-30")).toBeNull();
  });
  it("the overdue notice from the day after, once, reminded or not; nothing once answered in substance", () => {
    expect(noticeDue(b, "2026-12-01")).toBe("overdue");
    expect(noticeDue({ ...b, reminded_on: "2026-11-25" }, "2026-12-01")).toBe("overdue");
    expect(noticeDue({ ...b, overdue_told_on: "2026-12-01" }, "2026-12-02")).toBeNull();
    expect(noticeDue({ ...b, first_answered_at: new Date("2026-11-26T10:00:00Z") }, "2026-11-27")).toBeNull();
  });
});
