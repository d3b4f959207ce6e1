/**
 * The spin-out path's JSON API — /api/v1/authorities/{authorityId}/spin-outs (proposals, their
 * checklist, stage plans, facts, moving on, the parent body's decision, survival), the authority's
 * published decision period, and /api/v1/organisations/{organisationId}/mutual-history — and its pages
 * (mutuals.pages.ts). Each route calls one service, which decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses, type Who } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup } from "../access/policies.ts";
import { mutualHistory } from "./history.service.ts";
import { mutualsPages } from "./mutuals.pages.ts";
import {
  CreatedResponse,
  DecisionBody,
  FactsBody,
  HistoryResponse,
  ItemParams,
  OrganisationParams,
  PeriodBody,
  PeriodResponse,
  ProposalBody,
  ProposalParams,
  ProposalResponse,
  ProposalsResponse,
  StageParams,
  StagePlanBody,
  StageResponse,
  SurvivalBody,
  TickBody,
  TAGS as tags,
} from "./mutuals.schemas.ts";
import {
  advanceProposal,
  decideProposal,
  type ProposalView,
  proposalOf,
  proposalsOf,
  proposeSpinout,
  recordSurvival,
  setDecisionPeriod,
  setSpinoutFacts,
  setStagePlan,
  tickItem,
} from "./mutuals.service.ts";

const staff: Who = afterLookup({
  description:
    "The authority's staff (holders of its commissioner, evaluator, bid-opener or administrator roles)",
  signedIn: true,
  check() {},
});
const team: Who = afterLookup({ description: "The proposal's team", signedIn: true, check() {} });
const administrators: Who = afterLookup({
  description: "The authority's administrators who are not on the proposal's team",
  signedIn: true,
  check() {},
});
const mutualAdmins: Who = afterLookup({
  description: "The mutual's administrators",
  signedIn: true,
  check() {},
});

export function proposalToApi(v: ProposalView) {
  const p = v.proposal;
  return {
    id: p.id,
    title: p.title,
    summary: p.summary,
    service: v.service,
    stage: p.stage,
    teamSize: v.teamSize,
    team: v.team,
    stages: v.stages.map((s) => ({
      id: s.id,
      ownerId: s.ownerId,
      startedOn: s.startedOn,
      targetOn: s.targetOn,
      doneOn: s.doneOn,
    })),
    checklist: v.checklist,
    missing: v.missing,
    decision: {
      ...v.decision,
      decidedAt: v.decision.decidedAt?.toISOString() ?? null,
      appealable: v.decision.decision === "refused",
    },
    rightToProvide: v.rightToProvide,
    staffTransferred: p.staff_transferred,
    organisationId: p.organisation_id,
    spunOutOn: p.spun_out_on,
    survival: p.survival,
    survivalOn: p.survival_on,
  };
}

export async function mutualsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const list = "/api/v1/authorities/:authorityId/spin-outs";
  const one = `${list}/:proposalId`;

  json.get(
    list,
    api(
      { who: anyone },
      {
        operationId: "listSpinoutProposals",
        tags,
        summary: "The authority's spin-out proposals: stage, team size, the parent body's decision, overdue",
        params: AuthorityParams,
        response: { 200: ProposalsResponse },
      },
    ),
    async (request) => {
      const r = await proposalsOf(ctxOf(request), request.params.authorityId);
      return { decisionPeriodWorkingDays: r.periodWorkingDays, proposals: r.proposals };
    },
  );

  json.post(
    list,
    api(
      { who: staff, scope: "mutuals:write" },
      {
        operationId: "proposeSpinout",
        tags,
        summary: "Register a spin-out proposal for a service on the authority's register",
        description:
          "By one of the authority's staff with one or more colleagues (a team of two or more: 422 for a colleague who is not staff). With `challengeId`, the right to provide: made from an employees' expression of interest by its lead employee, for its service (409 for a draft or one already used).",
        params: AuthorityParams,
        body: ProposalBody,
        response: { 201: CreatedResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) =>
      reply
        .status(201)
        .send({ id: await proposeSpinout(ctxOf(request), request.params.authorityId, request.body) }),
  );

  json.get(
    one,
    api(
      { who: anyone },
      {
        operationId: "getSpinoutProposal",
        tags,
        summary:
          "A spin-out proposal: its stages, checklist, the parent body's decision with reasons, the right to provide",
        params: ProposalParams,
        response: { 200: ProposalResponse },
      },
    ),
    async (request) =>
      proposalToApi(await proposalOf(ctxOf(request), request.params.authorityId, request.params.proposalId)),
  );

  json.post(
    `${one}/checklist/:item`,
    api(
      { who: team, scope: "mutuals:write" },
      {
        operationId: "tickSpinoutChecklistItem",
        tags,
        summary: "Tick (or untick) an item of the proposal's current stage",
        description: "422 for an item the platform knows (a fact); 409 for an item of another stage.",
        params: ItemParams,
        body: TickBody,
        response: { 204: { type: "null" }, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { authorityId, proposalId, item } = request.params;
      await tickItem(ctxOf(request), authorityId, proposalId, item, request.body.done);
      return reply.status(204).send();
    },
  );

  json.put(
    `${one}/stages/:stage`,
    api(
      { who: team, scope: "mutuals:write" },
      {
        operationId: "planSpinoutStage",
        tags,
        summary: "Set a stage's owner (a team member) and target date",
        params: StageParams,
        body: StagePlanBody,
        response: { 204: { type: "null" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { authorityId, proposalId, stage } = request.params;
      await setStagePlan(ctxOf(request), authorityId, proposalId, stage, request.body);
      return reply.status(204).send();
    },
  );

  json.put(
    `${one}/facts`,
    api(
      { who: team, scope: "mutuals:write" },
      {
        operationId: "recordSpinoutFacts",
        tags,
        summary: "Record the staff transferred under TUPE and the mutual's organisation in the directory",
        params: ProposalParams,
        body: FactsBody,
        response: { 204: { type: "null" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      await setSpinoutFacts(
        ctxOf(request),
        request.params.authorityId,
        request.params.proposalId,
        request.body,
      );
      return reply.status(204).send();
    },
  );

  json.post(
    `${one}/advance`,
    api(
      { who: team, scope: "mutuals:write" },
      {
        operationId: "advanceSpinoutProposal",
        tags,
        summary: "Move the proposal to its next stage",
        description:
          "Only when every item of its current stage is done (422 naming each missing). 409 when the parent body refused it (the way on is an appeal) or it is trading.",
        params: ProposalParams,
        body: "none",
        response: { 200: StageResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) => ({
      stage: await advanceProposal(ctxOf(request), request.params.authorityId, request.params.proposalId),
    }),
  );

  json.post(
    `${one}/decision`,
    api(
      { who: administrators, scope: "mutuals:write" },
      {
        operationId: "decideSpinoutProposal",
        tags,
        summary: "The parent body approves or refuses the proposal, with reasons",
        description:
          "Reasons are required either way and are published. At parent body approval only, once (409 otherwise). The team is told.",
        params: ProposalParams,
        body: DecisionBody,
        response: { 204: { type: "null" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      await decideProposal(
        ctxOf(request),
        request.params.authorityId,
        request.params.proposalId,
        request.body,
      );
      return reply.status(204).send();
    },
  );

  json.put(
    `${one}/survival`,
    api(
      { who: mutualAdmins, scope: "mutuals:write" },
      {
        operationId: "recordMutualSurvival",
        tags,
        summary: "Record what became of the mutual: trading, merged into a group, or closed, with the date",
        params: ProposalParams,
        body: SurvivalBody,
        response: { 204: { type: "null" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      await recordSurvival(
        ctxOf(request),
        request.params.authorityId,
        request.params.proposalId,
        request.body,
      );
      return reply.status(204).send();
    },
  );

  json.put(
    "/api/v1/authorities/:authorityId/spin-out-decision-period",
    api(
      {
        who: afterLookup({ description: "The authority's administrators", signedIn: true, check() {} }),
        scope: "mutuals:write",
      },
      {
        operationId: "setSpinoutDecisionPeriod",
        tags,
        summary:
          "Publish the authority's period for deciding on spin-out proposals, in working days (30 until set)",
        params: AuthorityParams,
        body: PeriodBody,
        response: { 200: PeriodResponse },
      },
    ),
    async (request) => ({
      workingDays: await setDecisionPeriod(ctxOf(request), request.params.authorityId, request.body),
    }),
  );

  json.get(
    "/api/v1/organisations/:organisationId/mutual-history",
    api(
      { who: anyone },
      {
        operationId: "getMutualHistory",
        tags,
        summary:
          "A mutual's history after spin-out: parent body, date, staff transferred, contracts, ratings, survival, groups",
        params: OrganisationParams,
        response: { 200: HistoryResponse },
      },
    ),
    async (request) => {
      const h = await mutualHistory(
        request.server.deps.db,
        request.server.deps.clock,
        request.params.organisationId,
      );
      if (!h) throw new NotFoundError("mutual's history");
      const { proposalUrl: _url, ...rest } = h;
      return rest;
    },
  );

  mutualsPages(app);
}
