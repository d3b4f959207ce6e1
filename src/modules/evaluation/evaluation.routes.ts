/**
 * Evaluation (issues 5 and 6): the compliance check of opened bids, the three-bid rule and the start
 * of evaluation, and the register of reserved contracts (s.33), as API and pages. Thin: parse, call
 * the service, serialise or render. Who may do what is decided in the services.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { editorsFirst } from "../access/policies.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { BidsContext } from "../tenders/bids.service.ts";
import { loadTenderKeyring } from "../tenders/sealing.ts";
import { awardPages } from "./award.pages.ts";
import { awardRoutes } from "./award.routes.ts";
import {
  type ComplianceView,
  complianceCheck,
  type DecisionDraft,
  type Evaluation,
  recordDecision,
  startEvaluation,
} from "./compliance.service.ts";
import { evaluationPages } from "./evaluation.pages.ts";
import {
  AuthorityParams,
  BidParams,
  ComplianceResponse,
  DecisionBody,
  DecisionResponse,
  ErrorResponse,
  EvaluationResponse,
  ReservedAwardBody,
  ReservedAwardListResponse,
  ReservedAwardResponse,
  StartEvaluationBody,
  TenderParams,
} from "./evaluation.schemas.ts";
import {
  type ReservedAward,
  recordPastReservedAward,
  reservedAwardOf,
  reservedAwardsOf,
} from "./reserved-awards.service.ts";

export function awardToApi(a: ReservedAward) {
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
    bids: view.bids.map((b) => ({
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
        ? { ...b.reserved, bar: b.reserved.bar ? awardToApi(b.reserved.bar) : null }
        : null,
      decision: b.decision ? { ...b.decision, decidedAt: b.decision.decidedAt?.toISOString() ?? null } : null,
      outcome: b.outcome,
      reasons: b.reasons,
    })),
    counts: view.counts,
    minimumCompliant: view.minimumCompliant,
    justificationNeeded: view.justificationNeeded,
    evaluation: view.evaluation ? evaluationToApi(view.evaluation) : null,
  };
}

/** Sign-in is asked for before the body is checked: the public gets 401, not 400. */
async function signedInFirst(request: FastifyRequest): Promise<void> {
  requireSignedIn(request.principal);
}

export async function evaluationRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  const ctx: BidsContext = {
    db,
    clock,
    keys: app.deps.tenderKeys ?? loadTenderKeyring(app.deps.config),
    email: app.deps.mailer !== undefined,
    maxDocumentBytes: app.deps.config.maxUploadBytes,
  };
  evaluationPages(app, ctx);
  awardPages(app, ctx);
  awardRoutes(app, ctx);

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const tags = ["evaluation"];
  const tenders = "/api/v1/authorities/:authorityId/tenders/:tenderId";

  api.get(
    `${tenders}/compliance`,
    {
      schema: {
        tags,
        summary: "The compliance check of the opened bids",
        description:
          "For those who may read the opened bids (the authority's bid openers and the tender's assigned evaluators); each read is audited, refusals recorded. Each bid with its bidder, a decision per condition of participation, the s.33 findings of a reserved tender, and its outcome; the compliant count and whether the three-bid rule needs a justification. 409 before opening.",
        params: TenderParams,
        response: { 200: ComplianceResponse, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return complianceToApi(
        await complianceCheck(ctx, request.principal, authority.id, request.params.tenderId),
      );
    },
  );

  api.put(
    `${tenders}/compliance/bids/:bidId`,
    {
      schema: {
        tags,
        summary: "Record or change a bid's compliance decision",
        description:
          "For the authority's commissioners and administrators who may read the opened bids. A decision for every condition of participation (a reason for each not met) and the outcome. 422 for a compliant bid with a condition not met or failing the s.33 checks of a reserved tender (lead a qualifying mutual; no comparable reserved contract in the 3 years ending on the date of the check), or an exclusion without reasons. 409 before opening, for a broken seal (excluded automatically), or once evaluation has started.",
        params: BidParams,
        body: DecisionBody,
        response: { 200: DecisionResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return recordDecision(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        request.params.bidId,
        request.body as DecisionDraft,
      );
    },
  );

  api.post(
    `${tenders}/evaluation`,
    {
      schema: {
        tags,
        summary: "Start evaluation (the three-bid rule)",
        description:
          "For the authority's commissioners and administrators who may read the opened bids. 422 until every bid has a compliance decision, when no bid is compliant, or when fewer than three are and no justification is given (at least 50 characters; published with the award). Afterwards the compliance check is fixed (409).",
        params: TenderParams,
        body: StartEvaluationBody,
        response: { 201: EvaluationResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const evaluation = await startEvaluation(
        ctx,
        request.principal,
        authority.id,
        request.params.tenderId,
        {
          justification: request.body?.justification ?? null,
        },
      );
      return reply.status(201).send(evaluationToApi(evaluation));
    },
  );

  const register = "/api/v1/authorities/:authorityId/reserved-awards";

  api.get(
    register,
    {
      schema: {
        tags,
        summary: "The authority's register of contracts reserved to public service mutuals (s.33)",
        description:
          "Public, as contract awards are. The 3-year comparable-contract bar of reserved tenders is checked against it.",
        params: AuthorityParams,
        response: { 200: ReservedAwardListResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const awards = await reservedAwardsOf(db, authority.id);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        awards: awards.map(awardToApi),
      };
    },
  );

  api.post(
    register,
    {
      schema: {
        tags,
        summary: "Record a reserved contract awarded before the platform",
        description:
          "For the authority's commissioners and administrators. 422 when the service category cannot be reserved under s.33. Awards made through a tender here are recorded by the award.",
        params: AuthorityParams,
        body: ReservedAwardBody,
        response: { 201: ReservedAwardResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const id = await transaction(db, (trx) =>
        recordPastReservedAward(trx, clock, request.principal, authority.id, request.body),
      );
      return reply
        .status(201)
        .header("location", `${register.replace(":authorityId", authority.id)}`)
        .send(awardToApi(await reservedAwardOf(db, authority.id, id)));
    },
  );
}
