/**
 * Evaluation, moderation, ranking, award, standstill and challenges on the real database (PGlite, or
 * PostgreSQL with DATABASE_URL), with a real tender published, bid for by three organisations, opened
 * by two bid openers and found compliant: conflicts declared before scoring, scores on the scale with
 * reasons, evaluators blind to each other until moderation, moderated scores, a tie decided by the
 * commissioner, the award's gates (unmoderated, tie, regulated activity, three-bid rule), what the
 * award writes (for the contracts module), assessment summaries, the public notice, challenges that
 * suspend the award and their outcomes. Every refusal leaves the tables as they were.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../../../tests/support/auth.ts";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, TEST_TENDER_KEY, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { settableClock } from "../../lib/clock.ts";
import { standstillEnds } from "../../lib/working-days.ts";
import { DEMO_AUTHORITY } from "../../seed/demo/authorities.ts";
import { DEMO_AWARD, DEMO_AWARD_TENDER, DEMO_EVALUATOR } from "../../seed/demo/evaluation.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_PROJECT } from "../../seed/demo/projects.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { loadGrants, type Principal, type Role, requireAuthorityEditor } from "../access/access.service.ts";
import { verifyAuditChains } from "../audit/audit.service.ts";
import { assignEvaluator, type BidsContext, confirmOpening, submitBid } from "../tenders/bids.service.ts";
import { registerInterest } from "../tenders/questions.service.ts";
import { tenderKeyringFromKeys } from "../tenders/sealing.ts";
import { createTender, publishTender, tenderOf } from "../tenders/tenders.service.ts";
import {
  assessmentsReceived,
  awardNotice,
  awardTender,
  decideChallenge,
  lodgeChallenge,
} from "./award.service.ts";
import { awardForContract, awardsReadyToContract } from "./award-handover.ts";
import { recordDecision, startEvaluation } from "./compliance.service.ts";
import {
  conflictDeclarationOf,
  decideTie,
  declareConflicts,
  evaluationOverview,
  evaluatorScores,
  leafCriteria,
  moderateBid,
  moderationView,
  rankingView,
  recordScores,
  type ScoreDraft,
  scoredCriteria,
  scoresheet,
  submitScores,
} from "./evaluation.service.ts";
import { recordPastReservedAward } from "./reserved-awards.service.ts";

const COUNTY = DEMO_AUTHORITY.county;
const START = new Date("2026-11-22T10:00:00Z");
const DEADLINE = new Date("2027-01-15T12:00:00Z");
/** After opening: Wednesday 20 January 2027. */
const AFTER = new Date("2027-01-20T10:00:00Z");
const clock = settableClock(START);
// The seeded test database's demo tenders are sealed under the test key.
const keys = tenderKeyringFromKeys(Buffer.from(TEST_TENDER_KEY, "base64"));
let t: TestDatabase;
let ctx: BidsContext;
const people: Record<string, Principal> = {};
const as = (name: string) => people[name] as Principal;

async function person(name: string, grants: { role: Role; scopeId?: string }[]) {
  const user = await createUser(t.db, { grants, displayName: name });
  people[name] = {
    userId: user.id,
    displayName: name,
    grants: await loadGrants(t.db, user.id),
    via: "session",
    twoFactor: true,
  };
}

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
const bid: Record<string, string> = {};
let criteria: { id: string; title: string }[] = [];
const all = (score: number, reason = "Evidence weighed against the guidance"): ScoreDraft[] =>
  criteria.map((c) => ({ criterionId: c.id, score, reason }));

beforeAll(async () => {
  t = await createTestDatabase({ seededAt: clock.now() });
  ctx = { db: t.db, clock, keys, email: true, maxDocumentBytes: 1024 * 1024 };
  await person("checker", [
    { role: "commissioner", scopeId: COUNTY },
    { role: "bid-opener", scopeId: COUNTY },
  ]);
  await person("commissioner", [{ role: "commissioner", scopeId: COUNTY }]);
  await person("opener", [{ role: "bid-opener", scopeId: COUNTY }]);
  await person("e1", [{ role: "evaluator", scopeId: COUNTY }]);
  await person("e2", [{ role: "evaluator", scopeId: COUNTY }]);
  await person("e3", [{ role: "evaluator", scopeId: COUNTY }]);
  await person("outsider", [{ role: "evaluator", scopeId: COUNTY }]);
  await person("charity", [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await person("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await person("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);

  tenderId = await transaction(t.db, (trx) =>
    createTender(trx, clock, as("commissioner"), COUNTY, {
      projectId: DEMO_PROJECT.countyHomeCare,
      title: "Home care on the coast",
      description: "Home care along the Westshire coast.",
      procedure: "open",
      pricingMode: "competitive",
      contractTermMonths: 36,
      vatTreatment: "exempt",
      clarificationDeadline: "2027-01-08T12:00:00Z",
      submissionDeadline: DEADLINE.toISOString(),
      conditions: ["Registered with the Care Quality Commission"],
      criteria: [
        {
          kind: "quality",
          title: "Quality",
          weightBp: 6000,
          subCriteria: [
            { title: "Continuity of care", weightBp: 4000 },
            { title: "Safeguarding", weightBp: 2000 },
          ],
        },
        { kind: "social-value", title: "Local jobs", weightBp: 1000 },
        { kind: "price", title: "Price", weightBp: 3000 },
      ],
    }),
  );
  await transaction(t.db, (trx) =>
    publishTender(trx, clock, as("commissioner"), COUNTY, tenderId, { keys, minimumPeriodDays: 25 }),
  );
  const view = await tenderOf(t.db, clock, as("commissioner"), COUNTY, tenderId);
  const leaves = scoredCriteria(leafCriteria(view.parts));
  criteria = leaves.map((c) => ({ id: c.id, title: c.title }));
  const answers = leaves.map((c) => ({ criterionId: c.id, text: `How we meet ${c.title}` }));
  for (const [who, organisationId, price] of [
    ["charity", DEMO_ORGANISATION.carersTrust, "£1,000"],
    ["mutual", DEMO_ORGANISATION.communityHealthMutual, "£1,000"],
    ["company", DEMO_ORGANISATION.homesGroup, "£1,200"],
  ] as const) {
    const submitted = await transaction(t.db, async (trx) => {
      await registerInterest(trx, clock, as(who), COUNTY, tenderId, organisationId);
      return submitBid(trx, ctx, as(who), COUNTY, tenderId, { organisationId, answers, price });
    });
    bid[who] = submitted.receipt.bidId;
  }
  clock.set(AFTER);
  await confirmOpening(ctx, as("checker"), COUNTY, tenderId);
  await confirmOpening(ctx, as("opener"), COUNTY, tenderId);
  for (const id of Object.values(bid))
    await recordDecision(ctx, as("checker"), COUNTY, tenderId, id, {
      conditions: [{ position: 1, met: true }],
      outcome: "compliant",
    });
  for (const e of ["e1", "e2", "e3"])
    await transaction(t.db, (trx) =>
      assignEvaluator(trx, clock, as("commissioner"), COUNTY, tenderId, as(e).userId, requireAuthorityEditor),
    );
}, 240_000);

afterAll(async () => {
  await t?.destroy();
});

describe("demo data", () => {
  it("has the opened demo tender in evaluation, one award in standstill, one challenged, one ready to contract", async () => {
    expect(await conflictDeclarationOf(t.db, COUNTY, DEMO_TENDER.opened, DEMO_EVALUATOR)).toBe("none");
    expect((await awardNotice(t.db, clock, COUNTY, DEMO_TENDER.opened).catch((e) => e)).code).toBe(
      "not_found",
    );
    clock.set(START);
    expect((await awardNotice(t.db, clock, COUNTY, DEMO_AWARD_TENDER.standstill)).state).toBe("standstill");
    expect((await awardNotice(t.db, clock, COUNTY, DEMO_AWARD_TENDER.challenged)).state).toBe("suspended");
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
      expect((await awardsReadyToContract(t.db, clock, COUNTY)).map((a) => a.id)).toContain(DEMO_AWARD.ready);
    clock.set(AFTER);
  });
});

describe("conflicts of interest", () => {
  it("refuses scoring before declaring (409) and scoring by anyone not assigned (403); nothing is written", async () => {
    const before = await snapshot();
    expect(
      (await refused(recordScores(ctx, as("e1"), COUNTY, tenderId, bid.charity as string, all(5)))).code,
    ).toBe("declaration_required");
    expect((await refused(scoresheet(ctx, as("e1"), COUNTY, tenderId))).code).toBe("declaration_required");
    expect(
      (await refused(recordScores(ctx, as("outsider"), COUNTY, tenderId, bid.charity as string, all(5))))
        .code,
    ).toBe("forbidden");
    expect(
      (await refused(recordScores(ctx, as("checker"), COUNTY, tenderId, bid.charity as string, all(5)))).code,
    ).toBe("forbidden");
    expect(await snapshot()).toEqual(before);
  });

  it("a declared conflict needs a description (422), and ends the evaluator's assignment, audited", async () => {
    expect((await refused(declareConflicts(ctx, as("e3"), COUNTY, tenderId, { conflict: true }))).code).toBe(
      "unprocessable",
    );
    expect((await refused(declareConflicts(ctx, as("e3"), COUNTY, tenderId, {}))).code).toBe(
      "validation_failed",
    );
    await declareConflicts(ctx, as("e3"), COUNTY, tenderId, {
      conflict: true,
      description: "My sister manages the coastal branch of Millbrook Carers' Trust.",
    });
    expect(await conflictDeclarationOf(t.db, COUNTY, tenderId, as("e3").userId)).toBe("conflict");
    expect(
      (await refused(recordScores(ctx, as("e3"), COUNTY, tenderId, bid.charity as string, all(5)))).message,
    ).toMatch(/declared a conflict/);
    const overview = await evaluationOverview(ctx, as("commissioner"), COUNTY, tenderId);
    expect(overview.progress.evaluators.map((e) => e.name).sort()).toEqual(["e1", "e2"]);
    expect(overview.progress.conflicts.map((c) => c.name)).toEqual(["e3"]);
    expect(overview.state).toBe("not-started");
    const events = await t.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", tenderId)
      .where("action", "=", "evaluation.conflict-declared")
      .execute();
    expect(events).toHaveLength(1);
  });

  it("scoring waits for evaluation to start (409)", async () => {
    await declareConflicts(ctx, as("e1"), COUNTY, tenderId, { conflict: false });
    expect(
      (await refused(recordScores(ctx, as("e1"), COUNTY, tenderId, bid.charity as string, all(5)))).code,
    ).toBe("evaluation_not_started");
    await startEvaluation(ctx, as("checker"), COUNTY, tenderId, {});
  });
});

describe("scores", () => {
  it("refuses a score off the scale, a score without a reason and an unknown criterion (400, each field named); nothing written", async () => {
    const before = await snapshot();
    const [c1, c2, c3] = criteria as unknown as [{ id: string }, { id: string }, { id: string }];
    const e = await refused(
      recordScores(ctx, as("e1"), COUNTY, tenderId, bid.charity as string, [
        { criterionId: c1.id, score: 11, reason: "Too good" },
        { criterionId: c2.id, score: 3, reason: "  " },
        { criterionId: c3.id, score: 2.5, reason: "Half" },
        { criterionId: DEMO_TENDER.open, score: 1, reason: "Unknown" },
      ]),
    );
    expect(e.code).toBe("validation_failed");
    expect(e.details.map((d) => d.field)).toEqual([
      `scores.${c1.id}.score`,
      `scores.${c2.id}.reason`,
      `scores.${c3.id}.score`,
      "scores.3.criterionId",
    ]);
    expect(e.details[0]?.message).toMatch(/0 to 10/);
    expect(
      (await refused(recordScores(ctx, as("e1"), COUNTY, tenderId, DEMO_TENDER.open, all(5)))).code,
    ).toBe("not_found");
    expect(await snapshot()).toEqual(before);
  });

  it("scores each compliant bid per leaf criterion; an incomplete scoresheet is not submitted (422)", async () => {
    const sheet = await scoresheet(ctx, as("e1"), COUNTY, tenderId);
    expect(sheet.criteria.map((c) => c.title)).toEqual(["Continuity of care", "Safeguarding", "Local jobs"]);
    expect(sheet.bids.map((b) => b.name).sort()).toEqual([
      "Millbrook Carers' Trust",
      "Westshire Community Health CIC",
      "Westshire Homes Group",
    ]);
    expect(Object.values(sheet.bids[0]?.answers ?? {})).toHaveLength(3);
    await recordScores(ctx, as("e1"), COUNTY, tenderId, bid.charity as string, all(7));
    const incomplete = await refused(submitScores(ctx, as("e1"), COUNTY, tenderId));
    expect(incomplete.code).toBe("scoresheet_incomplete");
    expect(incomplete.details).toHaveLength(6);
    await recordScores(ctx, as("e1"), COUNTY, tenderId, bid.mutual as string, all(7));
    await recordScores(ctx, as("e1"), COUNTY, tenderId, bid.company as string, all(4));
  });

  it("an evaluator sees only their own scores before moderation: another's is refused (403) and recorded", async () => {
    await declareConflicts(ctx, as("e2"), COUNTY, tenderId, { conflict: false });
    const own = await evaluatorScores(ctx, as("e1"), COUNTY, tenderId, as("e1").userId);
    expect(own.scores).toHaveLength(9);
    const e = await refused(evaluatorScores(ctx, as("e2"), COUNTY, tenderId, as("e1").userId));
    expect(e.code).toBe("forbidden");
    const moderatorEarly = await refused(
      evaluatorScores(ctx, as("checker"), COUNTY, tenderId, as("e1").userId),
    );
    expect(moderatorEarly.code).toBe("forbidden");
    const refusals = await t.db
      .selectFrom("audit_events")
      .select("action")
      .where("entity_id", "=", tenderId)
      .where("action", "=", "evaluation.scores-read-refused")
      .execute();
    expect(refusals).toHaveLength(2);
  });

  it("moderation waits until every evaluator has submitted (409); submitted scores are fixed (409)", async () => {
    await submitScores(ctx, as("e1"), COUNTY, tenderId);
    expect(
      (await refused(recordScores(ctx, as("e1"), COUNTY, tenderId, bid.charity as string, all(1)))).code,
    ).toBe("scores_submitted");
    const early = await refused(moderationView(ctx, as("checker"), COUNTY, tenderId));
    expect(early.code).toBe("scoring_incomplete");
    expect(early.message).toMatch(/e2/);
    expect((await refused(awardTender(ctx, as("checker"), COUNTY, tenderId, {}))).code).toBe(
      "scoring_incomplete",
    );
    for (const [who, s] of [
      ["charity", 6],
      ["mutual", 6],
      ["company", 5],
    ] as const)
      await recordScores(ctx, as("e2"), COUNTY, tenderId, bid[who] as string, all(s));
    const done = await submitScores(ctx, as("e2"), COUNTY, tenderId);
    expect(done.moderationOpen).toBe(true);
    // Now the evaluators may see each other's scores.
    expect((await evaluatorScores(ctx, as("e2"), COUNTY, tenderId, as("e1").userId)).scores).toHaveLength(9);
  });
});

describe("moderation, ranking and ties", () => {
  it("shows the scores side by side; the award waits for every agreed score (409)", async () => {
    const m = await moderationView(ctx, as("checker"), COUNTY, tenderId);
    const charity = m.bids.find((b) => b.bidId === bid.charity);
    expect(
      charity?.perCriterion[criteria[0]?.id as string]?.evaluators.map((e) => [e.name, e.score]).sort(),
    ).toEqual([
      ["e1", 7],
      ["e2", 6],
    ]);
    expect(m.unmoderated).toBe(9);
    expect((await refused(moderationView(ctx, as("e1"), COUNTY, tenderId))).code).toBe("forbidden");
    expect((await refused(awardTender(ctx, as("checker"), COUNTY, tenderId, {}))).code).toBe(
      "moderation_incomplete",
    );
    expect((await refused(rankingView(ctx, as("checker"), COUNTY, tenderId))).code).toBe(
      "moderation_incomplete",
    );
  });

  it("ranks from the agreed scores with the working; a tie on total and quality needs the commissioner's decision", async () => {
    await moderateBid(ctx, as("checker"), COUNTY, tenderId, bid.charity as string, all(7, "Agreed: strong"));
    await moderateBid(
      ctx,
      as("checker"),
      COUNTY,
      tenderId,
      bid.mutual as string,
      all(7, "Agreed: strong too"),
    );
    await moderateBid(
      ctx,
      as("checker"),
      COUNTY,
      tenderId,
      bid.company as string,
      all(5, "Agreed: adequate"),
    );
    const ranking = await rankingView(ctx, as("checker"), COUNTY, tenderId);
    // 7/10 × 7,000 = 4,900 quality; price £1,000 lowest: 3,000 → 7,900.00.
    expect(ranking.bids.map((b) => [b.name, b.rank, b.totalShown])).toEqual([
      ["Millbrook Carers' Trust", 1, "7,900.00"],
      ["Westshire Community Health CIC", 1, "7,900.00"],
      ["Westshire Homes Group", 3, "6,000.00"],
    ]);
    const company = ranking.bids.find((b) => b.bidId === bid.company);
    expect(company?.criteria.map((c) => c.working)).toEqual([
      "5 ÷ 10 × 4,000 bp = 2,000.00 bp",
      "5 ÷ 10 × 2,000 bp = 1,000.00 bp",
      "5 ÷ 10 × 1,000 bp = 500.00 bp",
      "£1,000.00 ÷ £1,200.00 × 3,000 bp = 2,500.00 bp",
    ]);
    expect(company?.details[0]).toMatchObject({
      title: "Quality: Continuity of care",
      reason: "Agreed: adequate",
    });
    expect(ranking.unresolvedTies.map((g) => g.map((b) => b.bidId).sort())).toEqual([
      [bid.charity, bid.mutual].sort(),
    ]);
    const before = await snapshot();
    expect((await refused(awardTender(ctx, as("checker"), COUNTY, tenderId, {}))).code).toBe(
      "tie_unresolved",
    );
    const wrong = await refused(
      decideTie(ctx, as("checker"), COUNTY, tenderId, {
        order: [bid.mutual as string, bid.company as string],
        reason: "Better references",
      }),
    );
    expect(wrong.code).toBe("unprocessable");
    expect(
      (
        await refused(
          decideTie(ctx, as("checker"), COUNTY, tenderId, {
            order: [bid.mutual as string, bid.charity as string],
          }),
        )
      ).code,
    ).toBe("validation_failed");
    expect(await snapshot()).toEqual(before);
    await decideTie(ctx, as("checker"), COUNTY, tenderId, {
      order: [bid.mutual as string, bid.charity as string],
      reason: "The mutual's staff retention plan is the more credible of the two.",
    });
    const decided = await rankingView(ctx, as("checker"), COUNTY, tenderId);
    expect(decided.bids.map((b) => [b.bidId, b.rank, b.tieBrokenBy])).toEqual([
      [bid.mutual, 1, "decision"],
      [bid.charity, 2, "decision"],
      [bid.company, 3, null],
    ]);
  });
});

describe("the award", () => {
  it("refuses a winner without a current registration for the regulated activity (422), writing nothing", async () => {
    const before = await snapshot();
    const e = await refused(
      awardTender(ctx, as("checker"), COUNTY, tenderId, { regulatedActivity: "personal-care" }),
    );
    expect(e.code).toBe("registration_required");
    expect(e.message).toBe(
      'Westshire Community Health CIC has no current registration for the regulated activity "Personal care", so it cannot be awarded a contract that requires it. It must be registered with the regulator first.',
    );
    expect(
      (await refused(awardTender(ctx, as("checker"), COUNTY, tenderId, { regulatedActivity: "juggling" })))
        .code,
    ).toBe("validation_failed");
    expect((await refused(awardTender(ctx, as("checker"), COUNTY, tenderId, { value: "£5" }))).code).toBe(
      "award_invalid",
    );
    // Only commissioners and administrators who may read the bids award.
    expect((await refused(awardTender(ctx, as("commissioner"), COUNTY, tenderId, {}))).code).toBe(
      "forbidden",
    );
    expect((await refused(awardTender(ctx, as("e1"), COUNTY, tenderId, {}))).code).toBe("forbidden");
    expect(await snapshot()).toEqual(before);
  });

  it("awards to the best-ranked bid: the award for the contract, the standstill end, the summaries and the notice", async () => {
    const result = await awardTender(ctx, as("checker"), COUNTY, tenderId, {
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
    expect((await refused(awardForContract(t.db, clock, COUNTY, result.awardId))).code).toBe(
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
    expect(toCharity?.body).toMatch(/ranked 2 with 7,900.00 of 10,000 points/);
    expect(toCharity?.body).toMatch(/Agreed: strong\n/);
    expect(toCharity?.body).toMatch(/The winning bid, from Westshire Community Health CIC/);
    expect(toCharity?.body).toMatch(/Agreed: strong too/);
    expect(toCharity?.body).toMatch(/standstill period ends at midnight at the end of 29 January 2027/);
    const received = await assessmentsReceived(t.db, as("charity"), DEMO_ORGANISATION.carersTrust);
    expect(received.find((r) => r.own.award_id === result.awardId)?.winner?.bid_id).toBe(bid.mutual);
    expect(
      (await refused(assessmentsReceived(t.db, as("company"), DEMO_ORGANISATION.carersTrust))).code,
    ).toBe("forbidden");
    const notice = await awardNotice(t.db, clock, COUNTY, tenderId);
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
      (await refused(moderateBid(ctx, as("checker"), COUNTY, tenderId, bid.company as string, all(9)))).code,
    ).toBe("award_made");
    expect((await refused(awardTender(ctx, as("checker"), COUNTY, tenderId, {}))).code).toBe(
      "already_awarded",
    );
  });
});

describe("standstill and challenges", () => {
  const grounds = { grounds: "The tie was decided on a ground not in the published criteria." };

  it("a bidder challenges during standstill: the award is suspended and nothing can be contracted", async () => {
    const before = await snapshot();
    expect(
      (
        await refused(
          lodgeChallenge(ctx, as("company"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.carersTrust,
            ...grounds,
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refused(
          lodgeChallenge(ctx, as("checker"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.carersTrust,
            ...grounds,
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refused(
          lodgeChallenge(ctx, as("charity"), COUNTY, tenderId, {
            organisationId: DEMO_ORGANISATION.carersTrust,
            grounds: " ",
          }),
        )
      ).code,
    ).toBe("validation_failed");
    expect(await snapshot()).toEqual(before);
    clock.set(new Date("2027-01-25T10:00:00Z"));
    const { challengeId } = await lodgeChallenge(ctx, as("charity"), COUNTY, tenderId, {
      organisationId: DEMO_ORGANISATION.carersTrust,
      ...grounds,
    });
    const notice = await awardNotice(t.db, clock, COUNTY, tenderId);
    expect(notice.state).toBe("suspended");
    expect((await refused(awardForContract(t.db, clock, COUNTY, notice.award.id))).code).toBe(
      "award_challenged",
    );
    expect(
      (
        await refused(
          lodgeChallenge(ctx, as("charity"), COUNTY, tenderId, {
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
          decideChallenge(ctx, as("e1"), COUNTY, tenderId, challengeId, {
            outcome: "dismissed",
            reason: "No",
          }),
        )
      ).code,
    ).toBe("forbidden");
    expect(
      (
        await refused(
          decideChallenge(ctx, as("checker"), COUNTY, tenderId, challengeId, { outcome: "dismissed" }),
        )
      ).code,
    ).toBe("validation_failed");
    // Still suspended after standstill would have ended: nothing can be contracted while it is open.
    clock.set(new Date("2027-02-01T10:00:00Z"));
    expect((await refused(awardForContract(t.db, clock, COUNTY, notice.award.id))).code).toBe(
      "award_challenged",
    );
    await decideChallenge(ctx, as("checker"), COUNTY, tenderId, challengeId, {
      outcome: "dismissed",
      reason: "The decision on the tie rested on the published quality criterion.",
    });
    expect((await awardNotice(t.db, clock, COUNTY, tenderId)).state).toBe("standstill-over");
    expect((await awardForContract(t.db, clock, COUNTY, notice.award.id)).organisationId).toBe(
      DEMO_ORGANISATION.communityHealthMutual,
    );
    expect(
      (
        await refused(
          decideChallenge(ctx, as("checker"), COUNTY, tenderId, challengeId, {
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
          lodgeChallenge(ctx, as("company"), COUNTY, tenderId, {
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
    const notice = await awardNotice(t.db, clock, COUNTY, DEMO_AWARD_TENDER.challenged);
    const admin = await t.db
      .selectFrom("users")
      .select("id")
      .where("id", "=", "019a0000-0000-7000-8000-00000000c007")
      .executeTakeFirstOrThrow();
    const adminPrincipal: Principal = {
      userId: admin.id,
      displayName: "admin",
      grants: await loadGrants(t.db, admin.id),
      via: "session",
      twoFactor: true,
    };
    const [challenge] = await t.db
      .selectFrom("award_challenges")
      .select("id")
      .where("award_id", "=", notice.award.id)
      .execute();
    const result = await decideChallenge(
      ctx,
      adminPrincipal,
      COUNTY,
      DEMO_AWARD_TENDER.challenged,
      challenge?.id as string,
      {
        outcome: "upheld-reevaluate",
        reason: "The winning price assumed visits shorter than the specification allows.",
      },
    );
    expect(result).toEqual({ outcome: "upheld-reevaluate", awardStatus: "withdrawn" });
    expect((await awardNotice(t.db, clock, COUNTY, DEMO_AWARD_TENDER.challenged)).state).toBe("withdrawn");
    // Moderation reopens: the agreed scores change, and a new award follows.
    const tender = await tenderOf(t.db, clock, adminPrincipal, COUNTY, DEMO_AWARD_TENDER.challenged);
    const leaves = scoredCriteria(leafCriteria(tender.parts));
    const bids = await t.db
      .selectFrom("bids")
      .select(["id", "organisation_id"])
      .where("tender_id", "=", DEMO_AWARD_TENDER.challenged)
      .execute();
    const winnerBefore = notice.award.bid_id;
    await moderateBid(
      ctx,
      adminPrincipal,
      COUNTY,
      DEMO_AWARD_TENDER.challenged,
      winnerBefore,
      leaves.map((c) => ({ criterionId: c.id, score: 3, reason: "Re-evaluated: visits too short" })),
    );
    const again = await awardTender(ctx, adminPrincipal, COUNTY, DEMO_AWARD_TENDER.challenged, {});
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

    // Upheld with cancellation: the award is withdrawn and the tender cancelled.
    const { challengeId } = await lodgeChallenge(ctx, as("company"), COUNTY, DEMO_AWARD_TENDER.challenged, {
      organisationId: DEMO_ORGANISATION.homesGroup,
      grounds: "The specification itself was unlawful.",
    });
    await decideChallenge(ctx, adminPrincipal, COUNTY, DEMO_AWARD_TENDER.challenged, challengeId, {
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
    expect((await awardNotice(t.db, clock, COUNTY, DEMO_AWARD_TENDER.challenged)).state).toBe("withdrawn");
  });

  it("the three-bid rule holds at award: fewer than three compliant and no justification is refused (422)", async () => {
    clock.set(START);
    // The demo award in standstill, withdrawn on an upheld challenge, then its record tampered with.
    const admin: Principal = {
      userId: "019a0000-0000-7000-8000-00000000c007",
      displayName: "admin",
      grants: await loadGrants(t.db, "019a0000-0000-7000-8000-00000000c007"),
      via: "session",
      twoFactor: true,
    };
    const { challengeId } = await lodgeChallenge(ctx, as("company"), COUNTY, DEMO_AWARD_TENDER.standstill, {
      organisationId: DEMO_ORGANISATION.homesGroup,
      grounds: "Scores were not moderated consistently.",
    });
    await decideChallenge(ctx, admin, COUNTY, DEMO_AWARD_TENDER.standstill, challengeId, {
      outcome: "upheld-reevaluate",
      reason: "Moderation notes were incomplete.",
    });
    await sql`update tender_evaluations set compliant_count = 2, justification = null, publish_with_award = false where tender_id = ${DEMO_AWARD_TENDER.standstill}`.execute(
      t.db,
    );
    const before = await snapshot();
    const e = await refused(awardTender(ctx, admin, COUNTY, DEMO_AWARD_TENDER.standstill, {}));
    expect(e.code).toBe("award_invalid");
    expect(e.details.map((d) => d.field)).toEqual(["justification"]);
    expect(await snapshot()).toEqual(before);
  });

  it("a reserved tender's award is refused when the winner is barred by a comparable reserved contract on the award date (422)", async () => {
    clock.set(START);
    const reserved = await transaction(t.db, (trx) =>
      createTender(trx, clock, as("commissioner"), COUNTY, {
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
      }),
    );
    await transaction(t.db, (trx) =>
      publishTender(trx, clock, as("commissioner"), COUNTY, reserved, { keys, minimumPeriodDays: 25 }),
    );
    const view = await tenderOf(t.db, clock, as("commissioner"), COUNTY, reserved);
    const quality = view.parts.criteria.filter((c) => c.kind !== "price").map((c) => c.id);
    const { receipt } = await transaction(t.db, async (trx) => {
      await registerInterest(
        trx,
        clock,
        as("mutual"),
        COUNTY,
        reserved,
        DEMO_ORGANISATION.communityHealthMutual,
      );
      return submitBid(trx, ctx, as("mutual"), COUNTY, reserved, {
        organisationId: DEMO_ORGANISATION.communityHealthMutual,
        answers: quality.map((criterionId) => ({ criterionId, text: "As a mutual" })),
        price: "£900",
      });
    });
    clock.set(AFTER);
    await confirmOpening(ctx, as("checker"), COUNTY, reserved);
    await confirmOpening(ctx, as("opener"), COUNTY, reserved);
    await recordDecision(ctx, as("checker"), COUNTY, reserved, receipt.bidId, {
      conditions: [{ position: 1, met: true }],
      outcome: "compliant",
    });
    await startEvaluation(ctx, as("checker"), COUNTY, reserved, {
      justification: "Only one mutual in Westshire provides home care; the market was tested in 2026.",
    });
    await transaction(t.db, (trx) =>
      assignEvaluator(
        trx,
        clock,
        as("commissioner"),
        COUNTY,
        reserved,
        as("e1").userId,
        requireAuthorityEditor,
      ),
    );
    await declareConflicts(ctx, as("e1"), COUNTY, reserved, { conflict: false });
    const entries = quality.map((criterionId) => ({ criterionId, score: 6, reason: "Sound" }));
    await recordScores(ctx, as("e1"), COUNTY, reserved, receipt.bidId, entries);
    await submitScores(ctx, as("e1"), COUNTY, reserved);
    await moderateBid(ctx, as("checker"), COUNTY, reserved, receipt.bidId, entries);
    // Since the compliance check, the authority recorded a comparable reserved contract with the mutual.
    await transaction(t.db, (trx) =>
      recordPastReservedAward(trx, clock, as("commissioner"), COUNTY, {
        organisationId: DEMO_ORGANISATION.communityHealthMutual,
        categoryCode: "domiciliary-care",
        awardedOn: "2027-01-20",
        title: "Home care in Eastmoor",
      }),
    );
    const before = await snapshot();
    const e = await refused(awardTender(ctx, as("checker"), COUNTY, reserved, {}));
    expect(e.code).toBe("reserved_bar");
    expect(e.message).toMatch(/s\.33.*Home care in Eastmoor.*20 January 2027/);
    expect(await snapshot()).toEqual(before);
  });

  it("keeps every change on the authority's audit chain, which verifies", async () => {
    const reports = await verifyAuditChains(t.db);
    expect(reports.every((r) => r.ok)).toBe(true);
  });
});
