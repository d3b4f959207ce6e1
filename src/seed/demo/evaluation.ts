/**
 * Demo evaluation, awards, standstill and challenges (issue 6), through the real services with the
 * clock moved back. Fictional data; fixed ids.
 *
 * - The opened demo tender ("Night-time home care") stays in evaluation: the demo evaluator is
 *   assigned, declares no conflict and has scored one bid.
 * - Three more tenders of Westshire County Council's home care project, each with three bids opened,
 *   found compliant, scored by the demo evaluator, moderated and awarded by the demo authority
 *   administrator (a bid opener too): one awarded 3 days ago and in standstill (won by the demo
 *   mutual, for the regulated activity "nursing-care" it is registered for); one awarded 4 days ago
 *   and challenged by the demo mutual 2 days ago (suspended); one awarded 30 days ago whose
 *   standstill is over with no challenge, ready to be contracted (the contracts seed does).
 */
import { fixedClock } from "../../lib/clock.ts";
import { type Principal, requireAuthorityEditor } from "../../modules/access/access.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { awardTender, lodgeChallenge } from "../../modules/evaluation/award.service.ts";
import { recordDecision, startEvaluation } from "../../modules/evaluation/compliance.service.ts";
import {
  declareConflicts,
  leafCriteria,
  moderateBid,
  recordScores,
  scoredCriteria,
  submitScores,
} from "../../modules/evaluation/evaluation.service.ts";
import {
  assignEvaluator,
  type BidsContext,
  confirmOpening,
  submitBid,
} from "../../modules/tenders/bids.service.ts";
import { registerInterest } from "../../modules/tenders/questions.service.ts";
import type { TenderKeyring } from "../../modules/tenders/sealing.ts";
import * as tendersRepo from "../../modules/tenders/tenders.service.ts";
import { checkTender, publishTenderAs, recordTender } from "../../modules/tenders/tenders.service.ts";
import type { Seed, SeedContext } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_ORGANISATION } from "./organisations.ts";
import { DEMO_PROJECT } from "./projects.ts";
import { DEMO_TENDER, demoTenderKeys } from "./tenders.ts";

/** Fixed ids other seeds and tests refer to. */
export const DEMO_AWARD_TENDER = {
  /** Awarded 3 days ago: in standstill. */
  standstill: "019a0000-0000-7000-8000-00000000f201",
  /** Awarded 4 days ago, challenged 2 days ago: suspended. */
  challenged: "019a0000-0000-7000-8000-00000000f202",
  /** Awarded 30 days ago, standstill over, no challenge: ready to contract. */
  ready: "019a0000-0000-7000-8000-00000000f203",
} as const;
export const DEMO_AWARD = {
  standstill: "019a0000-0000-7000-8000-00000000f211",
  challenged: "019a0000-0000-7000-8000-00000000f212",
  ready: "019a0000-0000-7000-8000-00000000f213",
} as const;
export const DEMO_CHALLENGE = "019a0000-0000-7000-8000-00000000f221";
export const DEMO_EVALUATOR = "019a0000-0000-7000-8000-00000000c005";

const COUNTY = DEMO_AUTHORITY.county;
const DEMO_COMMISSIONER = "019a0000-0000-7000-8000-00000000c004";
const DEMO_BID_OPENER = "019a0000-0000-7000-8000-00000000c006";
const DEMO_AUTHORITY_ADMIN = "019a0000-0000-7000-8000-00000000c007";
const DEMO_ORG_ADMIN = "019a0000-0000-7000-8000-00000000c002";
const DAY = 24 * 60 * 60 * 1000;

const principal = (userId: string, grants: Principal["grants"]): Principal => ({
  userId,
  displayName: "Demo",
  grants,
  via: "session",
  twoFactor: true,
});
const authority = (role: Principal["grants"][number]["role"]) => ({
  role,
  scopeType: "authority" as const,
  scopeId: COUNTY,
});
const commissioner = principal(DEMO_COMMISSIONER, [authority("commissioner")]);
const evaluator = { ...principal(DEMO_EVALUATOR, [authority("evaluator")]), displayName: "Demo evaluator" };
const admin = principal(DEMO_AUTHORITY_ADMIN, [authority("authority-admin"), authority("bid-opener")]);
const opener = principal(DEMO_BID_OPENER, [authority("bid-opener")]);
const bidder = (organisationId: string) =>
  principal(DEMO_ORG_ADMIN, [
    { role: "organisation-admin", scopeType: "organisation", scopeId: organisationId },
  ]);

interface DemoAward {
  tenderId: string;
  awardId: string;
  title: string;
  description: string;
  /** Days before now it was awarded. */
  awardedDaysAgo: number;
  /** Each bidder's price and agreed score (the same on every criterion). */
  bids: { organisationId: string; price: string; score: number }[];
  regulatedActivity: string | null;
}

const AWARDS: DemoAward[] = [
  {
    tenderId: DEMO_AWARD_TENDER.standstill,
    awardId: DEMO_AWARD.standstill,
    title: "Home nursing care in Wesford",
    description: "Nursing care at home for people leaving hospital in Wesford.",
    awardedDaysAgo: 3,
    bids: [
      { organisationId: DEMO_ORGANISATION.communityHealthMutual, price: "£890,000", score: 8 },
      { organisationId: DEMO_ORGANISATION.carersTrust, price: "£860,000", score: 6 },
      { organisationId: DEMO_ORGANISATION.homesGroup, price: "£910,000", score: 5 },
    ],
    regulatedActivity: "nursing-care",
  },
  {
    tenderId: DEMO_AWARD_TENDER.challenged,
    awardId: DEMO_AWARD.challenged,
    title: "Home care in the Millbrook villages",
    description: "Personal care at home for older people in the villages around Millbrook.",
    awardedDaysAgo: 4,
    bids: [
      { organisationId: DEMO_ORGANISATION.communityHealthMutual, price: "£700,000", score: 6 },
      { organisationId: DEMO_ORGANISATION.carersTrust, price: "£640,000", score: 8 },
      { organisationId: DEMO_ORGANISATION.homesGroup, price: "£690,000", score: 5 },
    ],
    regulatedActivity: null,
  },
  {
    tenderId: DEMO_AWARD_TENDER.ready,
    awardId: DEMO_AWARD.ready,
    title: "Sitting service for carers",
    description: "Planned sitting visits so that unpaid carers in Westshire can take a break.",
    awardedDaysAgo: 30,
    bids: [
      { organisationId: DEMO_ORGANISATION.carersTrust, price: "£310,000", score: 9 },
      { organisationId: DEMO_ORGANISATION.communityHealthMutual, price: "£335,000", score: 7 },
      { organisationId: DEMO_ORGANISATION.homesGroup, price: "£298,000", score: 5 },
    ],
    regulatedActivity: null,
  },
];

const criteria = [
  { kind: "quality", title: "Quality of care and continuity", weightBp: 5000 },
  { kind: "social-value", title: "Local jobs and the real living wage", weightBp: 2000 },
  { kind: "price", title: "Price", weightBp: 3000 },
];

async function awarded({ trx, clock }: SeedContext, keys: TenderKeyring, a: DemoAward): Promise<void> {
  const now = clock.now().getTime();
  const at = (days: number) => fixedClock(new Date(now + days * DAY));
  const ctx = (days: number): BidsContext => ({
    db: trx,
    clock: at(days),
    keys,
    email: false,
    maxDocumentBytes: 20 * 1024 * 1024,
  });
  const start = -a.awardedDaysAgo;
  const published = start - 80;
  const deadline = new Date(now + (start - 40) * DAY);
  const input = await checkTender(trx, null, COUNTY, {
    projectId: DEMO_PROJECT.countyHomeCare,
    title: a.title,
    description: a.description,
    procedure: "open",
    pricingMode: "competitive",
    contractTermMonths: 36,
    vatTreatment: "exempt",
    vatNote: "Care is exempt from VAT; give prices without VAT.",
    clarificationDeadline: new Date(deadline.getTime() - 7 * DAY).toISOString(),
    submissionDeadline: deadline.toISOString(),
    lots: [],
    conditions: [
      "Registered with the Care Quality Commission",
      "Employer's liability insurance of at least £5 million",
    ],
    criteria,
  });
  await recordTender(trx, at(published), SYSTEM("seed"), COUNTY, input, a.tenderId);
  await publishTenderAs(trx, at(published), SYSTEM("seed"), null, COUNTY, a.tenderId, {
    keys,
    minimumPeriodDays: 25,
    markProjectStarted: false,
  });
  const parts = await tendersRepo.tenderParts(trx, COUNTY, a.tenderId);
  const answers = parts.criteria
    .filter((c) => c.kind !== "price")
    .map((c) => ({ criterionId: c.id, text: `How we meet “${c.title}”.` }));
  for (const b of a.bids) {
    await registerInterest(
      trx,
      at(start - 50),
      bidder(b.organisationId),
      COUNTY,
      a.tenderId,
      b.organisationId,
    );
    await submitBid(trx, ctx(start - 45), bidder(b.organisationId), COUNTY, a.tenderId, {
      organisationId: b.organisationId,
      answers,
      price: b.price,
    });
  }
  await confirmOpening(ctx(start - 39), opener, COUNTY, a.tenderId);
  await confirmOpening(ctx(start - 39), admin, COUNTY, a.tenderId);
  const bids = await tendersRepo.currentBids(trx, COUNTY, a.tenderId);
  for (const bid of bids)
    await recordDecision(ctx(start - 38), admin, COUNTY, a.tenderId, bid.id, {
      conditions: parts.conditions.map((_, i) => ({ position: i + 1, met: true })),
      outcome: "compliant",
    });
  await startEvaluation(ctx(start - 37), admin, COUNTY, a.tenderId, {});
  await assignEvaluator(
    trx,
    at(start - 37),
    commissioner,
    COUNTY,
    a.tenderId,
    DEMO_EVALUATOR,
    requireAuthorityEditor,
  );
  await declareConflicts(ctx(start - 36), evaluator, COUNTY, a.tenderId, { conflict: false });
  const scored = scoredCriteria(leafCriteria(parts));
  const scoreOf = (bidId: string) =>
    a.bids.find((b) => b.organisationId === bids.find((x) => x.id === bidId)?.organisation_id)?.score ?? 5;
  for (const bid of bids) {
    const entries = scored.map((c) => ({
      criterionId: c.id,
      score: scoreOf(bid.id),
      reason: `Scored ${scoreOf(bid.id)} of 10 against “${c.title}”: the answer's evidence, weighed against the published guidance.`,
    }));
    await recordScores(ctx(start - 30), evaluator, COUNTY, a.tenderId, bid.id, entries);
  }
  await submitScores(ctx(start - 29), evaluator, COUNTY, a.tenderId);
  for (const bid of bids)
    await moderateBid(
      ctx(start - 20),
      admin,
      COUNTY,
      a.tenderId,
      bid.id,
      scored.map((c) => ({
        criterionId: c.id,
        score: scoreOf(bid.id),
        reason: `Agreed at moderation: ${scoreOf(bid.id)} of 10 for “${c.title}”.`,
      })),
    );
  await awardTender(
    ctx(start),
    admin,
    COUNTY,
    a.tenderId,
    { regulatedActivity: a.regulatedActivity },
    { awardId: a.awardId },
  );
}

export const demoEvaluationSeed: Seed = {
  name: "demo-evaluation",
  description: "Demo tenders in evaluation, in standstill, challenged, and awarded with standstill over",
  demo: true,
  async run(context) {
    const { trx, clock } = context;
    const keys = demoTenderKeys();
    const now = clock.now().getTime();
    const at = (days: number) => fixedClock(new Date(now + days * DAY));
    const ctx = (days: number): BidsContext => ({
      db: trx,
      clock: at(days),
      keys,
      email: false,
      maxDocumentBytes: 20 * 1024 * 1024,
    });

    // The opened demo tender stays in evaluation: the demo evaluator has declared and scored one bid.
    await assignEvaluator(
      trx,
      at(-26),
      commissioner,
      COUNTY,
      DEMO_TENDER.opened,
      DEMO_EVALUATOR,
      requireAuthorityEditor,
    );
    await declareConflicts(ctx(-25), evaluator, COUNTY, DEMO_TENDER.opened, { conflict: false });
    const parts = await tendersRepo.tenderParts(trx, COUNTY, DEMO_TENDER.opened);
    const [first] = (await tendersRepo.currentBids(trx, COUNTY, DEMO_TENDER.opened)).sort((x, y) =>
      x.id.localeCompare(y.id),
    );
    if (first)
      await recordScores(
        ctx(-24),
        evaluator,
        COUNTY,
        DEMO_TENDER.opened,
        first.id,
        scoredCriteria(leafCriteria(parts)).map((c) => ({
          criterionId: c.id,
          score: 7,
          reason: `A clear, evidenced answer on “${c.title}”, with some gaps in how it would be measured.`,
        })),
      );

    for (const a of AWARDS) await awarded(context, keys, a);

    // The demo mutual challenges the award it lost, two days after it was made.
    await lodgeChallenge(
      ctx(-2),
      bidder(DEMO_ORGANISATION.communityHealthMutual),
      COUNTY,
      DEMO_AWARD_TENDER.challenged,
      {
        organisationId: DEMO_ORGANISATION.communityHealthMutual,
        grounds:
          "The winning bid's price assumes 15-minute visits, which the specification rules out; scored like for like, our bid ranks first.",
      },
      { challengeId: DEMO_CHALLENGE },
    );
  },
};
