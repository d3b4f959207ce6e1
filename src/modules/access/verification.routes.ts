/**
 * Pages for asking for a public body to be added, its status page, and the platform
 * administrators' queue of bodies waiting to be verified. Each page states who may see it and calls
 * one service; the rules are in verification.service.ts.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formAction } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { NATIONS, type Nation } from "../../lib/working-days.ts";
import { AUTHORITY_KINDS, type AuthorityKind, isCountry } from "../authorities/authorities.service.ts";
import { ctxOf } from "./context.ts";
import { platformAdmins, signedIn } from "./policies.ts";
import {
  pendingPublicBodies,
  publicBody,
  rejectPublicBody,
  requestPublicBody,
  verifyPublicBody,
} from "./verification.service.ts";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

const FORM = "access/views/new-public-body.njk";
const QUEUE = "access/views/pending-public-bodies.njk";

export async function verificationRoutes(app: FastifyInstance): Promise<void> {
  const choices = { kinds: AUTHORITY_KINDS, nations: NATIONS, countries: ["england", "wales"] };

  // The form is at /public-bodies/new; it is sent to /public-bodies.
  app.get("/public-bodies/new", page({ who: signedIn }), async (_request, reply) => {
    await reply.page(FORM, { ...choices, values: {} });
  });
  formAction(app, "/public-bodies", {
    who: signedIn,
    template: FORM,
    context: () => choices,
    read: (body) => ({
      name: field(body, "name"),
      slug: field(body, "slug"),
      kind: field(body, "kind"),
      nation: field(body, "nation"),
      country: field(body, "country"),
      website: field(body, "website"),
      orgId: field(body, "orgId"),
    }),
    submit: async (request, values) => {
      const body = await requestPublicBody(ctxOf(request), {
        name: values.name,
        slug: values.slug,
        kind: values.kind as AuthorityKind,
        nation: values.nation as Nation,
        ...(isCountry(values.country) ? { country: values.country } : {}),
        website: values.website || null,
        orgId: values.orgId || null,
      });
      return `/public-bodies/${body.id}`;
    },
  });

  app.get("/public-bodies/:id", page({ who: anyone }), async (request: IdRequest, reply) => {
    const body = await publicBody(ctxOf(request), request.params.id);
    await reply.page("access/views/public-body.njk", { body, query: request.query });
  });

  app.get("/admin/public-bodies", page({ who: platformAdmins }), async (request, reply) => {
    await reply.page(QUEUE, { pending: await pendingPublicBodies(ctxOf(request)) });
  });

  buttonAction(
    app,
    "/admin/public-bodies/:id/verify",
    { who: platformAdmins },
    async (request: IdRequest) => {
      await verifyPublicBody(ctxOf(request), request.params.id);
      return "/admin/public-bodies";
    },
  );

  formAction(app, "/admin/public-bodies/:id/reject", {
    who: platformAdmins,
    template: QUEUE,
    context: async (request: IdRequest) => ({
      pending: await pendingPublicBodies(ctxOf(request)),
      rejecting: request.params.id,
    }),
    read: (body) => ({ reason: field(body, "reason") }),
    submit: async (request: IdRequest, { reason }) => {
      await rejectPublicBody(ctxOf(request), request.params.id, reason);
      return "/admin/public-bodies";
    },
  });
}
