/**
 * The approved-provider lists' pages: the public index (/choice), an authority's lists and the
 * commissioners' forms (/authorities/:slug/choice/…), a list's page with its members and the
 * side-by-side comparison, and the providers' forms (joining, their offer, leaving) and their lists
 * (/organisations/:id/choice). Thin: each calls one service.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, fieldList, formPage, searchPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { isAuthorityEditor } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, organisationRoles, signedIn } from "../access/policies.ts";
import { peopleToArrangeFor } from "./arrangements.service.ts";
import {
  closeList,
  contractMembers,
  createList,
  listChoices,
  listToChange,
  publishList,
  searchLists,
} from "./choice.service.ts";
import { OFFER_CAPACITY_UNITS, TARIFF_UNITS } from "./choice.table.ts";
import { COMPARE_MAX, comparePage, listPage, providerLists } from "./compare.service.ts";
import {
  awardChoices,
  contractedPriceForm,
  createListFromAward,
  joinForm,
  joinList,
  leaveList,
  offerForm,
  setContractedPrice,
  updateOffer,
} from "./members.service.ts";

type ListRequest = FastifyRequest<{ Params: { slug: string; listId: string } }>;
type MemberRequest = FastifyRequest<{ Params: { slug: string; listId: string; organisationId: string } }>;
type Query = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
const many = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export function choicePages(app: FastifyInstance): void {
  const listUrl = (slug: string, id: string) => `/authorities/${slug}/choice/${id}`;

  // The public index of lists, by service type and area
  app.get("/choice", page({ who: anyone }), async (request, reply) => {
    const query = (request.query ?? {}) as Query;
    const ctx = ctxOf(request);
    const filters = { categoryCode: one(query.categoryCode) ?? "", areaCode: one(query.areaCode) ?? "" };
    const [found, choices] = await Promise.all([
      searchLists(ctx, {
        ...(filters.categoryCode ? { categoryCode: filters.categoryCode } : {}),
        ...(filters.areaCode ? { areaCode: filters.areaCode } : {}),
        after: one(query.after),
      }),
      listChoices(ctx),
    ]);
    const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ""));
    if (found.next) params.set("after", found.next);
    await reply.page("choice/views/index.njk", {
      found,
      filters,
      ...choices,
      nextUrl: found.next ? `/choice?${params}` : undefined,
    });
  });

  // An authority's lists; its editors see drafts and start one
  app.get("/authorities/:slug/choice", page({ who: anyone }), async (request, reply) => {
    const { authority } = request;
    const query = (request.query ?? {}) as Query;
    const found = await searchLists(ctxOf(request), { authorityId: authority.id, after: one(query.after) });
    await reply.page("choice/views/authority.njk", {
      authority,
      found,
      canEdit: isAuthorityEditor(request.principal, authority.id),
      nextUrl: found.next ? `/authorities/${authority.slug}/choice?after=${found.next}` : undefined,
    });
  });

  formPage(app, "/authorities/:slug/choice/new", {
    who: authorityEditors,
    template: "choice/views/new.njk",
    context: async (request) => ({
      authority: request.authority,
      units: TARIFF_UNITS,
      ...(await listChoices(ctxOf(request))),
    }),
    values: () => ({
      title: "",
      categoryCode: "",
      areaCodes: [] as string[],
      tariff: "",
      tariffUnit: "",
      conditions: "",
      rules: [] as string[],
    }),
    read: (body) => ({
      title: field(body, "title"),
      categoryCode: field(body, "categoryCode"),
      areaCodes: fieldList(body, "areaCodes"),
      tariff: field(body, "tariff"),
      tariffUnit: field(body, "tariffUnit"),
      conditions: field(body, "conditions"),
      rules: fieldList(body, "rules"),
    }),
    submit: async (request, values) => {
      const list = await createList(ctxOf(request), request.authority.id, {
        ...values,
        excludeInadequate: values.rules.includes("excludeInadequate"),
        reserved: values.rules.includes("reserved"),
      });
      return `${listUrl(request.authority.slug, list.id)}?notice=drafted`;
    },
    fieldOf: (f) => (f === "excludeInadequate" || f === "reserved" ? "rules" : f),
  });

  // A list from a tender's award (or one lot of it): its suppliers, checked; no joins
  formPage(app, "/authorities/:slug/choice/from-award", {
    who: authorityEditors,
    template: "choice/views/from-award.njk",
    context: async (request) => ({
      authority: request.authority,
      units: TARIFF_UNITS,
      ...(await awardChoices(
        ctxOf(request),
        request.authority.id,
        String(((request.query ?? {}) as { q?: unknown }).q ?? ""),
      )),
      areas: (await listChoices(ctxOf(request))).areas,
    }),
    values: () => ({
      source: "",
      title: "",
      areaCodes: [] as string[],
      tariff: "",
      tariffUnit: "",
      conditions: "",
      rules: [] as string[],
    }),
    read: (body) => ({
      source: field(body, "source"),
      title: field(body, "title"),
      areaCodes: fieldList(body, "areaCodes"),
      tariff: field(body, "tariff"),
      tariffUnit: field(body, "tariffUnit"),
      conditions: field(body, "conditions"),
      rules: fieldList(body, "rules"),
    }),
    submit: async (request, values) => {
      const [tenderId = "", lotId = ""] = values.source.split("/");
      const list = await createListFromAward(ctxOf(request), request.authority.id, {
        ...values,
        tenderId,
        lotId,
        excludeInadequate: values.rules.includes("excludeInadequate"),
      });
      return `${listUrl(request.authority.slug, list.id)}?notice=drafted`;
    },
    fieldOf: (f) => (f === "tenderId" || f === "lotId" ? "source" : f === "excludeInadequate" ? "rules" : f),
  });

  // A list: its members, sorted; ticking up to three to compare
  app.get("/authorities/:slug/choice/:listId", page({ who: anyone }), async (request: ListRequest, reply) => {
    const { authority } = request;
    const query = (request.query ?? {}) as Query;
    const found = await listPage(ctxOf(request), authority.id, request.params.listId, {
      sort: one(query.sort),
      after: one(query.after),
    });
    const notice = one(query.notice);
    await reply.page("choice/views/list.njk", {
      authority,
      ...found,
      contracts: await contractMembers(ctxOf(request), found.list),
      compareMax: COMPARE_MAX,
      nextUrl: found.next
        ? `${listUrl(authority.slug, found.list.id)}?sort=${found.sort}&after=${found.next}`
        : undefined,
      notice: ["drafted", "published", "closed", "joined", "left", "offer", "price"].includes(notice ?? "")
        ? notice
        : undefined,
    });
  });

  app.get(
    "/authorities/:slug/choice/:listId/compare",
    page({ who: anyone }),
    async (request: ListRequest, reply) => {
      const { authority } = request;
      const query = (request.query ?? {}) as Query;
      const found = await comparePage(
        ctxOf(request),
        authority.id,
        request.params.listId,
        many(query.organisations),
      );
      const arrangeFor = await peopleToArrangeFor(ctxOf(request), authority.id);
      await searchPage(
        reply,
        "choice/views/compare.njk",
        { authority, arrangeFor, ...found },
        found.problems,
      );
    },
  );

  buttonAction(
    app,
    "/authorities/:slug/choice/:listId/publish",
    { who: afterLookup(authorityEditors) },
    async (request: ListRequest) => {
      await publishList(ctxOf(request), request.authority.id, request.params.listId);
      return `${listUrl(request.authority.slug, request.params.listId)}?notice=published`;
    },
  );

  formPage(app, "/authorities/:slug/choice/:listId/close", {
    who: afterLookup(authorityEditors),
    template: "choice/views/close.njk",
    context: async (request: ListRequest) => ({
      authority: request.authority,
      list: await listToChange(ctxOf(request), request.authority.id, request.params.listId),
    }),
    values: () => ({ reason: "" }),
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request, values, { authority, list }) => {
      await closeList(ctxOf(request), authority.id, list.id, values.reason);
      return `${listUrl(authority.slug, list.id)}?notice=closed`;
    },
  });

  // Providers: joining, their offer, leaving, their lists
  formPage(app, "/authorities/:slug/choice/:listId/join", {
    who: afterLookup(signedIn),
    template: "choice/views/join.njk",
    context: async (request: ListRequest) => ({
      authority: request.authority,
      ...(await joinForm(ctxOf(request), request.authority.id, request.params.listId)),
    }),
    values: (_request, { organisations }) => ({
      organisationId: organisations.length === 1 ? (organisations[0]?.id ?? "") : "",
    }),
    read: (body) => ({ organisationId: field(body, "organisationId") }),
    submit: async (request, values, { authority, list }) => {
      await joinList(ctxOf(request), authority.id, list.id, values.organisationId);
      return `${listUrl(authority.slug, list.id)}?notice=joined`;
    },
  });

  formPage(app, "/authorities/:slug/choice/:listId/members/:organisationId/offer", {
    who: afterLookup(signedIn),
    template: "choice/views/offer.njk",
    context: async (request: MemberRequest) => ({
      authority: request.authority,
      units: OFFER_CAPACITY_UNITS,
      ...(await offerForm(
        ctxOf(request),
        request.authority.id,
        request.params.listId,
        request.params.organisationId,
      )),
    }),
    values: (_request, { member }) => ({
      capacity: member.capacity === null ? "" : String(member.capacity),
      capacityUnit: member.capacity_unit ?? "",
      price: member.price_pence === null ? "" : formatMoney(member.price_pence as Pence).replace(/^£/, ""),
    }),
    read: (body) => ({
      capacity: field(body, "capacity"),
      capacityUnit: field(body, "capacityUnit"),
      price: field(body, "price"),
    }),
    submit: async (request, values, { authority, list, member }) => {
      await updateOffer(ctxOf(request), authority.id, list.id, member.organisation_id, values);
      return `${listUrl(authority.slug, list.id)}?notice=offer`;
    },
  });

  formPage(app, "/authorities/:slug/choice/:listId/members/:organisationId/contracted-price", {
    who: afterLookup(authorityEditors),
    template: "choice/views/contracted-price.njk",
    context: async (request: MemberRequest) => ({
      authority: request.authority,
      ...(await contractedPriceForm(
        ctxOf(request),
        request.authority.id,
        request.params.listId,
        request.params.organisationId,
      )),
    }),
    values: (_request, { member }) => ({
      price: member.price_pence === null ? "" : formatMoney(member.price_pence as Pence).replace(/^£/, ""),
    }),
    read: (body) => ({ price: field(body, "price") }),
    submit: async (request, values, { authority, list, member }) => {
      await setContractedPrice(ctxOf(request), authority.id, list.id, member.organisation_id, values.price);
      return `${listUrl(authority.slug, list.id)}?notice=price`;
    },
  });

  buttonAction(
    app,
    "/authorities/:slug/choice/:listId/members/:organisationId/leave",
    { who: afterLookup(signedIn) },
    async (request: MemberRequest) => {
      const { listId, organisationId } = request.params;
      await leaveList(ctxOf(request), request.authority.id, listId, organisationId);
      return `${listUrl(request.authority.slug, listId)}?notice=left`;
    },
  );

  app.get(
    "/organisations/:id/choice",
    page({
      who: organisationRoles(
        ["organisation-admin", "organisation-member"],
        "see this organisation's approved-provider lists",
        "The organisation's administrators and members",
      ),
    }),
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const found = await providerLists(ctxOf(request), request.params.id);
      await reply.page("choice/views/provider.njk", found);
    },
  );
}
