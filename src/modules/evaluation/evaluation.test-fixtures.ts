/**
 * For the evaluation and award tests: tenders bid for by three organisations, opened, found
 * compliant and given evaluators ("Home care on the coast", with sub-criteria; "Home care in the
 * valleys", for the HTTP tests); and the coast tender's evaluation through to a ranking whose tie
 * the commissioner has decided, ready to award.
 */
import { recordDecision, startEvaluation } from "../compliance/compliance.service.ts";
import {
  type Bidder,
  COUNTY,
  homeCare,
  openBids,
  type People,
  tenderWithBids,
} from "../compliance/compliance.test-fixtures.ts";
import { assignEvaluator } from "../tenders/evaluators.service.ts";
import type { TenderDraft } from "../tenders/setup.service.ts";
import type { TenderParts } from "../tenders/tenders.service.ts";
import { declareConflicts } from "./declarations.service.ts";
import { leafCriteria, scoredCriteria } from "./evaluation.service.ts";
import { decideTie, moderateBid } from "./moderation.service.ts";
import { recordScores, type ScoreDraft, submitScores } from "./scores.service.ts";

export interface CompliantTender {
  tenderId: string;
  /** Each bidder's bid, by the bidder's name. */
  bid: Record<string, string>;
  /** The scored (leaf) criteria. */
  criteria: { id: string; title: string }[];
}

/**
 * A tender published and bid for (each bidder answering every scored criterion: "How we meet it"
 * unless told otherwise), opened by the checker and the opener, every bid found compliant by the
 * checker, and `evaluators` assigned by the commissioner. Evaluation has not started.
 */
export async function compliantTender(
  p: People,
  clock: Parameters<typeof tenderWithBids>[1],
  draft: TenderDraft,
  bidders: readonly Bidder[],
  options: { evaluators: readonly string[]; answer?: (title: string) => string },
): Promise<CompliantTender> {
  const leaves = (parts: TenderParts) => scoredCriteria(leafCriteria(parts));
  const answer = options.answer ?? (() => "How we meet it");
  const { tenderId, parts, bids } = await tenderWithBids(p, clock, draft, bidders, {
    answers: (x) => leaves(x).map((c) => ({ criterionId: c.id, text: answer(c.title) })),
  });
  await openBids(p, clock, tenderId, ["checker", "opener"]);
  for (const id of Object.values(bids))
    await recordDecision(p.ctx("checker"), COUNTY, tenderId, id, {
      conditions: [{ position: 1, met: true }],
      outcome: "compliant",
    });
  for (const e of options.evaluators)
    await assignEvaluator(p.ctx("commissioner"), COUNTY, tenderId, p.as(e).userId);
  return { tenderId, bid: bids, criteria: leaves(parts).map((c) => ({ id: c.id, title: c.title })) };
}

/**
 * "Home care on the coast": quality (continuity of care 40%, safeguarding 20%), local jobs 10% and
 * price 30%; bids from the charity (£1,000), the mutual (£1,000) and the company (£1,200).
 */
export function coastTender(
  p: People,
  clock: Parameters<typeof tenderWithBids>[1],
  organisations: { charity: string; mutual: string; company: string },
  evaluators: readonly string[],
): Promise<CompliantTender> {
  const draft = homeCare({
    title: "Home care on the coast",
    description: "Home care along the Westshire coast.",
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
  });
  const bidders = [
    { who: "charity", organisationId: organisations.charity, price: "£1,000" },
    { who: "mutual", organisationId: organisations.mutual, price: "£1,000" },
    { who: "company", organisationId: organisations.company, price: "£1,200" },
  ];
  return compliantTender(p, clock, draft, bidders, { evaluators, answer: (title) => `How we meet ${title}` });
}

/**
 * "Home care in the valleys" (quality 70%, price 30%): bids from the charity (£1,000), the mutual
 * (£1,100) and the company (£1,300), evaluation started by the checker, "evaluator" assigned.
 */
export async function valleysTender(
  p: People,
  clock: Parameters<typeof tenderWithBids>[1],
  organisations: { charity: string; mutual: string; company: string },
): Promise<CompliantTender> {
  const draft = homeCare({
    title: "Home care in the valleys",
    description: "Home care across the Westshire valleys.",
  });
  const bidders = [
    { who: "charity", organisationId: organisations.charity, price: "£1,000" },
    { who: "mutual", organisationId: organisations.mutual, price: "£1,100" },
    { who: "company", organisationId: organisations.company, price: "£1,300" },
  ];
  const tender = await compliantTender(p, clock, draft, bidders, { evaluators: [] });
  await startEvaluation(p.ctx("checker"), COUNTY, tender.tenderId, {});
  await assignEvaluator(p.ctx("commissioner"), COUNTY, tender.tenderId, p.as("evaluator").userId);
  return tender;
}

/** The same score and reason on every scored criterion. */
export const scoresOf = (
  criteria: readonly { id: string }[],
  score: number,
  reason = "Evidence weighed against the guidance",
): ScoreDraft[] => criteria.map((c) => ({ criterionId: c.id, score, reason }));

/**
 * The coast tender's evaluation as far as the award: evaluators e1 and e2 declare no conflict, the
 * checker starts evaluation, both score and submit, the agreed scores are 7 (charity, "Agreed:
 * strong"), 7 (mutual, "Agreed: strong too") and 5 (company, "Agreed: adequate"), and the tie
 * between the charity and the mutual is decided for the mutual.
 */
export async function rankedWithTieDecided(p: People, coast: CompliantTender): Promise<void> {
  const { tenderId, bid, criteria } = coast;
  const all = (score: number, reason?: string) => scoresOf(criteria, score, reason);
  for (const e of ["e1", "e2"]) await declareConflicts(p.ctx(e), COUNTY, tenderId, { conflict: false });
  await startEvaluation(p.ctx("checker"), COUNTY, tenderId, {});
  for (const [e, scores] of [
    ["e1", { charity: 7, mutual: 7, company: 4 }],
    ["e2", { charity: 6, mutual: 6, company: 5 }],
  ] as const) {
    for (const [who, score] of Object.entries(scores))
      await recordScores(p.ctx(e), COUNTY, tenderId, bid[who] as string, all(score));
    await submitScores(p.ctx(e), COUNTY, tenderId);
  }
  await moderateBid(p.ctx("checker"), COUNTY, tenderId, bid.charity as string, all(7, "Agreed: strong"));
  await moderateBid(p.ctx("checker"), COUNTY, tenderId, bid.mutual as string, all(7, "Agreed: strong too"));
  await moderateBid(p.ctx("checker"), COUNTY, tenderId, bid.company as string, all(5, "Agreed: adequate"));
  await decideTie(p.ctx("checker"), COUNTY, tenderId, {
    order: [bid.mutual as string, bid.charity as string],
    reason: "The mutual's staff retention plan is the more credible of the two.",
  });
}
