/**
 * Arrangements' and "choice not available" JSON API, and their pages (arrangements.pages.ts). Each
 * route asks only for sign-in (`afterLookup`): the services decide — 404 for what the caller may not
 * see, then 403, then 409. Reads need `care:read`, writes `choice:write`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { arrangementPages, providerPeople } from "./arrangements.pages.ts";
import {
  AnswerUnavailableBody,
  ArrangeBody,
  Arrangement,
  ArrangementParams,
  DeclineBody,
  EndBody,
  OrganisationParams,
  PersonChoiceResponse,
  PersonParams,
  ProviderArrangementsResponse,
  RecordUnavailableBody,
  Unavailable,
  UnavailableParams,
} from "./arrangements.schemas.ts";
import {
  type ArrangementView,
  answerArrangement,
  arrangementOf,
  arrangeService,
  endArrangement,
  providerArrangements,
  weeklyCost,
} from "./arrangements.service.ts";
import { personChoice } from "./person-panel.ts";
import {
  answerUnavailable,
  recordUnavailable,
  type UnavailableView,
  unavailableOf,
} from "./unavailable.service.ts";

const tags: [string] = ["choice"];
const who = afterLookup(signedIn);

export function arrangementRecord(a: ArrangementView) {
  return {
    id: a.id,
    authorityId: a.authority_id,
    personId: a.person_id,
    planId: a.plan_id,
    needId: a.need_id,
    provider: { id: a.organisation_id, name: a.organisation_name },
    listId: a.list_id,
    paidFrom: a.paid_from,
    serviceType: { code: a.category_code, name: a.category_name },
    description: a.description,
    unitsPerWeek: a.unitsText,
    unit: a.unit,
    price: { pence: a.price_pence.toString(), text: a.priceText },
    priceSource: a.price_source,
    weeklyCost: { pence: weeklyCost(a).toString(), text: a.weeklyCostText },
    startsOn: a.starts_on,
    endsOn: a.ends_on,
    status: a.status,
    phase: a.phase,
    declineReason: a.decline_reason,
    endReason: a.end_reason,
    pageUrl: `/authorities/${a.authority_slug}/arrangements/${a.id}`,
  };
}

export function unavailableRecord(u: UnavailableView) {
  return {
    id: u.id,
    authorityId: u.authority_id,
    personId: u.person_id,
    needId: u.need_id,
    serviceType: { code: u.category_code, name: u.category_name },
    area: { code: u.area_code, name: u.area_name },
    tried: u.tried,
    recordedOn: u.recorded_on,
    dueOn: u.due_on,
    answerWorkingDays: u.answer_working_days,
    state: u.state,
    answeredOn: u.answered_on,
    outcome: u.answer_outcome,
    answer: u.answer,
    pageUrl: `/authorities/${u.authority_slug}/choice-not-available/${u.id}`,
  };
}

export async function arrangementRoutes(app: FastifyInstance): Promise<void> {
  arrangementPages(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const person = "/api/v1/authorities/:authorityId/people/:personId";
  const one = "/api/v1/authorities/:authorityId/arrangements/:arrangementId";

  json.get(
    `${person}/choice`,
    api(
      { who, scope: "care:read" },
      {
        operationId: "listPersonArrangements",
        tags,
        summary: "A person's arrangements and records that choice was not available",
        description:
          "The authority's care staff, the person, and representatives with see-plan or arrange-services.",
        params: PersonParams,
        response: { 200: PersonChoiceResponse },
      },
    ),
    async (request) => {
      const found = await personChoice(ctxOf(request), request.authority.id, request.params.personId);
      return {
        arrangements: found.arrangements.map(arrangementRecord),
        choiceNotAvailable: found.unavailable.map(unavailableRecord),
        overBudget: found.overBudget.map((o) => ({
          planId: o.planId,
          paidFrom: o.paidFrom,
          arranged: { pence: o.arrangedPence.toString(), text: o.arrangedText },
          budgetGives: { pence: o.allowancePence.toString(), text: o.allowanceText },
        })),
      };
    },
  );

  json.post(
    `${person}/arrangements`,
    api(
      { who, scope: "choice:write" },
      {
        operationId: "arrangeService",
        tags,
        summary: "Arrange a service with a provider for a person's plan",
        description:
          "At a list's tariff or its member's offer (listId), or a price agreed with a provider registered for the service in the person's area. 422 `over_budget` with the figures when it does not fit the part of the budget that pays; 422 `not_registered` for a provider without a current registration.",
        params: PersonParams,
        body: ArrangeBody,
        response: { 201: Arrangement, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const a = await arrangeService(
        ctxOf(request),
        request.authority.id,
        request.params.personId,
        request.body,
      );
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${a.authority_id}/arrangements/${a.id}`)
        .send(arrangementRecord(a));
    },
  );

  json.get(
    one,
    api(
      { who, scope: "care:read" },
      {
        operationId: "getArrangement",
        tags,
        summary: "An arrangement",
        description: "The person's side (care staff, the person, representatives) and the provider's people.",
        params: ArrangementParams,
        response: { 200: Arrangement },
      },
    ),
    async (request) =>
      arrangementRecord(
        (await arrangementOf(ctxOf(request), request.authority.id, request.params.arrangementId)).arrangement,
      ),
  );

  json.post(
    `${one}/accept`,
    api(
      { who, scope: "choice:write" },
      {
        operationId: "acceptArrangement",
        tags,
        summary: "The provider accepts an arrangement",
        params: ArrangementParams,
        body: "none",
        response: { 200: Arrangement, ...errorResponses(409) },
      },
    ),
    async (request) =>
      arrangementRecord(
        await answerArrangement(ctxOf(request), request.authority.id, request.params.arrangementId, {
          accept: true,
        }),
      ),
  );

  json.post(
    `${one}/decline`,
    api(
      { who, scope: "choice:write" },
      {
        operationId: "declineArrangement",
        tags,
        summary: "The provider declines an arrangement, with its reason",
        params: ArrangementParams,
        body: DeclineBody,
        response: { 200: Arrangement, ...errorResponses(409) },
      },
    ),
    async (request) =>
      arrangementRecord(
        await answerArrangement(ctxOf(request), request.authority.id, request.params.arrangementId, {
          accept: false,
          reason: request.body.reason,
        }),
      ),
  );

  json.post(
    `${one}/end`,
    api(
      { who, scope: "choice:write" },
      {
        operationId: "endArrangement",
        tags,
        summary: "Either side ends an arrangement from a day, with its reason",
        params: ArrangementParams,
        body: EndBody,
        response: { 200: Arrangement, ...errorResponses(409) },
      },
    ),
    async (request) =>
      arrangementRecord(
        await endArrangement(
          ctxOf(request),
          request.authority.id,
          request.params.arrangementId,
          request.body,
        ),
      ),
  );

  json.get(
    "/api/v1/organisations/:id/arrangements",
    api(
      { who: providerPeople, scope: "care:read" },
      {
        operationId: "listProviderArrangements",
        tags,
        summary: "A provider's arrangements: proposed, live, ended (the newest 50)",
        description: "Its administrators and members (403 for anyone else).",
        params: OrganisationParams,
        response: { 200: ProviderArrangementsResponse },
      },
    ),
    async (request) => {
      const found = await providerArrangements(ctxOf(request), request.params.id);
      return {
        proposed: found.proposed.map(arrangementRecord),
        live: found.live.map(arrangementRecord),
        ended: found.ended.map(arrangementRecord),
        more: found.more,
      };
    },
  );

  json.post(
    `${person}/choice-not-available`,
    api(
      { who, scope: "choice:write" },
      {
        operationId: "recordChoiceNotAvailable",
        tags,
        summary: "Record that choice was not available: no provider within the budget",
        description: "The authority must answer within 10 working days (the due day is on the record).",
        params: PersonParams,
        body: RecordUnavailableBody,
        response: { 201: Unavailable },
      },
    ),
    async (request, reply) => {
      const u = await recordUnavailable(
        ctxOf(request),
        request.authority.id,
        request.params.personId,
        request.body,
      );
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${u.authority_id}/choice-not-available/${u.id}`)
        .send(unavailableRecord(u));
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/choice-not-available/:recordId",
    api(
      { who, scope: "care:read" },
      {
        operationId: "getChoiceNotAvailable",
        tags,
        summary: "A record that choice was not available, and its answer",
        params: UnavailableParams,
        response: { 200: Unavailable },
      },
    ),
    async (request) =>
      unavailableRecord(
        (await unavailableOf(ctxOf(request), request.authority.id, request.params.recordId)).record,
      ),
  );

  json.post(
    "/api/v1/authorities/:authorityId/choice-not-available/:recordId/answer",
    api(
      { who, scope: "choice:write" },
      {
        operationId: "answerChoiceNotAvailable",
        tags,
        summary: "The authority's answer: a provider found, the budget reviewed, or other",
        description: "The authority's care staff (404 for anyone else); 409 once answered.",
        params: UnavailableParams,
        body: AnswerUnavailableBody,
        response: { 200: Unavailable, ...errorResponses(409) },
      },
    ),
    async (request) =>
      unavailableRecord(
        await answerUnavailable(ctxOf(request), request.authority.id, request.params.recordId, request.body),
      ),
  );
}
