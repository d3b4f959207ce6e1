/**
 * A programme's eligibility rules, judged by the pure function: each rule failed is named, an
 * any-of names the failures of its alternatives, the age is counted in whole years to the day, and
 * rules sent as data are checked before they are kept.
 */
import { describe, expect, it } from "vitest";
import { checkRules, type EligibilityRule, eligibilityFailures, wholeYearsBetween } from "./eligibility.ts";

const MSP: EligibilityRule[] = [
  { kind: "sector-in", sectors: ["public-service-mutual", "co-operative"] },
  {
    kind: "any-of",
    rules: [
      { kind: "age-at-most", years: 5 },
      {
        kind: "fact",
        fact: "mutuals.first-contract",
        label: "the organisation is still on its first contract",
      },
    ],
  },
];
const mutual = { sector: "public-service-mutual", startedOn: "2022-04-01", facts: {} };

describe("eligibility", () => {
  it("passes a mutual within five years of spin-out, to the day", () => {
    expect(eligibilityFailures(MSP, mutual, "2027-04-01")).toEqual([]);
  });

  it("names the alternatives failed the day after the fifth anniversary, unless the fact holds", () => {
    const failed = eligibilityFailures(MSP, mutual, "2027-04-02");
    expect(failed.map((f) => [f.rule, f.code])).toEqual([["2", "none-of"]]);
    expect(failed[0]?.within?.map((f) => [f.rule, f.code])).toEqual([
      ["2.1", "too-old"],
      ["2.2", "fact-unknown"],
    ]);
    expect(failed[0]?.within?.[0]?.message).toBe(
      "The programme is for organisations that began at most 5 years ago; this one began on 2022-04-01",
    );
    const onFirst = { ...mutual, facts: { "mutuals.first-contract": true } };
    expect(eligibilityFailures(MSP, onFirst, "2030-01-01")).toEqual([]);
    const notFirst = { ...mutual, facts: { "mutuals.first-contract": false } };
    expect(eligibilityFailures(MSP, notFirst, "2030-01-01")[0]?.within?.[1]?.code).toBe("fact-false");
  });

  it("names every rule failed: the sector, and a start the directory does not know", () => {
    const failed = eligibilityFailures(MSP, { sector: "sme", startedOn: null, facts: {} }, "2027-01-01");
    expect(failed.map((f) => f.code)).toEqual(["sector", "none-of"]);
    expect(failed[0]?.message).toBe(
      "The programme is for organisations of these sectors only: public-service-mutual, co-operative",
    );
    expect(failed[1]?.within?.[0]?.code).toBe("start-unknown");
  });

  it("counts whole years as a birthday does", () => {
    expect(wholeYearsBetween("2020-02-29", "2021-02-28")).toBe(0);
    expect(wholeYearsBetween("2020-02-29", "2021-03-01")).toBe(1);
    expect(wholeYearsBetween("2020-06-15", "2025-06-15")).toBe(5);
  });

  it("checks rules sent as data, naming each one at fault", () => {
    expect(checkRules(MSP, ["public-service-mutual", "co-operative"])).toEqual({ rules: MSP });
    const bad = checkRules(
      [
        { kind: "sector-in", sectors: ["pirates"] },
        { kind: "age-at-most", years: -1 },
        { kind: "any-of", rules: [] },
        { kind: "vibes" },
      ],
      ["charity"],
    );
    expect(bad).toEqual({
      problems: [
        "Rule 1: list one or more of the directory's sectors",
        "Rule 2: give the most years as a whole number from 0 to 200",
        "Rule 3: an any-of holds two or more rules, and is not inside another",
        "Rule 4: the kind is one of sector-in, age-at-most, fact or any-of",
      ],
    });
  });
});
