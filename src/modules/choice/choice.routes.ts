/**
 * The approved-provider lists' JSON API (/api/v1/choice/lists, /api/v1/authorities/:authorityId/
 * choice/lists/…), and its pages (choice.pages.ts). Each route states who may call it and calls one
 * service; the services decide every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, signedIn } from "../access/policies.ts";
import { arrangementRoutes } from "./arrangements.routes.ts";
import { choicePages } from "./choice.pages.ts";
import {
  AuthorityParams,
  CloseListBody,
  CompareQuery,
  CompareResponse,
  ContractedPriceBody,
  CreateListBody,
  CreateListFromAwardBody,
  JoinBody,
  JoinResponse,
  ListParams,
  ListQuery,
  ListResponse,
  ListsQuery,
  ListsResponse,
  MemberParams,
  OfferBody,
} from "./choice.schemas.ts";
import {
  type ContractMember,
  closeList,
  contractMembers,
  createList,
  type ListView,
  publishList,
  searchLists,
} from "./choice.service.ts";
import { compareMembers, listPage, type MemberView } from "./compare.service.ts";
import {
  createListFromAward,
  joinList,
  leaveList,
  setContractedPrice,
  updateOffer,
} from "./members.service.ts";

const tags: [string] = ["choice"];

function listRecord(list: ListView) {
  return {
    id: list.id,
    authority: { id: list.authority_id, name: list.authority_name, slug: list.authority_slug },
    title: list.title,
    serviceType: { code: list.category_code, name: list.category_name },
    areas: list.areas,
    tariff: { pence: list.tariff_pence.toString(), text: list.tariffText },
    tariffUnit: list.tariff_unit,
    conditions: list.conditions,
    excludeInadequate: list.exclude_inadequate,
    reserved: list.reserved,
    status: list.status,
    memberCount: list.member_count,
    publishedAt: list.published_at ? list.published_at.toISOString() : null,
    closedAt: list.closed_at ? list.closed_at.toISOString() : null,
    closedReason: list.closed_reason,
    pageUrl: `/authorities/${list.authority_slug}/choice/${list.id}`,
    source: list.source,
    notAdded: list.notAddedSeen,
  };
}

function contractRecord(m: ContractMember) {
  return {
    organisation: { id: m.organisationId, name: m.name },
    contractId: m.contractId,
    contractUrl: m.contractUrl,
    contractedPrice:
      m.pricePence === null ? null : { pence: m.pricePence.toString(), text: m.priceText ?? "" },
  };
}

function memberRecord(m: MemberView) {
  return {
    organisation: { id: m.organisationId, name: m.name },
    price: { pence: m.pricePence.toString(), text: m.priceText },
    priceAgainstTariff: m.priceAgainstTariff,
    capacity: m.capacity,
    capacityUnit: m.capacityUnit as "places" | "hours-a-week" | null,
    capacityStatedOn: m.capacityStatedOn,
    locations: m.locations.map((l) => ({
      id: l.id,
      regulatorId: l.regulatorId,
      name: l.name,
      town: l.town,
      postcode: l.postcode,
      area: l.areaName,
      currentRating: l.rating,
    })),
    feedback: m.feedback
      ? { reviews: m.feedback.reviews, averageStars: m.feedback.averageStars, link: m.feedback.link }
      : null,
  };
}

export async function choiceRoutes(app: FastifyInstance): Promise<void> {
  choicePages(app);
  await arrangementRoutes(app);
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/choice/lists",
    api(
      { who: anyone },
      {
        operationId: "listApprovedProviderLists",
        tags,
        summary: "Published approved-provider lists, newest first",
        description:
          "Open and closed lists of every authority, by service type, area or authority, a page at a time by key.",
        querystring: ListsQuery,
        response: { 200: ListsResponse },
      },
    ),
    async (request) => {
      const { categoryCode, areaCode, authorityId, after, pageSize } = request.query;
      const found = await searchLists(ctxOf(request), {
        ...(categoryCode ? { categoryCode } : {}),
        ...(areaCode ? { areaCode } : {}),
        ...(authorityId ? { authorityId } : {}),
        after,
        pageSize,
      });
      return {
        lists: found.results.map(listRecord),
        total: found.total.count,
        totalIsAtLeast: found.total.atLeast,
        next: found.next ?? null,
      };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/choice/lists/:listId",
    api(
      { who: anyone },
      {
        operationId: "getApprovedProviderList",
        tags,
        summary: "An approved-provider list with its members",
        description:
          "Its members a page at a time (lowest price first, most capacity first, or by name), each with its price against the tariff, capacity, registered locations with current ratings, and feedback. A draft is seen only by the authority's editors.",
        params: ListParams,
        querystring: ListQuery,
        response: { 200: ListResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const found = await listPage(ctxOf(request), authority.id, request.params.listId, request.query);
      return {
        list: listRecord(found.list),
        contracts: (await contractMembers(ctxOf(request), found.list)).map(contractRecord),
        members: found.members.map(memberRecord),
        sort: found.sort,
        next: found.next ?? null,
      };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/choice/lists/:listId/compare",
    api(
      { who: anyone },
      {
        operationId: "compareApprovedProviders",
        tags,
        summary: "2 or 3 members of a list side by side",
        params: ListParams,
        querystring: CompareQuery,
        response: { 200: CompareResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const found = await compareMembers(
        ctxOf(request),
        authority.id,
        request.params.listId,
        request.query.organisations ?? [],
      );
      return { list: listRecord(found.list), members: found.members.map(memberRecord) };
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/choice/lists",
    api(
      { who: authorityEditors, scope: "choice:write" },
      {
        operationId: "createApprovedProviderList",
        tags,
        summary: "Draft an approved-provider list",
        description: "422 for a list reserved to mutuals whose service type is not reservable (s.33).",
        params: AuthorityParams,
        body: CreateListBody,
        response: { 201: ListResponse.properties.list, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      const list = await createList(ctxOf(request), request.authority.id, request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${list.authority_id}/choice/lists/${list.id}`)
        .send(listRecord(list));
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/choice/lists/from-award",
    api(
      { who: authorityEditors, scope: "choice:write" },
      {
        operationId: "createApprovedProviderListFromAward",
        tags,
        summary: "Draft an approved-provider list from a tender's award",
        description:
          "Its service type is the tender's category, reserved to public service mutuals when the tender was (s.33); it takes no joins. Its members are the suppliers of the award's contracts that meet the list's conditions (a current registration for the service in its areas, not rated Inadequate where excluded, a qualifying mutual where reserved); the others are listed in `notAdded` with why. 422 for an award without a contract yet. Enter each member's contracted price before publishing.",
        params: AuthorityParams,
        body: CreateListFromAwardBody,
        response: { 201: ListResponse.properties.list, ...errorResponses(422) },
      },
    ),
    async (request, reply) => {
      const { lotId, ...rest } = request.body;
      const list = await createListFromAward(ctxOf(request), request.authority.id, {
        ...rest,
        ...(lotId ? { lotId } : {}),
      });
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${list.authority_id}/choice/lists/${list.id}`)
        .send(listRecord(list));
    },
  );

  json.put(
    "/api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/contracted-price",
    api(
      { who: afterLookup(authorityEditors), scope: "choice:write" },
      {
        operationId: "setContractedPrice",
        tags,
        summary: "Enter a member's contracted unit price on a list from a tender's award",
        description:
          "The rate per the list's unit (hour, night or week) from the contract documents; arrangements from the list are made at it. 409 for an open list (its providers publish their own prices), a member that has left, or a closed list.",
        params: MemberParams,
        body: ContractedPriceBody,
        response: { 204: { type: "null", description: "Entered" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { listId, organisationId } = request.params;
      await setContractedPrice(
        ctxOf(request),
        request.authority.id,
        listId,
        organisationId,
        request.body.price,
      );
      return reply.status(204).send();
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/choice/lists/:listId/publish",
    api(
      { who: afterLookup(authorityEditors), scope: "choice:write" },
      {
        operationId: "publishApprovedProviderList",
        tags,
        summary: "Publish a draft list: from then on providers may join it",
        description:
          "A list from a tender's award: 422 while a member's contracted price is not entered, or with no member.",
        params: ListParams,
        body: "none",
        response: { 200: ListResponse.properties.list, ...errorResponses(409, 422) },
      },
    ),
    async (request) =>
      listRecord(await publishList(ctxOf(request), request.authority.id, request.params.listId)),
  );

  json.post(
    "/api/v1/authorities/:authorityId/choice/lists/:listId/close",
    api(
      { who: afterLookup(authorityEditors), scope: "choice:write" },
      {
        operationId: "closeApprovedProviderList",
        tags,
        summary: "Close an open list, with the reason",
        params: ListParams,
        body: CloseListBody,
        response: { 200: ListResponse.properties.list, ...errorResponses(409) },
      },
    ),
    async (request) =>
      listRecord(
        await closeList(ctxOf(request), request.authority.id, request.params.listId, request.body.reason),
      ),
  );

  json.post(
    "/api/v1/authorities/:authorityId/choice/lists/:listId/members",
    api(
      { who: signedIn, scope: "choice:write" },
      {
        operationId: "joinApprovedProviderList",
        tags,
        summary: "Join an open list for an organisation you administer",
        description:
          "409 for a list from a tender's award (it takes no joins). It joins at once if it meets the list's conditions; 422 with each condition it does not meet (no current registration for the service in the list's areas, every such location rated Inadequate where the list excludes it, not a qualifying public service mutual where the list is reserved).",
        params: ListParams,
        body: JoinBody,
        response: { 201: JoinResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { organisationId } = request.body;
      const found = await joinList(
        ctxOf(request),
        request.authority.id,
        request.params.listId,
        organisationId,
      );
      return reply
        .status(201)
        .send({ organisationId, status: "member" as const, locations: found.locations.map((l) => l.id) });
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/leave",
    api(
      { who: afterLookup(signedIn), scope: "choice:write" },
      {
        operationId: "leaveApprovedProviderList",
        tags,
        summary: "Take an organisation you administer off a list",
        params: MemberParams,
        body: "none",
        response: { 204: { type: "null", description: "Left" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { listId, organisationId } = request.params;
      await leaveList(ctxOf(request), request.authority.id, listId, organisationId);
      return reply.status(204).send();
    },
  );

  json.put(
    "/api/v1/authorities/:authorityId/choice/lists/:listId/members/:organisationId/offer",
    api(
      { who: afterLookup(signedIn), scope: "choice:write" },
      {
        operationId: "publishProviderOffer",
        tags,
        summary: "Publish a member's offer: its capacity now, and its price where it differs from the tariff",
        params: MemberParams,
        body: OfferBody,
        response: { 204: { type: "null", description: "Published" }, ...errorResponses(409) },
      },
    ),
    async (request, reply) => {
      const { listId, organisationId } = request.params;
      await updateOffer(ctxOf(request), request.authority.id, listId, organisationId, request.body);
      return reply.status(204).send();
    },
  );
}
