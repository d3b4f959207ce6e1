/**
 * Finding opportunities: the public page `/opportunities` (search and filters, a GET form that
 * works without JavaScript), saved searches under `/account/saved-searches`, and their API
 * (`/api/v1/opportunities`, `/api/v1/me/saved-searches`). Thin: parse, call the service, render or
 * serialise.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { statusFor } from "../../http/errors.ts";
import { dateField, field, fieldList, formErrors } from "../../http/forms.ts";
import { ConflictError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { londonDateTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { listAreas, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import {
  type CriteriaResponse,
  ErrorResponse,
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
  changeSavedSearch,
  checkCriteria,
  criteriaQuery,
  deleteSavedSearch,
  draftOfQuery,
  isFiltered,
  type Opportunity,
  opportunityCounts,
  opportunityPath,
  SAVED_SEARCH_LIMITS,
  SAVED_SEARCHES_WRITE_SCOPE,
  type SavedSearchView,
  SEARCH_LIMITS,
  savedSearchesOf,
  savedSearchOf,
  savedSearchOwner,
  saveSearch,
  searchOpportunities,
} from "./opportunities.service.ts";

const hide = { schema: { hide: true } };
const PAGE = "opportunities/views/opportunities.njk";
const SAVED = "opportunities/views/saved-searches.njk";
const NEW_SAVED = "opportunities/views/saved-search-new.njk";
const NOTICES = new Set(["saved", "deleted", "alerts-on", "alerts-off"]);

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

/** Names of the categories and areas a search names, for showing it. */
async function vocabulary(app: FastifyInstance) {
  const [categories, areas] = await Promise.all([listServiceCategories(app.deps.db), listAreas(app.deps.db)]);
  return {
    categories,
    areas,
    categoryName: new Map(categories.map((c) => [c.code, c.name])),
    areaName: new Map(areas.map((a) => [a.code, a.name])),
  };
}

type Vocabulary = Awaited<ReturnType<typeof vocabulary>>;

/** A search as the pages show it (summary list rows are made in the template). */
function describe(c: Criteria, v: Vocabulary) {
  return {
    keywords: c.keywords,
    categories: c.categories.map((code) => v.categoryName.get(code) ?? code),
    areas: c.areas.map((code) => v.areaName.get(code) ?? code),
    minValue: pounds(c.minValue),
    maxValue: pounds(c.maxValue),
    deadlineFrom: c.deadlineFrom ? longDate(c.deadlineFrom) : null,
    deadlineTo: c.deadlineTo ? longDate(c.deadlineTo) : null,
    reservedOnly: c.reservedOnly,
    includeClosed: c.includeClosed,
  };
}

/** A name to start from: the keywords, categories and areas searched for. */
function suggestedName(c: Criteria, v: Vocabulary): string {
  const parts = [
    c.keywords,
    ...c.categories.map((code) => v.categoryName.get(code) ?? code),
    ...c.areas.map((code) => v.areaName.get(code) ?? code),
  ].filter((p) => p !== "");
  const name = parts.length > 0 ? parts.join(", ") : "All open opportunities";
  return name.length > SAVED_SEARCH_LIMITS.name ? `${name.slice(0, SAVED_SEARCH_LIMITS.name - 1)}…` : name;
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

function resultOf(o: Opportunity) {
  return {
    href: opportunityPath(o),
    title: o.title,
    description: o.description,
    authorityName: o.authority_name,
    categoryName: o.category_name,
    areaName: o.area_name,
    estimatedValue: pounds(o.estimated_value_pence),
    deadline: londonDateTime(o.submission_deadline),
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
  const { db, clock } = app.deps;

  // The search page

  app.get("/opportunities", hide, async (request, reply) => {
    const q = queryOf(request);
    const { draft, values } = pageDraft(q);
    const v = await vocabulary(app);
    const context = { values, categories: v.categories, areas: v.areas };
    let criteria: Criteria;
    try {
      criteria = await checkCriteria(db, draft);
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof UnprocessableError)) throw error;
      reply.status(statusFor(error));
      await reply.page(PAGE, { ...context, errors: formErrors(error, pageField) });
      return;
    }
    const page = Number.parseInt(field(q, "page"), 10);
    const [result, counts] = await Promise.all([
      searchOpportunities(db, clock, criteria, { page: Number.isFinite(page) ? page : 1 }),
      opportunityCounts(db, clock, criteria),
    ]);
    const query = criteriaQuery(criteria);
    const saveHref = withQuery("/account/saved-searches/new", query);
    await reply.page(PAGE, {
      ...context,
      result: { ...result, opportunities: result.opportunities.map(resultOf) },
      counts: { category: Object.fromEntries(counts.category), area: Object.fromEntries(counts.area) },
      filtered: isFiltered(criteria),
      search: describe(criteria, v),
      pagination: pagination(query, result.page, result.pageCount),
      saveHref: request.principal ? saveHref : `/sign-in?returnTo=${encodeURIComponent(saveHref)}`,
      apiHref: withQuery("/api/v1/opportunities", query),
    });
  });

  // Saved searches: pages

  app.get("/account/saved-searches", hide, async (request, reply) => {
    const views = await savedSearchesOf(db, request.principal);
    const v = await vocabulary(app);
    const notice = field(queryOf(request), "notice");
    await reply.page(SAVED, {
      notice: NOTICES.has(notice) ? notice : undefined,
      limit: SAVED_SEARCH_LIMITS.perUser,
      searches: views.map((view) => ({
        id: view.search.id,
        name: view.search.name,
        alerts: view.search.alerts,
        alertsSent: view.alertsSent,
        search: describe(view.criteria, v),
        href: withQuery("/opportunities", criteriaQuery(view.criteria)),
      })),
    });
  });

  async function renderNew(
    reply: FastifyReply,
    criteria: Criteria,
    values: { name: string; alerts: string },
    errors?: ReturnType<typeof formErrors>,
  ): Promise<void> {
    const v = await vocabulary(app);
    await reply.page(NEW_SAVED, {
      search: describe(criteria, v),
      searchQuery: criteriaQuery(criteria),
      backHref: withQuery("/opportunities", criteriaQuery(criteria)),
      values,
      limit: SAVED_SEARCH_LIMITS.perUser,
      nameMax: SAVED_SEARCH_LIMITS.name,
      ...(errors ? { errors } : {}),
    });
  }

  app.get("/account/saved-searches/new", hide, async (request, reply) => {
    requireSignedIn(request.principal);
    const query = rawQuery(request);
    let criteria: Criteria;
    try {
      criteria = await checkCriteria(db, draftOfQuery(query));
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof UnprocessableError)) throw error;
      // The search page says what to fix.
      return reply.redirect(withQuery("/opportunities", query), 303);
    }
    await renderNew(reply, criteria, {
      name: suggestedName(criteria, await vocabulary(app)),
      alerts: "true",
    });
  });

  app.post("/account/saved-searches/new", hide, async (request, reply) => {
    requireSignedIn(request.principal);
    const body = request.body;
    const search = field(body, "search");
    const values = { name: field(body, "name"), alerts: field(body, "alerts") };
    try {
      await transaction(db, (trx) =>
        saveSearch(
          trx,
          clock,
          request.principal,
          { name: values.name, alerts: values.alerts, criteria: draftOfQuery(search) },
          { requestId: String(request.id) },
        ),
      );
    } catch (error) {
      if (!(error instanceof ValidationError || error instanceof ConflictError)) throw error;
      const criteria = await checkCriteria(db, draftOfQuery(search)).catch(() => null);
      if (!criteria) throw error;
      reply.status(statusFor(error));
      await renderNew(reply, criteria, values, formErrors(error, pageField));
      return;
    }
    return reply.redirect("/account/saved-searches?notice=saved", 303);
  });

  type Id = { Params: { id: string } };

  app.post<Id>("/account/saved-searches/:id/alerts", hide, async (request, reply) => {
    const alerts = field(request.body, "alerts") === "true";
    await transaction(db, (trx) =>
      changeSavedSearch(trx, clock, request.principal, request.params.id, { alerts }, String(request.id)),
    );
    return reply.redirect(`/account/saved-searches?notice=${alerts ? "alerts-on" : "alerts-off"}`, 303);
  });

  app.post<Id>("/account/saved-searches/:id/delete", hide, async (request, reply) => {
    await transaction(db, (trx) =>
      deleteSavedSearch(trx, clock, request.principal, request.params.id, String(request.id)),
    );
    return reply.redirect("/account/saved-searches?notice=deleted", 303);
  });

  // The JSON API

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ["opportunities"];
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };
  /** Signed in (and, with a token, its scope) before the body is checked: 401/403 before 400. */
  const ownerFirst = (change: boolean) => async (request: FastifyRequest) => {
    savedSearchOwner(request.principal, change);
  };

  api.get(
    "/api/v1/opportunities",
    {
      schema: {
        tags,
        summary: "Find opportunities: search published tenders",
        description: `Published tenders of every authority by keywords, service category, area, estimated value (pounds), deadline for bids (UK dates) and reservation to public service mutuals; open ones only unless includeClosed. Drafts and cancelled tenders are never found. Open tenders first, soonest deadline first; then closed ones, latest deadline first. Pages of ${SEARCH_LIMITS.pageSize} by default. 400 names each parameter at fault; 422 when a range is the wrong way round. Public.`,
        querystring: OpportunitiesQuery,
        response: { 200: OpportunitiesResponse, 400: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (request) => {
      const { page, pageSize, ...draft } = request.query;
      const criteria = await checkCriteria(db, draft);
      const result = await searchOpportunities(db, clock, criteria, {
        ...(page === undefined ? {} : { page }),
        ...(pageSize === undefined ? {} : { pageSize }),
      });
      return {
        criteria: criteriaResponse(criteria),
        total: result.total,
        page: result.page,
        pageSize: result.pageSize,
        pageCount: result.pageCount,
        opportunities: result.opportunities.map(opportunityResponse),
      };
    },
  );

  const base = "/api/v1/me/saved-searches";

  api.get(
    base,
    {
      schema: {
        tags,
        summary: "Your saved searches",
        description:
          "The signed-in person's saved searches, oldest first, each with the search, whether it alerts of new matches, and links to run it. API tokens need the account:read scope.",
        response: { 200: SavedSearchListResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => ({
      savedSearches: (await savedSearchesOf(db, request.principal)).map(savedSearchResponse),
      limit: SAVED_SEARCH_LIMITS.perUser,
    }),
  );

  api.post(
    base,
    {
      schema: {
        tags,
        summary: "Save a search",
        description: `Saves a search (the same fields as /api/v1/opportunities) with a name of up to ${SAVED_SEARCH_LIMITS.name} characters, unique among yours; with alerts (the default) each newly published tender it matches is put in your inbox and emailed, once. At most ${SAVED_SEARCH_LIMITS.perUser} saved searches each (409 beyond). API tokens need the ${SAVED_SEARCHES_WRITE_SCOPE} scope.`,
        body: SavedSearchBody,
        response: { 201: SavedSearchResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: ownerFirst(true),
    },
    async (request, reply) => {
      const saved = await transaction(db, (trx) =>
        saveSearch(trx, clock, request.principal, request.body, { requestId: String(request.id) }),
      );
      return reply
        .status(201)
        .header("location", `${base}/${saved.id}`)
        .send(savedSearchResponse(await savedSearchOf(db, request.principal, saved.id)));
    },
  );

  api.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: "Rename a saved search, or turn its alerts on or off",
        description: "Only your own: another person's saved search is not found (404).",
        params: SavedSearchParams,
        body: SavedSearchChangeBody,
        response: { 200: SavedSearchResponse, ...errors, 404: ErrorResponse },
      },
      preValidation: ownerFirst(true),
    },
    async (request) => {
      await transaction(db, (trx) =>
        changeSavedSearch(trx, clock, request.principal, request.params.id, request.body, String(request.id)),
      );
      return savedSearchResponse(await savedSearchOf(db, request.principal, request.params.id));
    },
  );

  api.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: "Delete a saved search",
        description: "Only your own: another person's saved search is not found (404). Its alerts stop.",
        params: SavedSearchParams,
        response: { 204: { type: "null" }, ...errors, 404: ErrorResponse },
      },
      preValidation: ownerFirst(true),
    },
    async (request, reply) => {
      await transaction(db, (trx) =>
        deleteSavedSearch(trx, clock, request.principal, request.params.id, String(request.id)),
      );
      return reply.status(204).send(null);
    },
  );
}
