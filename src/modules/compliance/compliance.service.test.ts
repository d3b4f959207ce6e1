/**
 * The compliance check and the three-bid rule on the real database (PGlite, or PostgreSQL with
 * DATABASE_URL), with real tenders published, bid for, and opened by two bid openers: a decision per
 * condition, exclusions needing reasons, broken seals excluded automatically, the reserved-tender
 * rules (the lead a qualifying mutual in the directory at the time of the check; the 3-year
 * comparable-contract bar and its boundaries), the three-bid rule, who may do what, and the check
 * fixed once evaluation has started.
 */

import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_RESERVED_AWARD } from "../../seed/demo/compliance.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { systemCtx } from "../access/context.ts";
import { verifyAuditChains } from "../audit/audit.service.ts";
import { declareConflicts } from "../evaluation/declarations.service.ts";
import { assignEvaluator } from "../tenders/evaluators.service.ts";
import type { TenderDraft } from "../tenders/setup.service.ts";
import {
  complianceCheck,
  compliantBidIds,
  type DecisionDraft,
  evaluationOf,
  recordDecision,
  SEAL_BROKEN_REASON,
  startEvaluation,
} from "./compliance.service.ts";
import {
  AFTER,
  type Bidder,
  COUNTY,
  homeCare,
  openBids,
  people,
  START,
  tenderWithBids,
} from "./compliance.test-fixtures.ts";
import {
  barPeriod,
  comparableReservedAward,
  recordPastReservedAward,
  recordReservedAward,
  reservedAwardsOf,
} from "./reserved-awards.service.ts";

const DISTRICT = DEMO_AUTHORITY.district;
const clock = settableClock(START);
const LIBRARIES = "019a0000-0000-7000-8000-00000000b008";
let t: TestDatabase;
const p = people(() => t.db, clock);
const as = p.as;
const ctx = p.ctx;

const draft = (over: Partial<TenderDraft> = {}): TenderDraft =>
  homeCare({
    conditions: ["Registered with the Care Quality Commission", "Employer's liability insurance of £5m"],
    ...over,
  });

async function withBids(over: Partial<TenderDraft>, bidders: [string, string][]): Promise<string> {
  const list: Bidder[] = bidders.map(([who, organisationId]) => ({ who, organisationId }));
  return (await tenderWithBids(p, clock, draft(over), list)).tenderId;
}

const open = (id: string) => openBids(p, clock, id, ["opener1", "opener2"]);

const allMet = (n = 2): DecisionDraft => ({
  conditions: Array.from({ length: n }, (_, i) => ({ position: i + 1, met: true })),
  outcome: "compliant",
});
const decide = (who: string, tenderId: string, bidId: string, d: DecisionDraft) =>
  recordDecision(ctx(who), COUNTY, tenderId, bidId, d);
async function bidOf(tenderId: string, organisationId: string): Promise<string> {
  const row = await t.db
    .selectFrom("bids")
    .select("id")
    .where("tender_id", "=", tenderId)
    .where("organisation_id", "=", organisationId)
    .where("status", "=", "current")
    .executeTakeFirstOrThrow();
  return row.id;
}
const countRows = async (table: "compliance_decisions" | "compliance_conditions" | "tender_evaluations") =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<bigint>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

let three: string;
let reserved: string;
let broken: string;

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  await p.add("checker", [
    { role: "commissioner", scopeId: COUNTY },
    { role: "bid-opener", scopeId: COUNTY },
  ]);
  await p.add("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await p.add("admin", [{ role: "authority-admin", scopeId: COUNTY }]);
  await p.add("opener1", [{ role: "bid-opener", scopeId: COUNTY }]);
  await p.add("opener2", [{ role: "bid-opener", scopeId: COUNTY }]);
  await p.add("evaluator", [{ role: "evaluator", scopeId: COUNTY }]);
  await p.add("evaluatingCommissioner", [
    { role: "evaluator", scopeId: COUNTY },
    { role: "commissioner", scopeId: COUNTY },
  ]);
  await p.add("districtChecker", [
    { role: "commissioner", scopeId: DISTRICT },
    { role: "bid-opener", scopeId: DISTRICT },
  ]);
  await p.add("platformAdmin", [{ role: "platform-admin" }]);
  await p.add("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await p.add("libraries", [{ role: "organisation-admin", scopeId: LIBRARIES }]);
  await p.add("charity", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await p.add("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
  three = await withBids({}, [
    ["charity", DEMO_ORGANISATION.carersTrust],
    ["mutual", DEMO_ORGANISATION.communityHealthMutual],
    ["company", DEMO_ORGANISATION.homesGroup],
  ]);
  reserved = await withBids({ reserved: true, title: "Reserved home care" }, [
    ["mutual", DEMO_ORGANISATION.communityHealthMutual],
    ["libraries", LIBRARIES],
  ]);
  broken = await withBids({ title: "Tampered home care" }, [
    ["charity", DEMO_ORGANISATION.carersTrust],
    ["company", DEMO_ORGANISATION.homesGroup],
  ]);
}, 180_000);

afterAll(async () => {
  await t?.destroy();
});

describe("demo data", () => {
  it("has the opened demo tender's three bids compliant and evaluation started, and a reserved contract on the register", async () => {
    const evaluation = await evaluationOf(ctx(null), COUNTY, DEMO_TENDER.opened);
    expect(evaluation).toMatchObject({ bidsCount: 3, compliantCount: 3, justification: null });
    expect(await compliantBidIds(ctx(null), COUNTY, DEMO_TENDER.opened)).toHaveLength(3);
    expect((await reservedAwardsOf(ctx(null), COUNTY)).map((a) => a.id)).toContain(DEMO_RESERVED_AWARD);
  });
});

describe("before opening", () => {
  it("refuses the check (409) until two bid openers have opened the bids; nothing is written", async () => {
    clock.set(AFTER);
    const bidId = await t.db
      .selectFrom("bids")
      .select("id")
      .where("tender_id", "=", three)
      .executeTakeFirstOrThrow();
    const before = await countRows("compliance_decisions");
    expect((await refused(decide("checker", three, bidId.id, allMet()))).code).toBe("tender_not_opened");
    expect((await refused(complianceCheck(ctx("checker"), COUNTY, three))).code).toBe("bids_sealed");
    expect((await refused(startEvaluation(ctx("checker"), COUNTY, three, {}))).code).toBe(
      "tender_not_opened",
    );
    expect(await countRows("compliance_decisions")).toBe(before);
    await open(three);
    await open(reserved);
  });
});

describe("who may check", () => {
  it("reading: the bid openers and assigned evaluators; deciding: those of them who are commissioners or administrators", async () => {
    const bidId = await bidOf(three, DEMO_ORGANISATION.carersTrust);
    // Not a reader of the bids: refused, and the attempt recorded (A7).
    for (const who of ["commissioner", "admin", "platformAdmin", "evaluator"]) {
      const e = await refused(decide(who, three, bidId, allMet()));
      expect(e.code, who).toBe("forbidden");
    }
    const attempts = await t.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", three)
      .where("action", "=", "tender.bids-read-refused")
      .execute();
    expect(attempts.length).toBeGreaterThanOrEqual(4);
    // A reader who is not a commissioner or administrator reads the check but does not decide.
    const view = await complianceCheck(ctx("opener1"), COUNTY, three);
    expect(view.bids).toHaveLength(3);
    expect(view.canDecide).toBe(false);
    expect((await refused(decide("opener1", three, bidId, allMet()))).code).toBe("forbidden");
    // Another authority's people: refused.
    expect((await refused(decide("districtChecker", three, bidId, allMet()))).code).toBe("forbidden");
    // An assigned evaluator who is also a commissioner decides.
    await assignEvaluator(ctx("commissioner"), COUNTY, three, as("evaluatingCommissioner").userId);
    // They read the bids only once they have declared no conflict of interest.
    expect((await refused(complianceCheck(ctx("evaluatingCommissioner"), COUNTY, three))).code).toBe(
      "conflicts_not_declared",
    );
    await declareConflicts(ctx("evaluatingCommissioner"), COUNTY, three, { conflict: false });
    expect((await complianceCheck(ctx("evaluatingCommissioner"), COUNTY, three)).canDecide).toBe(true);
    // Unknown bid: 404.
    expect((await refused(decide("checker", three, DEMO_TENDER.open, allMet()))).code).toBe("not_found");
  });
});

describe("decisions", () => {
  it("records a decision per condition; every condition decided (400), an unmet one with a reason, a compliant bid meeting all (422)", async () => {
    const bidId = await bidOf(three, DEMO_ORGANISATION.carersTrust);
    const conditionsBefore = await countRows("compliance_conditions");
    const missing = await refused(
      decide("checker", three, bidId, { conditions: [{ position: 1, met: true }], outcome: "compliant" }),
    );
    expect(missing.code).toBe("validation_failed");
    expect(missing.details.map((d) => d.field)).toEqual(["conditions.2.met"]);
    const unknown = await refused(
      decide("checker", three, bidId, {
        ...allMet(),
        conditions: [...(allMet().conditions ?? []), { position: 3, met: true }],
      }),
    );
    expect(unknown.details.map((d) => d.field)).toEqual(["conditions.2.position"]);
    const noReason = await refused(
      decide("checker", three, bidId, {
        conditions: [
          { position: 1, met: true },
          { position: 2, met: false },
        ],
        outcome: "excluded",
      }),
    );
    expect(noReason.code).toBe("decision_invalid");
    expect(noReason.details.map((d) => d.field)).toEqual(["conditions.2.reason"]);
    const compliantUnmet = await refused(
      decide("checker", three, bidId, {
        conditions: [
          { position: 1, met: true },
          { position: 2, met: false, reason: "Insurance of £2m only" },
        ],
        outcome: "compliant",
      }),
    );
    expect(compliantUnmet.details.map((d) => d.field)).toEqual(["outcome"]);
    expect(await countRows("compliance_conditions")).toBe(conditionsBefore);

    const excluded = await decide("checker", three, bidId, {
      conditions: [
        { position: 1, met: true },
        { position: 2, met: false, reason: "Insurance of £2m only" },
      ],
      outcome: "excluded",
    });
    expect(excluded).toMatchObject({ outcome: "excluded", previous: null });
    const view = await complianceCheck(ctx("checker"), COUNTY, three);
    const entry = view.bids.find((b) => b.bidId === bidId);
    expect(entry?.bidder.name).toBe("Millbrook Carers' Trust");
    expect(entry?.conditions.map((c) => [c.position, c.met, c.reason])).toEqual([
      [1, true, ""],
      [2, false, "Insurance of £2m only"],
    ]);
    expect(entry?.outcome).toBe("excluded");
    expect(entry?.reasons).toEqual([
      "Condition 2 (Employer's liability insurance of £5m) is not met: Insurance of £2m only",
    ]);
    expect(view.counts).toMatchObject({ bids: 3, compliant: 0, excluded: 1, undecided: 2 });
  });

  it("an exclusion needs reasons: a bid meeting every condition is excluded only with one (422)", async () => {
    const bidId = await bidOf(three, DEMO_ORGANISATION.homesGroup);
    const e = await refused(decide("checker", three, bidId, { ...allMet(), outcome: "excluded" }));
    expect(e.code).toBe("decision_invalid");
    expect(e.details.map((d) => d.field)).toEqual(["reason"]);
    await decide("checker", three, bidId, {
      ...allMet(),
      outcome: "excluded",
      reason: "The consortium's lead is subject to a mandatory exclusion ground.",
    });
    // Decisions can be changed until evaluation starts; each change is audited.
    const changed = await decide("checker", three, bidId, allMet());
    expect(changed).toMatchObject({ outcome: "compliant", previous: "excluded" });
    const events = await t.db
      .selectFrom("audit_events")
      .select(["action", "changes"])
      .where("entity_id", "=", three)
      .where("action", "in", ["tender.compliance-decided", "tender.compliance-changed"])
      .orderBy("seq")
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      "tender.compliance-decided",
      "tender.compliance-decided",
      "tender.compliance-changed",
    ]);
  });
});

describe("the three-bid rule", () => {
  it("with fewer than three compliant bids, evaluation starts only with a justification, published with the award", async () => {
    const mutualBid = await bidOf(three, DEMO_ORGANISATION.communityHealthMutual);
    const evaluationsBefore = await countRows("tender_evaluations");
    const undecided = await refused(startEvaluation(ctx("checker"), COUNTY, three, {}));
    expect(undecided.code).toBe("compliance_incomplete");
    expect(undecided.details.map((d) => d.field)).toEqual([`bids.${mutualBid}`]);
    expect(undecided.details[0]?.message).toMatch(/Westshire Community Health CIC/);
    await decide("checker", three, mutualBid, allMet());
    // 2 of 3 compliant.
    const none = await refused(startEvaluation(ctx("checker"), COUNTY, three, {}));
    expect(none.code).toBe("three_bid_rule");
    expect(none.details.map((d) => d.field)).toEqual(["justification"]);
    const short = await refused(
      startEvaluation(ctx("checker"), COUNTY, three, { justification: "Few bids." }),
    );
    expect(short.code).toBe("validation_failed");
    expect(await countRows("tender_evaluations")).toBe(evaluationsBefore);
    const justification =
      "The market for night-time home care in Westshire is thin: 14 providers were told of the opportunity and 3 bid.";
    const started = await startEvaluation(ctx("checker"), COUNTY, three, { justification });
    expect(started).toMatchObject({
      bidsCount: 3,
      compliantCount: 2,
      justification,
      publishWithAward: true,
      startedBy: { id: as("checker").userId },
    });
    expect((await complianceCheck(ctx("checker"), COUNTY, three)).state).toBe("evaluating");
  });

  it("after evaluation starts, decisions are fixed (409), in the service and the database", async () => {
    const bidId = await bidOf(three, DEMO_ORGANISATION.carersTrust);
    expect((await refused(decide("checker", three, bidId, allMet()))).code).toBe("evaluation_started");
    expect((await refused(startEvaluation(ctx("checker"), COUNTY, three, {}))).code).toBe(
      "evaluation_started",
    );
    await expect(
      sql`update compliance_decisions set outcome = 'compliant', reason = '' where bid_id = ${bidId}`.execute(
        t.db,
      ),
    ).rejects.toThrow(/fixed once evaluation has started/);
  });

  it("with three compliant bids, no justification is needed", async () => {
    const id = await withBids({ title: "Three compliant" }, [
      ["charity", DEMO_ORGANISATION.carersTrust],
      ["mutual", DEMO_ORGANISATION.communityHealthMutual],
      ["company", DEMO_ORGANISATION.homesGroup],
    ]);
    await open(id);
    for (const org of [
      DEMO_ORGANISATION.carersTrust,
      DEMO_ORGANISATION.communityHealthMutual,
      DEMO_ORGANISATION.homesGroup,
    ])
      await decide("checker", id, await bidOf(id, org), allMet());
    const started = await startEvaluation(ctx("checker"), COUNTY, id, {});
    expect(started).toMatchObject({ compliantCount: 3, justification: null, publishWithAward: false });
  });
});

describe("broken seals", () => {
  it("a bid whose seal is broken is excluded automatically: no decision can be recorded for it", async () => {
    await sql`alter table bids disable trigger bids_sealed_immutable`.execute(t.db);
    const [first] = await t.db
      .selectFrom("bids")
      .select("id")
      .where("tender_id", "=", broken)
      .orderBy("id")
      .execute();
    await sql`update bids set sealed = 'AAAA' || sealed where id = ${first?.id}`.execute(t.db);
    await sql`alter table bids enable trigger bids_sealed_immutable`.execute(t.db);
    await open(broken);
    const view = await complianceCheck(ctx("checker"), COUNTY, broken);
    const tampered = view.bids.find((b) => b.integrity === "broken");
    expect(tampered).toMatchObject({ outcome: "excluded", reasons: [SEAL_BROKEN_REASON] });
    expect(tampered?.decision?.automatic).toBe(true);
    expect((await refused(decide("checker", broken, tampered?.bidId as string, allMet()))).code).toBe(
      "seal_broken",
    );
    const other = view.bids.find((b) => b.integrity === "verified");
    await decide("checker", broken, other?.bidId as string, allMet());
    const started = await startEvaluation(ctx("checker"), COUNTY, broken, {
      justification:
        "Only one bid could be read; the other's seal broke and is being investigated by the authority.",
    });
    expect(started).toMatchObject({ bidsCount: 2, compliantCount: 1 });
    const stored = await t.db
      .selectFrom("compliance_decisions")
      .selectAll()
      .where("bid_id", "=", tampered?.bidId as string)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      outcome: "excluded",
      automatic: true,
      automatic_reasons: [SEAL_BROKEN_REASON],
    });
  });
});

describe("the 3-year comparable-contract bar", () => {
  const record = (
    organisationId: string,
    categoryCode: string,
    awardedOn: string,
    authorityId: string = COUNTY,
  ) =>
    recordReservedAward(
      systemCtx(t.db, clock, "test"),
      { authorityId, source: "recorded", recordedBy: null },
      { organisationId, categoryCode, awardedOn, title: `Reserved ${categoryCode} ${awardedOn}` },
    );
  const barred = (organisationId: string, awardDate: string, categoryCode = "residential-care") =>
    comparableReservedAward(ctx(null), { authorityId: COUNTY, organisationId, categoryCode, awardDate });

  it("runs over the 3 years ending on the award: inside, barred; exactly 3 years or 3 years and a day before, not", async () => {
    expect(barPeriod("2026-12-01")).toEqual({ from: "2023-12-02", to: "2026-12-01" });
    expect(barPeriod("2028-02-29")).toEqual({ from: "2025-03-01", to: "2028-02-29" });
    clock.set(AFTER);
    const org = DEMO_ORGANISATION.communityHealthMutual;
    await record(org, "residential-care", "2023-12-01");
    expect(await barred(org, "2026-12-01")).toBeUndefined(); // exactly 3 years before
    expect(await barred(org, "2026-12-02")).toBeUndefined(); // 3 years and a day
    expect((await barred(org, "2026-11-30"))?.awarded_on).toBe("2023-12-01"); // inside
    expect((await barred(org, "2023-12-01"))?.awarded_on).toBe("2023-12-01"); // the same day
    expect(await barred(org, "2023-11-30")).toBeUndefined(); // before it was awarded
  });

  it("counts only the same services, the same authority and the same organisation", async () => {
    clock.set(AFTER);
    await record(LIBRARIES, "adult-social-care", "2026-06-01");
    await record(LIBRARIES, "learning-disability-support", "2026-06-01", DISTRICT);
    expect((await barred(LIBRARIES, "2027-01-20", "adult-social-care"))?.title).toMatch(/adult-social-care/);
    expect(await barred(LIBRARIES, "2027-01-20", "residential-care")).toBeUndefined(); // other category
    expect(await barred(LIBRARIES, "2027-01-20", "learning-disability-support")).toBeUndefined(); // other authority
    expect(await barred(DEMO_ORGANISATION.carersTrust, "2027-01-20", "adult-social-care")).toBeUndefined();
  });

  it("the register takes reserved contracts from the authority's editors only, for reservable services only", async () => {
    clock.set(AFTER);
    const draftAward = {
      organisationId: LIBRARIES,
      categoryCode: "libraries",
      awardedOn: "2025-04-01",
      title: "Library services",
    };
    const add = (who: string, d: typeof draftAward, authorityId: string = COUNTY) =>
      recordPastReservedAward(ctx(who), authorityId, d);
    expect((await refused(add("opener1", draftAward))).code).toBe("forbidden");
    expect((await refused(add("commissioner", draftAward, DISTRICT))).code).toBe("forbidden");
    const bad = await refused(add("commissioner", { ...draftAward, title: "", awardedOn: "2027-13-01" }));
    expect(bad.details.map((d) => d.field)).toEqual(["title", "awardedOn"]);
    const future = await refused(add("commissioner", { ...draftAward, awardedOn: "2027-02-01" }));
    expect(future.details.map((d) => d.field)).toEqual(["awardedOn"]);
    const notReservable = await refused(
      add("commissioner", { ...draftAward, categoryCode: "waste-collection" }),
    );
    expect(notReservable.code).toBe("unprocessable");
    const { id } = await add("commissioner", draftAward);
    expect((await reservedAwardsOf(ctx(null), COUNTY)).find((a) => a.id === id)).toMatchObject({
      organisation_name: "Westshire Libraries and Culture Mutual",
      source: "recorded",
      awarded_on: "2025-04-01",
    });
  });
});

describe("reserved tenders", () => {
  it("excludes a lead barred by a comparable reserved contract, or no longer a qualifying mutual at the time of the check", async () => {
    clock.set(AFTER);
    // The county reserved home care (the tender's category) to the mutual a year ago.
    await recordPastReservedAward(ctx("commissioner"), COUNTY, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      categoryCode: "domiciliary-care",
      awardedOn: "2026-01-19",
      title: "Home care in Wesford",
      reference: "WCC-HC-7",
    });
    // Since bidding, the libraries mutual's evidence has changed: profits now go to investors.
    await sql`update mutual_evidence set profit_model = 'other' where organisation_id = ${LIBRARIES}`.execute(
      t.db,
    );

    const view = await complianceCheck(ctx("checker"), COUNTY, reserved);
    const mutualBid = await bidOf(reserved, DEMO_ORGANISATION.communityHealthMutual);
    const librariesBid = await bidOf(reserved, LIBRARIES);
    const preview = view.bids.find((b) => b.bidId === mutualBid)?.reserved;
    expect(preview).toMatchObject({
      checkedOn: "2027-01-20",
      qualifyingMutual: true,
      bar: { title: "Home care in Wesford" },
    });

    const barredError = await refused(decide("checker", reserved, mutualBid, allMet()));
    expect(barredError.code).toBe("decision_invalid");
    expect(barredError.details[0]?.message).toMatch(
      /s\.33.*Westshire Community Health CIC was awarded a comparable reserved contract.*Home care in Wesford.*19 January 2026/,
    );
    const excluded = await decide("checker", reserved, mutualBid, { ...allMet(), outcome: "excluded" });
    expect(excluded.automaticReasons).toHaveLength(1);

    const notMutual = await refused(decide("checker", reserved, librariesBid, allMet()));
    expect(notMutual.details[0]?.message).toMatch(/not.*qualifying public service mutual/);
    await decide("checker", reserved, librariesBid, { ...allMet(), outcome: "excluded" });

    const after = await complianceCheck(ctx("checker"), COUNTY, reserved);
    const libraries = after.bids.find((b) => b.bidId === librariesBid);
    expect(libraries?.reserved).toMatchObject({
      checkedOn: "2027-01-20",
      qualifyingMutual: false,
      bar: null,
    });
    expect(libraries?.reasons[0]).toMatch(/Procurement Act 2023, s\.33/);
    expect(after.bids.find((b) => b.bidId === mutualBid)?.reserved?.bar?.reference).toBe("WCC-HC-7");
    // None compliant: nothing to evaluate.
    expect((await refused(startEvaluation(ctx("checker"), COUNTY, reserved, {}))).code).toBe(
      "no_compliant_bids",
    );
    await sql`update mutual_evidence set profit_model = 'not-for-profit' where organisation_id = ${LIBRARIES}`.execute(
      t.db,
    );
  });

  it("keeps every change on the authority's audit chain, which verifies", async () => {
    const reports = await verifyAuditChains(t.db);
    expect(reports.every((r) => r.ok)).toBe(true);
  });
});
