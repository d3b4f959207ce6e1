/**
 * The public service mutual rule (Procurement Act 2023 s.33): each test on its own, its boundaries,
 * and — on the real database — that the database's computed `qualifies` column agrees with the rule
 * people are shown, for any evidence.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { systemCtx } from "../access/context.ts";
import { assessMutual, type MutualEvidence } from "./mutual.ts";
import { recordMutualEvidence } from "./mutual-evidence.service.ts";
import { PROFIT_MODELS } from "./organisations.table.ts";
import { recordOrganisation } from "./registration.service.ts";

const MUTUAL: MutualEvidence = {
  publicServicePurpose: "Community nursing for the NHS",
  lightTouchShareBp: 9000,
  profitModel: "not-for-profit",
  employeeOwnershipBp: 10000,
  employeeBoardSeats: 3,
  boardSeats: 7,
};

describe("the mutual rule", () => {
  it("accepts evidence meeting all three tests", () => {
    expect(assessMutual(MUTUAL)).toEqual({ qualifies: true, unmet: [] });
    expect(assessMutual({ ...MUTUAL, profitModel: "members-only" }).qualifies).toBe(true);
  });

  it("(a) needs a purpose and more than half of turnover from light touch services", () => {
    expect(assessMutual({ ...MUTUAL, publicServicePurpose: "  " }).unmet).toEqual(["public-service-purpose"]);
    expect(assessMutual({ ...MUTUAL, lightTouchShareBp: 5000 }).unmet).toEqual(["mainly-light-touch"]);
    expect(assessMutual({ ...MUTUAL, lightTouchShareBp: 5001 }).qualifies).toBe(true);
  });

  it("(b) refuses profits paid to others", () => {
    expect(assessMutual({ ...MUTUAL, profitModel: "other" }).unmet).toEqual(["profits"]);
  });

  it("(c) needs employee ownership of at least half, or a board majority", () => {
    const minority = { ...MUTUAL, employeeOwnershipBp: 4999, employeeBoardSeats: 3, boardSeats: 7 };
    expect(assessMutual(minority).unmet).toEqual(["employee-control"]);
    expect(assessMutual({ ...minority, employeeOwnershipBp: 5000 }).qualifies).toBe(true);
    expect(assessMutual({ ...minority, employeeBoardSeats: 4 }).qualifies).toBe(true);
    // Half the seats is not a majority.
    expect(assessMutual({ ...minority, employeeBoardSeats: 3, boardSeats: 6 }).qualifies).toBe(false);
  });

  it("names every test not met, in the order of s.33", () => {
    expect(
      assessMutual({
        publicServicePurpose: "",
        lightTouchShareBp: 0,
        profitModel: "other",
        employeeOwnershipBp: 0,
        employeeBoardSeats: 0,
        boardSeats: 1,
      }).unmet,
    ).toEqual(["public-service-purpose", "mainly-light-touch", "profits", "employee-control"]);
  });
});

describe("the database computes the same rule", () => {
  let t: TestDatabase;
  const clock = settableClock(new Date("2026-11-22T10:00:00Z"));
  const ORG = "019a0000-0000-7000-8000-0000000000f1";

  beforeAll(async () => {
    t = await createTestDatabase();
    await recordOrganisation(systemCtx(t.db, clock, "test"), {
      id: ORG,
      name: "Evidence Test Mutual",
      sector: "public-service-mutual",
      sizeBand: "small",
    });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it("agrees with assessMutual for any evidence (recordMutualEvidence checks both)", async () => {
    const evidence = fc.record({
      publicServicePurpose: fc.constantFrom("", " ", "Care at home"),
      lightTouchShareBp: fc.oneof(fc.integer({ min: 0, max: 10000 }), fc.constantFrom(4999, 5000, 5001)),
      profitModel: fc.constantFrom(...PROFIT_MODELS),
      employeeOwnershipBp: fc.oneof(fc.integer({ min: 0, max: 10000 }), fc.constantFrom(4999, 5000)),
      boardSeats: fc.integer({ min: 1, max: 12 }),
      employeeSeatsShare: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(evidence, async ({ employeeSeatsShare, ...e }) => {
        const input = { ...e, employeeBoardSeats: Math.floor(employeeSeatsShare * e.boardSeats) };
        if (input.publicServicePurpose.trim() === "") {
          // A blank purpose is refused as input; the rule still says it does not qualify.
          expect(assessMutual(input).qualifies).toBe(false);
          return;
        }
        const assessment = await recordMutualEvidence(systemCtx(t.db, clock, "test"), ORG, input);
        const row = await t.db
          .selectFrom("mutual_evidence")
          .select("qualifies")
          .where("organisation_id", "=", ORG)
          .executeTakeFirstOrThrow();
        expect(row.qualifies).toBe(assessMutual(input).qualifies);
        expect(assessment.qualifies).toBe(row.qualifies);
      }),
      { numRuns: 60 },
    );
  });
});
