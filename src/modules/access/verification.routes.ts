/**
 * Pages for asking for a public body to be added, its status page, and the platform
 * administrators' queue of bodies waiting to be verified. Thin: rules in verification.service.ts.
 */
import type { FastifyInstance } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { field, submitForm } from "../../http/forms.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { NATIONS, type Nation } from "../../lib/working-days.ts";
import { AUTHORITY_KINDS, type AuthorityKind, findPublicBody } from "../authorities/authorities.service.ts";
import { isPlatformAdmin, requireSignedIn } from "./access.service.ts";
import {
  pendingPublicBodies,
  rejectPublicBody,
  requestPublicBody,
  verifyPublicBody,
} from "./verification.service.ts";

const hide = { schema: { hide: true } };
const FORM = "access/views/new-public-body.njk";

export async function verificationRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  const choices = { kinds: AUTHORITY_KINDS, nations: NATIONS };

  app.get("/public-bodies/new", hide, async (request, reply) => {
    requireSignedIn(request.principal);
    await reply.page(FORM, { ...choices, values: {} });
  });

  app.post("/public-bodies", hide, async (request, reply) => {
    const values = {
      name: field(request.body, "name"),
      slug: field(request.body, "slug"),
      kind: field(request.body, "kind"),
      nation: field(request.body, "nation"),
      website: field(request.body, "website"),
      orgId: field(request.body, "orgId"),
    };
    await submitForm(reply, FORM, { ...choices, values }, async () => {
      const body = await transaction(db, (trx) =>
        requestPublicBody(trx, clock, request.principal, {
          name: values.name,
          slug: values.slug,
          kind: values.kind as AuthorityKind,
          nation: values.nation as Nation,
          website: values.website || null,
          orgId: values.orgId || null,
        }),
      );
      return `/public-bodies/${body.id}`;
    });
  });

  app.get<{ Params: { id: string } }>("/public-bodies/:id", hide, async (request, reply) => {
    const { id } = request.params;
    const body = isUuid(id) ? await findPublicBody(db, id) : undefined;
    // An unverified body is seen only by the person who asked and platform administrators.
    const maySee =
      body &&
      (body.verified_at !== null ||
        isPlatformAdmin(request.principal) ||
        body.registered_by === request.principal?.userId);
    if (!body || !maySee) throw new NotFoundError("public body");
    await reply.page("access/views/public-body.njk", { body, query: request.query });
  });

  app.get("/admin/public-bodies", hide, async (request, reply) => {
    const pending = await pendingPublicBodies(db, request.principal);
    await reply.page("access/views/pending-public-bodies.njk", { pending });
  });

  app.post<{ Params: { id: string } }>("/admin/public-bodies/:id/verify", hide, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError("public body");
    await transaction(db, (trx) => verifyPublicBody(trx, clock, request.principal, request.params.id));
    await reply.redirect("/admin/public-bodies", 303);
  });

  app.post<{ Params: { id: string } }>("/admin/public-bodies/:id/reject", hide, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError("public body");
    const reason = field(request.body, "reason");
    const context = async () => ({
      pending: await pendingPublicBodies(db, request.principal),
      rejecting: request.params.id,
      values: { reason },
    });
    await submitForm(reply, "access/views/pending-public-bodies.njk", await context(), async () => {
      await transaction(db, (trx) =>
        rejectPublicBody(trx, clock, request.principal, request.params.id, reason),
      );
      return "/admin/public-bodies";
    });
  });
}
