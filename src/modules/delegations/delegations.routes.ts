/**
 * Delegations' JSON API — the open figures and the list (/api/v1/delegations), a delegation with its
 * reports, delegating a service (/api/v1/authorities/{authorityId}/delegations), its review, its end
 * and the body's delivery reports — and the pages (delegations.pages.ts). Each route calls one
 * service, which decides who may.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { AuthorityParams } from "../../http/schemas.ts";
import { percentValue } from "../../lib/basis-points.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { delegationPages } from "./delegations.pages.ts";
import {
  DelegateBody,
  DelegationParams,
  DelegationResponse,
  DelegationSummary,
  EndBody,
  OverviewQuery,
  OverviewResponse,
  ReportBody,
  ReviewBody,
} from "./delegations.schemas.ts";
import {
  type DelegationPage,
  type DelegationView,
  delegate,
  delegationPage,
  endDelegation,
  type Figures,
  overview,
  reviewDelegation,
  submitReport,
} from "./delegations.service.ts";

const tags: [string] = ["delegations"];

export const delegationToApi = (v: DelegationView) => ({
  id: v.delegation.id,
  authorityId: v.authority.id,
  authorityName: v.authority.name,
  serviceId: v.delegation.service_id,
  serviceName: v.serviceName,
  areaCode: v.delegation.area_code,
  areaName: v.areaName,
  organisationId: v.delegation.organisation_id,
  organisationName: v.organisationName,
  budgetPence: String(v.delegation.budget_pence),
  standards: v.delegation.standards,
  startsOn: v.delegation.starts_on,
  reviewOn: v.delegation.review_on,
  status: v.status,
  reviewDue: v.standing === "review-due" || v.standing === "under-review",
  lastReviewedOn: v.delegation.last_reviewed_on,
  reviewNote: v.delegation.review_note,
  endedOn: v.delegation.ended_on,
  endReasons: v.delegation.end_reasons,
  updatedAt: v.delegation.updated_at.toISOString(),
});

const pageToApi = (v: DelegationPage) => ({
  ...delegationToApi(v),
  reports: v.reports.map((r) => ({
    id: r.id,
    from: r.period_from,
    to: r.period_to,
    delivered: r.delivered,
    spentPence: String(r.spent_pence),
    against: r.against,
    submittedAt: r.submitted_at.toISOString(),
  })),
});

const figuresToApi = (f: Figures) => ({
  registerCostPence: String(f.registerCost),
  delegatedPence: String(f.delegated),
  sharePercent: f.shareBp === null ? null : percentValue(f.shareBp),
  services: f.services,
  bodies: f.bodies,
});

const delegationPeople = afterLookup({
  description:
    "The authority's commissioners and administrators (a report: the neighbourhood body's people); others signed in get 403, an unknown delegation 404",
  signedIn: true,
  check() {},
});

export async function delegationsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const list = "/api/v1/delegations";
  const one = `${list}/:delegationId`;

  json.get(
    list,
    api(
      { who: anyone },
      {
        operationId: "listDelegations",
        tags,
        summary: "Services delegated to neighbourhood councils, and how much is decided at the lowest level",
        description:
          "The delegated budgets of the delegations not ended as a share of the registers' annual cost, overall and per authority, with the services delegated and the bodies; and the delegations (of one authority with `authorityId`).",
        querystring: OverviewQuery,
        response: { 200: OverviewResponse, ...errorResponses(400) },
      },
    ),
    async (request) => {
      const o = await overview(ctxOf(request), request.query.authorityId);
      return {
        overall: figuresToApi(o.overall),
        byAuthority: o.byAuthority.map((a) => ({
          authorityId: a.authority.id,
          authorityName: a.authority.name,
          ...figuresToApi(a),
        })),
        delegations: o.delegations.map(delegationToApi),
      };
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/delegations",
    api(
      { who: signedIn, scope: "delegations:write" },
      {
        operationId: "delegateService",
        tags,
        summary:
          "Delegate a service of the register (or its part in an area) to a neighbourhood council or body",
        description:
          "The authority's commissioners and administrators (403 for others). 404 for a service of another authority; 400 naming each field (a body not of a community sector says who may take a delegation); 409 when the service is delegated for that area already.",
        params: AuthorityParams,
        body: DelegateBody,
        response: { 201: DelegationSummary, ...errorResponses(400, 409) },
      },
    ),
    async (request, reply) => {
      const v = await delegate(ctxOf(request), request.params.authorityId, request.body);
      return reply.status(201).send(delegationToApi(v));
    },
  );

  json.get(
    one,
    api(
      { who: anyone },
      {
        operationId: "getDelegation",
        tags,
        summary:
          "A delegation: to whom, which area, its budget, standards and review date, and the body's reports",
        params: DelegationParams,
        response: { 200: DelegationResponse },
      },
    ),
    async (request) => pageToApi(await delegationPage(ctxOf(request), request.params.delegationId)),
  );

  json.post(
    `${one}/review`,
    api(
      { who: delegationPeople, scope: "delegations:write" },
      {
        operationId: "reviewDelegation",
        tags,
        summary: "The authority's review: continued to a new review date, the budget changed, or ended",
        params: DelegationParams,
        body: ReviewBody,
        response: { 200: DelegationResponse, ...errorResponses(400, 409) },
      },
    ),
    async (request) =>
      pageToApi(await reviewDelegation(ctxOf(request), request.params.delegationId, request.body)),
  );

  json.post(
    `${one}/end`,
    api(
      { who: delegationPeople, scope: "delegations:write" },
      {
        operationId: "endDelegation",
        tags,
        summary: "End a delegation today, with reasons",
        params: DelegationParams,
        body: EndBody,
        response: { 200: DelegationResponse, ...errorResponses(400, 409) },
      },
    ),
    async (request) =>
      pageToApi(await endDelegation(ctxOf(request), request.params.delegationId, request.body)),
  );

  json.post(
    `${one}/reports`,
    api(
      { who: delegationPeople, scope: "delegations:write" },
      {
        operationId: "reportDelegatedDelivery",
        tags,
        summary:
          "The neighbourhood body's report of delivery: a period, what was delivered, the money spent, each standard",
        params: DelegationParams,
        body: ReportBody,
        response: { 200: DelegationResponse, ...errorResponses(400) },
      },
    ),
    async (request) =>
      pageToApi(await submitReport(ctxOf(request), request.params.delegationId, request.body)),
  );

  delegationPages(app);
}
