/**
 * Evaluation on the real database (PGlite, or PostgreSQL with DATABASE_URL), with a real tender
 * published, bid for by three organisations, opened by two bid openers and found compliant:
 * conflicts declared before scoring, scores on the scale with reasons, evaluators blind to each
 * other until moderation, moderated scores, the ranking with its working and a tie decided by the
 * commissioner; the award waits for all of it. Every refusal leaves the tables as they were. The
 * award itself is tested in src/modules/award/award.service.test.ts.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refused } from "../../../tests/support/refused.ts";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { settableClock } from "../../lib/clock.ts";
import { DEMO_EVALUATOR } from "../../seed/demo/evaluation.ts";
import { DEMO_ORGANISATION } from "../../seed/demo/organisations.ts";
import { DEMO_TENDER } from "../../seed/demo/tenders.ts";
import { verifyAuditChains } from "../audit/audit.service.ts";
import { awardTender } from "../award/award.service.ts";
import { startEvaluation } from "../compliance/compliance.service.ts";
import { COUNTY, people, START } from "../compliance/compliance.test-fixtures.ts";
import { declareConflicts } from "./declarations.service.ts";
import { conflictDeclarationOf, evaluationOverview } from "./evaluation.service.ts";
import { coastTender, scoresOf } from "./evaluation.test-fixtures.ts";
import { decideTie, moderateBid, moderationView, rankingView } from "./moderation.service.ts";
import {
  evaluatorScores,
  recordScores,
  type ScoreDraft,
  scoresheet,
  submitScores,
} from "./scores.service.ts";

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
  for (const e of ["e1", "e2", "e3", "outsider"]) await p.add(e, [{ role: "evaluator", scopeId: COUNTY }]);
  await p.add("charity", [{ role: "organisation-member", scopeId: DEMO_ORGANISATION.carersTrust }]);
  await p.add("mutual", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.communityHealthMutual }]);
  await p.add("company", [{ role: "organisation-admin", scopeId: DEMO_ORGANISATION.homesGroup }]);
  ({ tenderId, bid, criteria } = await coastTender(
    p,
    clock,
    {
      charity: DEMO_ORGANISATION.carersTrust,
      mutual: DEMO_ORGANISATION.communityHealthMutual,
      company: DEMO_ORGANISATION.homesGroup,
    },
    ["e1", "e2", "e3"],
  ));
}, 240_000);

afterAll(async () => {
  await t?.destroy();
});

describe("demo data", () => {
  it("has the opened demo tender in evaluation: the demo evaluator has declared no conflict", async () => {
    expect(await conflictDeclarationOf(t.db, COUNTY, DEMO_TENDER.opened, DEMO_EVALUATOR)).toBe("none");
  });
});

describe("conflicts of interest", () => {
  it("refuses scoring before declaring (409) and scoring by anyone not assigned (403); nothing is written", async () => {
    const before = await snapshot();
    expect(
      (await refused(recordScores(ctx("e1"), COUNTY, tenderId, bid.charity as string, all(5)))).code,
    ).toBe("declaration_required");
    expect((await refused(scoresheet(ctx("e1"), COUNTY, tenderId))).code).toBe("declaration_required");
    expect(
      (await refused(recordScores(ctx("outsider"), COUNTY, tenderId, bid.charity as string, all(5)))).code,
    ).toBe("forbidden");
    expect(
      (await refused(recordScores(ctx("checker"), COUNTY, tenderId, bid.charity as string, all(5)))).code,
    ).toBe("forbidden");
    expect(await snapshot()).toEqual(before);
  });

  it("a declared conflict needs a description (422), and ends the evaluator's assignment, audited", async () => {
    expect((await refused(declareConflicts(ctx("e3"), COUNTY, tenderId, { conflict: true }))).code).toBe(
      "unprocessable",
    );
    expect((await refused(declareConflicts(ctx("e3"), COUNTY, tenderId, {}))).code).toBe("validation_failed");
    await declareConflicts(ctx("e3"), COUNTY, tenderId, {
      conflict: true,
      description: "My sister manages the coastal branch of Millbrook Carers' Trust.",
    });
    expect(await conflictDeclarationOf(t.db, COUNTY, tenderId, as("e3").userId)).toBe("conflict");
    expect(
      (await refused(recordScores(ctx("e3"), COUNTY, tenderId, bid.charity as string, all(5)))).message,
    ).toMatch(/declared a conflict/);
    const overview = await evaluationOverview(ctx("commissioner"), COUNTY, tenderId);
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
    await declareConflicts(ctx("e1"), COUNTY, tenderId, { conflict: false });
    expect(
      (await refused(recordScores(ctx("e1"), COUNTY, tenderId, bid.charity as string, all(5)))).code,
    ).toBe("evaluation_not_started");
    await startEvaluation(ctx("checker"), COUNTY, tenderId, {});
  });
});

describe("scores", () => {
  it("refuses a score off the scale, a score without a reason and an unknown criterion (400, each field named); nothing written", async () => {
    const before = await snapshot();
    const [c1, c2, c3] = criteria as unknown as [{ id: string }, { id: string }, { id: string }];
    const e = await refused(
      recordScores(ctx("e1"), COUNTY, tenderId, bid.charity as string, [
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
    expect((await refused(recordScores(ctx("e1"), COUNTY, tenderId, DEMO_TENDER.open, all(5)))).code).toBe(
      "not_found",
    );
    expect(await snapshot()).toEqual(before);
  });

  it("scores each compliant bid per leaf criterion; an incomplete scoresheet is not submitted (422)", async () => {
    const sheet = await scoresheet(ctx("e1"), COUNTY, tenderId);
    expect(sheet.criteria.map((c) => c.title)).toEqual(["Continuity of care", "Safeguarding", "Local jobs"]);
    expect(sheet.bids.map((b) => b.name).sort()).toEqual([
      "Millbrook Carers' Trust",
      "Westshire Community Health CIC",
      "Westshire Homes Group",
    ]);
    expect(Object.values(sheet.bids[0]?.answers ?? {})).toHaveLength(3);
    await recordScores(ctx("e1"), COUNTY, tenderId, bid.charity as string, all(7));
    const incomplete = await refused(submitScores(ctx("e1"), COUNTY, tenderId));
    expect(incomplete.code).toBe("scoresheet_incomplete");
    expect(incomplete.details).toHaveLength(6);
    await recordScores(ctx("e1"), COUNTY, tenderId, bid.mutual as string, all(7));
    await recordScores(ctx("e1"), COUNTY, tenderId, bid.company as string, all(4));
  });

  it("an evaluator sees only their own scores before moderation: another's is refused (403) and recorded", async () => {
    await declareConflicts(ctx("e2"), COUNTY, tenderId, { conflict: false });
    const own = await evaluatorScores(ctx("e1"), COUNTY, tenderId, as("e1").userId);
    expect(own.scores).toHaveLength(9);
    const e = await refused(evaluatorScores(ctx("e2"), COUNTY, tenderId, as("e1").userId));
    expect(e.code).toBe("forbidden");
    const moderatorEarly = await refused(evaluatorScores(ctx("checker"), COUNTY, tenderId, as("e1").userId));
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
    await submitScores(ctx("e1"), COUNTY, tenderId);
    expect(
      (await refused(recordScores(ctx("e1"), COUNTY, tenderId, bid.charity as string, all(1)))).code,
    ).toBe("scores_submitted");
    const early = await refused(moderationView(ctx("checker"), COUNTY, tenderId));
    expect(early.code).toBe("scoring_incomplete");
    expect(early.message).toMatch(/e2/);
    expect((await refused(awardTender(ctx("checker"), COUNTY, tenderId, {}))).code).toBe(
      "scoring_incomplete",
    );
    for (const [who, s] of [
      ["charity", 6],
      ["mutual", 6],
      ["company", 5],
    ] as const)
      await recordScores(ctx("e2"), COUNTY, tenderId, bid[who] as string, all(s));
    const done = await submitScores(ctx("e2"), COUNTY, tenderId);
    expect(done.moderationOpen).toBe(true);
    // Now the evaluators may see each other's scores.
    expect((await evaluatorScores(ctx("e2"), COUNTY, tenderId, as("e1").userId)).scores).toHaveLength(9);
  });
});

describe("moderation, ranking and ties", () => {
  it("shows the scores side by side; the award waits for every agreed score (409)", async () => {
    const m = await moderationView(ctx("checker"), COUNTY, tenderId);
    const charity = m.bids.find((b) => b.bidId === bid.charity);
    expect(
      charity?.perCriterion[criteria[0]?.id as string]?.evaluators.map((e) => [e.name, e.score]).sort(),
    ).toEqual([
      ["e1", 7],
      ["e2", 6],
    ]);
    expect(m.unmoderated).toBe(9);
    expect((await refused(moderationView(ctx("e1"), COUNTY, tenderId))).code).toBe("forbidden");
    expect((await refused(awardTender(ctx("checker"), COUNTY, tenderId, {}))).code).toBe(
      "moderation_incomplete",
    );
    expect((await refused(rankingView(ctx("checker"), COUNTY, tenderId))).code).toBe("moderation_incomplete");
  });

  it("ranks from the agreed scores with the working; a tie on total and quality needs the commissioner's decision", async () => {
    await moderateBid(ctx("checker"), COUNTY, tenderId, bid.charity as string, all(7, "Agreed: strong"));
    await moderateBid(ctx("checker"), COUNTY, tenderId, bid.mutual as string, all(7, "Agreed: strong too"));
    await moderateBid(ctx("checker"), COUNTY, tenderId, bid.company as string, all(5, "Agreed: adequate"));
    const ranking = await rankingView(ctx("checker"), COUNTY, tenderId);
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
    expect((await refused(awardTender(ctx("checker"), COUNTY, tenderId, {}))).code).toBe("tie_unresolved");
    const wrong = await refused(
      decideTie(ctx("checker"), COUNTY, tenderId, {
        order: [bid.mutual as string, bid.company as string],
        reason: "Better references",
      }),
    );
    expect(wrong.code).toBe("unprocessable");
    expect(
      (
        await refused(
          decideTie(ctx("checker"), COUNTY, tenderId, {
            order: [bid.mutual as string, bid.charity as string],
          }),
        )
      ).code,
    ).toBe("validation_failed");
    expect(await snapshot()).toEqual(before);
    await decideTie(ctx("checker"), COUNTY, tenderId, {
      order: [bid.mutual as string, bid.charity as string],
      reason: "The mutual's staff retention plan is the more credible of the two.",
    });
    const decided = await rankingView(ctx("checker"), COUNTY, tenderId);
    expect(decided.bids.map((b) => [b.bidId, b.rank, b.tieBrokenBy])).toEqual([
      [bid.mutual, 1, "decision"],
      [bid.charity, 2, "decision"],
      [bid.company, 3, null],
    ]);
  });
});

describe("the audit trail", () => {
  it("keeps every change on the authority's audit chain, which verifies", async () => {
    const reports = await verifyAuditChains(t.db);
    expect(reports.every((r) => r.ok)).toBe(true);
  });
});
