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
 *   and challenged by the demo mutual 2 days ago (suspended); one awarded 240 days ago (about eight
 *   months) whose standstill is over with no challenge, ready to be contracted (the contracts seed
 *   does, from the month after its standstill, so that the demo contract has months of reports);
 *   and one awarded 21 days ago whose standstill is over, awaiting its contract — for the demo
 *   commissioner to enter (the contracts seed leaves it). 21 days holds any standstill: 8 working
 *   days last at most 18 days, over Christmas and New Year in Scotland (tested for every day of
 *   2026–2045 in src/seed/demo/lifecycle.test.ts).
 */
import { fixedClock } from "../../lib/clock.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import type { Ctx } from "../../modules/access/context.ts";
import { awardTender } from "../../modules/award/award.service.ts";
import { lodgeChallenge } from "../../modules/award/challenges.service.ts";
import { recordDecision, startEvaluation } from "../../modules/compliance/compliance.service.ts";
import { declareConflicts } from "../../modules/evaluation/declarations.service.ts";
import { leafCriteria, scoredCriteria } from "../../modules/evaluation/evaluation.service.ts";
import { moderateBid } from "../../modules/evaluation/moderation.service.ts";
import { recordScores, submitScores } from "../../modules/evaluation/scores.service.ts";
import { submitBid } from "../../modules/tenders/bids.service.ts";
import { assignEvaluator } from "../../modules/tenders/evaluators.service.ts";
import { confirmOpening } from "../../modules/tenders/opening.service.ts";
import { recordPublication } from "../../modules/tenders/publication.service.ts";
import { registerInterest } from "../../modules/tenders/questions.service.ts";
import type { TenderKeyring } from "../../modules/tenders/sealing.ts";
import { checkTender, recordTender } from "../../modules/tenders/setup.service.ts";
import { currentBids, type TendersCtx, tenderParts } from "../../modules/tenders/tenders.service.ts";
import type { Seed } from "../seed.ts";
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
  /** Awarded 240 days ago, standstill over, no challenge: ready to contract (the contracts seed does). */
  ready: "019a0000-0000-7000-8000-00000000f203",
  /** Awarded 21 days ago, standstill over, no challenge: awaiting its contract, left for the demo. */
  awaitingContract: "019a0000-0000-7000-8000-00000000f204",
} as const;
export const DEMO_AWARD = {
  standstill: "019a0000-0000-7000-8000-00000000f211",
  challenged: "019a0000-0000-7000-8000-00000000f212",
  ready: "019a0000-0000-7000-8000-00000000f213",
  awaitingContract: "019a0000-0000-7000-8000-00000000f214",
} as const;
/** How many days before the seeding the award awaiting its contract was made: past any standstill. */
export const DEMO_AWAITING_CONTRACT_DAYS = 21;
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
    awardedDaysAgo: 240,
    bids: [
      { organisationId: DEMO_ORGANISATION.carersTrust, price: "£310,000", score: 9 },
      { organisationId: DEMO_ORGANISATION.communityHealthMutual, price: "£335,000", score: 7 },
      { organisationId: DEMO_ORGANISATION.homesGroup, price: "£298,000", score: 5 },
    ],
    regulatedActivity: null,
  },
  {
    tenderId: DEMO_AWARD_TENDER.awaitingContract,
    awardId: DEMO_AWARD.awaitingContract,
    title: "Live-in care across Westshire",
    description: "Live-in carers for people who need support day and night in their own homes.",
    awardedDaysAgo: DEMO_AWAITING_CONTRACT_DAYS,
    bids: [
      { organisationId: DEMO_ORGANISATION.homesGroup, price: "£450,000", score: 8 },
      { organisationId: DEMO_ORGANISATION.carersTrust, price: "£470,000", score: 7 },
      { organisationId: DEMO_ORGANISATION.communityHealthMutual, price: "£495,000", score: 6 },
    ],
    regulatedActivity: null,
  },
];

const criteria = [
  { kind: "quality", title: "Quality of care and continuity", weightBp: 5000 },
  { kind: "social-value", title: "Local jobs and the real living wage", weightBp: 2000 },
  { kind: "price", title: "Price", weightBp: 3000 },
];

/** The seed's context, `days` from now, acting as `who` (the system when none). */
function acting(ctx: Ctx, keys: TenderKeyring) {
  const now = ctx.clock.now().getTime();
  return (days: number, who: Principal | null = null): TendersCtx => ({
    ...(who ? { db: ctx.db, principal: who } : ctx),
    clock: fixedClock(new Date(now + days * DAY)),
    keys,
    email: false,
    maxDocumentBytes: 20 * 1024 * 1024,
    files: NO_FILES,
  });
}

/** A tender of the county's home care project, published, bid for by the demo organisations and opened. */
async function opened(ctx: Ctx, keys: TenderKeyring, a: DemoAward, start: number): Promise<void> {
  const as = acting(ctx, keys);
  const published = start - 80;
  const deadline = new Date(ctx.clock.now().getTime() + (start - 40) * DAY);
  const input = await checkTender(as(published), COUNTY, {
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
  await recordTender(as(published), COUNTY, input, a.tenderId);
  await recordPublication(as(published), COUNTY, a.tenderId, {
    minimumPeriodDays: 25,
    markProjectStarted: false,
  });
  const parts = await tenderParts(ctx, COUNTY, a.tenderId);
  const answers = parts.criteria
    .filter((c) => c.kind !== "price")
    .map((c) => ({ criterionId: c.id, text: `How we meet “${c.title}”.` }));
  for (const b of a.bids) {
    await registerInterest(as(start - 50, bidder(b.organisationId)), COUNTY, a.tenderId, b.organisationId);
    await submitBid(as(start - 45, bidder(b.organisationId)), COUNTY, a.tenderId, {
      organisationId: b.organisationId,
      answers,
      price: b.price,
    });
  }
  await confirmOpening(as(start - 39, opener), COUNTY, a.tenderId);
  await confirmOpening(as(start - 39, admin), COUNTY, a.tenderId);
}

async function awarded(ctx: Ctx, keys: TenderKeyring, a: DemoAward): Promise<void> {
  const as = acting(ctx, keys);
  const start = -a.awardedDaysAgo;
  await opened(ctx, keys, a, start);
  const parts = await tenderParts(ctx, COUNTY, a.tenderId);
  const bids = await currentBids(ctx, COUNTY, a.tenderId);
  for (const bid of bids)
    await recordDecision(as(start - 38, admin), COUNTY, a.tenderId, bid.id, {
      conditions: parts.conditions.map((_, i) => ({ position: i + 1, met: true })),
      outcome: "compliant",
    });
  await startEvaluation(as(start - 37, admin), COUNTY, a.tenderId, {});
  await assignEvaluator(as(start - 37, commissioner), COUNTY, a.tenderId, DEMO_EVALUATOR);
  await declareConflicts(as(start - 36, evaluator), COUNTY, a.tenderId, { conflict: false });
  const scored = scoredCriteria(leafCriteria(parts));
  const scoreOf = (bidId: string) =>
    a.bids.find((b) => b.organisationId === bids.find((x) => x.id === bidId)?.organisation_id)?.score ?? 5;
  for (const bid of bids) {
    const entries = scored.map((c) => ({
      criterionId: c.id,
      score: scoreOf(bid.id),
      reason: `Scored ${scoreOf(bid.id)} of 10 against “${c.title}”: the answer's evidence, weighed against the published guidance.`,
    }));
    await recordScores(as(start - 30, evaluator), COUNTY, a.tenderId, bid.id, entries);
  }
  await submitScores(as(start - 29, evaluator), COUNTY, a.tenderId);
  for (const bid of bids)
    await moderateBid(
      as(start - 20, admin),
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
    as(start, admin),
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
  async run({ ctx }) {
    const keys = demoTenderKeys();
    const as = acting(ctx, keys);

    // The opened demo tender stays in evaluation: the demo evaluator has declared and scored one bid.
    await assignEvaluator(as(-26, commissioner), COUNTY, DEMO_TENDER.opened, DEMO_EVALUATOR);
    await declareConflicts(as(-25, evaluator), COUNTY, DEMO_TENDER.opened, { conflict: false });
    const parts = await tenderParts(ctx, COUNTY, DEMO_TENDER.opened);
    const [first] = (await currentBids(ctx, COUNTY, DEMO_TENDER.opened)).sort((x, y) =>
      x.id.localeCompare(y.id),
    );
    if (first)
      await recordScores(
        as(-24, evaluator),
        COUNTY,
        DEMO_TENDER.opened,
        first.id,
        scoredCriteria(leafCriteria(parts)).map((c) => ({
          criterionId: c.id,
          score: 7,
          reason: `A clear, evidenced answer on “${c.title}”, with some gaps in how it would be measured.`,
        })),
      );

    for (const a of AWARDS) await awarded(ctx, keys, a);

    // The demo mutual challenges the award it lost, two days after it was made.
    await lodgeChallenge(
      as(-2, bidder(DEMO_ORGANISATION.communityHealthMutual)),
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
