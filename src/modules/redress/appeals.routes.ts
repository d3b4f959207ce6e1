/**
 * Appeals to the independent adjudicator (issue 20, item 6): the appeal form (/appeals/new, linked
 * from a refused spin-out's page and an unanswered barrier's with `?subject=`), an adjudicator's
 * public page (/adjudicators/:adjudicatorSlug: its grounds, period, figures and published decisions),
 * and the API.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, fieldList, formPage } from "../../http/forms.ts";
import { anyone, api, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { SERVICE_CATEGORIES } from "../vocabularies/service-categories.ts";
import { AdjudicatorsFigures, AppealBody, AppealChoices, AppealMade } from "./appeals.schemas.ts";
import {
  ADJUDICATOR_GROUNDS,
  APPEAL_DECISION_WORKING_DAYS,
  adjudicatedAreas,
  adjudicatorFigures,
  adjudicatorPage,
  appealChoices,
  makeAppeal,
} from "./appeals.service.ts";
import { complaintPath, findComplaintRow } from "./redress.service.ts";

const tags: [string] = ["redress"];

function areaName(code: string) {
  return SERVICE_CATEGORIES.find((c) => c.code === code)?.name ?? code;
}

export async function appealsRoutes(app: FastifyInstance): Promise<void> {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  formPage(app, "/appeals/new", {
    who: signedIn,
    template: "redress/views/appeals/new.njk",
    context: async (request: FastifyRequest) => {
      const ctx = ctxOf(request);
      const choices = await appealChoices(ctx);
      const areas = choices.some((c) => !c.serviceArea) ? await adjudicatedAreas(ctx) : [];
      return {
        choices: choices.map((c) => ({ ...c, areaName: c.serviceArea ? areaName(c.serviceArea) : null })),
        areas: areas.map((code) => ({ code, name: areaName(code) })),
        grounds: ADJUDICATOR_GROUNDS,
        periodWorkingDays: APPEAL_DECISION_WORKING_DAYS,
        noindex: true,
      };
    },
    values: (request: FastifyRequest) => ({
      subject: (request.query as { subject?: string } | undefined)?.subject ?? "",
      grounds: "",
      serviceArea: "",
      whatHappened: "",
      outcomeWanted: "",
      phone: "",
      consent: "",
      publicationConsent: "",
    }),
    read: (body) => ({
      subject: field(body, "subject"),
      grounds: fieldList(body, "grounds").join(" "),
      serviceArea: field(body, "serviceArea"),
      whatHappened: field(body, "whatHappened"),
      outcomeWanted: field(body, "outcomeWanted"),
      phone: field(body, "phone"),
      consent: field(body, "consent"),
      publicationConsent: field(body, "publicationConsent"),
    }),
    submit: async (request, v) => {
      const ctx = ctxOf(request);
      const k = await makeAppeal(ctx, {
        ...v,
        grounds: v.grounds.split(" ").filter((g) => g !== ""),
        consent: v.consent === "yes",
        publicationConsent: v.publicationConsent === "yes",
      });
      const c = await findComplaintRow(ctx.db, k.complaint_authority_id, k.complaint_id);
      return c ? `${complaintPath(c)}?notice=appealed` : "/complaints";
    },
  });

  app.get(
    "/adjudicators/:adjudicatorSlug",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Params: { adjudicatorSlug: string } }>, reply) => {
      const found = await adjudicatorPage(ctxOf(request), request.params.adjudicatorSlug);
      await reply.page("redress/views/appeals/adjudicator.njk", {
        ...found,
        areas: found.adjudicator.serviceAreas.map((code) => ({ code, name: areaName(code) })),
      });
    },
  );

  json.get(
    "/api/v1/me/appeal-choices",
    api(
      { who: signedIn, scope: "complaints:read" },
      {
        operationId: "listAppealChoices",
        tags,
        summary: "The decisions you may appeal to the independent adjudicator",
        description:
          "A spin-out your team proposed that the parent body refused, and a barrier you logged left unanswered past its period (for an organisation: while you are its administrator), not yet appealed; with the adjudicator's published grounds and period.",
        response: { 200: AppealChoices },
      },
    ),
    async (request) => {
      const ctx = ctxOf(request);
      return {
        grounds: [...ADJUDICATOR_GROUNDS],
        periodWorkingDays: APPEAL_DECISION_WORKING_DAYS,
        serviceAreas: await adjudicatedAreas(ctx),
        choices: await appealChoices(ctx),
      };
    },
  );

  json.post(
    "/api/v1/appeals",
    api(
      { who: signedIn, scope: "complaints:write" },
      {
        operationId: "makeAppeal",
        tags,
        summary: "Appeal a refused spin-out or an unanswered barrier to the independent adjudicator",
        description:
          "Goes straight to the adjudicator of the subject's service area (the refusal was the body's answer; no answer by the last day counts as none): a case to assess. 409 `no_ombudsman_registered` when no adjudicator is named for the area, `already_appealed` for a second appeal. The appeal is then followed as any complaint (`GET /api/v1/authorities/{authorityId}/complaints/{id}` and its case).",
        body: AppealBody,
        response: { 201: AppealMade },
      },
    ),
    async (request, reply) => {
      const ctx = ctxOf(request);
      const k = await makeAppeal(ctx, request.body);
      const c = await findComplaintRow(ctx.db, k.complaint_authority_id, k.complaint_id);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${k.complaint_authority_id}/complaints/${k.complaint_id}`)
        .send({
          complaint: {
            authorityId: k.complaint_authority_id,
            id: k.complaint_id,
            reference: c?.reference ?? "",
          },
          case: {
            id: k.id,
            reference: k.reference,
            adjudicatorId: k.authority_id,
            status: k.status,
            assessBy: k.next_due_on,
          },
        });
    },
  );

  json.get(
    "/api/v1/adjudicators",
    api(
      { who: anyone },
      {
        operationId: "listAdjudicatorFigures",
        tags,
        summary: "The independent adjudicators: their published grounds, period and figures",
        description:
          "For each adjudicator named on the platform: cases received (appeals of refused spin-outs and unanswered barriers, complaints about commissioning), decisions by outcome and by ground found, appeals decided within the published period, and the compliance of the remedies ordered. Counts only.",
        response: { 200: AdjudicatorsFigures },
      },
    ),
    async (request) => ({
      grounds: [...ADJUDICATOR_GROUNDS],
      periodWorkingDays: APPEAL_DECISION_WORKING_DAYS,
      adjudicators: await adjudicatorFigures(ctxOf(request)),
    }),
  );
}
