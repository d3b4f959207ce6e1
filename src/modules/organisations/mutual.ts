/**
 * When OpenPS shows an organisation as a public service mutual (Procurement Act 2023, s.33; DOMAIN.md
 * §2 and §7). The claim is shown, and counted, only where recorded evidence meets all three tests:
 *
 * (a) it operates to deliver public services, mainly light touch services: a public-service purpose
 *     is stated, and more than half of its turnover (over 5,000 basis points) comes from light touch
 *     services;
 * (b) it is not-for-profit, or distributes profits only to its members;
 * (c) it is under the management and control of its employees: employees own at least half of it
 *     (5,000 basis points or more), or hold a majority of the seats on its board (more than half).
 *
 * The database computes the same test into `mutual_evidence.qualifies` (a generated column, see the
 * directory migration), so a count of mutuals can never be typed in; this module explains the
 * outcome to people, condition by condition. A test proves the two agree.
 *
 * s.33's further condition — no comparable reserved contract with the same authority in the last
 * 3 years — belongs to a particular award and is checked when a contract is reserved, not here.
 */
import type { ProfitModel } from "./organisations.table.ts";

/** "Mainly" light touch: strictly more than this share of turnover, in basis points. */
export const LIGHT_TOUCH_MAJORITY_BP = 5000;
/** Employee ownership that gives control: at least this share, in basis points. */
export const EMPLOYEE_CONTROL_BP = 5000;

export interface MutualEvidence {
  publicServicePurpose: string;
  lightTouchShareBp: number;
  profitModel: ProfitModel;
  employeeOwnershipBp: number;
  employeeBoardSeats: number;
  boardSeats: number;
}

export type MutualCondition =
  | "public-service-purpose"
  | "mainly-light-touch"
  | "profits"
  | "employee-control";

export interface MutualAssessment {
  qualifies: boolean;
  /** Each test not met, in the order of s.33. */
  unmet: MutualCondition[];
}

export function employeeBoardMajority(evidence: Pick<MutualEvidence, "employeeBoardSeats" | "boardSeats">) {
  return evidence.boardSeats > 0 && evidence.employeeBoardSeats * 2 > evidence.boardSeats;
}

export function assessMutual(evidence: MutualEvidence): MutualAssessment {
  const unmet: MutualCondition[] = [];
  if (evidence.publicServicePurpose.trim() === "") unmet.push("public-service-purpose");
  if (!(evidence.lightTouchShareBp > LIGHT_TOUCH_MAJORITY_BP)) unmet.push("mainly-light-touch");
  if (evidence.profitModel !== "not-for-profit" && evidence.profitModel !== "members-only")
    unmet.push("profits");
  if (!(evidence.employeeOwnershipBp >= EMPLOYEE_CONTROL_BP || employeeBoardMajority(evidence)))
    unmet.push("employee-control");
  return { qualifies: unmet.length === 0, unmet };
}
