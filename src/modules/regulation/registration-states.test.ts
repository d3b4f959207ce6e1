/** The registration state machine: every pair of states, allowed or not, against the lifecycle. */
import { describe, expect, it } from "vitest";
import { canMove, isCurrent, isInspectable } from "./registration-states.ts";
import { REGISTRATION_STATUSES, type RegistrationStatus } from "./regulation.table.ts";

const ALLOWED = new Set([
  "applied>registered",
  "applied>refused",
  "registered>dormant",
  "registered>suspended",
  "registered>cancelled",
  "dormant>registered",
  "dormant>cancelled",
  "suspended>registered",
  "suspended>cancelled",
]);

describe("the registration lifecycle", () => {
  it("allows exactly the lifecycle's moves, for all 36 pairs", () => {
    for (const from of REGISTRATION_STATUSES) {
      for (const to of REGISTRATION_STATUSES) {
        expect(canMove(from, to), `${from} → ${to}`).toBe(ALLOWED.has(`${from}>${to}`));
      }
    }
  });

  it("ends at cancelled and refused", () => {
    for (const end of ["cancelled", "refused"] as RegistrationStatus[])
      expect(REGISTRATION_STATUSES.filter((to) => canMove(end, to))).toEqual([]);
  });

  it("counts only a registered location as current, and inspects only those on the register", () => {
    expect(REGISTRATION_STATUSES.filter(isCurrent)).toEqual(["registered"]);
    expect(REGISTRATION_STATUSES.filter(isInspectable)).toEqual(["registered", "dormant", "suspended"]);
  });
});
