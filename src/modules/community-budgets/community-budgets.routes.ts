/**
 * Community budgets' JSON API — the pools (/api/v1/community-budgets), a pool with its summary and
 * entries, a new pool (/api/v1/authorities/{authorityId}/community-budgets), its partners,
 * contributions and spends, and a partner's report ("what your money did") — and the pages
 * (community-budgets.pages.ts). Each route calls one service, which decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { communityBudgetPages } from "./community-budgets.pages.ts";
import {
  ContributionBody,
  EntryParams,
  PartnerBody,
  PoolBody,
  PoolParams,
  PoolResponse,
  PoolsResponse,
  ReportParams,
  ReportResponse,
  ReversalBody,
  SpendBody,
} from "./community-budgets.schemas.ts";
import {
  addPartner,
  createPool,
  type EntryView,
  listPools,
  type PartnerSummary,
  type PoolView,
  partnerReport,
  poolView,
  recordContribution,
  recordSpend,
  reverseEntry,
} from "./community-budgets.service.ts";

const tags: [string] = ["community-budgets"];

const partnerToApi = (x: PartnerSummary) => ({
  authorityId: x.partnerId,
  name: x.name,
  agreedPence: x.agreed === null ? null : String(x.agreed),
  contributedPence: String(x.contributed),
  spentPence: String(x.spent),
  balancePence: String(x.balance),
});

const entryToApi = (e: EntryView) => ({
  id: e.id,
  kind: e.kind,
  on: e.on,
  amountPence: String(e.amount),
  reversesId: e.reversesId,
  reversalReasons: e.reversalReasons,
  reversedBy: e.reversedBy,
  partnerAuthorityId: e.partnerId,
  partnerName: e.partnerName,
  reference: e.reference,
  spendKind: e.spendKind,
  payee: e.payee,
  payeeIsPerson: e.payeeIsPerson,
  description: e.description,
  grantProgrammeId: e.grantProgrammeId,
  grantId: e.grantId,
  parts: e.parts.map((x) => ({ authorityId: x.partnerId, amountPence: String(x.amount) })),
});

export function poolToApi(v: PoolView) {
  return {
    id: v.pool.id,
    authorityId: v.pool.authority_id,
    authorityName: v.authority.name,
    name: v.pool.name,
    areaCode: v.pool.area_code,
    areaName: v.areaName,
    purpose: v.pool.purpose,
    partners: v.partners.map(partnerToApi),
    contributedPence: String(v.totals.contributed),
    spentPence: String(v.totals.spent),
    cashPence: String(v.totals.cash),
    spentByKind: v.byKind.map((k) => ({ kind: k.kind, spentPence: String(k.spent) })),
    entries: v.entries.map(entryToApi),
    updatedAt: v.pool.updated_at.toISOString(),
  };
}

const poolPeople = afterLookup({
  description:
    "The accountable authority's commissioners and administrators (a contribution: a partner's); others signed in get 403, an unknown pool 404",
  signedIn: true,
  check() {},
});

export async function communityBudgetsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const pools = "/api/v1/community-budgets";
  const pool = `${pools}/:poolId`;

  json.get(
    pools,
    api(
      { who: anyone },
      {
        operationId: "listCommunityBudgets",
        tags,
        summary: "Community budgets: pooled funds of public bodies for an area and a purpose, newest first",
        description:
          "With each pool's totals per partner and per kind of spend. Payees who are people are never shown.",
        response: { 200: PoolsResponse },
      },
    ),
    async (request) => ({ pools: (await listPools(ctxOf(request))).map(poolToApi) }),
  );

  json.post(
    "/api/v1/authorities/:authorityId/community-budgets",
    api(
      { who: signedIn, scope: "community-budgets:write" },
      {
        operationId: "createCommunityBudget",
        tags,
        summary: "A new community budget held by the authority, for an area and a purpose",
        description:
          "The authority's commissioners and administrators (403 for others). 400 naming each field to correct.",
        params: AuthorityParams,
        body: PoolBody,
        response: { 201: PoolResponse, ...errorResponses(400) },
      },
    ),
    async (request, reply) => {
      const v = await createPool(ctxOf(request), request.params.authorityId, request.body);
      return reply.status(201).send(poolToApi(v));
    },
  );

  json.get(
    pool,
    api(
      { who: anyone },
      {
        operationId: "getCommunityBudget",
        tags,
        summary:
          "A community budget: its partners' totals, spending per kind, and every contribution and spend",
        description:
          "A payee who is a person, and contributions' references, are shown to the pool's people only.",
        params: PoolParams,
        response: { 200: PoolResponse },
      },
    ),
    async (request) => poolToApi(await poolView(ctxOf(request), request.params.poolId)),
  );

  json.get(
    `${pool}/partners/:authorityId`,
    api(
      { who: anyone },
      {
        operationId: "getCommunityBudgetPartnerReport",
        tags,
        summary: "What a partner's money did: its contributions, its share of each spend, its balance",
        params: ReportParams,
        response: { 200: ReportResponse },
      },
    ),
    async (request) => {
      const r = await partnerReport(ctxOf(request), request.params.poolId, request.params.authorityId);
      return {
        poolId: r.view.pool.id,
        poolName: r.view.pool.name,
        partner: partnerToApi(r.partner),
        contributions: r.contributions.map(entryToApi),
        spends: r.spends.map((s) => ({ ...entryToApi(s), sharePence: String(s.share) })),
      };
    },
  );

  json.post(
    `${pool}/partners`,
    api(
      { who: poolPeople, scope: "community-budgets:write" },
      {
        operationId: "addCommunityBudgetPartner",
        tags,
        summary: "Add a partner to the pool, with the share it agreed",
        params: PoolParams,
        body: PartnerBody,
        response: { 200: PoolResponse, ...errorResponses(400, 409) },
      },
    ),
    async (request) => poolToApi(await addPartner(ctxOf(request), request.params.poolId, request.body)),
  );

  json.post(
    `${pool}/contributions`,
    api(
      { who: poolPeople, scope: "community-budgets:write" },
      {
        operationId: "recordCommunityBudgetContribution",
        tags,
        summary: "A partner's contribution to the pool (its own commissioners and administrators)",
        params: PoolParams,
        body: ContributionBody,
        response: { 200: PoolResponse, ...errorResponses(400, 409) },
      },
    ),
    async (request) =>
      poolToApi(await recordContribution(ctxOf(request), request.params.poolId, request.body)),
  );

  json.post(
    `${pool}/spends`,
    api(
      { who: poolPeople, scope: "community-budgets:write" },
      {
        operationId: "recordCommunityBudgetSpend",
        tags,
        summary: "A spend from the pool, split across the partners pro rata to what each has put in",
        description: "409 naming the shortfall when the pool, or a partner's balance, cannot pay it.",
        params: PoolParams,
        body: SpendBody,
        response: { 200: PoolResponse, ...errorResponses(400, 409) },
      },
    ),
    async (request) => poolToApi(await recordSpend(ctxOf(request), request.params.poolId, request.body)),
  );

  json.post(
    `${pool}/entries/:journalId/reversal`,
    api(
      { who: poolPeople, scope: "community-budgets:write" },
      {
        operationId: "reverseCommunityBudgetEntry",
        tags,
        summary: "Reverse an entry made in error: a journal of its lines negated, dated today, with why",
        description:
          "The accountable authority's commissioners and administrators. 409 for a reversal, an entry reversed already, or a contribution part of which has been spent.",
        params: EntryParams,
        body: ReversalBody,
        response: { 200: PoolResponse, ...errorResponses(400, 409) },
      },
    ),
    async (request) =>
      poolToApi(
        await reverseEntry(ctxOf(request), request.params.poolId, request.params.journalId, request.body),
      ),
  );

  communityBudgetPages(app);
}
