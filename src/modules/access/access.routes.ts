/**
 * Pages for who acts for an organisation or public body: its people and open invitations (for its
 * administrators), inviting, withdrawing and removing; and accepting an invitation. Thin: the
 * rules are in invitations.service.ts and access.service.ts.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { field, submitForm } from "../../http/forms.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { findPublicBody, scopeOfBody } from "../authorities/authorities.service.ts";
import type { Role, ScopeType } from "./access.table.ts";
import {
  acceptInvitation,
  INVITABLE,
  invite,
  membership,
  openInvitation,
  removeMember,
  scopeName,
  withdrawInvitation,
} from "./invitations.service.ts";

type Scoped = { scopeType: Exclude<ScopeType, "platform">; scopeId: string; name: string; base: string };

const hide = { schema: { hide: true } };

export async function accessRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;

  /** The organisation or public body named in the path, or 404. */
  async function scopeFrom(
    request: FastifyRequest<{ Params: { id: string } }>,
    kind: "organisations" | "public-bodies",
  ): Promise<Scoped> {
    const { id } = request.params;
    if (!isUuid(id)) throw new NotFoundError(kind === "organisations" ? "organisation" : "public body");
    if (kind === "organisations") {
      const name = await scopeName(db, "organisation", id);
      if (!name) throw new NotFoundError("organisation");
      return { scopeType: "organisation", scopeId: id, name, base: `/organisations/${id}` };
    }
    const body = await findPublicBody(db, id);
    if (!body) throw new NotFoundError("public body");
    return {
      scopeType: scopeOfBody(body.kind).scopeType,
      scopeId: id,
      name: body.name,
      base: `/public-bodies/${id}`,
    };
  }

  async function peoplePage(request: FastifyRequest, scope: Scoped, extra: Record<string, unknown> = {}) {
    const { members, invitations } = await membership(db, clock, request.principal, scope);
    return {
      scope,
      members,
      invitations,
      roles: INVITABLE[scope.scopeType].roles,
      query: request.query,
      ...extra,
    };
  }

  for (const kind of ["organisations", "public-bodies"] as const) {
    app.get<{ Params: { id: string } }>(`/${kind}/:id/people`, hide, async (request, reply) => {
      const scope = await scopeFrom(request, kind);
      await reply.page("access/views/people.njk", await peoplePage(request, scope));
    });

    app.post<{ Params: { id: string } }>(`/${kind}/:id/people`, hide, async (request, reply) => {
      const scope = await scopeFrom(request, kind);
      const values = { email: field(request.body, "email"), role: field(request.body, "role") };
      await submitForm(
        reply,
        "access/views/people.njk",
        await peoplePage(request, scope, { values }),
        async () => {
          const { invitation, token } = await transaction(db, (trx) =>
            invite(
              trx,
              clock,
              request.principal,
              {
                ...scope,
                email: values.email,
                role: values.role as Role,
              },
              app.accountSecrets,
            ),
          );
          return `${scope.base}/people?invited=${invitation.id}${app.deps.config.demo ? `&link=${encodeURIComponent(`/invitations/${token}`)}` : ""}`;
        },
      );
    });

    app.post<{ Params: { id: string } }>(`/${kind}/:id/people/remove`, hide, async (request, reply) => {
      const scope = await scopeFrom(request, kind);
      const member = { userId: field(request.body, "userId"), role: field(request.body, "role") as Role };
      await transaction(db, (trx) => removeMember(trx, clock, request.principal, scope, member));
      await reply.redirect(`${scope.base}/people`, 303);
    });

    app.post<{ Params: { id: string; invitationId: string } }>(
      `/${kind}/:id/invitations/:invitationId/withdraw`,
      hide,
      async (request, reply) => {
        const scope = await scopeFrom(request, kind);
        if (!isUuid(request.params.invitationId)) throw new NotFoundError("invitation");
        await transaction(db, (trx) =>
          withdrawInvitation(trx, clock, request.principal, scope, request.params.invitationId),
        );
        await reply.redirect(`${scope.base}/people`, 303);
      },
    );
  }

  app.get<{ Params: { token: string } }>("/invitations/:token", hide, async (request, reply) => {
    const invitation = await transaction(db, (trx) => openInvitation(trx, clock, request.params.token));
    const name = await scopeName(db, invitation.scope_type, invitation.scope_id);
    await reply.page("access/views/invitation.njk", {
      invitation,
      name,
      token: request.params.token,
      returnTo: `/invitations/${encodeURIComponent(request.params.token)}`,
    });
  });

  app.post<{ Params: { token: string } }>("/invitations/:token/accept", hide, async (request, reply) => {
    const invitation = await transaction(db, (trx) =>
      acceptInvitation(trx, clock, request.principal, request.params.token),
    );
    const next =
      invitation.scope_type === "organisation"
        ? `/organisations/${invitation.scope_id}?updated=joined`
        : `/public-bodies/${invitation.scope_id}?joined=1`;
    await reply.redirect(next, 303);
  });
}
