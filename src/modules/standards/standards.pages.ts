/**
 * The pages of accreditation bodies and standards: the public list (/standards), a body
 * (/standards/bodies/:bodyId) and a standard with its accredited providers (/standards/:standardId);
 * for platform administrators, registering a body; for the body's people, publishing a standard or
 * a version, accrediting a provider, suspending or withdrawing an accreditation; for a tender's
 * editors, the accreditations a draft tender requires (/authorities/:slug/tenders/:tenderId/accreditation).
 * Each form re-renders with its errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formAction, formPage } from "../../http/forms.ts";
import { page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, anyone, platformAdmins } from "../access/policies.ts";
import { listAuthorities } from "../authorities/authorities.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import {
  accredit,
  bodiesAndStandards,
  bodyView,
  decideAccreditation,
  dropRequirement,
  publishStandard,
  publishVersion,
  registerBody,
  requireAccreditation,
  standardView,
  tenderRequirements,
} from "./standards.service.ts";

const VIEWS = "standards/views";

type BodyRequest = FastifyRequest<{ Params: { bodyId: string } }>;
type StandardRequest = FastifyRequest<{ Params: { standardId: string }; Querystring: { notice?: string } }>;
type AccreditationRequest = FastifyRequest<{ Params: { standardId: string; accreditationId: string } }>;
type TenderRequest = FastifyRequest<{ Params: { slug: string; tenderId: string; standardId?: string } }>;

const bodyPeople = afterLookup({
  description: "The accreditation body's people",
  signedIn: true,
  check() {},
});
const tenderEditors = afterLookup({
  description: "The authority's commissioners and administrators",
  signedIn: true,
  check() {},
});

const NOTICES = ["accredited", "suspended", "withdrawn", "version", "published"];
const noticeOf = (request: { query: { notice?: string } }) =>
  NOTICES.includes(request.query.notice ?? "") ? request.query.notice : undefined;

export function standardsPages(app: FastifyInstance): void {
  app.get("/standards", page({ who: anyone }), async (request, reply) => {
    await reply.page(`${VIEWS}/list.njk`, { view: await bodiesAndStandards(ctxOf(request)) });
  });

  formPage(app, "/standards/bodies/new", {
    who: platformAdmins,
    template: `${VIEWS}/register-body.njk`,
    context: async (request) => ({
      publicBodies: (await listAuthorities(request.server.deps.db)).map((a) => ({ id: a.id, name: a.name })),
      noindex: true,
    }),
    read: (body) => ({
      organisationId: field(body, "organisationId"),
      publicBodyId: field(body, "publicBodyId"),
      about: field(body, "about"),
      website: field(body, "website"),
    }),
    submit: async (request, v) => `/standards/bodies/${(await registerBody(ctxOf(request), v)).id}`,
  });

  app.get("/standards/bodies/:bodyId", page({ who: anyone }), async (request: BodyRequest, reply) => {
    await reply.page(`${VIEWS}/body.njk`, { view: await bodyView(ctxOf(request), request.params.bodyId) });
  });

  formPage(app, "/standards/bodies/:bodyId/new-standard", {
    who: bodyPeople,
    template: `${VIEWS}/new-standard.njk`,
    context: async (request: BodyRequest) => {
      const view = await bodyView(ctxOf(request), request.params.bodyId);
      return {
        body: view.body,
        categories: await listServiceCategories(request.server.deps.db),
        noindex: true,
      };
    },
    read: (body) => ({
      title: field(body, "title"),
      serviceCategory: field(body, "serviceCategory"),
      criteria: field(body, "criteria"),
      guidanceUrl: field(body, "guidanceUrl"),
      effectiveOn: dateField(body, "effectiveOn"),
      effectiveParts: parts(body, "effectiveOn"),
    }),
    submit: async (request: BodyRequest, v) =>
      `/standards/${(await publishStandard(ctxOf(request), request.params.bodyId, v)).id}?notice=published`,
  });

  const standardContext = async (request: StandardRequest) => ({
    view: await standardView(ctxOf(request), request.params.standardId),
    notice: noticeOf(request),
  });

  app.get("/standards/:standardId", page({ who: anyone }), async (request: StandardRequest, reply) => {
    await reply.page(`${VIEWS}/standard.njk`, { ...(await standardContext(request)), values: {} });
  });

  formAction(app, "/standards/:standardId", {
    who: bodyPeople,
    template: `${VIEWS}/standard.njk`,
    context: standardContext,
    read: (body) => ({
      organisationId: field(body, "organisationId"),
      expiresOn: dateField(body, "expiresOn"),
      expiresParts: parts(body, "expiresOn"),
    }),
    submit: async (request: StandardRequest, v) => {
      await accredit(ctxOf(request), request.params.standardId, v);
      return `/standards/${request.params.standardId}?notice=accredited`;
    },
  });

  formPage(app, "/standards/:standardId/new-version", {
    who: bodyPeople,
    template: `${VIEWS}/new-version.njk`,
    context: async (request: StandardRequest) => ({
      view: await standardView(ctxOf(request), request.params.standardId),
      noindex: true,
    }),
    values: (_request, context) => ({
      criteria: context.view.current?.criteria ?? "",
      guidanceUrl: context.view.current?.guidance_url ?? "",
    }),
    read: (body) => ({
      criteria: field(body, "criteria"),
      guidanceUrl: field(body, "guidanceUrl"),
      effectiveOn: dateField(body, "effectiveOn"),
      effectiveParts: parts(body, "effectiveOn"),
    }),
    submit: async (request: StandardRequest, v) => {
      await publishVersion(ctxOf(request), request.params.standardId, v);
      return `/standards/${request.params.standardId}?notice=version`;
    },
  });

  for (const decision of ["suspended", "withdrawn"] as const)
    formPage(
      app,
      `/standards/:standardId/accreditations/:accreditationId/${decision === "suspended" ? "suspend" : "withdraw"}`,
      {
        who: bodyPeople,
        template: `${VIEWS}/decide.njk`,
        context: async (request: AccreditationRequest) => {
          const view = await standardView(ctxOf(request), request.params.standardId);
          const accreditation = view.accreditations.find((a) => a.id === request.params.accreditationId);
          return { view, accreditation, decision, noindex: true };
        },
        read: (body) => ({ reason: field(body, "reason") }),
        submit: async (request: AccreditationRequest, v) => {
          await decideAccreditation(ctxOf(request), request.params.accreditationId, decision, v);
          return `/standards/${request.params.standardId}?notice=${decision}`;
        },
      },
    );

  const tenderBase = "/authorities/:slug/tenders/:tenderId/accreditation";
  formPage(app, tenderBase, {
    who: tenderEditors,
    template: `${VIEWS}/tender.njk`,
    context: async (request: TenderRequest) => ({
      authority: request.authority,
      tenderUrl: `/authorities/${request.authority.slug}/tenders/${request.params.tenderId}`,
      view: await tenderRequirements(ctxOf(request), request.authority.id, request.params.tenderId),
      noindex: true,
    }),
    read: (body) => ({ standardId: field(body, "standardId") }),
    submit: async (request: TenderRequest, v, context) => {
      await requireAccreditation(ctxOf(request), request.authority.id, request.params.tenderId, v);
      return `${context.tenderUrl}/accreditation`;
    },
  });
  buttonAction(
    app,
    `${tenderBase}/:standardId/drop`,
    { who: tenderEditors },
    async (request: TenderRequest) => {
      const { slug, tenderId, standardId } = request.params;
      await dropRequirement(ctxOf(request), request.authority.id, tenderId, standardId ?? "");
      return `/authorities/${slug}/tenders/${tenderId}/accreditation`;
    },
  );
}

/** A date input's parts as typed, to show them again. */
function parts(body: unknown, name: string) {
  return {
    day: field(body, `${name}-day`),
    month: field(body, `${name}-month`),
    year: field(body, `${name}-year`),
  };
}
