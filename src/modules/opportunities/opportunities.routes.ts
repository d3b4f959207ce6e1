/**
 * Finding opportunities: the public page `/opportunities` (search and filters, a GET form that
 * works without JavaScript), saved searches under `/account/saved-searches`, and their API
 * (`/api/v1/opportunities`, `/api/v1/me/saved-searches`). Each route states who may use it and
 * calls one service; the services decide every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formAction, searchPage } from "../../http/forms.ts";
import { anyone, api, errorResponses, page, type Who } from "../../http/routes.ts";
import { type Language, londonDateTime, londonTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import {
  type CriteriaResponse,
  OpportunitiesQuery,
  OpportunitiesResponse,
  type OpportunityResponse,
  SavedSearchBody,
  SavedSearchChangeBody,
  SavedSearchListResponse,
  SavedSearchParams,
  SavedSearchResponse,
} from "./opportunities.schemas.ts";
import {
  type Criteria,
  type CriteriaDraft,
  criteriaQuery,
  draftOfQuery,
  findOpportunities,
  isFiltered,
  type Opportunity,
  opportunitiesPage,
  opportunityPath,
  SEARCH_LIMITS,
  type SearchVocabulary,
} from "./opportunities.service.ts";
import {
  changeSavedSearch,
  deleteSavedSearch,
  SAVED_SEARCH_LIMITS,
  SAVED_SEARCHES_WRITE_SCOPE,
  type SavedSearchView,
  savedSearchesOf,
  savedSearchesPage,
  savedSearchForm,
  savedSearchOwner,
  saveSearch,
} from "./saved-searches.service.ts";

const PAGE = "opportunities/views/opportunities.njk";
const SAVED = "opportunities/views/saved-searches.njk";
const NEW_SAVED = "opportunities/views/saved-search-new.njk";
const NOTICES = new Set(["saved", "deleted", "alerts-on", "alerts-off"]);

/** The owner of saved searches; an API token needs the scope that changes them. */
const searchOwners: Who = {
  description: `Anyone signed in, for their own saved searches (API tokens need the ${SAVED_SEARCHES_WRITE_SCOPE} scope)`,
  signedIn: true,
  check(request) {
    savedSearchOwner(request.principal, true);
  },
};

type Query = Record<string, unknown>;

function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

/** The query string of a request, as it came. */
function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf("?");
  return at === -1 ? "" : request.url.slice(at + 1);
}

const withQuery = (path: string, query: string) => (query ? `${path}?${query}` : path);

/** A date as the page's date input shows it: typed parts, or the parts of a YYYY-MM-DD in the address. */
function dateParts(q: Query, name: string): { day: string; month: string; year: string } {
  const [day, month, year] = ["day", "month", "year"].map((p) => field(q, `${name}-${p}`));
  if (day || month || year) return { day: day ?? "", month: month ?? "", year: year ?? "" };
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(field(q, name));
  return iso
    ? { day: String(Number(iso[3])), month: String(Number(iso[2])), year: iso[1] as string }
    : { day: "", month: "", year: "" };
}

/** What the page's form sent (date inputs, or YYYY-MM-DD from a link), and its values to show again. */
function pageDraft(q: Query): { draft: CriteriaDraft; values: Record<string, unknown> } {
  const date = (name: string) => dateField(q, name) || field(q, name);
  const draft: CriteriaDraft = {
    keywords: field(q, "keywords"),
    category: fieldList(q, "category"),
    area: fieldList(q, "area"),
    minValue: field(q, "minValue"),
    maxValue: field(q, "maxValue"),
    deadlineFrom: date("deadlineFrom"),
    deadlineTo: date("deadlineTo"),
    reserved: field(q, "reserved"),
    includeClosed: field(q, "includeClosed"),
  };
  return {
    draft,
    values: {
      ...draft,
      deadlineFrom: dateParts(q, "deadlineFrom"),
      deadlineTo: dateParts(q, "deadlineTo"),
      reserved: draft.reserved === "true",
      includeClosed: draft.includeClosed === "true",
    },
  };
}

/** The page's field for a service's field: a date input's first box. */
function pageField(name: string | undefined): string | undefined {
  if (name === "deadlineFrom" || name === "deadlineTo") return `${name}-day`;
  return name?.startsWith("criteria.") ? undefined : name;
}

function pounds(value: Pence | bigint | null): string | null {
  return value === null ? null : formatMoney(value as Pence, { pence: false });
}

/** A search as the pages show it (summary list rows are made in the template). */
function describe(c: Criteria, v: SearchVocabulary, locale: Language) {
  return {
    keywords: c.keywords,
    categories: c.categories.map((code) => v.categoryName.get(code) ?? code),
    areas: c.areas.map((code) => v.areaName.get(code) ?? code),
    minValue: pounds(c.minValue),
    maxValue: pounds(c.maxValue),
    deadlineFrom: c.deadlineFrom ? longDate(c.deadlineFrom, locale) : null,
    deadlineTo: c.deadlineTo ? longDate(c.deadlineTo, locale) : null,
    reservedOnly: c.reservedOnly,
    includeClosed: c.includeClosed,
  };
}

function pagination(query: string, page: number, pageCount: number) {
  if (pageCount <= 1) return undefined;
  const href = (p: number) =>
    withQuery("/opportunities", [query, p > 1 ? `page=${p}` : ""].filter(Boolean).join("&"));
  const pages: number[] = [];
  for (let p = 1; p <= pageCount; p++)
    if (p === 1 || p === pageCount || Math.abs(p - page) <= 1) pages.push(p);
  const items: Record<string, unknown>[] = [];
  pages.forEach((p, index) => {
    if (index > 0 && p - (pages[index - 1] ?? p) > 1) items.push({ ellipsis: true });
    items.push({ number: p, href: href(p), current: p === page });
  });
  return {
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pageCount ? { href: href(page + 1) } : undefined,
    items,
  };
}

function resultOf(o: Opportunity, locale: Language) {
  return {
    href: opportunityPath(o),
    title: o.title,
    description: o.description,
    authorityName: o.authority_name,
    categoryName: o.category_name,
    areaName: o.area_name,
    estimatedValue: pounds(o.estimated_value_pence),
    deadline: londonDateTime(o.submission_deadline, locale),
    state: o.state,
    reserved: o.reserved,
  };
}

// The API's shapes

function criteriaResponse(c: Criteria): CriteriaResponse {
  return {
    keywords: c.keywords,
    category: c.categories,
    area: c.areas,
    minValuePence: c.minValue?.toString() ?? null,
    maxValuePence: c.maxValue?.toString() ?? null,
    deadlineFrom: c.deadlineFrom,
    deadlineTo: c.deadlineTo,
    reserved: c.reservedOnly,
    includeClosed: c.includeClosed,
  };
}

function opportunityResponse(o: Opportunity): OpportunityResponse {
  return {
    id: o.id,
    authority: { id: o.authority_id, name: o.authority_name, slug: o.authority_slug },
    title: o.title,
    description: o.description,
    state: o.state as OpportunityResponse["state"],
    procedure: o.procedure as OpportunityResponse["procedure"],
    category: { code: o.category_code, name: o.category_name },
    area: { code: o.area_code, name: o.area_name },
    estimatedValuePence: o.estimated_value_pence.toString(),
    reserved: o.reserved,
    submissionDeadline: o.submission_deadline.toISOString(),
    publishedAt: o.published_at?.toISOString() ?? null,
    pageUrl: opportunityPath(o),
    apiUrl: `/api/v1/authorities/${o.authority_id}/tenders/${o.id}`,
  };
}

function savedSearchResponse(view: SavedSearchView): SavedSearchResponse {
  const query = criteriaQuery(view.criteria);
  return {
    id: view.search.id,
    name: view.search.name,
    alerts: view.search.alerts,
    criteria: criteriaResponse(view.criteria),
    alertsSent: view.alertsSent,
    createdAt: view.search.created_at.toISOString(),
    updatedAt: view.search.updated_at.toISOString(),
    pageUrl: withQuery("/opportunities", query),
    apiUrl: withQuery("/api/v1/opportunities", query),
  };
}

export async function opportunitiesRoutes(app: FastifyInstance): Promise<void> {
  app.get("/opportunities", page({ who: anyone }), async (request, reply) => {
    const q = queryOf(request);
    const { draft, values } = pageDraft(q);
    const number = Number.parseInt(field(q, "page"), 10);
    const shown = await opportunitiesPage(ctxOf(request), draft, Number.isFinite(number) ? number : 1);
    const { vocabulary: v } = shown;
    const context = { values, categories: v.categories, areas: v.areas };
    if (!shown.found) {
      await searchPage(reply, PAGE, context, shown.refused, pageField);
      return;
    }
    const { criteria, result, counts } = shown.found;
    const query = criteriaQuery(criteria);
    const saveHref = withQuery("/account/saved-searches/new", query);
    await reply.page(PAGE, {
      ...context,
      result: {
        ...result,
        opportunities: result.opportunities.map((item) => resultOf(item, request.locale)),
        countedAt: result.countedAt ? londonTime(result.countedAt, request.locale) : undefined,
      },
      counts: {
        category: counts.category ? Object.fromEntries(counts.category) : null,
        area: counts.area ? Object.fromEntries(counts.area) : null,
      },
      filtered: isFiltered(criteria),
      search: describe(criteria, v, request.locale),
      pagination: pagination(query, result.page, result.pageCount),
      saveHref: request.principal ? saveHref : `/sign-in?returnTo=${encodeURIComponent(saveHref)}`,
      apiHref: withQuery("/api/v1/opportunities", query),
    });
  });

  savedSearchPages(app);
  searchApi(app);
  savedSearchApi(app);
  savedSearchChangeApi(app);
}

/** The saved search form's page context, for a checked search. */
function newSavedContext(criteria: Criteria, vocabulary: SearchVocabulary, locale: Language) {
  const query = criteriaQuery(criteria);
  return {
    search: describe(criteria, vocabulary, locale),
    searchQuery: query,
    backHref: withQuery("/opportunities", query),
    limit: SAVED_SEARCH_LIMITS.perUser,
    nameMax: SAVED_SEARCH_LIMITS.name,
  };
}

/** Saved searches' pages: the list, saving a search, turning alerts on or off, deleting. */
function savedSearchPages(app: FastifyInstance): void {
  app.get("/account/saved-searches", page({ who: signedIn }), async (request, reply) => {
    const { views, vocabulary } = await savedSearchesPage(ctxOf(request));
    const notice = field(queryOf(request), "notice");
    await reply.page(SAVED, {
      notice: NOTICES.has(notice) ? notice : undefined,
      limit: SAVED_SEARCH_LIMITS.perUser,
      searches: views.map((view) => ({
        id: view.search.id,
        name: view.search.name,
        alerts: view.search.alerts,
        alertsSent: view.alertsSent,
        search: describe(view.criteria, vocabulary, request.locale),
        href: withQuery("/opportunities", criteriaQuery(view.criteria)),
      })),
    });
  });

  app.get("/account/saved-searches/new", page({ who: signedIn }), async (request, reply) => {
    const query = rawQuery(request);
    const form = await savedSearchForm(ctxOf(request), query);
    // A search that cannot be run: the search page says what to fix.
    if (!form.criteria) return reply.redirect(withQuery("/opportunities", query), 303);
    await reply.page(NEW_SAVED, {
      ...newSavedContext(form.criteria, form.vocabulary, request.locale),
      values: { name: form.suggestedName, alerts: "true" },
    });
  });

  formAction(app, "/account/saved-searches/new", {
    who: signedIn,
    template: NEW_SAVED,
    context: async (request) => {
      const search = field(request.body, "search");
      const form = await savedSearchForm(ctxOf(request), search);
      if (!form.criteria) throw form.refused;
      return { ...newSavedContext(form.criteria, form.vocabulary, request.locale), query: search };
    },
    read: (body) => ({ name: field(body, "name"), alerts: field(body, "alerts") }),
    submit: async (request, values, { query }) => {
      await saveSearch(
        ctxOf(request),
        { name: values.name, alerts: values.alerts, criteria: draftOfQuery(query) },
        { requestId: String(request.id) },
      );
      return "/account/saved-searches?notice=saved";
    },
    fieldOf: pageField,
  });

  type Id = FastifyRequest<{ Params: { id: string } }>;

  buttonAction(app, "/account/saved-searches/:id/alerts", { who: signedIn }, async (request: Id) => {
    const alerts = field(request.body, "alerts") === "true";
    await changeSavedSearch(ctxOf(request), request.params.id, { alerts }, String(request.id));
    return `/account/saved-searches?notice=${alerts ? "alerts-on" : "alerts-off"}`;
  });

  buttonAction(app, "/account/saved-searches/:id/delete", { who: signedIn }, async (request: Id) => {
    await deleteSavedSearch(ctxOf(request), request.params.id, String(request.id));
    return "/account/saved-searches?notice=deleted";
  });
}

/** The search API. */
function searchApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.get(
    "/api/v1/opportunities",
    api(
      { who: anyone },
      {
        operationId: "searchOpportunities",
        tags: ["opportunities"],
        summary: "Find opportunities: search published tenders",
        description: `Published tenders of every authority by keywords, service category, area, estimated value (pounds), deadline for bids (UK dates) and reservation to public service mutuals; open ones only unless includeClosed. Drafts and cancelled tenders are never found. Open tenders first, soonest deadline first; then closed ones, latest deadline first. Pages of ${SEARCH_LIMITS.pageSize} by default. 400 names each parameter at fault; 422 when a range is the wrong way round.`,
        querystring: OpportunitiesQuery,
        response: { 200: OpportunitiesResponse, ...errorResponses(422) },
      },
    ),
    async (request) => {
      const { page, pageSize, ...draft } = request.query;
      const { criteria, result } = await findOpportunities(ctxOf(request), draft, {
        ...(page === undefined ? {} : { page }),
        ...(pageSize === undefined ? {} : { pageSize }),
      });
      return {
        criteria: criteriaResponse(criteria),
        total: result.total,
        totalIsAtLeast: result.totalIsAtLeast,
        countedAt: result.countedAt ? result.countedAt.toISOString() : null,
        page: result.page,
        pageSize: result.pageSize,
        pageCount: result.pageCount,
        opportunities: result.opportunities.map(opportunityResponse),
      };
    },
  );
}

/** The saved searches API: the signed-in person's own. */
function savedSearchApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["opportunities"] = ["opportunities"];
  const base = "/api/v1/me/saved-searches";
  const WRITE = { who: searchOwners, scope: SAVED_SEARCHES_WRITE_SCOPE };

  json.get(
    base,
    api(
      { who: signedIn, scope: "account:read" },
      {
        operationId: "listSavedSearches",
        tags,
        summary: "Your saved searches",
        description:
          "The signed-in person's saved searches, oldest first, each with the search, whether it alerts of new matches, and links to run it.",
        response: { 200: SavedSearchListResponse },
      },
    ),
    async (request) => ({
      savedSearches: (await savedSearchesOf(ctxOf(request))).map(savedSearchResponse),
      limit: SAVED_SEARCH_LIMITS.perUser,
    }),
  );

  json.post(
    base,
    api(WRITE, {
      operationId: "saveSearch",
      tags,
      summary: "Save a search",
      description: `Saves a search (the same fields as /api/v1/opportunities) with a name of up to ${SAVED_SEARCH_LIMITS.name} characters, unique among yours; with alerts (the default) each newly published tender it matches is put in your inbox and emailed, once. At most ${SAVED_SEARCH_LIMITS.perUser} saved searches each (409 beyond).`,
      body: SavedSearchBody,
      response: { 201: SavedSearchResponse, ...errorResponses(409, 422) },
    }),
    async (request, reply) => {
      const saved = await saveSearch(ctxOf(request), request.body, { requestId: String(request.id) });
      return reply
        .status(201)
        .header("location", `${base}/${saved.search.id}`)
        .send(savedSearchResponse(saved));
    },
  );
}

/** Changing and deleting one's saved searches through the API. */
function savedSearchChangeApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["opportunities"] = ["opportunities"];
  const base = "/api/v1/me/saved-searches";
  const WRITE = { who: searchOwners, scope: SAVED_SEARCHES_WRITE_SCOPE };

  json.patch(
    `${base}/:id`,
    api(WRITE, {
      operationId: "changeSavedSearch",
      tags,
      summary: "Rename a saved search, or turn its alerts on or off",
      description: "Only your own: another person's saved search is not found (404).",
      params: SavedSearchParams,
      body: SavedSearchChangeBody,
      response: { 200: SavedSearchResponse },
    }),
    async (request) =>
      savedSearchResponse(
        await changeSavedSearch(ctxOf(request), request.params.id, request.body, String(request.id)),
      ),
  );

  json.delete(
    `${base}/:id`,
    api(WRITE, {
      operationId: "deleteSavedSearch",
      tags,
      summary: "Delete a saved search",
      description: "Only your own: another person's saved search is not found (404). Its alerts stop.",
      params: SavedSearchParams,
      response: { 204: { type: "null", description: "Deleted" } },
    }),
    async (request, reply) => {
      await deleteSavedSearch(ctxOf(request), request.params.id, String(request.id));
      return reply.status(204).send(null);
    },
  );
}
