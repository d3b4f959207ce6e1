/**
 * Remedies' pages: the body's lists (/authorities/:slug/remedies, /organisations/:id/remedies) and a
 * remedy with the form to report it done (…/remedies/:caseId/:seq); the ombudsman's remedy page with
 * confirm and return (/authorities/:ombudsmanSlug/cases/:caseId/remedies/:seq — an ombudsman is not an
 * authority to the `:slug` lookup, so its own parameter, looked up by the service); and the
 * published list of overdue remedies (/complaints/overdue-remedies). A page that names a remedy asks
 * only for sign-in; the service decides (404, then 403, then 409).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { formatPence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone, signedIn } from "../access/policies.ts";
import { organisationsByIds } from "../organisations/organisations.service.ts";
import { complaintsOfficers, providerPeople } from "./redress.policies.ts";
import {
  bodyRemedies,
  bodyRemedyOf,
  confirmRemedy,
  ombudsmanRemedyOf,
  publicOverdueRemedies,
  REMEDY_FILTERS,
  type RemedyView,
  reportCompliance,
  returnRemedy,
} from "./remedies.service.ts";

const who = afterLookup(signedIn);
const NOTICES = ["reported", "confirmed", "returned"];

type BodyRemedyRequest = FastifyRequest<{
  Params: { slug?: string; id?: string; caseId: string; seq: string };
}>;
type OmbudsmanRemedyRequest = FastifyRequest<{
  Params: { ombudsmanSlug: string; caseId: string; seq: string };
}>;
type ListRequest = FastifyRequest<{ Querystring: { filter?: string; after?: string } }>;

function notice(request: FastifyRequest): string | null {
  const { notice: n } = (request.query ?? {}) as { notice?: string };
  return n && NOTICES.includes(n) ? n : null;
}

const keyOf = (r: RemedyView) => ({ authorityId: r.authority_id, caseId: r.case_id, seq: r.seq });

export function remediesPages(app: FastifyInstance): void {
  // The body's lists
  const list = async (
    request: ListRequest,
    reply: FastifyReply,
    body: { organisationId: string } | { authorityId: string },
    bodyName: string,
    base: string,
  ) => {
    const found = await bodyRemedies(ctxOf(request), body, request.query ?? {});
    await reply.page("redress/views/remedies/body-remedies.njk", {
      bodyName,
      base,
      filters: REMEDY_FILTERS,
      ...found,
      noindex: true,
    });
  };
  app.get(
    "/authorities/:slug/remedies",
    page({ who: complaintsOfficers }),
    async (request: ListRequest, reply) =>
      list(
        request,
        reply,
        { authorityId: request.authority.id },
        request.authority.name,
        `/authorities/${request.authority.slug}/remedies`,
      ),
  );
  app.get(
    "/organisations/:id/remedies",
    page({ who: providerPeople }),
    async (
      request: FastifyRequest<{ Params: { id: string }; Querystring: { filter?: string; after?: string } }>,
      reply,
    ) => {
      const organisation = (await organisationsByIds(ctxOf(request).db, [request.params.id])).get(
        request.params.id,
      );
      return list(
        request,
        reply,
        { organisationId: request.params.id },
        organisation?.name ?? "",
        `/organisations/${request.params.id}/remedies`,
      );
    },
  );

  // A remedy for the body, with the form to report it done
  const bodyOf = (request: BodyRemedyRequest) =>
    request.params.slug !== undefined
      ? { authorityId: request.authority.id }
      : { organisationId: request.params.id ?? "" };
  for (const path of ["/authorities/:slug/remedies/:caseId/:seq", "/organisations/:id/remedies/:caseId/:seq"])
    formPage(app, path, {
      who,
      template: "redress/views/remedies/remedy.njk",
      context: async (request) => {
        const req = request as BodyRemedyRequest;
        const r = await bodyRemedyOf(ctxOf(request), bodyOf(req), req.params.caseId, req.params.seq);
        return { r, notice: notice(request), noindex: true };
      },
      values: () => ({ evidence: "", doneOn: "", paid: "", amountNote: "" }),
      read: (body) => ({
        evidence: field(body, "evidence"),
        doneOn: dateField(body, "doneOn"),
        paid: field(body, "paid"),
        amountNote: field(body, "amountNote"),
      }),
      submit: async (request, v, { r }) => {
        const done = await reportCompliance(ctxOf(request), keyOf(r), v);
        return `${done.bodyPath}?notice=reported`;
      },
      fieldOf: (f) => (f === "doneOn" ? "doneOn-day" : f),
    });

  // The ombudsman's remedy page: confirm, or return with what is missing
  const ombudsmanPath = "/authorities/:ombudsmanSlug/cases/:caseId/remedies/:seq";
  const ombudsmanRemedy = (request: FastifyRequest) => {
    const { params } = request as OmbudsmanRemedyRequest;
    return ombudsmanRemedyOf(ctxOf(request), params.ombudsmanSlug, params.caseId, params.seq);
  };
  app.get(ombudsmanPath, page({ who }), async (request, reply) => {
    await reply.page("redress/views/remedies/remedy.njk", {
      r: await ombudsmanRemedy(request),
      notice: notice(request),
      noindex: true,
    });
  });
  buttonAction(app, `${ombudsmanPath}/confirm`, { who }, async (request) => {
    const r = await ombudsmanRemedy(request);
    const done = await confirmRemedy(ctxOf(request), keyOf(r));
    return `${done.ombudsmanPath}?notice=confirmed`;
  });
  formPage(app, `${ombudsmanPath}/return`, {
    who,
    template: "redress/views/remedies/return.njk",
    context: async (request) => ({ r: await ombudsmanRemedy(request), noindex: true }),
    values: () => ({ reason: "" }),
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request, v, { r }) => {
      const done = await returnRemedy(ctxOf(request), keyOf(r), v);
      return `${done.ombudsmanPath}?notice=returned`;
    },
  });

  // Published: every overdue remedy
  app.get("/complaints/overdue-remedies", page({ who: anyone }), async (request, reply) => {
    const { after } = (request.query ?? {}) as { after?: string };
    const found = await publicOverdueRemedies(ctxOf(request), {
      after: typeof after === "string" ? after : undefined,
    });
    await reply.page("redress/views/remedies/overdue.njk", {
      ...found,
      rows: found.rows.map((r) => ({
        ...r,
        amountText: r.amountPence === null ? null : formatPence(r.amountPence),
      })),
      pageDescription: request.t("redress.remedies.overdue.description"),
    });
  });
}
