/** The prize's round clock at its edges, and the shortlist with ties (pure functions). */
import { describe, expect, it } from "vitest";
import { allowedActions, roundState, shortlistOf } from "./round-rules.ts";

const round = {
  nominations_open_on: "2027-03-01",
  nominations_close_on: "2027-03-31",
  shortlist_on: "2027-05-03",
  winners_on: "2027-06-01",
  shortlist_published_at: null,
  winners_published_at: null,
};

describe("a round's state on a day", () => {
  it("takes nominations from the opening day through the closing day, and judges from the day after", () => {
    expect(roundState(round, "2027-02-28")).toBe("upcoming");
    expect(roundState(round, "2027-03-01")).toBe("nominating");
    expect(roundState(round, "2027-03-31")).toBe("nominating");
    expect(roundState(round, "2027-04-01")).toBe("judging");
    expect([...allowedActions(round, "2027-03-31")]).toEqual(["nominate", "appoint-judge"]);
    expect(allowedActions(round, "2027-04-01").has("score")).toBe(true);
    expect(allowedActions(round, "2027-04-01").has("nominate")).toBe(false);
  });

  it("publishes the shortlist from its announced day, and the winners from theirs once shortlisted", () => {
    expect(allowedActions(round, "2027-05-02").has("publish-shortlist")).toBe(false);
    expect(allowedActions(round, "2027-05-03").has("publish-shortlist")).toBe(true);
    const shortlisted = { ...round, shortlist_published_at: new Date("2027-05-03T09:00:00Z") };
    expect(roundState(shortlisted, "2027-05-03")).toBe("shortlisted");
    expect(allowedActions(shortlisted, "2027-05-03").has("score")).toBe(false);
    expect(allowedActions(shortlisted, "2027-05-31").has("publish-winners")).toBe(false);
    expect([...allowedActions(shortlisted, "2027-06-01")]).toEqual(["publish-winners"]);
    const decided = { ...shortlisted, winners_published_at: new Date("2027-06-01T09:00:00Z") };
    expect(roundState(decided, "2027-06-01")).toBe("decided");
    expect(allowedActions(decided, "2027-06-01").size).toBe(0);
  });
});

describe("the shortlist", () => {
  it("keeps every nominee tied at the last place, by exact means, and leaves out the unscored", () => {
    const list = shortlistOf(
      [
        { nominationId: "a", total: 27, count: 3 }, // 9
        { nominationId: "b", total: 16, count: 2 }, // 8
        { nominationId: "c", total: 24, count: 3 }, // 8
        { nominationId: "d", total: 22, count: 3 }, // 7.33
        { nominationId: "e", total: 0, count: 0 },
      ],
      2,
    );
    expect(list).toEqual([
      { nominationId: "a", rank: 1, tied: false, mean: 900 },
      { nominationId: "b", rank: 2, tied: true, mean: 800 },
      { nominationId: "c", rank: 2, tied: true, mean: 800 },
    ]);
    expect(shortlistOf([{ nominationId: "a", total: 9, count: 1 }], 1)).toEqual([
      { nominationId: "a", rank: 1, tied: false, mean: 900 },
    ]);
    // Tied above the last place: the next takes the place after them (1, 1, 3), and is out of 2.
    expect(
      shortlistOf(
        [
          { nominationId: "x", total: 8, count: 1 },
          { nominationId: "y", total: 8, count: 1 },
          { nominationId: "z", total: 7, count: 1 },
        ],
        2,
      ).map((s) => s.nominationId),
    ).toEqual(["x", "y"]);
  });
});
