/**
 * The award, standstill and challenges on the real database (PGlite, or PostgreSQL with
 * DATABASE_URL), with a real tender published, bid for by three organisations, opened, found
 * compliant, scored, moderated and its tie decided: the award's gates (regulated activity, three-bid
 * rule, the reserved bar), what the award writes (for the contracts module), assessment summaries,
 * the public notice, challenges that suspend the award and their outcomes. Every refusal leaves the
 * tables as they were.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { standstillEnds } from "../../lib/working-days.ts";
import { DEMO_AWARD, DEMO_AWARD_TENDER } from "../../seed/demo/evaluation.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { verifyAuditChains } from "../audit/audit.service.ts";
import { recordDecision, startEvaluation } from "../compliance/compliance.service.ts";
import { AFTER, COUNTY, DEADLINE, people, START } from "../compliance/compliance.test-fixtures.ts";
import { recordPastReservedAward } from "../compliance/reserved-awards.service.ts";
import { declareConflicts } from "../evaluation/declarations.service.ts";
import { leafCriteria, scoredCriteria } from "../evaluation/evaluation.service.ts";
import { coastTender, rankedWithTieDecided, scoresOf } from "../evaluation/evaluation.test-fixtures.ts";
import { moderateBid } from "../evaluation/moderation.service.ts";
import { recordScores, type ScoreDraft, submitScores } from "../evaluation/scores.service.ts";
import { compiledReleasesOf } from "../ocds/ocds.service.ts";
import { submitBid } from "../tenders/bids.service.ts";
import { assignEvaluator } from "../tenders/evaluators.service.ts";
import { confirmOpening } from "../tenders/opening.service.ts";
import { publishTender } from "../tenders/publication.service.ts";
import { registerInterest } from "../tenders/questions.service.ts";
import { createTender } from "../tenders/setup.service.ts";
import { tenderOf } from "../tenders/tenders.service.ts";
import { assessmentsReceived, awardNotice, awardTender } from "./award.service.ts";
import { awardForContract, awardsReadyToContract } from "./award-handover.ts";
import { decideStandstillChallenge, lodgeChallenge } from "./challenges.service.ts";

const clock = settableClock(START);
let t: TestDatabase;
const p = people(() => t.db, clock, { email: true });
const as = p.as;
const ctx = p.ctx;

const count = async (table: string) =>
  Number(
    (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.db)).rows[0]?.n ?? 0,
  );
const snapshot = async () => {
  const out: Record<string, number> = {};
  for (const table of [
    "evaluator_declarations",
    "evaluation_scores",
    "evaluation_submissions",
    "moderated_scores",
    "tie_decisions",
    "tender_awards",
    "award_assessments",
    "award_challenges",
  ])
    out[table] = await count(table);
  return out;
};

let tenderId: string;
let bid: Record<string, string> = {};
let criteria: { id: string; title: string }[] = [];
const all = (score: number, reason?: string): ScoreDraft[] => scoresOf(criteria, score, reason);

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  await p.add("checker", [
    { role: "commissioner", scopeId: COUNTY },
    { role: "bid-opener", scopeId: COUNTY },
  ]);
  await p.add("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await p.add("opener", [{ role: "bid-opener", scopeId: COUNTY }]);
  for (const e of ["e1", "e2"]) await p.add(e, [{ role: "evaluator", scopeId: COUNTY }]);
  await p.add("charity", [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await p.add("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await p.add("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
  const coast = await coastTender(
    p,
    clock,
    {
      charity: DEMO_ORGANISATION.carersTrust,
      mutual: DEMO_ORGANISATION.communityHealthMutual,
      company: DEMO_ORGANISATION.homesGroup,
    },
    ["e1", "e2"],
  );
  ({ tenderId, bid, criteria } = coast);
  await rankedWithTieDecided(p, coast);
}, 240_000);

afterAll(async () => {
  await t?.destroy();
});

describe("demo data", () => {
  it("has the opened demo tender in evaluation, one award in standstill, one challenged, one ready to contract", async () => {
    expect((await awardNotice(ctx(null), COUNTY, DEMO_TENDER.opened).catch((e) => e)).code).toBe("not_found");
    clock.set(START);
    expect((await awardNotice(ctx(null), COUNTY, DEMO_AWARD_TENDER.standstill)).state).toBe("standstill");
    expect((await awardNotice(ctx(null), COUNTY, DEMO_AWARD_TENDER.challenged)).state).toBe("suspended");
    // Ready to contract (the contracts seed may have entered its contract already).
    const ready = await t.db
      .selectFrom("tender_awards")
      .selectAll()
      .where("id", "=", DEMO_AWARD.ready)
      .executeTakeFirstOrThrow();
    expect(ready).toMatchObject({ supplier_name: "Millbrook Carers' Trust", value_pence: 31_000_000n });
    expect(["awarded", "contracted"]).toContain(ready.status);
    expect(ready.standstill_ends_at.getTime()).toBeLessThan(START.getTime());
    if (ready.status === "awarded")
      expect((await awardsReadyToContract(ctx(null), COUNTY)).map((a) => a.id)).toContain(DEMO_AWARD.ready);
    clock.set(AFTER);
  });
});

describe("the award", () => {
  it("refuses a winner without a current registration for the regulated activity (422), writing nothing", async () => {
    const before = await snapshot();
    const e = await refused(
      awardTender(ctx("checker"), COUNTY, tenderId, { regulatedActivity: "personal-care" }),
    );
    expect(e.code).toBe("registration_required");
    expect(e.message).toBe(
      'Westshire Community Health CIC has no current registration for the regulated activity "Personal care", so it cannot be awarded a contract that requires it. It must be registered with the regulator first.',
    );
    expect(
      (await refused(awardTender(ctx("checker"), COUNTY, tenderId, { regulatedActivity: "juggling" }))).code,
    ).toBe("validation_failed");
    expect((await refused(awardTender(ctx("checker"), COUNTY, tenderId, { value: "£5" }))).code).toBe(
      "award_invalid",
    );
    // Only commissioners and administrators who may read the bids award.
    expect((await refused(awardTender(ctx("commissioner"), COUNTY, tenderId, {}))).code).toBe("forbidden");
    expect((await refused(awardTender(ctx("e1"), COUNTY, tenderId, {}))).code).toBe("forbidden");
    expect(await snapshot()).toEqual(before);
  });

  it("awards to the best-ranked bid: the award for the contract, the standstill end, the summaries and the notice", async () => {
    const result = await awardTender(ctx("checker"), COUNTY, tenderId, {
      regulatedActivity: "nursing-care",
    });
    // Awarded Wednesday 20 January 2027: 8 working days are 20–22, 25–29 January; ends at midnight.
    expect(result.standstillEndsAt.toISOString()).toBe("2027-01-30T00:00:00.000Z");
    expect(result.standstillEndsAt).toEqual(standstillEnds(AFTER, "england-and-wales"));
    const row = await t.db
      .selectFrom("tender_awards")
      .selectAll()
      .where("id", "=", result.awardId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      bid_id: bid.mutual,
      organisation_id: DEMO_ORGANISATION.communityHealthMutual,
      supplier_name: "Westshire Community Health CIC",
      lead_share_bp: 10_000,
      consortium: [],
      value_pence: 100_000n,
      regulated_activity: "nursing-care",
      three_bid_justification: null,
      status: "awarded",
      decided_by: as("checker").userId,
    });
    expect((await refused(awardForContract(ctx(null), COUNTY, result.awardId))).code).toBe(
      "award_in_standstill",
    );
    // Every bidder's people got their summary, with the winner's scores and reasons.
    const sent = await t.db
      .selectFrom("notifications")
      .select(["user_id", "body", "email_status"])
      .where("kind", "=", "award.assessment-summary")
      .where("user_id", "in", [as("charity").userId, as("mutual").userId, as("company").userId])
      .execute();
    expect(sent).toHaveLength(3);
    const toCharity = sent.find((n) => n.user_id === as("charity").userId);
    expect(toCharity?.email_status).toBe("queued");
    expect(toCharity?.body).toMatch(/ranked 2 with 79 points out of 100/);
    expect(toCharity?.body).toMatch(/Agreed: strong\n/);
    expect(toCharity?.body).toMatch(/The winning bid, from Westshire Community Health CIC/);
    expect(toCharity?.body).toMatch(/Agreed: strong too/);
    expect(toCharity?.body).toMatch(/standstill period ends at midnight at the end of 29 January 2027/);
    const received = await assessmentsReceived(ctx("charity"), DEMO_ORGANISATION.carersTrust);
    expect(received.find((r) => r.own.award_id === result.awardId)?.winner?.bid_id).toBe(bid.mutual);
    expect((await refused(assessmentsReceived(ctx("company"), DEMO_ORGANISATION.carersTrust))).code).toBe(
      "forbidden",
    );
    const notice = await awardNotice(ctx(null), COUNTY, tenderId);
    expect(notice.state).toBe("standstill");
    expect(notice.ranking).toEqual([
      {
        rank: 1,
        bidder: "Westshire Community Health CIC",
        totalShown: "7,900.00",
        qualityShown: "4,900.00",
        priceShown: "3,000.00",
      },
      { rank: 2, bidder: null, totalShown: "7,900.00", qualityShown: "4,900.00", priceShown: "3,000.00" },
      { rank: 3, bidder: null, totalShown: "6,000.00", qualityShown: "3,500.00", priceShown: "2,500.00" },
    ]);
    // Evaluation is over: moderation, ties and a second award are refused (409).
    expect(
      (await refused(moderateBid(ctx("checker"), COUNTY, tenderId, bid.company as string, all(9)))).code,
    ).toBe("award_made");
    expect((await refused(awardTender(ctx("checker"), COUNTY, tenderId, {}))).code).toBe("already_awarded");
  });
});

describe("standstill and challenges", () => {
  const grounds = { grounds: "The tie was decided on a ground not in the published criteria." };

  it("a bidder challenges during standstill: the award is suspended and nothing can be contracted", async () => {
    const before = await snapshot();
    expect(
      (
        await refused(
          lodgeChallenge(ctx("company"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.carersTrust,
            ...grounds,
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refused(
          lodgeChallenge(ctx("checker"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.carersTrust,
            ...grounds,
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refused(
          lodgeChallenge(ctx("charity"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.carersTrust,
            grounds: " ",
          }),
        )
      ).code,
    ).toBe("validation_failed");
    expect(await snapshot()).toEqual(before);
    clock.set(new Date("2027-01-25T10:00:00Z"));
    const { challengeId } = await lodgeChallenge(ctx("charity"), COUNTY, tenderId, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      ...grounds,
    });
    const notice = await awardNotice(ctx(null), COUNTY, tenderId);
    expect(notice.state).toBe("suspended");
    expect((await refused(awardForContract(ctx(null), COUNTY, notice.award.id))).code).toBe(
      "award_challenged",
    );
    expect(
      (
        await refused(
          lodgeChallenge(ctx("charity"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.carersTrust,
            ...grounds,
          }),
        )
      ).code,
    ).toBe("challenge_open");
    // Only the commissioners decide; a reason is needed.
    expect(
      (
        await refused(
          decideStandstillChallenge(ctx("e1"), COUNTY, tenderId, challengeId, {
            outcome: "dismissed",
            reason: "No",
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refused(
          decideStandstillChallenge(ctx("checker"), COUNTY, tenderId, challengeId, { outcome: "dismissed" }),
        )
      ).code,
    ).toBe("validation_failed");
    // Still suspended after standstill would have ended: nothing can be contracted while it is open.
    clock.set(new Date("2027-02-01T10:00:00Z"));
    expect((await refused(awardForContract(ctx(null), COUNTY, notice.award.id))).code).toBe(
      "award_challenged",
    );
    await decideStandstillChallenge(ctx("checker"), COUNTY, tenderId, challengeId, {
      outcome: "dismissed",
      reason: "The decision on the tie rested on the published quality criterion.",
    });
    expect((await awardNotice(ctx(null), COUNTY, tenderId)).state).toBe("standstill-over");
    expect((await awardForContract(ctx(null), COUNTY, notice.award.id)).organisationId).toBe(
      DEMO_ORGANISATION.communityHealthMutual,
    );
    expect(
      (
        await refused(
          decideStandstillChallenge(ctx("checker"), COUNTY, tenderId, challengeId, {
            outcome: "dismissed",
            reason: "Again",
          }),
        )
      ).code,
    ).toBe("challenge_decided");
    const told = await t.db
      .selectFrom("notifications")
      .select("body")
      .where("kind", "=", "award.challenge-decided")
      .where("user_id", "=", as("company").userId)
      .execute();
    expect(told[0]?.body).toMatch(/dismissed/);
    // After standstill: no more challenges (409).
    expect(
      (
        await refused(
          lodgeChallenge(ctx("company"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.homesGroup,
            ...grounds,
          }),
        )
      ).code,
    ).toBe("standstill_over");
  });

  it("upheld for re-evaluation: the award is withdrawn and moderation reopens for a new award", async () => {
    // A fresh award in standstill on the demo tender that was challenged: uphold it.
    clock.set(START);
    const notice = await awardNotice(ctx(null), COUNTY, DEMO_AWARD_TENDER.challenged);
    const admin = await t.db
      .selectFrom("users")
      .select("id")
      .where("id", "=", "019a0000-0000-7000-8000-00000000c007")
      .executeTakeFirstOrThrow();
    await p.existing("admin", admin.id);
    const [challenge] = await t.db
      .selectFrom("award_challenges")
      .select("id")
      .where("award_id", "=", notice.award.id)
      .execute();
    const result = await decideStandstillChallenge(
      ctx("admin"),
      COUNTY,
      DEMO_AWARD_TENDER.challenged,
      challenge?.id as string,
      {
        outcome: "upheld-reevaluate",
        reason: "The winning price assumed visits shorter than the specification allows.",
      },
    );
    expect(result).toEqual({ outcome: "upheld-reevaluate", awardStatus: "withdrawn" });
    expect((await awardNotice(ctx(null), COUNTY, DEMO_AWARD_TENDER.challenged)).state).toBe("withdrawn");
    // Moderation reopens: the agreed scores change, and a new award follows.
    const tender = await tenderOf(ctx("admin"), COUNTY, DEMO_AWARD_TENDER.challenged);
    const leaves = scoredCriteria(leafCriteria(tender.parts));
    const bids = await t.db
      .selectFrom("bids")
      .select(["id", "organisation_id"])
      .where("tender_id", "=", DEMO_AWARD_TENDER.challenged)
      .execute();
    const winnerBefore = notice.award.bid_id;
    await moderateBid(
      ctx("admin"),
      COUNTY,
      DEMO_AWARD_TENDER.challenged,
      winnerBefore,
      leaves.map((c) => ({ criterionId: c.id, score: 3, reason: "Re-evaluated: visits too short" })),
    );
    const again = await awardTender(ctx("admin"), COUNTY, DEMO_AWARD_TENDER.challenged, {});
    expect(again.bidId).not.toBe(winnerBefore);
    expect(bids.find((b) => b.id === again.bidId)?.organisation_id).toBe(
      DEMO_ORGANISATION.communityHealthMutual,
    );
    const states = await t.db
      .selectFrom("tender_awards")
      .select("status")
      .where("tender_id", "=", DEMO_AWARD_TENDER.challenged)
      .orderBy("decided_at")
      .execute();
    expect(states.map((s) => s.status)).toEqual(["withdrawn", "awarded"]);
    // The process's OCDS record keeps the withdrawn award as an award of its own, cancelled, beside
    // the new one (its releases merged by award id: docs/open-data.md).
    const process = await t.db
      .selectFrom("ocds_processes")
      .select("ocid")
      .where("tender_id", "=", DEMO_AWARD_TENDER.challenged)
      .executeTakeFirstOrThrow();
    const compiled = (await compiledReleasesOf(t.db, [process.ocid])).get(process.ocid) as {
      awards: { id: string; status: string }[];
    };
    expect(compiled.awards.map((a) => [a.id, a.status])).toEqual([
      [notice.award.id, "cancelled"],
      [again.awardId, "pending"],
    ]);

    // Upheld with cancellation: the award is withdrawn and the tender cancelled.
    const { challengeId } = await lodgeChallenge(ctx("company"), COUNTY, DEMO_AWARD_TENDER.challenged, {
      organisationId: DEMO_ORGANISATION.homesGroup,
      grounds: "The specification itself was unlawful.",
    });
    await decideStandstillChallenge(ctx("admin"), COUNTY, DEMO_AWARD_TENDER.challenged, challengeId, {
      outcome: "upheld-cancel",
      reason: "The specification must be rewritten; the service will be tendered again.",
    });
    const cancelled = await t.db
      .selectFrom("tenders")
      .select(["status", "cancel_reason"])
      .where("id", "=", DEMO_AWARD_TENDER.challenged)
      .executeTakeFirstOrThrow();
    expect(cancelled).toEqual({
      status: "cancelled",
      cancel_reason: "The specification must be rewritten; the service will be tendered again.",
    });
    expect((await awardNotice(ctx(null), COUNTY, DEMO_AWARD_TENDER.challenged)).state).toBe("withdrawn");
  });

  it("the three-bid rule holds at award: fewer than three compliant and no justification is refused (422)", async () => {
    clock.set(START);
    // The demo award in standstill, withdrawn on an upheld challenge, then its record tampered with.
    await p.existing("admin", "019a0000-0000-7000-8000-00000000c007");
    const { challengeId } = await lodgeChallenge(ctx("company"), COUNTY, DEMO_AWARD_TENDER.standstill, {
      organisationId: DEMO_ORGANISATION.homesGroup,
      grounds: "Scores were not moderated consistently.",
    });
    await decideStandstillChallenge(ctx("admin"), COUNTY, DEMO_AWARD_TENDER.standstill, challengeId, {
      outcome: "upheld-reevaluate",
      reason: "Moderation notes were incomplete.",
    });
    await sql`update tender_evaluations set compliant_count = 2, justification = null, publish_with_award = false where tender_id = ${DEMO_AWARD_TENDER.standstill}`.execute(
      t.db,
    );
    const before = await snapshot();
    const e = await refused(awardTender(ctx("admin"), COUNTY, DEMO_AWARD_TENDER.standstill, {}));
    expect(e.code).toBe("award_invalid");
    expect(e.details.map((d) => d.field)).toEqual(["justification"]);
    expect(await snapshot()).toEqual(before);
  });

  it("a reserved tender's award is refused when the winner is barred by a comparable reserved contract on the award date (422)", async () => {
    clock.set(START);
    const { tender: created } = await createTender(ctx("commissioner"), COUNTY, {
      projectId: DEMO_PROJECT.countyHomeCare,
      title: "Reserved home care",
      description: "Home care reserved to public service mutuals.",
      procedure: "open",
      pricingMode: "competitive",
      contractTermMonths: 36,
      vatTreatment: "exempt",
      reserved: true,
      clarificationDeadline: "2027-01-08T12:00:00Z",
      submissionDeadline: DEADLINE.toISOString(),
      conditions: ["Registered with the Care Quality Commission"],
      criteria: [
        { kind: "quality", title: "Quality", weightBp: 7000 },
        { kind: "price", title: "Price", weightBp: 3000 },
      ],
    });
    const reserved = created.id;
    await publishTender(ctx("commissioner"), COUNTY, reserved, { minimumPeriodDays: 25 });
    const view = await tenderOf(ctx("commissioner"), COUNTY, reserved);
    const quality = view.parts.criteria.filter((c) => c.kind !== "price").map((c) => c.id);
    await registerInterest(ctx("mutual"), COUNTY, reserved, DEMO_ORGANISATION.communityHealthMutual);
    const { receipt } = await submitBid(ctx("mutual"), COUNTY, reserved, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      answers: quality.map((criterionId) => ({ criterionId, text: "As a mutual" })),
      price: "£900",
    });
    clock.set(AFTER);
    await confirmOpening(ctx("checker"), COUNTY, reserved);
    await confirmOpening(ctx("opener"), COUNTY, reserved);
    await recordDecision(ctx("checker"), COUNTY, reserved, receipt.bidId, {
      conditions: [{ position: 1, met: true }],
      outcome: "compliant",
    });
    await startEvaluation(ctx("checker"), COUNTY, reserved, {
      justification: "Only one mutual in Westshire provides home care; the market was tested in 2026.",
    });
    await assignEvaluator(ctx("commissioner"), COUNTY, reserved, as("e1").userId);
    await declareConflicts(ctx("e1"), COUNTY, reserved, { conflict: false });
    const entries = quality.map((criterionId) => ({ criterionId, score: 6, reason: "Sound" }));
    await recordScores(ctx("e1"), COUNTY, reserved, receipt.bidId, entries);
    await submitScores(ctx("e1"), COUNTY, reserved);
    await moderateBid(ctx("checker"), COUNTY, reserved, receipt.bidId, entries);
    // Since the compliance check, the authority recorded a comparable reserved contract with the mutual.
    await recordPastReservedAward(ctx("commissioner"), COUNTY, {
      organisationId: DEMO_ORGANISATION.communityHealthMutual,
      categoryCode: "domiciliary-care",
      awardedOn: "2027-01-20",
      title: "Home care in Eastmoor",
    });
    const before = await snapshot();
    const e = await refused(awardTender(ctx("checker"), COUNTY, reserved, {}));
    expect(e.code).toBe("reserved_bar");
    expect(e.message).toMatch(/s\.33.*Home care in Eastmoor.*20 January 2027/);
    expect(await snapshot()).toEqual(before);
  });

  it("keeps every change on the authority's audit chain, which verifies", async () => {
    const reports = await verifyAuditChains(t.db);
    expect(reports.every((r) => r.ok)).toBe(true);
  });
});
