/**
 * Redress's open figures and published decisions (issue 18, item 6), their pages and JSON API: a
 * body's figures (`/complaints/figures/authorities/{slug}`, `/complaints/figures/organisations/{id}`),
 * the published decisions (`/complaints/decisions`, `/complaints/decisions/{reference}`), and the
 * regulator's view of complaints about the providers it registers (`/regulators/{id}/complaints`).
 * Each route calls one service.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { anyone, api, page } from "../../http/routes.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { regulatorStaff, regulatorStaffOnRecord } from "../regulation/regulation.policies.ts";
import {
  type DecisionRow,
  type DecisionView,
  publishedDecision,
  publishedDecisions,
} from "./decisions.service.ts";
import {
  BodyFiguresResponse,
  DecisionList,
  DecisionResponse,
  DecisionsQuery,
  IdParams,
  ReferenceParams,
  SlugParams,
} from "./figures.schemas.ts";
import {
  authorityFigures,
  type BodyFigures,
  FIGURES_MAX_AGE_MS,
  organisationFigures,
  REGIME_NAMES,
  regulatorProviderComplaints,
  regulatorProviders,
} from "./figures.service.ts";
import { OMBUDSMEN } from "./regimes.ts";

const tags: [string] = ["redress"];

function figuresToApi(f: BodyFigures) {
  return {
    body: { type: f.body.kind, id: f.body.id, name: f.body.name, slug: f.body.slug },
    periodFrom: f.from,
    periodTo: f.to,
    countedAt: f.countedAt.toISOString(),
    headline: { ...f.headline, upheldRate: f.headline.upheldRateBp },
    stages: f.stages.map(({ upheldRateBp, ...s }) => ({ ...s, upheldRate: upheldRateBp })),
    overdueSteps: f.overdueSteps,
    secondTier: {
      escalated: f.secondTier.escalated,
      decided: f.secondTier.decided,
      findings: f.secondTier.findings,
      remediesOrdered: f.secondTier.remediesOrdered,
      remediesCompliedOnTime: f.secondTier.remediesOnTime,
      remediesCompliedLate: f.secondTier.remediesLate,
      remediesNotYet: f.secondTier.remediesNotYet,
      remediesOverdue: f.secondTier.remediesOverdue,
    },
  };
}

const percent = (bp: number | null) => (bp === null ? null : formatPercent(bp));

/** What the figures' pages show besides the figures: the rates as text, the regimes' names. */
function figuresPage(f: BodyFigures) {
  return {
    ...f,
    headlineRate: percent(f.headline.upheldRateBp),
    stages: f.stages.map((s) => ({
      ...s,
      rate: percent(s.upheldRateBp),
      regimeName: REGIME_NAMES.get(s.regime),
    })),
    keptMinutes: FIGURES_MAX_AGE_MS / 60_000,
  };
}

export const decisionPath = (reference: string) => `/complaints/decisions/${encodeURIComponent(reference)}`;

function decisionToApi(d: DecisionRow) {
  return {
    reference: d.reference,
    ombudsman: { id: d.authority_id, name: d.ombudsman_name, slug: d.ombudsman_slug },
    scheme: d.scheme,
    body: {
      authority: { id: d.body_authority_id, name: d.body_authority_name, slug: d.body_authority_slug },
      organisation: d.body_organisation_id
        ? { id: d.body_organisation_id, name: d.body_organisation_name ?? "" }
        : null,
      answerer: d.answerer,
    },
    regime: d.regime,
    escalatedOn: d.escalated_on,
    decidedOn: d.decided_on,
    finding: d.finding,
    summary: d.published_summary,
    pageUrl: decisionPath(d.reference),
  };
}

function decisionViewToApi(d: DecisionView) {
  return {
    ...decisionToApi(d),
    remedies: d.remedies.map((r) => ({
      kind: r.kind,
      amount: r.amount_pence === null ? null : r.amount_pence.toString(),
      dueOn: r.due_on,
      state: r.state,
    })),
  };
}

const SEE = "see complaints about the providers this regulator registers";

type Query = { after?: string; ombudsman?: string; finding?: string };

export async function figuresRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    "/complaints/figures/authorities/:slug",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Params: { slug: string } }>, reply) => {
      const figures = await authorityFigures(ctxOf(request), request.params.slug);
      await reply.page("redress/views/figures/body.njk", figuresPage(figures));
    },
  );

  app.get(
    "/complaints/figures/organisations/:id",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      const figures = await organisationFigures(ctxOf(request), request.params.id);
      await reply.page("redress/views/figures/body.njk", figuresPage(figures));
    },
  );

  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const figuresDescription =
    "Over the complaints received in the last 12 months (periodFrom to periodTo): per regime and stage, acknowledgements and answers on time or late (the deadline as extended), extensions, findings and the upheld rate; open complaints overdue today; cases escalated to an ombudsman, its findings, the remedies ordered and how they were complied with. Counts of 1 to 9 are null (suppressed). Counted at most every 10 minutes (`countedAt`).";

  typed.get(
    "/api/v1/complaints/figures/authorities/:slug",
    api(
      { who: anyone },
      {
        operationId: "getAuthorityComplaintFigures",
        tags,
        summary: "A public body's open figures of complaints",
        description: `The complaints the authority answered. ${figuresDescription}`,
        params: SlugParams,
        response: { 200: BodyFiguresResponse },
      },
    ),
    async (request) => figuresToApi(await authorityFigures(ctxOf(request), request.params.slug)),
  );

  typed.get(
    "/api/v1/complaints/figures/organisations/:id",
    api(
      { who: anyone },
      {
        operationId: "getProviderComplaintFigures",
        tags,
        summary: "A provider's open figures of complaints",
        description: `The complaints about the provider, whoever answered them. ${figuresDescription}`,
        params: IdParams,
        response: { 200: BodyFiguresResponse },
      },
    ),
    async (request) => figuresToApi(await organisationFigures(ctxOf(request), request.params.id)),
  );

  // Published decisions

  app.get(
    "/complaints/decisions",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Querystring: Query }>, reply) => {
      const q = request.query ?? {};
      const found = await publishedDecisions(ctxOf(request), q);
      await reply.page("redress/views/decisions/list.njk", {
        ...found,
        decisions: found.decisions.map((d) => ({
          ...d,
          url: decisionPath(d.reference),
          regimeName: REGIME_NAMES.get(d.regime),
        })),
        nextUrl: found.next
          ? `/complaints/decisions?${new URLSearchParams({ ...found.filter, after: found.next }).toString()}`
          : null,
      });
    },
  );

  app.get(
    "/complaints/decisions/:reference",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Params: { reference: string } }>, reply) => {
      const decision = await publishedDecision(ctxOf(request), request.params.reference);
      await reply.page("redress/views/decisions/decision.njk", {
        decision: {
          ...decision,
          regimeName: REGIME_NAMES.get(decision.regime),
          // An ombudsman's scheme by the rule's bilingual name (regimes.ts); the adjudicator's from the catalogue.
          schemeName: OMBUDSMEN.find((o) => o.code === decision.scheme)?.name ?? null,
          remedies: decision.remedies.map((r) => ({
            ...r,
            amountText: r.amount_pence === null ? null : formatPence(r.amount_pence),
          })),
        },
      });
    },
  );

  typed.get(
    "/api/v1/complaints/decisions",
    api(
      { who: anyone },
      {
        operationId: "listPublishedDecisions",
        tags,
        summary: "The ombudsmen's published decisions",
        description:
          "Final decisions published with the complainant's consent, anonymised: newest decided first, 20 a page by key; filtered by ombudsman (its slug) and finding. Never the complainant's name, contact or words.",
        querystring: DecisionsQuery,
        response: { 200: DecisionList },
      },
    ),
    async (request) => {
      const found = await publishedDecisions(ctxOf(request), request.query);
      return { decisions: found.decisions.map(decisionToApi), next: found.next };
    },
  );

  typed.get(
    "/api/v1/complaints/decisions/:reference",
    api(
      { who: anyone },
      {
        operationId: "getPublishedDecision",
        tags,
        summary: "A published decision",
        description:
          "A published decision with its remedies (kind, amount in pence, due day, whether complied with). 404 when it is not published.",
        params: ReferenceParams,
        response: { 200: DecisionResponse },
      },
    ),
    async (request) => decisionViewToApi(await publishedDecision(ctxOf(request), request.params.reference)),
  );

  // The regulator's view

  app.get(
    "/regulators/:regulatorId/complaints",
    page({ who: regulatorStaff(SEE) }),
    async (request: FastifyRequest<{ Params: { regulatorId: string }; Querystring: Query }>, reply) => {
      const view = await regulatorProviders(ctxOf(request), request.params.regulatorId, request.query?.after);
      await reply.page("redress/views/figures/regulator.njk", {
        ...view,
        providers: view.providers.map((p) => ({ ...p, rate: percent(p.headline?.upheldRateBp ?? null) })),
      });
    },
  );

  app.get(
    "/regulators/:regulatorId/complaints/:organisationId",
    page({ who: regulatorStaffOnRecord(SEE) }),
    async (
      request: FastifyRequest<{
        Params: { regulatorId: string; organisationId: string };
        Querystring: Query;
      }>,
      reply,
    ) => {
      const { regulatorId, organisationId } = request.params;
      const view = await regulatorProviderComplaints(
        ctxOf(request),
        regulatorId,
        organisationId,
        request.query?.after,
      );
      await reply.page("redress/views/figures/regulator-provider.njk", {
        ...view,
        ...figuresPage(view.figures),
        complaints: view.complaints.map((c) => ({ ...c, regimeName: REGIME_NAMES.get(c.regime) })),
      });
    },
  );
}
