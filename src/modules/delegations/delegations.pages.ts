/**
 * Delegations' pages: the open figures and the list (/delegations, filtered by authority), an
 * authority's delegations (/authorities/:slug/delegations) with the form to delegate (…/new, linked
 * from a service's page for its commissioners), a delegation's page with its reports
 * (/delegations/:delegationId), and the forms for the authority's review (…/review), its end
 * (…/end) and the body's report of delivery (…/report). Every form re-renders with its errors (the
 * one form pattern, src/http/forms.ts); nothing needs JavaScript. Money and dates are formatted here.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dateField, field, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { type Language, longDate } from "../../lib/london-time.ts";
import { formatPence } from "../../lib/money.ts";
import { isAuthorityEditor } from "../access/access.service.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, signedIn } from "../access/policies.ts";
import { findAuthorityBySlug } from "../authorities/authorities.service.ts";
import {
  type DelegationPage,
  type DelegationView,
  delegate,
  delegateFormFor,
  delegationPage,
  delegationToManage,
  delegationToReport,
  endDelegation,
  type Figures,
  type Overview,
  overview,
  REVIEW_OUTCOMES,
  reviewDelegation,
  submitReport,
} from "./delegations.service.ts";
import { RATINGS } from "./delegations.table.ts";

type OneRequest = FastifyRequest<{ Params: { delegationId: string }; Querystring: { notice?: string } }>;
type SlugRequest = FastifyRequest<{ Params: { slug: string }; Querystring: { service?: string } }>;

const VIEWS = "delegations/views";
const delegationUrl = (id: string) => `/delegations/${id}`;

const figuresShown = (f: Figures) => ({
  ...f,
  registerCostText: formatPence(f.registerCost),
  delegatedText: formatPence(f.delegated),
});

function shown(v: DelegationView, locale: Language) {
  return {
    ...v,
    href: delegationUrl(v.delegation.id),
    budgetText: formatPence(v.delegation.budget_pence),
    startsText: longDate(v.delegation.starts_on, locale),
    reviewText: longDate(v.delegation.review_on, locale),
    reviewDueText: longDate(v.reviewDueFrom, locale),
    lastReviewedText: longDate(v.delegation.last_reviewed_on, locale),
    endedText: longDate(v.delegation.ended_on, locale),
  };
}

function pageShown(v: DelegationPage, locale: Language) {
  return {
    ...shown(v, locale),
    reports: v.reports.map((r) => ({
      ...r,
      fromText: longDate(r.period_from, locale),
      toText: longDate(r.period_to, locale),
      spentText: formatPence(r.spent_pence),
    })),
  };
}

function overviewShown(o: Overview, locale: Language) {
  return {
    ...o,
    overall: figuresShown(o.overall),
    byAuthority: o.byAuthority.map(figuresShown),
    delegations: o.delegations.map((v) => shown(v, locale)),
  };
}

const delegationPeople = afterLookup({
  description:
    "The authority's commissioners and administrators (a report: the neighbourhood body's people); others signed in get 403, an unknown delegation 404",
  signedIn: true,
  check() {},
});

/** A GOV.UK date input's parts and its date, as the form shows them again. */
const dated = (body: unknown, name: string) => ({
  [name]: dateField(body, name),
  ...Object.fromEntries(["day", "month", "year"].map((p) => [`${name}-${p}`, field(body, `${name}-${p}`)])),
});
const DATE_FIELDS = ["startsOn", "reviewOn", "nextReviewOn", "from", "to"];
const fieldOf = (f: string | undefined) => (f && DATE_FIELDS.includes(f) ? `${f}-day` : f);

export function delegationPages(app: FastifyInstance): void {
  app.get(
    "/delegations",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Querystring: { authority?: string } }>, reply) => {
      const slug = request.query?.authority ?? "";
      const chosen = slug ? await findAuthorityBySlug(app.deps.db, slug) : undefined;
      const o = await overview(ctxOf(request), chosen?.id);
      await reply.page(`${VIEWS}/list.njk`, { ...overviewShown(o, request.locale), chosenSlug: slug });
    },
  );

  app.get("/authorities/:slug/delegations", page({ who: anyone }), async (request: SlugRequest, reply) => {
    const o = await overview(ctxOf(request), request.authority.id);
    await reply.page(`${VIEWS}/list.njk`, {
      ...overviewShown(o, request.locale),
      chosenSlug: request.authority.slug,
      canDelegate: isAuthorityEditor(request.principal, request.authority.id),
    });
  });

  formPage(app, "/authorities/:slug/delegations/new", {
    who: signedIn,
    template: `${VIEWS}/new.njk`,
    context: async (request: SlugRequest) => ({
      authority: request.authority,
      ...(await delegateFormFor(ctxOf(request), request.authority.id)),
    }),
    values: (request: SlugRequest) => ({ serviceId: request.query?.service ?? "" }),
    read: (body) => ({
      serviceId: field(body, "serviceId"),
      areaCode: field(body, "areaCode"),
      organisationId: field(body, "organisationId"),
      budget: field(body, "budget"),
      standards: field(body, "standards"),
      ...dated(body, "startsOn"),
      ...dated(body, "reviewOn"),
    }),
    fieldOf,
    submit: async (request: SlugRequest, v) => {
      const done = await delegate(ctxOf(request), request.authority.id, v);
      return `${delegationUrl(done.delegation.id)}?notice=created`;
    },
  });

  app.get("/delegations/:delegationId", page({ who: anyone }), async (request: OneRequest, reply) => {
    const v = await delegationPage(ctxOf(request), request.params.delegationId);
    const notice = request.query?.notice;
    await reply.page(`${VIEWS}/delegation.njk`, {
      d: pageShown(v, request.locale),
      notice: ["created", "reviewed", "ended", "reported"].includes(notice ?? "") ? notice : undefined,
    });
  });

  /** The review and end forms: the authority's people (403), a delegation not ended (409). */
  const context = async (request: OneRequest) => ({
    d: pageShown(await delegationToManage(ctxOf(request), request.params.delegationId), request.locale),
  });

  formPage(app, "/delegations/:delegationId/review", {
    who: delegationPeople,
    template: `${VIEWS}/review.njk`,
    context: async (request: OneRequest) => ({ ...(await context(request)), outcomes: REVIEW_OUTCOMES }),
    read: (body) => ({
      outcome: field(body, "outcome"),
      note: field(body, "note"),
      budget: field(body, "budget"),
      ...dated(body, "nextReviewOn"),
    }),
    fieldOf,
    submit: async (request: OneRequest, v) => {
      const done = await reviewDelegation(ctxOf(request), request.params.delegationId, v);
      return `${delegationUrl(request.params.delegationId)}?notice=${done.status === "ended" ? "ended" : "reviewed"}`;
    },
  });

  formPage(app, "/delegations/:delegationId/end", {
    who: delegationPeople,
    template: `${VIEWS}/end.njk`,
    context,
    read: (body) => ({ reasons: field(body, "reasons") }),
    submit: async (request: OneRequest, v) => {
      await endDelegation(ctxOf(request), request.params.delegationId, v);
      return `${delegationUrl(request.params.delegationId)}?notice=ended`;
    },
  });

  formPage(app, "/delegations/:delegationId/report", {
    who: delegationPeople,
    template: `${VIEWS}/report.njk`,
    context: async (request: OneRequest) => ({
      d: pageShown(await delegationToReport(ctxOf(request), request.params.delegationId), request.locale),
      ratings: RATINGS,
    }),
    read: (body, _request, { d }) => {
      const values: Record<string, string> = {
        delivered: field(body, "delivered"),
        spent: field(body, "spent"),
        ...dated(body, "from"),
        ...dated(body, "to"),
      };
      d.delegation.standards.forEach((_, i) => {
        values[`rating-${i}`] = field(body, `rating-${i}`);
        values[`note-${i}`] = field(body, `note-${i}`);
      });
      return values;
    },
    fieldOf,
    submit: async (request: OneRequest, v, { d }) => {
      await submitReport(ctxOf(request), request.params.delegationId, {
        ...v,
        ratings: d.delegation.standards.map((_, i) => v[`rating-${i}`] ?? ""),
        notes: d.delegation.standards.map((_, i) => v[`note-${i}`] ?? ""),
      });
      return `${delegationUrl(request.params.delegationId)}?notice=reported`;
    },
  });
}
