/** The review clocks at their edges: which clock gives the next review, and when it turns due and overdue. */
import { describe, expect, it } from "vitest";
import { addDays } from "../../lib/london-time.ts";
import { CLOCK_CODES, nextReview, REVIEW_CLOCKS, REVIEW_DUE_SOON_DAYS, reviewState } from "./clocks.ts";

const asc = {
  regime: "adult-social-care" as const,
  startedOn: "2026-01-15",
  lastReviewOn: null,
  openConcernOn: null,
};

describe("the review clocks", () => {
  it("each have a source and a reason in English and Welsh", () => {
    expect(REVIEW_CLOCKS.map((c) => c.code)).toEqual([...CLOCK_CODES]);
    for (const c of REVIEW_CLOCKS)
      for (const text of [c.source, c.reason]) expect(text.en && text.cy).toBeTruthy();
  });

  it("review a plan 12 months on, then 12 months after each review", () => {
    expect(nextReview({ ...asc, directPaymentFrom: null })).toEqual({
      on: "2027-01-15",
      clock: "adult-social-care.plan",
    });
    expect(nextReview({ ...asc, directPaymentFrom: null, lastReviewOn: "2026-11-02" })).toEqual({
      on: "2027-11-02",
      clock: "adult-social-care.plan",
    });
  });

  it("review an adult's direct payment within 6 months of its start, then every 12 months", () => {
    expect(nextReview({ ...asc, directPaymentFrom: "2026-03-01" })).toEqual({
      on: "2026-09-01",
      clock: "adult-social-care.direct-payment",
    });
    // A review before the direct payment began does not answer its first review.
    expect(nextReview({ ...asc, directPaymentFrom: "2026-03-01", lastReviewOn: "2026-02-20" }).on).toBe(
      "2026-09-01",
    );
    expect(nextReview({ ...asc, directPaymentFrom: "2026-03-01", lastReviewOn: "2026-08-20" })).toEqual({
      on: "2027-08-20",
      clock: "adult-social-care.direct-payment",
    });
  });

  it("review a special educational needs direct payment within 3 months, then every year", () => {
    const sen = { ...asc, regime: "sen" as const, directPaymentFrom: "2026-08-31" };
    // 31 August + 3 months: the end of November.
    expect(nextReview(sen)).toEqual({ on: "2026-11-30", clock: "sen.direct-payment" });
    expect(nextReview({ ...sen, lastReviewOn: "2026-11-20" }).on).toBe("2027-11-20");
  });

  it("make a review due 28 days after a concern, sooner than any other clock", () => {
    expect(nextReview({ ...asc, directPaymentFrom: "2026-03-01", openConcernOn: "2026-04-10" })).toEqual({
      on: "2026-05-08",
      clock: "concern",
    });
  });

  it("show a review as due from 28 days before its day, on its day, and overdue the day after", () => {
    const due = "2027-01-15";
    expect(reviewState(due, addDays(due, -REVIEW_DUE_SOON_DAYS - 1))).toBe("later");
    expect(reviewState(due, addDays(due, -REVIEW_DUE_SOON_DAYS))).toBe("due");
    expect(reviewState(due, addDays(due, -1))).toBe("due");
    expect(reviewState(due, due)).toBe("due");
    expect(reviewState(due, addDays(due, 1))).toBe("overdue");
  });
});
