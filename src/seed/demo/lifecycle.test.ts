/**
 * The demo reaches every stage (issue 14, item 5): the demo commissioner — with the roles a real
 * authority gives a commissioning lead (src/seed/demo/users.ts) — takes the county's work from a new
 * tender to a rated KPI report through the JSON API, as the demo accounts are granted: set-up and
 * publishing, a bidder's question answered, the opening with the authority administrator as the
 * second of the two people it needs, the compliance check, an evaluator assigned, moderation, the
 * ranking, the award, a contract entered from the demo award awaiting one, and a KPI report rated.
 * What an evaluator and a supplier do is theirs (the demo evaluator scores).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../../../tests/support/api.ts";
import { createTestApp, type TestApp } from "../../../tests/support/app.ts";
import { sessionFor, type TestSession } from "../../../tests/support/auth.ts";
import { mainText } from "../../../tests/support/pages.ts";
import { DEMO_SEEDED_AT } from "../../../tests/support/test-db.ts";
import { fixedClock } from "../../lib/clock.ts";
import { NATIONS, standstillEnds } from "../../lib/working-days.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { secondApprovalOf } from "../../modules/results/approval-amounts.service.ts";
import { auditsOf } from "../../modules/results/audits.service.ts";
import { contractClaims, providerOutcomeContracts } from "../../modules/results/outcome-contracts.service.ts";
import { contractPerformance } from "../../modules/results/performance.service.ts";
import { listRuns, runDetail } from "../../modules/results/runs.service.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_CONTRACTS } from "./contracts.ts";
import { DEMO_AWAITING_CONTRACT_DAYS, DEMO_AWARD, DEMO_EVALUATOR } from "./evaluation.ts";
import { DEMO_PROJECT } from "./projects.ts";
import { DEMO_RESULTS } from "./results.ts";
import { DEMO_TENDER } from "./tenders.ts";
import { DEMO_ORGANISATION, DEMO_USERS } from "./users.ts";

const COUNTY = DEMO_AUTHORITY.county;
const api = `/api/v1/authorities/${COUNTY}`;
const userOf = (role: string) => DEMO_USERS.find((u) => u.role === role)?.id as string;

let t: TestApp;
let commissioner: TestSession;
let administrator: TestSession;
let evaluator: TestSession;

beforeAll(async () => {
  t = await createTestApp({ seeded: true });
  commissioner = await sessionFor(t.app, userOf("commissioner"), { twoFactor: true });
  administrator = await sessionFor(t.app, userOf("authority-admin"), { twoFactor: true });
  evaluator = await sessionFor(t.app, DEMO_EVALUATOR, { twoFactor: true });
});

afterAll(async () => {
  await t?.close();
});

describe("the demo commissioner", () => {
  it("sets up and publishes a tender", async () => {
    const created = await call(t.app, "POST", `${api}/tenders`, commissioner, {
      projectId: DEMO_PROJECT.countyHomeCare,
      title: "Home care in the Wesford villages",
      description: "Personal care at home for older people in the villages around Wesford.",
      procedure: "open",
      pricingMode: "competitive",
      contractTermMonths: 36,
      vatTreatment: "exempt",
      clarificationDeadline: "2027-01-08T12:00:00Z",
      submissionDeadline: "2027-01-15T12:00:00Z",
      conditions: ["Registered with the Care Quality Commission"],
      criteria: [
        { kind: "quality", title: "Quality", weightBp: 7000 },
        { kind: "price", title: "Price", weightBp: 3000 },
      ],
    });
    expect(created.statusCode).toBe(201);
    const published = await call(t.app, "POST", `${api}/tenders/${created.json().id}/publish`, commissioner);
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ state: "open" });
  });

  it("answers a bidder's question", async () => {
    const questions = `${api}/tenders/${DEMO_TENDER.open}/questions`;
    const waiting = (await call(t.app, "GET", questions, commissioner))
      .json()
      .questions.find((q: { answer: string | null }) => q.answer === null);
    expect(waiting).toBeDefined();
    const answered = await call(t.app, "POST", `${questions}/${waiting.id}/answer`, commissioner, {
      answer: "A bid must cover the whole area; subcontract the villages south of the river if you need to.",
    });
    expect(answered.statusCode).toBe(200);
  });

  describe("with the closed demo tender", () => {
    const tender = `${api}/tenders/${DEMO_TENDER.closed}`;
    let bids: string[] = [];
    let criteria: string[] = [];

    it("opens its bids, the authority administrator being the second of the two people it needs", async () => {
      const first = await call(t.app, "POST", `${tender}/opening`, commissioner);
      expect(first.json()).toMatchObject({ state: "awaiting-second-opener" });
      const second = await call(t.app, "POST", `${tender}/opening`, administrator);
      expect(second.json()).toMatchObject({ state: "opened", bidsOpened: 3, broken: 0 });
    });

    it("checks each bid's compliance and starts evaluation", async () => {
      const check = await call(t.app, "GET", `${tender}/compliance`, commissioner);
      expect(check.statusCode).toBe(200);
      bids = check.json().bids.map((b: { bidId: string }) => b.bidId);
      const conditions = check.json().conditions.map((c: { position: number }) => ({
        position: c.position,
        met: true,
      }));
      for (const bid of bids) {
        const decided = await call(t.app, "PUT", `${tender}/compliance/bids/${bid}`, commissioner, {
          conditions,
          outcome: "compliant",
        });
        expect(decided.statusCode).toBe(200);
      }
      expect((await call(t.app, "POST", `${tender}/evaluation`, commissioner, {})).statusCode).toBe(201);
    });

    it("assigns the demo evaluator, who declares and scores", async () => {
      expect(
        (await call(t.app, "POST", `${tender}/evaluators`, commissioner, { userId: DEMO_EVALUATOR }))
          .statusCode,
      ).toBe(204);
      expect(
        (await call(t.app, "PUT", `${tender}/evaluation/declaration`, evaluator, { conflict: false }))
          .statusCode,
      ).toBe(200);
      const overview = (await call(t.app, "GET", `${tender}/evaluation`, evaluator)).json();
      criteria = overview.criteria
        .filter((c: { kind: string }) => c.kind !== "price")
        .map((c: { id: string }) => c.id);
      for (const [i, bid] of bids.entries()) {
        const scored = await call(t.app, "PUT", `${tender}/evaluation/bids/${bid}/scores`, evaluator, {
          scores: criteria.map((criterionId) => ({ criterionId, score: 8 - i, reason: "As evidenced" })),
        });
        expect(scored.statusCode).toBe(200);
      }
      expect((await call(t.app, "POST", `${tender}/evaluation/submission`, evaluator)).statusCode).toBe(201);
    });

    it("moderates every bid, reads the ranking and awards the tender", async () => {
      expect((await call(t.app, "GET", `${tender}/moderation`, commissioner)).statusCode).toBe(200);
      for (const [i, bid] of bids.entries()) {
        const moderated = await call(t.app, "PUT", `${tender}/moderation/bids/${bid}`, commissioner, {
          scores: criteria.map((criterionId) => ({ criterionId, score: 8 - i, reason: "Agreed" })),
        });
        expect(moderated.statusCode).toBe(200);
      }
      const ranking = await call(t.app, "GET", `${tender}/ranking`, commissioner);
      expect(ranking.statusCode).toBe(200);
      expect(ranking.json().bids.map((b: { rank: number }) => b.rank)).toEqual([1, 2, 3]);
      const award = await call(t.app, "POST", `${tender}/award`, commissioner, {});
      expect(award.statusCode).toBe(201);
      expect(new Date(award.json().standstillEndsAt).getTime()).toBeGreaterThan(t.deps.clock.now().getTime());
    });
  });

  it("finds the demo award past its standstill ready for a contract, on the hub too, and enters it", async () => {
    const ready = await call(t.app, "GET", `${api}/contracts/ready`, commissioner);
    expect(ready.json().awards.map((a: { id: string }) => a.id)).toContain(DEMO_AWARD.awaitingContract);
    const hub = await call(t.app, "GET", "/authorities/westshire-county-council", commissioner);
    expect(mainText(hub.body)).toMatch(/\b[1-9]\d* awards? ready for a contract/);
    const entered = await call(t.app, "POST", `${api}/contracts`, commissioner, {
      awardId: DEMO_AWARD.awaitingContract,
      title: "Live-in care across Westshire",
      startsOn: "2027-01-01",
      endsOn: "2029-12-31",
      paymentMechanism: "fee-per-service",
      kpis: [
        {
          name: "Carers in place",
          measure: "Days with a live-in carer in place, of days planned",
          target: "99%",
          frequencyMonths: 3,
        },
      ],
    });
    expect(entered.statusCode).toBe(201);
    expect(entered.json()).toMatchObject({ awardId: DEMO_AWARD.awaitingContract });
  });

  it("rates a KPI report awaiting its rating", async () => {
    const contract = `${api}/contracts/${DEMO_CONTRACTS[0]}`;
    const view = (await call(t.app, "GET", contract, commissioner)).json();
    const awaiting = view.kpis.flatMap(
      (kpi: { position: number; periods: { number: number; state: string }[] }) =>
        kpi.periods
          .filter((p) => p.state === "reported")
          .map((p) => ({ kpi: kpi.position, period: p.number })),
    )[0];
    expect(awaiting).toBeDefined();
    const rated = await call(
      t.app,
      "POST",
      `${contract}/kpis/${awaiting.kpi}/periods/${awaiting.period}/rating`,
      commissioner,
      { rating: "approaching-target", comment: "Close to target and improving." },
    );
    expect(rated.statusCode).toBe(201);
  });
});

describe("the demo award awaiting its contract", () => {
  it("was made long enough before the seeding for any standstill to be over, in every nation, any year", () => {
    // Each day's first instant in London (the longest standstill from that day), 2026 to 2045.
    const longest = Math.max(
      ...NATIONS.flatMap((nation) =>
        Array.from({ length: 20 * 366 }, (_, day) => {
          const from = new Date(Date.UTC(2026, 0, 1) + day * 86_400_000);
          return standstillEnds(from, nation).getTime() - from.getTime();
        }),
      ),
    );
    expect(longest / 86_400_000).toBeLessThan(DEMO_AWAITING_CONTRACT_DAYS);
  });
});

// Payment by results (results.ts), read through the module's services as the demo's people would: the
// Work Programme's runs paid month by month with the latest waiting for its second approval, the
// duplicate refused, the audit's recovery taken, performance above and below the minimum; the social
// impact bond's first cohort paid and the second still measured.
const person = (role: string, scopeType: "authority" | "organisation", scopeId: string): Principal => ({
  userId: DEMO_USERS.find((u) => u.role === role && u.scopeId === scopeId)?.id as string,
  displayName: "",
  grants: [{ role: role as Principal["grants"][number]["role"], scopeType, scopeId }],
  via: "session",
  twoFactor: true,
});
const ctxOf = (principal: Principal): Ctx => ({
  db: t.database.db,
  clock: fixedClock(DEMO_SEEDED_AT),
  principal,
});
const dws = DEMO_AUTHORITY.department;

describe("the demo Work Programme", () => {
  const dev = () => ctxOf(person("commissioner", "authority", dws));

  it("pays every past month, the latest waiting for its second approval, the audit's recovery taken", async () => {
    const { runs } = await listRuns(dev(), dws, DEMO_RESULTS.workProgramme);
    expect(runs).toHaveLength(9);
    const [latest, ...paid] = runs;
    // Above the contract's £1,000.00: the seed refuses to make a demo where it is not.
    expect(latest).toMatchObject({
      id: DEMO_RESULTS.waitingRun,
      status: "computed",
      approvalsNeeded: 2,
      approvals: [{}],
    });
    expect(BigInt(latest?.paymentPence ?? 0)).toBeGreaterThan(100_000n);
    expect(paid.every((r) => r.status === "paid")).toBe(true);
    const { rows: audits } = await auditsOf(dev(), dws, DEMO_RESULTS.workProgramme);
    expect(audits).toHaveLength(1);
    const [audit] = audits;
    expect(audit).toMatchObject({ id: DEMO_RESULTS.audit, status: "concluded" });
    expect(runs.find((r) => r.periodStart === audit?.period_start)?.id).toBe(DEMO_RESULTS.auditedRun);
    const recovery = BigInt(audit?.recovery_pence ?? 0);
    expect(recovery).toBeGreaterThan(0n);
    // The run after the audited month (runs are listed latest first) takes it from its claims.
    const after = runs.filter((r) => r.periodStart > (audit?.period_start ?? "")).at(-1);
    expect(after?.id).toBe(DEMO_RESULTS.recoveringRun);
    expect(BigInt(after?.recoveredPence ?? -1)).toBe(recovery);
  });

  it("has the department's ceiling, and a raise of WP-CPA-08's amount waiting for a second person", async () => {
    const view = await secondApprovalOf(dev(), dws, DEMO_RESULTS.workProgrammeNationwide);
    expect(view).toMatchObject({ amountPence: 2_500_000n, ceilingPence: 3_000_000n });
    expect(view.pending).toMatchObject({
      status: "pending",
      toPence: 3_000_000n,
      proposedBy: dev().principal?.userId,
    });
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
    // And on the provider's page, signed in as Olu Adeyemi.
    const session = await sessionFor(t.app, olu.principal?.userId as string, { twoFactor: true });
    const page = await t.app.inject({
      method: "GET",
      url: `/organisations/${DEMO_ORGANISATION}/outcome-contracts`,
      headers: { cookie: session.cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(mainText(page.body)).toContain("WP-CPA-07");
  });
});

describe("the demo social impact bond", () => {
  it("paid cohort 1 alone (a fall of at least 10%) and nothing yet for cohort 2", async () => {
    const priya = ctxOf(person("commissioner", "authority", COUNTY));
    const { runs } = await listRuns(priya, COUNTY, DEMO_RESULTS.socialImpactBond);
    expect(runs.map((r) => [r.id, r.status, r.paymentPence])).toEqual([
      [DEMO_RESULTS.bondRun, "paid", "1800000"],
    ]);
    // Fixed ids: the cohort's claim is kept against its first participant, SIB-C1-001.
    const { claims: kept } = await runDetail(
      priya,
      COUNTY,
      DEMO_RESULTS.socialImpactBond,
      DEMO_RESULTS.bondRun,
    );
    expect(kept.map((c) => c.participant_id)).toEqual(["019a0000-0000-7000-8000-0000000d1201"]);
    const { claims } = await contractClaims(priya, COUNTY, DEMO_RESULTS.socialImpactBond, {});
    expect(claims.map((c) => [c.rule, c.metric, c.amountPence])).toEqual([["cohort", "1", 1_800_000n]]);
  });
});
