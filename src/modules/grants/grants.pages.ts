/**
 * The grants pages: programmes (/grants, and /grants/:programmeId: public), the apply form
 * (/grants/:programmeId/apply: organisations' administrators), the funder's applications
 * (/grants/:programmeId/applications) and an application with its decision form
 * (/grants/:programmeId/applications/:applicationId: the funder's people decide; the applicant's
 * people read it). Each form re-renders with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { formatPercent } from "../../lib/basis-points.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone } from "../access/policies.ts";
import {
  actsForFunder,
  applicantOrganisations,
  applicationOf,
  applicationsOf,
  apply,
  applyFormOf,
  decide,
  listProgrammes,
  type ProgrammeView,
  programmeView,
} from "./grants.service.ts";

type ProgrammeRequest = FastifyRequest<{ Params: { programmeId: string }; Querystring: { notice?: string } }>;
type ApplicationRequest = FastifyRequest<{
  Params: { programmeId: string; applicationId: string };
  Querystring: { notice?: string };
}>;

const VIEWS = "grants/views";

const signedInFirst = afterLookup({
  description: "Anyone signed in: the service decides",
  signedIn: true,
  check() {},
});

function shownProgramme(v: ProgrammeView) {
  const p = v.programme;
  return {
    id: p.id,
    url: `/grants/${p.id}`,
    title: p.title,
    description: p.description,
    funder: v.funderName,
    budget: formatPence(p.budget_pence),
    awarded: formatPence(p.awarded_pence),
    left: formatPence(v.leftPence),
    opensOn: p.opens_on,
    closesOn: p.closes_on,
    open: v.open,
    matchedFunding: formatPercent(p.matched_funding_bp),
    supportKinds: p.support_kinds,
    eligibility: p.eligibility,
  };
}

export function grantsPages(app: FastifyInstance): void {
  app.get("/grants", page({ who: anyone }), async (request, reply) => {
    const programmes = await listProgrammes(ctxOf(request));
    await reply.page(`${VIEWS}/list.njk`, { programmes: programmes.map(shownProgramme) });
  });

  app.get("/grants/:programmeId", page({ who: anyone }), async (request: ProgrammeRequest, reply) => {
    const ctx = ctxOf(request);
    const v = await programmeView(ctx, request.params.programmeId);
    await reply.page(`${VIEWS}/programme.njk`, {
      programme: shownProgramme(v),
      canApply: v.open && applicantOrganisations(ctx).length > 0,
      funder: actsForFunder(ctx, v.programme),
    });
  });

  formPage(app, "/grants/:programmeId/apply", {
    who: signedInFirst,
    template: `${VIEWS}/apply.njk`,
    context: async (request: ProgrammeRequest) => {
      const f = await applyFormOf(ctxOf(request), request.params.programmeId);
      return { programme: shownProgramme(f.programme), organisations: f.organisations, noindex: true };
    },
    values: (_request, context) => ({
      organisationId: context.organisations.length === 1 ? context.organisations[0]?.id : "",
    }),
    read: (body) => ({
      organisationId: field(body, "organisationId"),
      supportKind: field(body, "supportKind"),
      purpose: field(body, "purpose"),
      amount: field(body, "amount"),
      matched: field(body, "matched"),
      context: field(body, "context"),
    }),
    submit: async (request: ProgrammeRequest, v) => {
      const a = await apply(ctxOf(request), request.params.programmeId, v);
      return `/grants/${a.programme_id}/applications/${a.id}?notice=submitted`;
    },
  });

  app.get(
    "/grants/:programmeId/applications",
    page({ who: signedInFirst }),
    async (request: ProgrammeRequest, reply) => {
      const { programme, applications } = await applicationsOf(ctxOf(request), request.params.programmeId);
      await reply.page(`${VIEWS}/applications.njk`, {
        programme: shownProgramme(programme),
        applications: applications.map((a) => ({
          url: `/grants/${a.programme_id}/applications/${a.id}`,
          organisation: a.organisationName,
          kind: a.support_kind,
          amount: formatPence(a.amount_pence),
          status: a.status,
          awarded: a.awarded_pence === null ? "" : formatPence(a.awarded_pence),
          submittedAt: a.submitted_at,
        })),
        noindex: true,
      });
    },
  );

  formPage(app, "/grants/:programmeId/applications/:applicationId", {
    who: signedInFirst,
    template: `${VIEWS}/application.njk`,
    context: async (request: ApplicationRequest) => {
      const v = await applicationOf(ctxOf(request), request.params.programmeId, request.params.applicationId);
      const a = v.application;
      return {
        programme: {
          url: `/grants/${v.programme.id}`,
          title: v.programme.title,
          applicationsUrl: `/grants/${v.programme.id}/applications`,
        },
        notice: ["submitted", "decided"].includes(request.query.notice ?? "")
          ? request.query.notice
          : undefined,
        application: {
          organisation: v.organisationName,
          kind: a.support_kind,
          purpose: a.purpose,
          context: a.context,
          amount: formatPence(a.amount_pence),
          matched: formatPence(a.matched_pence),
          matchedNeeded: formatPence(v.matchedNeededPence),
          status: a.status,
          awarded: a.awarded_pence === null ? "" : formatPence(a.awarded_pence),
          conditions: a.conditions,
          reasons: a.reasons,
          submittedAt: a.submitted_at,
          decidedAt: a.decided_at,
          paid: formatPence(v.paidPence),
          payments: v.payments.map((x) => ({ amount: formatPence(x.amount_pence), paidOn: x.paid_on })),
        },
        canDecide: v.funder && a.status === "submitted",
        noindex: true,
      };
    },
    values: (_request, context) => ({ amount: context.application.amount }),
    read: (body) => ({
      decision: field(body, "decision"),
      amount: field(body, "amount"),
      conditions: field(body, "conditions"),
      reasons: field(body, "reasons"),
    }),
    submit: async (request: ApplicationRequest, v) => {
      const { programmeId, applicationId } = request.params;
      await decide(ctxOf(request), programmeId, applicationId, v);
      return `/grants/${programmeId}/applications/${applicationId}?notice=decided`;
    },
  });
}
