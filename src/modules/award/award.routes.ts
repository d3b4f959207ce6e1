/**
 * The award's JSON API (issue 6): the award decision, the public contract award notice, standstill
 * challenges and their outcomes, and the assessment summaries an organisation received. Each route
 * states who may call it and calls one service; the service decides every rule. The pages are in
 * award.pages.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { moderators } from "../evaluation/evaluation.policies.ts";
import { tendersCtxOf } from "../tenders/tenders.service.ts";
import { awardPages } from "./award.pages.ts";
import { bidderPeople, challengeDeciders, challengers } from "./award.policies.ts";
import {
  AssessmentsResponse,
  AwardBody,
  AwardResponse,
  ChallengeBody,
  ChallengeParams,
  ChallengeResponse,
  NoticeResponse,
  OrganisationParams,
  OutcomeBody,
  OutcomeResponse,
  TenderParams,
} from "./award.schemas.ts";
import { type AwardNotice, assessmentsReceived, awardNotice, awardTender } from "./award.service.ts";
import type { AwardAssessment } from "./award.table.ts";
import { decideStandstillChallenge, lodgeChallenge } from "./challenges.service.ts";

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

const tags: ["awards"] = ["awards"];
const tender = "/api/v1/authorities/:authorityId/tenders/:tenderId";

export async function awardRoutes(app: FastifyInstance): Promise<void> {
  awardPages(app);
  awardApi(app);
  challengeApi(app);
  assessmentsApi(app);
}

/** The award decision and its public notice. */
function awardApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    `${tender}/award`,
    api(
      { who: moderators, scope: "awards:write" },
      {
        operationId: "awardTender",
        tags,
        summary: "Award the tender to the best-ranked bid",
        description:
          "Publishes the contract award notice, sends every bidder its assessment summary and starts the standstill period (8 working days on the authority's nation's calendar). 409 with scores unmoderated, evaluators not all submitted, a tie undecided, already awarded; 422 with fewer than three compliant bids and no justification, when the winner has no current registration for the regulated activity, or is barred by a comparable reserved contract (s.33).",
        params: TenderParams,
        body: AwardBody,
        response: { 201: AwardResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { authority } = request;
      const r = await awardTender(
        tendersCtxOf(request),
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

  json.get(
    `${tender}/award`,
    api(
      { who: anyone },
      {
        operationId: "getAwardNotice",
        tags,
        summary: "The contract award notice",
        description:
          "Public: the supplier, value, dates, the standstill end, the three-bid justification if any, and the ranking's totals (naming only the winner).",
        params: TenderParams,
        response: { 200: NoticeResponse },
      },
    ),
    async (request) =>
      noticeToApi(await awardNotice(ctxOf(request), request.authority.id, request.params.tenderId)),
  );
}

/** Standstill challenges and their outcomes. */
function challengeApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    `${tender}/award/challenges`,
    api(
      { who: challengers, scope: "awards:write" },
      {
        operationId: "lodgeChallenge",
        tags,
        summary: "Challenge the award (a bidder, during standstill)",
        description:
          "For the people of an organisation that bid. The award is suspended until the outcome is recorded. 409 after standstill or with your organisation's challenge open.",
        params: TenderParams,
        body: ChallengeBody,
        response: { 201: ChallengeResponse, ...errorResponses(409) },
      },
    ),
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await lodgeChallenge(
            tendersCtxOf(request),
            request.authority.id,
            request.params.tenderId,
            request.body,
          ),
        ),
  );

  json.post(
    `${tender}/award/challenges/:challengeId/outcome`,
    api(
      { who: challengeDeciders, scope: "awards:write" },
      {
        operationId: "decideStandstillChallenge",
        tags,
        summary: "Record a challenge's outcome",
        description:
          "For the authority's commissioners and administrators. Dismissed: the award stands. Upheld for re-evaluation: the award is withdrawn and moderation reopens. Upheld with cancellation: the award is withdrawn and the tender cancelled. 409 once decided.",
        params: ChallengeParams,
        body: OutcomeBody,
        response: { 200: OutcomeResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { tenderId, challengeId } = request.params;
      return decideStandstillChallenge(tendersCtxOf(request), request.authority.id, tenderId, challengeId, {
        outcome: String(request.body.outcome),
        reason: request.body.reason,
      });
    },
  );
}

/** The assessment summaries an organisation received. */
function assessmentsApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/organisations/:id/assessments",
    api(
      { who: bidderPeople, scope: "awards:read" },
      {
        operationId: "listAssessmentsReceived",
        tags,
        summary: "Assessment summaries the organisation received",
        description:
          "For the organisation's own people: each award's summary as sent, with the winner's scores and reasons.",
        params: OrganisationParams,
        response: { 200: AssessmentsResponse },
      },
    ),
    async (request) => ({
      assessments: (await assessmentsReceived(ctxOf(request), request.params.id)).map(({ own, winner }) => ({
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
    }),
  );
}
