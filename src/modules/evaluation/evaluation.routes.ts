/**
 * Evaluation's JSON API (issue 6): evaluation's progress, conflicts of interest, scores and their
 * submission, one evaluator's scores, moderation, the ranking and the decision on a tie. Each route
 * states who may call it and calls one service; the service decides every rule. The pages are in
 * evaluation.pages.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { tendersCtxOf } from "../tenders/tenders.service.ts";
import { declareConflicts } from "./declarations.service.ts";
import { evaluationPages } from "./evaluation.pages.ts";
import { evaluators, moderators, tenderTeam } from "./evaluation.policies.ts";
import {
  BidParams,
  DeclarationBody,
  DeclarationResponse,
  EvaluatorParams,
  EvaluatorScoresResponse,
  ModeratedResponse,
  ModerationResponse,
  OverviewResponse,
  RankingResponse,
  ScoresBody,
  ScoresResponse,
  SubmissionResponse,
  TenderParams,
  TieBody,
  TieResponse,
} from "./evaluation.schemas.ts";
import { type EvaluationOverview, evaluationOverview } from "./evaluation.service.ts";
import {
  decideTie,
  type ModerationView,
  moderateBid,
  moderationView,
  type RankingView,
  rankingView,
} from "./moderation.service.ts";
import { evaluatorScores, recordScores, submitScores } from "./scores.service.ts";

function overviewToApi(o: EvaluationOverview) {
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
}

function moderationToApi(m: ModerationView) {
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
            ? { score: entry.agreed.score, reason: entry.agreed.reason, at: entry.agreed.at.toISOString() }
            : null,
        };
      }),
    })),
  };
}

function rankingToApi(r: RankingView) {
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
      criteria: b.criteria.map((w) => {
        const detail = b.details.find((d) => d.criterionId === w.criterionId);
        return {
          criterionId: w.criterionId,
          title: detail?.title ?? "",
          kind: w.kind,
          weightBp: w.weightBp,
          score: w.score ?? null,
          pointsShown: w.pointsShown,
          working: w.working,
          reason: detail?.reason ?? "",
        };
      }),
    })),
    unresolvedTies: r.unresolvedTies,
    tieDecision: r.tieDecision
      ? { ...r.tieDecision, decidedAt: r.tieDecision.decidedAt.toISOString() }
      : null,
  };
}

const tags: ["evaluation"] = ["evaluation"];
const tender = "/api/v1/authorities/:authorityId/tenders/:tenderId";
const read = "evaluation:read";
const write = "evaluation:write";

export async function evaluationRoutes(app: FastifyInstance): Promise<void> {
  evaluationPages(app);
  progressApi(app);
  scoringApi(app);
  moderationApi(app);
  rankingApi(app);
}

/** Evaluation's progress and one evaluator's scores, for the tender team. */
function progressApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    `${tender}/evaluation`,
    api(
      { who: tenderTeam, scope: read },
      {
        operationId: "getEvaluation",
        tags,
        summary: "Evaluation's progress",
        description:
          "For the authority's tender team (commissioners, administrators, bid openers, evaluators): the compliant bids, scored criteria, evaluators' declarations and submissions (never their scores), moderation's progress. No bid content.",
        params: TenderParams,
        response: { 200: OverviewResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      overviewToApi(
        await evaluationOverview(tendersCtxOf(request), request.authority.id, request.params.tenderId),
      ),
  );

  json.get(
    `${tender}/evaluation/evaluators/:userId/scores`,
    api(
      { who: tenderTeam, scope: read },
      {
        operationId: "getEvaluatorScores",
        tags,
        summary: "One evaluator's scores",
        description:
          "Your own, always. Another evaluator's only once every evaluator has submitted (moderation), to the moderators and the evaluators: before that, 403 and the attempt is recorded.",
        params: EvaluatorParams,
        response: { 200: EvaluatorScoresResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { tenderId, userId } = request.params;
      const r = await evaluatorScores(tendersCtxOf(request), request.authority.id, tenderId, userId);
      return {
        ...r,
        evaluator: { ...r.evaluator, submittedAt: r.evaluator.submittedAt?.toISOString() ?? null },
      };
    },
  );
}

/** Conflicts of interest, scores and their submission, for the assigned evaluators. */
function scoringApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.put(
    `${tender}/evaluation/declaration`,
    api(
      { who: evaluators, scope: write },
      {
        operationId: "declareConflicts",
        tags,
        summary: "Declare any conflict of interest (assigned evaluators, before seeing the bids)",
        description:
          "No conflict lets you see and score the bids. A conflict (described; 422 without) ends your assignment to the tender and tells the commissioners.",
        params: TenderParams,
        body: DeclarationBody,
        response: { 200: DeclarationResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      declareConflicts(tendersCtxOf(request), request.authority.id, request.params.tenderId, request.body),
  );

  json.put(
    `${tender}/evaluation/bids/:bidId/scores`,
    api(
      { who: evaluators, scope: write },
      {
        operationId: "recordScores",
        tags,
        summary: "Record your scores of a compliant bid",
        description:
          "For assigned evaluators who have declared no conflict (409 before). Each score a whole number on the published scale with a written reason (400). 409 once your scoresheet is submitted, or for an excluded bid.",
        params: BidParams,
        body: ScoresBody,
        response: { 200: ScoresResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      recordScores(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        request.params.bidId,
        request.body.scores,
      ),
  );

  json.post(
    `${tender}/evaluation/submission`,
    api(
      { who: evaluators, scope: write },
      {
        operationId: "submitScores",
        tags,
        summary: "Submit your complete scoresheet",
        description: "422 naming every score missing. Your scores are fixed afterwards.",
        params: TenderParams,
        body: "none",
        response: { 201: SubmissionResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const r = await submitScores(tendersCtxOf(request), request.authority.id, request.params.tenderId);
      return reply.status(201).send({ ...r, submittedAt: r.submittedAt.toISOString() });
    },
  );
}

/** Moderation: every evaluator's scores side by side, and the agreed scores. */
function moderationApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    `${tender}/moderation`,
    api(
      { who: moderators, scope: read },
      {
        operationId: "getModeration",
        tags,
        summary: "Moderation: every evaluator's scores side by side, and the agreed ones",
        description:
          "For the authority's commissioners and administrators who may read the opened bids; 409 until every evaluator has submitted.",
        params: TenderParams,
        response: { 200: ModerationResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      moderationToApi(
        await moderationView(tendersCtxOf(request), request.authority.id, request.params.tenderId),
      ),
  );

  json.put(
    `${tender}/moderation/bids/:bidId`,
    api(
      { who: moderators, scope: write },
      {
        operationId: "moderateBid",
        tags,
        summary: "Record the agreed scores and reasons for a bid",
        description: "409 before every evaluator has submitted, or once awarded.",
        params: BidParams,
        body: ScoresBody,
        response: { 200: ModeratedResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      moderateBid(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        request.params.bidId,
        request.body.scores,
      ),
  );
}

/** The ranking with its working, and the decision on a tie. */
function rankingApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    `${tender}/ranking`,
    api(
      { who: moderators, scope: read },
      {
        operationId: "getRanking",
        tags,
        summary: "The ranking, with the working for every number",
        description:
          "Quality from the agreed scores and weights; price as lowest price ÷ bid price × price weight (fixed-price and tariff tenders: quality only); exact totals in basis points; ties broken by quality, then the recorded decision. 409 until every score is moderated.",
        params: TenderParams,
        response: { 200: RankingResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      rankingToApi(await rankingView(tendersCtxOf(request), request.authority.id, request.params.tenderId)),
  );

  json.put(
    `${tender}/ranking/tie-decision`,
    api(
      { who: moderators, scope: write },
      {
        operationId: "decideTie",
        tags,
        summary: "Record the order of bids tied on total and quality, with the reason",
        description: "422 unless the order names every tied bid once; 409 with no tie, or once awarded.",
        params: TenderParams,
        body: TieBody,
        response: { 200: TieResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      decideTie(tendersCtxOf(request), request.authority.id, request.params.tenderId, request.body),
  );
}
