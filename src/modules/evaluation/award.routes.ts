/**
 * Issue 6's JSON API: conflicts of interest, scores, moderation, ranking, ties, the award and its
 * notice, challenges, and the assessment summaries an organisation received. Thin: parse, call the
 * service, serialise. Who may do what is decided in the services.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireSignedIn } from "../access/access.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { BidsContext } from "../tenders/bids.service.ts";
import {
  type AwardNotice,
  assessmentsReceived,
  awardNotice,
  awardTender,
  decideChallenge,
  lodgeChallenge,
} from "./award.service.ts";
import {
  AssessmentsResponse,
  AwardBody,
  AwardResponse,
  BidParams,
  ChallengeBody,
  ChallengeParams,
  ChallengeResponse,
  DeclarationBody,
  DeclarationResponse,
  ErrorResponse,
  EvaluatorParams,
  EvaluatorScoresResponse,
  ModeratedResponse,
  ModerationResponse,
  NoticeResponse,
  OrganisationParams,
  OutcomeBody,
  OutcomeResponse,
  OverviewResponse,
  RankingResponse,
  ScoresBody,
  ScoresResponse,
  SubmissionResponse,
  TenderParams,
  TieBody,
  TieResponse,
} from "./evaluation.schemas.ts";
import {
  decideTie,
  declareConflicts,
  evaluationOverview,
  evaluatorScores,
  moderateBid,
  moderationView,
  rankingView,
  recordScores,
  submitScores,
} from "./evaluation.service.ts";
import type { AwardAssessment } from "./evaluation.table.ts";

async function signedInFirst(request: FastifyRequest): Promise<void> {
  requireSignedIn(request.principal);
}

export function noticeToApi(n: AwardNotice) {
  return {
    tender: {
      id: n.tender.id,
      title: n.tender.title,
      authority: n.tender.authorityName,
      reserved: n.tender.reserved,
    },
    awardId: n.award.id,
    state: n.state,
    supplier: {
      organisationId: n.award.organisation_id,
      name: n.award.supplier_name,
      leadShareBp: n.award.lead_share_bp,
      consortium: n.award.consortium.map((m) => ({ name: m.name, role: m.role, shareBp: m.shareBp })),
    },
    valuePence: n.award.value_pence.toString(),
    regulatedActivity: n.regulatedActivityName,
    decidedAt: n.award.decided_at.toISOString(),
    noticePublishedAt: n.award.notice_published_at.toISOString(),
    standstillEndsAt: n.award.standstill_ends_at.toISOString(),
    threeBidJustification: n.award.three_bid_justification,
    ranking: n.ranking,
    excludedCount: n.excludedCount,
    challenges: n.challenges,
    withdrawnReason: n.award.withdrawn_reason,
    pageUrl: `/authorities/${n.tender.authoritySlug}/tenders/${n.tender.id}/award`,
  };
}

function assessmentToApi(a: AwardAssessment) {
  return {
    bidder: a.bidder_name,
    outcome: a.outcome,
    rank: a.rank,
    totalShown: a.total_shown,
    criteria: a.criteria.map((c) => ({
      title: c.title,
      score: c.score,
      scaleMax: c.scaleMax,
      reason: c.reason,
      working: c.working,
    })),
    exclusionReasons: a.exclusion_reasons,
  };
}

export function awardRoutes(app: FastifyInstance, ctx: BidsContext): void {
  const { db } = ctx;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = {
    400: ErrorResponse,
    401: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
  };
  const tags = ["evaluation"];
  const tenders = "/api/v1/authorities/:authorityId/tenders/:tenderId";

  api.get(
    `${tenders}/evaluation`,
    {
      schema: {
        tags,
        summary: "Evaluation's progress",
        description:
          "For the authority's tender team (commissioners, administrators, bid openers, evaluators): the compliant bids, scored criteria, evaluators' declarations and submissions (never their scores), moderation's progress. No bid content.",
        params: TenderParams,
        response: { 200: OverviewResponse, ...errors },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const o = await evaluationOverview(ctx, request.principal, authority.id, request.params.tenderId);
      return {
        tender: {
          id: o.tender.id,
          title: o.tender.title,
          scoringScaleMax: o.tender.scoring_scale_max,
          pricingMode: o.tender.pricing_mode,
        },
        state: o.state,
        criteria: o.criteria,
        bids: o.bids,
        evaluators: o.progress.evaluators.map((e) => ({
          ...e,
          submittedAt: e.submittedAt?.toISOString() ?? null,
        })),
        conflicts: o.progress.conflicts.map((c) => ({ ...c, declaredAt: c.declaredAt.toISOString() })),
        moderationOpen: o.progress.moderationOpen,
        unmoderated: o.progress.unmoderated.length,
        you: { ...o.you, submittedAt: o.you.submittedAt?.toISOString() ?? null },
        awardId: o.progress.liveAward?.id ?? null,
      };
    },
  );

  api.put(
    `${tenders}/evaluation/declaration`,
    {
      schema: {
        tags,
        summary: "Declare any conflict of interest (assigned evaluators, before seeing the bids)",
        description:
          "No conflict lets you see and score the bids. A conflict (described; 422 without) ends your assignment to the tender and tells the commissioners.",
        params: TenderParams,
        body: DeclarationBody,
        response: { 200: DeclarationResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return declareConflicts(ctx, request.principal, authority.id, request.params.tenderId, request.body);
    },
  );

  api.put(
    `${tenders}/evaluation/bids/:bidId/scores`,
    {
      schema: {
        tags,
        summary: "Record your scores of a compliant bid",
        description:
          "For assigned evaluators who have declared no conflict (409 before). Each score a whole number on the published scale with a written reason (400). 409 once your scoresheet is submitted, or for an excluded bid.",
        params: BidParams,
        body: ScoresBody,
        response: { 200: ScoresResponse, ...errors },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return recordScores(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.params.bidId,
        request.body.scores,
      );
    },
  );

  api.post(
    `${tenders}/evaluation/submission`,
    {
      schema: {
        tags,
        summary: "Submit your complete scoresheet",
        description: "422 naming every score missing. Your scores are fixed afterwards.",
        params: TenderParams,
        response: { 201: SubmissionResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const r = await submitScores(ctx, request.principal, authority.id, request.params.tenderId);
      return reply.status(201).send({ ...r, submittedAt: r.submittedAt.toISOString() });
    },
  );

  api.get(
    `${tenders}/evaluation/evaluators/:userId/scores`,
    {
      schema: {
        tags,
        summary: "One evaluator's scores",
        description:
          "Your own, always. Another evaluator's only once every evaluator has submitted (moderation), to the moderators and the evaluators: before that, 403 and the attempt is recorded.",
        params: EvaluatorParams,
        response: { 200: EvaluatorScoresResponse, ...errors },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const r = await evaluatorScores(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.params.userId,
      );
      return {
        ...r,
        evaluator: { ...r.evaluator, submittedAt: r.evaluator.submittedAt?.toISOString() ?? null },
      };
    },
  );

  api.get(
    `${tenders}/moderation`,
    {
      schema: {
        tags,
        summary: "Moderation: every evaluator's scores side by side, and the agreed ones",
        description:
          "For the authority's commissioners and administrators who may read the opened bids; 409 until every evaluator has submitted.",
        params: TenderParams,
        response: { 200: ModerationResponse, ...errors },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const m = await moderationView(ctx, request.principal, authority.id, request.params.tenderId);
      return {
        criteria: m.criteria,
        scaleMax: m.scaleMax,
        unmoderated: m.unmoderated,
        awarded: m.awarded,
        bids: m.bids.map((b) => ({
          bidId: b.bidId,
          name: b.name,
          criteria: m.criteria.map((c) => {
            const entry = b.perCriterion[c.id];
            return {
              criterionId: c.id,
              evaluators: entry?.evaluators ?? [],
              agreed: entry?.agreed
                ? {
                    score: entry.agreed.score,
                    reason: entry.agreed.reason,
                    at: entry.agreed.at.toISOString(),
                  }
                : null,
            };
          }),
        })),
      };
    },
  );

  api.put(
    `${tenders}/moderation/bids/:bidId`,
    {
      schema: {
        tags,
        summary: "Record the agreed scores and reasons for a bid",
        description: "409 before every evaluator has submitted, or once awarded.",
        params: BidParams,
        body: ScoresBody,
        response: { 200: ModeratedResponse, ...errors },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return moderateBid(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.params.bidId,
        request.body.scores,
      );
    },
  );

  api.get(
    `${tenders}/ranking`,
    {
      schema: {
        tags,
        summary: "The ranking, with the working for every number",
        description:
          "Quality from the agreed scores and weights; price as lowest price ÷ bid price × price weight (fixed-price and tariff tenders: quality only); exact totals in basis points; ties broken by quality, then the recorded decision. 409 until every score is moderated.",
        params: TenderParams,
        response: { 200: RankingResponse, ...errors },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const r = await rankingView(ctx, request.principal, authority.id, request.params.tenderId);
      return {
        scaleMax: r.scaleMax,
        awarded: r.awarded,
        bids: r.bids.map((b) => ({
          bidId: b.bidId,
          name: b.name,
          rank: b.rank,
          totalShown: b.totalShown,
          qualityShown: b.qualityShown,
          priceShown: b.priceShown,
          pricePence: b.pricePence?.toString() ?? null,
          tieBrokenBy: b.tieBrokenBy,
          criteria: b.criteria.map((w) => ({
            criterionId: w.criterionId,
            title: b.details.find((d) => d.criterionId === w.criterionId)?.title ?? "",
            kind: w.kind,
            weightBp: w.weightBp,
            score: w.score ?? null,
            pointsShown: w.pointsShown,
            working: w.working,
            reason: b.details.find((d) => d.criterionId === w.criterionId)?.reason ?? "",
          })),
        })),
        unresolvedTies: r.unresolvedTies,
        tieDecision: r.tieDecision
          ? { ...r.tieDecision, decidedAt: r.tieDecision.decidedAt.toISOString() }
          : null,
      };
    },
  );

  api.put(
    `${tenders}/ranking/tie-decision`,
    {
      schema: {
        tags,
        summary: "Record the order of bids tied on total and quality, with the reason",
        description: "422 unless the order names every tied bid once; 409 with no tie, or once awarded.",
        params: TenderParams,
        body: TieBody,
        response: { 200: TieResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return decideTie(ctx, request.principal, authority.id, request.params.tenderId, request.body);
    },
  );

  api.post(
    `${tenders}/award`,
    {
      schema: {
        tags,
        summary: "Award the tender to the best-ranked bid",
        description:
          "Publishes the contract award notice, sends every bidder its assessment summary and starts the standstill period (8 working days on the authority's nation's calendar). 409 with scores unmoderated, evaluators not all submitted, a tie undecided, already awarded; 422 with fewer than three compliant bids and no justification, when the winner has no current registration for the regulated activity, or is barred by a comparable reserved contract (s.33).",
        params: TenderParams,
        body: AwardBody,
        response: { 201: AwardResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const r = await awardTender(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.body ?? {},
      );
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/tenders/${request.params.tenderId}/award`)
        .send({
          ...r,
          valuePence: r.valuePence.toString(),
          standstillEndsAt: r.standstillEndsAt.toISOString(),
        });
    },
  );

  api.get(
    `${tenders}/award`,
    {
      schema: {
        tags,
        summary: "The contract award notice",
        description:
          "Public: the supplier, value, dates, the standstill end, the three-bid justification if any, and the ranking's totals (naming only the winner).",
        params: TenderParams,
        response: { 200: NoticeResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return noticeToApi(await awardNotice(db, ctx.clock, authority.id, request.params.tenderId));
    },
  );

  api.post(
    `${tenders}/award/challenges`,
    {
      schema: {
        tags,
        summary: "Challenge the award (a bidder, during standstill)",
        description:
          "For the people of an organisation that bid. The award is suspended until the outcome is recorded. 409 after standstill or with your organisation's challenge open.",
        params: TenderParams,
        body: ChallengeBody,
        response: { 201: ChallengeResponse, ...errors },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      return reply
        .status(201)
        .send(
          await lodgeChallenge(ctx, request.principal, authority.id, request.params.tenderId, request.body),
        );
    },
  );

  api.post(
    `${tenders}/award/challenges/:challengeId/outcome`,
    {
      schema: {
        tags,
        summary: "Record a challenge's outcome",
        description:
          "For the authority's commissioners and administrators. Dismissed: the award stands. Upheld for re-evaluation: the award is withdrawn and moderation reopens. Upheld with cancellation: the award is withdrawn and the tender cancelled. 409 once decided.",
        params: ChallengeParams,
        body: OutcomeBody,
        response: { 200: OutcomeResponse, ...errors },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return decideChallenge(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.params.challengeId,
        { outcome: String(request.body.outcome), reason: request.body.reason },
      );
    },
  );

  api.get(
    "/api/v1/organisations/:id/assessments",
    {
      schema: {
        tags,
        summary: "Assessment summaries the organisation received",
        description:
          "For the organisation's own people: each award's summary as sent, with the winner's scores and reasons.",
        params: OrganisationParams,
        response: { 200: AssessmentsResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const rows = await assessmentsReceived(db, request.principal, request.params.id);
      return {
        assessments: rows.map(({ own, winner }) => ({
          tender: {
            id: own.tender_id,
            title: own.tender_title,
            authority: own.authority_name,
            noticeUrl: `/authorities/${own.authority_slug}/tenders/${own.tender_id}/award`,
          },
          awardStatus: own.award_status,
          decidedAt: own.decided_at.toISOString(),
          standstillEndsAt: own.standstill_ends_at.toISOString(),
          supplierName: own.supplier_name,
          yours: assessmentToApi(own),
          winner: winner ? assessmentToApi(winner) : null,
        })),
      };
    },
  );
}
