/**
 * The Mutuals Support Programme's rule "within 5 years of spin-out or still on its first contract",
 * as the mutuals module answers it for grants: at its edges (the fifth anniversary, to the day; one
 * contract, not ended). Pure: no database.
 */
import { describe, expect, it } from "vitest";
import { stillOnFirstContract, withinYearsOf } from "./grant-support.ts";

describe("within 5 years of spin-out", () => {
  it("holds on the fifth anniversary and not the day after", () => {
    expect(withinYearsOf("2021-11-22", "2026-11-21", 5)).toBe(true);
    expect(withinYearsOf("2021-11-22", "2026-11-22", 5)).toBe(true);
    expect(withinYearsOf("2021-11-22", "2026-11-23", 5)).toBe(false);
    // Spun out on 29 February: its fifth anniversary is the 28th in a common year; the 1st of March is after.
    expect(withinYearsOf("2024-02-29", "2029-02-28", 5)).toBe(true);
    expect(withinYearsOf("2024-02-29", "2029-03-01", 5)).toBe(false);
  });
});

describe("still on its first contract", () => {
  it("holds for one contract not ended, and not for none, two, or one ended", () => {
    expect(stillOnFirstContract([{ state: "active" }])).toBe(true);
    expect(stillOnFirstContract([{ state: "not-started" }])).toBe(true);
    expect(stillOnFirstContract([])).toBe(false);
    expect(stillOnFirstContract([{ state: "active" }, { state: "active" }])).toBe(false);
    expect(stillOnFirstContract([{ state: "ended" }])).toBe(false);
    expect(stillOnFirstContract([{ state: "terminated" }])).toBe(false);
  });
});
