/**
 * The demo payment by results (src/seed/demo/results.ts), read through the module's services as the
 * demo's people would: the Work Programme's runs paid month by month with the latest waiting for its
 * second approval, the duplicate refused, the audit's recovery taken, performance above and below
 * the minimum; the social impact bond's first cohort paid and the second still measured.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DEMO_SEEDED_AT, type TestDatabase } from "../../../tests/support/test-db.ts";
import { fixedClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_RESULTS } from "../../seed/demo/results.ts";
import { DEMO_ORGANISATION, DEMO_USERS } from "../../seed/demo/users.ts";
import type { Principal } from "../access/access.service.ts";
import type { Ctx } from "../access/context.ts";
import { auditsOf } from "./audits.service.ts";
import { contractClaims, providerOutcomeContracts } from "./outcome-contracts.service.ts";
import { contractPerformance } from "./performance.service.ts";
import { listRuns } from "./runs.service.ts";

const clock = fixedClock(DEMO_SEEDED_AT);
let t: TestDatabase;

const person = (role: string, scopeType: "authority" | "organisation", scopeId: string): Principal => ({
  userId: DEMO_USERS.find((u) => u.role === role && u.scopeId === scopeId)?.id as string,
  displayName: "",
  grants: [{ role: role as Principal["grants"][number]["role"], scopeType, scopeId }],
  via: "session",
  twoFactor: true,
});
const ctxOf = (principal: Principal): Ctx => ({ db: t.db, clock, principal });
const dws = DEMO_AUTHORITY.department;
const county = DEMO_AUTHORITY.county;

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
}, 180_000);

afterAll(async () => {
  await t.destroy();
});

describe("the demo Work Programme", () => {
  const dev = () => ctxOf(person("commissioner", "authority", dws));

  it("pays every past month, the latest waiting for its second approval, the audit's recovery taken", async () => {
    const { runs } = await listRuns(dev(), dws, DEMO_RESULTS.workProgramme);
    expect(runs).toHaveLength(9);
    const [latest, ...paid] = runs;
    expect(latest).toMatchObject({ status: "computed", approvals: [{}] });
    expect(BigInt(latest?.paymentPence ?? 0)).toBeGreaterThan(300_000n);
    expect(paid.every((r) => r.status === "paid")).toBe(true);
    const { rows: audits } = await auditsOf(dev(), dws, DEMO_RESULTS.workProgramme);
    expect(audits).toHaveLength(1);
    const [audit] = audits;
    expect(audit?.status).toBe("concluded");
    const recovery = BigInt(audit?.recovery_pence ?? 0);
    expect(recovery).toBeGreaterThan(0n);
    // The run after the audited month (runs are listed latest first) takes it from its claims.
    const after = runs.filter((r) => r.periodStart > (audit?.period_start ?? "")).at(-1);
    expect(BigInt(after?.recoveredPence ?? -1)).toBe(recovery);
  });

  it("refuses the later attachment of the person referred to both providers", async () => {
    const refused = await contractClaims(dev(), dws, DEMO_RESULTS.workProgrammeNationwide, { refused: true });
    expect(refused.claims.map((c) => [c.participant, c.rule, c.problems[0]])).toEqual([
      [DEMO_RESULTS.twin, "attachment", "duplicate-participant"],
    ]);
  });

  it("shows months above and below the minimum performance level, and the provider its contract", async () => {
    const performance = await contractPerformance(dev(), dws, DEMO_RESULTS.workProgramme);
    const complete = performance.months.filter((m) => m.complete);
    expect(complete.some((m) => m.below)).toBe(true);
    expect(complete.some((m) => !m.below)).toBe(true);
    const olu = ctxOf(person("organisation-admin", "organisation", DEMO_ORGANISATION));
    const { contracts } = await providerOutcomeContracts(olu, DEMO_ORGANISATION);
    expect(contracts.map((c) => c.reference)).toContain("WP-CPA-07");
  });
});

describe("the demo social impact bond", () => {
  it("paid cohort 1 alone (a fall of at least 10%) and nothing yet for cohort 2", async () => {
    const priya = ctxOf(person("commissioner", "authority", county));
    const { runs } = await listRuns(priya, county, DEMO_RESULTS.socialImpactBond);
    expect(runs.map((r) => [r.status, r.paymentPence])).toEqual([["paid", "1800000"]]);
    const { claims } = await contractClaims(priya, county, DEMO_RESULTS.socialImpactBond, {});
    expect(claims.map((c) => [c.rule, c.metric, c.amountPence])).toEqual([["cohort", "1", 1_800_000n]]);
  });
});
