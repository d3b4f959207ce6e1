/**
 * Outcome contracts, participants and evidence, the provider's view, performance and market share
 * (issue 19, items 1, 2 and 5): the JSON API, and the module's pages (outcome-contracts.pages.ts).
 * Each route states who may call it and calls one service; the service decides every rule (a
 * contract is looked up first: 404 to anyone with no reason to see it, then 403).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses, type Who } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, organisationRoles } from "../access/policies.ts";
import { raiseToApi } from "./approval-amounts.routes.ts";
import { recordEvents, referParticipants, withdrawEvent } from "./intake.service.ts";
import { outcomeContractPages } from "./outcome-contracts.pages.ts";
import {
  BatchResponse,
  ClaimList,
  ClaimsQuery,
  ComparisonBody,
  ComparisonList,
  ComparisonResponse,
  EventParams,
  EventsBody,
  ModelBody,
  ModelResponse,
  OutcomeContractList,
  OutcomeContractParams,
  OutcomeContractResponse,
  PageQuery,
  ParticipantList,
  ParticipantsBody,
  PerformanceResponse,
  ProviderParams,
  SetUpBody,
  SetUpResponse,
  ShareShiftBody,
  ShareShiftResponse,
  WithdrawalBody,
  WithdrawalResponse,
} from "./outcome-contracts.schemas.ts";
import {
  addModelVersion,
  authorityOutcomeContracts,
  type ComparisonView,
  comparisonsOf,
  contractClaims,
  type OutcomeContractRow,
  outcomeContractView,
  providerOutcomeContracts,
  recordComparison,
  setUpOutcomeContract,
} from "./outcome-contracts.service.ts";
import { contractPerformance, shiftMarketShare } from "./performance.service.ts";
import { PROVIDER_ROLES } from "./results.service.ts";

const tags: [string] = ["results"];

/** Who may see an outcome contract (the service looks it up first). */
const contractPeople: Who = afterLookup({
  description:
    "The authority's commissioners and administrators, and the provider's administrators and members (platform administrators too)",
  signedIn: true,
  check() {},
});
const commissioners: Who = afterLookup({
  description: "The authority's commissioners and administrators (platform administrators too)",
  signedIn: true,
  check() {},
});
const providerPeople = organisationRoles(
  PROVIDER_ROLES,
  "see this provider's outcome contracts",
  "The provider's administrators and members (platform administrators too)",
);

export function contractToApi(c: OutcomeContractRow) {
  return {
    id: c.id,
    reference: c.reference,
    title: c.title,
    programme: c.programme,
    fund: c.fund,
    contractId: c.contract_id,
    provider: { organisationId: c.organisation_id, name: c.provider_name },
    authority: { id: c.authority_id, slug: c.authority_slug },
    startsOn: c.starts_on,
    endsOn: c.ends_on,
    referralShareBp: c.referral_share_bp,
    secondApprovalAbovePence: c.second_approval_above_pence.toString(),
  };
}

function comparisonToApi(c: ComparisonView) {
  return { ...c, recordedAt: c.recordedAt.toISOString() };
}

export async function outcomeContractsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = "/api/v1/authorities/:authorityId/outcome-contracts";
  const one = `${base}/:contractId`;

  json.get(
    base,
    api(
      { who: authorityEditors, scope: "results:read" },
      {
        operationId: "listOutcomeContracts",
        tags,
        summary: "An authority's outcome contracts, a page at a time by reference",
        params: AuthorityParams,
        querystring: PageQuery,
        response: { 200: OutcomeContractList },
      },
    ),
    async (request) => {
      const page = await authorityOutcomeContracts(ctxOf(request), request.params.authorityId, request.query);
      return { contracts: page.contracts.map(contractToApi), next: page.next };
    },
  );

  json.post(
    base,
    api(
      { who: authorityEditors, scope: "results:write" },
      {
        operationId: "setUpOutcomeContract",
        tags,
        summary: "Set up an outcome contract: from a contract linked to results, or for an outcome fund",
        params: AuthorityParams,
        body: SetUpBody,
        response: { 201: SetUpResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { secondApprovalAbovePence, ...rest } = request.body;
      const id = await setUpOutcomeContract(ctxOf(request), request.params.authorityId, {
        ...rest,
        ...(secondApprovalAbovePence !== undefined
          ? { secondApprovalAbove: BigInt(secondApprovalAbovePence) }
          : {}),
      });
      return reply.status(201).send({ id });
    },
  );

  json.get(
    one,
    api(
      { who: contractPeople, scope: "results:read" },
      {
        operationId: "getOutcomeContract",
        tags,
        summary: "An outcome contract and its payment model's versions, each number beside its rule",
        params: OutcomeContractParams,
        response: { 200: OutcomeContractResponse },
      },
    ),
    async (request) => {
      const view = await outcomeContractView(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        {
          pageSize: 0,
        },
      );
      return {
        contract: contractToApi(view.contract),
        pendingRaise: view.pendingRaise ? raiseToApi(view.pendingRaise) : null,
        modelInForce: view.inForce,
        models: view.models.map((m) => ({
          version: m.version,
          kind: m.kind,
          effectiveFrom: m.effectiveFrom,
          reason: m.reason,
          definition: m.definition as unknown as Record<string, unknown>,
          numbers: m.numbers,
        })),
      };
    },
  );

  json.post(
    `${one}/models`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "addOutcomeModelVersion",
        tags,
        summary: "Add a version of the contract's payment model, in force from its day",
        params: OutcomeContractParams,
        body: ModelBody,
        response: { 201: ModelResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const version = await addModelVersion(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        request.body,
      );
      return reply.status(201).send({ version });
    },
  );

  json.get(
    `${one}/participants`,
    api(
      { who: contractPeople, scope: "results:read" },
      {
        operationId: "listOutcomeParticipants",
        tags,
        summary: "The contract's participants (pseudonymous references), a page at a time by reference",
        params: OutcomeContractParams,
        querystring: PageQuery,
        response: { 200: ParticipantList },
      },
    ),
    async (request) => {
      const view = await outcomeContractView(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        request.query,
      );
      return {
        participants: view.participants.map((p) => ({
          reference: p.reference,
          paymentGroup: p.payment_group,
          cohort: p.cohort,
          referredOn: p.referred_on,
        })),
        next: view.nextParticipants,
      };
    },
  );

  json.post(
    `${one}/participants`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "referOutcomeParticipants",
        tags,
        summary:
          "Refer participants, up to 5,000 at a time; a reference sent again records nothing new (409 if sent again with different content, naming the fields)",
        params: OutcomeContractParams,
        body: ParticipantsBody,
        response: { 200: BatchResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      referParticipants(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        request.body.participants,
      ),
  );

  json.post(
    `${one}/events`,
    api(
      { who: contractPeople, scope: "results:write" },
      {
        operationId: "recordOutcomeEvents",
        tags,
        summary:
          "Send evidence events, up to 5,000 at a time; an event sent again (its source_ref) records nothing new (409 if sent again with different content, naming the fields)",
        params: OutcomeContractParams,
        body: EventsBody,
        response: { 200: BatchResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      recordEvents(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        request.body.events,
        {
          source: request.body.source,
        },
      ),
  );

  json.post(
    `${one}/events/:eventId/withdrawal`,
    api(
      { who: contractPeople, scope: "results:write" },
      {
        operationId: "withdrawOutcomeEvent",
        tags,
        summary: "Withdraw an evidence event, with a reason (a new event: events are never changed)",
        params: EventParams,
        body: WithdrawalBody,
        response: { 201: WithdrawalResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { authorityId, contractId, eventId } = request.params;
      return reply
        .status(201)
        .send(await withdrawEvent(ctxOf(request), authorityId, contractId, eventId, request.body));
    },
  );

  json.get(
    `${one}/claims`,
    api(
      { who: contractPeople, scope: "results:read" },
      {
        operationId: "listOutcomeClaims",
        tags,
        summary:
          "The contract's claims with their working and, when refused, their problems, a page at a time",
        params: OutcomeContractParams,
        querystring: ClaimsQuery,
        response: { 200: ClaimList },
      },
    ),
    async (request) => {
      const page = await contractClaims(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        request.query,
      );
      return {
        claims: page.claims.map((c) => ({ ...c, amountPence: c.amountPence.toString() })),
        next: page.next,
      };
    },
  );

  json.get(
    `${one}/performance`,
    api(
      { who: commissioners, scope: "results:read" },
      {
        operationId: "getOutcomePerformance",
        tags,
        summary: "Performance against the minimum performance level per referral month",
        params: OutcomeContractParams,
        response: { 200: PerformanceResponse },
      },
    ),
    async (request) => {
      const p = await contractPerformance(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
      );
      return {
        minimum: p.minimum
          ? {
              outcome: p.minimum.outcome,
              rateBp: p.minimum.rateBp,
              withinMonths: p.minimum.withinMonths,
              rule: p.minimum.rule,
            }
          : null,
        countedAt: p.countedAt?.toISOString() ?? null,
        belowMinimum: p.belowMinimum,
        months: p.months,
      };
    },
  );

  json.post(
    `${one}/share-shifts`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "shiftOutcomeMarketShare",
        tags,
        summary:
          "Move a share of the programme's referrals from this contract to another, by the model's rule",
        params: OutcomeContractParams,
        body: ShareShiftBody,
        response: { 200: ShareShiftResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      shiftMarketShare(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
        { ...request.body, share: request.body.shareBp },
        { email: request.server.deps.mailer !== undefined },
      ),
  );

  json.get(
    `${one}/comparisons`,
    api(
      { who: contractPeople, scope: "results:read" },
      {
        operationId: "listOutcomeComparisons",
        tags,
        summary: "The cohorts' comparison group figures (social impact bonds), by cohort and metric",
        params: OutcomeContractParams,
        response: { 200: ComparisonList },
      },
    ),
    async (request) => {
      const { metrics, comparisons } = await comparisonsOf(
        ctxOf(request),
        request.params.authorityId,
        request.params.contractId,
      );
      return { metrics, comparisons: comparisons.map(comparisonToApi) };
    },
  );

  json.post(
    `${one}/comparisons`,
    api(
      { who: commissioners, scope: "results:write" },
      {
        operationId: "recordOutcomeComparison",
        tags,
        summary:
          "Record a cohort's comparison group figure, replacing the one recorded before for its cohort and metric",
        params: OutcomeContractParams,
        body: ComparisonBody,
        response: { 200: ComparisonResponse, ...errorResponses(422) },
      },
    ),
    async (request) =>
      comparisonToApi(
        await recordComparison(
          ctxOf(request),
          request.params.authorityId,
          request.params.contractId,
          request.body,
        ),
      ),
  );

  json.get(
    "/api/v1/organisations/:id/outcome-contracts",
    api(
      { who: providerPeople, scope: "results:read" },
      {
        operationId: "listProviderOutcomeContracts",
        tags,
        summary: "A provider's outcome contracts with every authority, a page at a time",
        params: ProviderParams,
        querystring: PageQuery,
        response: { 200: OutcomeContractList },
      },
    ),
    async (request) => {
      const page = await providerOutcomeContracts(ctxOf(request), request.params.id, request.query);
      return { contracts: page.contracts.map(contractToApi), next: page.next };
    },
  );

  outcomeContractPages(app);
}
