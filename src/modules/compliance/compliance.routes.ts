/**
 * The compliance check's JSON API (issue 5, item 7): the check of a tender's opened bids, a bid's
 * decision, the start of evaluation under the three-bid rule, and the authority's register of
 * reserved contracts (s.33). Each route states who may call it and calls one service; the service
 * decides every rule. The pages are in compliance.pages.ts.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { authorityEditors } from "../access/policies.ts";
import { onVisibleTender } from "../tenders/tenders.policies.ts";
import { tendersCtxOf } from "../tenders/tenders.service.ts";
import { compliancePages } from "./compliance.pages.ts";
import {
  AuthorityParams,
  BidParams,
  ComplianceResponse,
  DecisionBody,
  DecisionResponse,
  EvaluationResponse,
  ReservedAwardBody,
  ReservedAwardListResponse,
  ReservedAwardResponse,
  StartEvaluationBody,
  TenderParams,
} from "./compliance.schemas.ts";
import {
  type ComplianceView,
  complianceCheck,
  type DecisionDraft,
  type Evaluation,
  recordDecision,
  startEvaluation,
} from "./compliance.service.ts";
import { type ReservedAward, recordPastReservedAward, reservedAwardsOf } from "./reserved-awards.service.ts";

export function reservedAwardToApi(a: ReservedAward) {
  return {
    id: a.id,
    organisation: { id: a.organisation_id, name: a.organisation_name },
    category: { code: a.category_code, name: a.category_name },
    awardedOn: a.awarded_on,
    title: a.title,
    reference: a.reference,
    source: a.source,
    tenderId: a.tender_id,
  };
}

function evaluationToApi(e: Evaluation) {
  return { ...e, startedAt: e.startedAt.toISOString() };
}

function bidToApi(b: ComplianceView["bids"][number]) {
  return {
    bidId: b.bidId,
    receivedAt: b.receivedAt.toISOString(),
    sha256: b.sha256,
    integrity: b.integrity,
    bidder: b.bidder,
    consortium: b.consortium
      ? {
          leadShareBp: b.consortium.leadShareBp,
          members: b.consortium.members.map((m) => ({
            organisationId: m.organisationId,
            name: m.name,
            role: m.role,
            shareBp: m.shareBp,
          })),
        }
      : null,
    conditions: b.conditions,
    reserved: b.reserved
      ? { ...b.reserved, bar: b.reserved.bar ? reservedAwardToApi(b.reserved.bar) : null }
      : null,
    decision: b.decision ? { ...b.decision, decidedAt: b.decision.decidedAt?.toISOString() ?? null } : null,
    outcome: b.outcome,
    reasons: b.reasons,
  };
}

function complianceToApi(view: ComplianceView) {
  const { tender } = view;
  return {
    tender: {
      id: tender.id,
      title: tender.title,
      reserved: tender.reserved,
      category: { code: tender.category_code, name: tender.category_name },
      pageUrl: `/authorities/${tender.authority_slug}/tenders/${tender.id}/compliance`,
    },
    state: view.state,
    conditions: view.conditions,
    bids: view.bids.map(bidToApi),
    counts: view.counts,
    minimumCompliant: view.minimumCompliant,
    justificationNeeded: view.justificationNeeded,
    evaluation: view.evaluation ? evaluationToApi(view.evaluation) : null,
  };
}

const tags: ["compliance"] = ["compliance"];
const tender = "/api/v1/authorities/:authorityId/tenders/:tenderId";
const register = "/api/v1/authorities/:authorityId/reserved-awards";

export async function complianceRoutes(app: FastifyInstance): Promise<void> {
  compliancePages(app);
  checkApi(app);
  registerApi(app);
}

/**
 * Who reads the check and who decides: anyone signed in reaches a tender they may see (404 first);
 * the service then refuses those who may not read the opened bids (recording the attempt, A7) and
 * those who may not decide.
 */
const readers = onVisibleTender(
  "Those who may read the opened bids: the authority's bid openers and the tender's assigned evaluators",
);
const deciders = onVisibleTender(
  "The authority's commissioners and administrators who may read the opened bids",
);

/** The check of a tender's opened bids, a bid's decision, and the start of evaluation. */
function checkApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    `${tender}/compliance`,
    api(
      { who: readers, scope: "compliance:read" },
      {
        operationId: "getComplianceCheck",
        tags,
        summary: "The compliance check of the opened bids",
        description:
          "For those who may read the opened bids (the authority's bid openers and the tender's assigned evaluators); each read is audited, refusals recorded. Each bid with its bidder, a decision per condition of participation, the s.33 findings of a reserved tender, and its outcome; the compliant count and whether the three-bid rule needs a justification. 409 before opening.",
        params: TenderParams,
        response: { 200: ComplianceResponse, ...errorResponses(409) },
      },
    ),
    async (request) =>
      complianceToApi(
        await complianceCheck(tendersCtxOf(request), request.authority.id, request.params.tenderId),
      ),
  );

  json.put(
    `${tender}/compliance/bids/:bidId`,
    api(
      { who: deciders, scope: "compliance:write" },
      {
        operationId: "recordComplianceDecision",
        tags,
        summary: "Record or change a bid's compliance decision",
        description:
          "For the authority's commissioners and administrators who may read the opened bids. A decision for every condition of participation (a reason for each not met) and the outcome. 422 for a compliant bid with a condition not met or failing the s.33 checks of a reserved tender (lead a qualifying mutual; no comparable reserved contract in the 3 years ending on the date of the check), or an exclusion without reasons. 409 before opening, for a broken seal (excluded automatically), or once evaluation has started.",
        params: BidParams,
        body: DecisionBody,
        response: { 200: DecisionResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      recordDecision(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        request.params.bidId,
        request.body as DecisionDraft,
      ),
  );

  json.post(
    `${tender}/evaluation`,
    api(
      { who: deciders, scope: "compliance:write" },
      {
        operationId: "startEvaluation",
        tags,
        summary: "Start evaluation (the three-bid rule)",
        description:
          "For the authority's commissioners and administrators who may read the opened bids. 422 until every bid has a compliance decision, when no bid is compliant, or when fewer than three are and no justification is given (at least 50 characters; published with the award). Afterwards the compliance check is fixed (409).",
        params: TenderParams,
        body: StartEvaluationBody,
        response: { 201: EvaluationResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const evaluation = await startEvaluation(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        {
          justification: request.body?.justification ?? null,
        },
      );
      return reply.status(201).send(evaluationToApi(evaluation));
    },
  );
}

/** The authority's register of reserved contracts. */
function registerApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    register,
    api(
      { who: anyone },
      {
        operationId: "listReservedAwards",
        tags,
        summary: "The authority's register of contracts reserved to public service mutuals (s.33)",
        description:
          "Public, as contract awards are. The 3-year comparable-contract bar of reserved tenders is checked against it.",
        params: AuthorityParams,
        response: { 200: ReservedAwardListResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        awards: (await reservedAwardsOf(ctxOf(request), authority.id)).map(reservedAwardToApi),
      };
    },
  );

  json.post(
    register,
    api(
      { who: authorityEditors, scope: "compliance:write" },
      {
        operationId: "recordReservedAward",
        tags,
        summary: "Record a reserved contract awarded before the platform",
        description:
          "For the authority's commissioners and administrators. 422 when the service category cannot be reserved under s.33. Awards made through a tender here are recorded by the award.",
        params: AuthorityParams,
        body: ReservedAwardBody,
        response: { 201: ReservedAwardResponse, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      const { authority } = request;
      const award = await recordPastReservedAward(ctxOf(request), authority.id, request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/reserved-awards`)
        .send(reservedAwardToApi(award));
    },
  );
}
