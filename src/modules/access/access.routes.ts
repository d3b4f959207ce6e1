/**
 * Pages for who acts for an organisation or public body: its people and open invitations (for its
 * administrators), inviting, withdrawing and removing; and accepting an invitation. Each page states
 * who may see it and calls one service; the rules are in invitations.service.ts.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import type { Role } from "./access.table.ts";
import { ctxOf } from "./context.ts";
import {
  acceptInvitation,
  approveInvitation,
  type CreatedInvitation,
  type InvitationsCtx,
  invite,
  openInvitation,
  type Place,
  peoplePage,
  removeMember,
  withdrawInvitation,
} from "./invitations.service.ts";
import { afterLookup, organisationRoles, signedIn } from "./policies.ts";

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** The request's context for invitation services (the links are made with the server's key). */
function invitationsCtxOf(request: FastifyRequest): InvitationsCtx {
  const email = request.server.deps.mailer !== undefined;
  return { ...ctxOf(request), secrets: request.server.accountSecrets, email };
}

/** Who administers each kind of place (the service then checks the exact role for its scope). */
const ADMINS = {
  organisations: organisationRoles(
    ["organisation-admin"],
    "see who acts for this organisation",
    "The organisation's administrators",
  ),
  "public-bodies": organisationRoles(
    ["authority-admin", "regulator-staff", "ombudsman-staff", "consumer-champion"],
    "see who acts for this public body",
    "The public body's administrators",
  ),
} as const;

/**
 * The people page after an invitation is sent or approved: with its link in demo mode (there is no
 * email to carry it), unless it still waits for approval.
 */
function afterInvitation(base: string, created: CreatedInvitation, demo: boolean): string {
  const { invitation, token, awaitingApproval } = created;
  if (awaitingApproval) return `${base}/people?awaiting=${invitation.id}`;
  const link = demo ? `&link=${encodeURIComponent(`/invitations/${token}`)}` : "";
  return `${base}/people?invited=${invitation.id}${link}`;
}

function peopleRoutes(app: FastifyInstance, kind: Place["kind"]): void {
  const who = ADMINS[kind];
  /** For an invitation or a person named: looked up before the caller's role is asked (404, then 403). */
  const onNamed = { who: afterLookup(who) };
  const placeOf = (request: IdRequest): Place => ({ kind, id: request.params.id });

  formPage(app, `/${kind}/:id/people`, {
    who,
    template: "access/views/people.njk",
    context: async (request: IdRequest) => ({
      ...(await peoplePage(ctxOf(request), placeOf(request))),
      query: request.query,
    }),
    read: (body) => ({ email: field(body, "email"), role: field(body, "role") }),
    submit: async (request, values, { scope }) => {
      const created = await invite(invitationsCtxOf(request), {
        scopeType: scope.scopeType,
        scopeId: scope.scopeId,
        email: values.email,
        role: values.role as Role,
      });
      return afterInvitation(scope.base, created, app.deps.config.demo);
    },
  });

  buttonAction(app, `/${kind}/:id/people/remove`, onNamed, async (request: IdRequest) => {
    const member = { userId: field(request.body, "userId"), role: field(request.body, "role") as Role };
    await removeMember(ctxOf(request), placeOf(request), member);
    return `/${kind}/${request.params.id}/people`;
  });

  buttonAction(
    app,
    `/${kind}/:id/invitations/:invitationId/approve`,
    onNamed,
    async (request: FastifyRequest<{ Params: { id: string; invitationId: string } }>) => {
      const created = await approveInvitation(
        invitationsCtxOf(request),
        { kind, id: request.params.id },
        request.params.invitationId,
      );
      return afterInvitation(`/${kind}/${request.params.id}`, created, app.deps.config.demo);
    },
  );

  buttonAction(
    app,
    `/${kind}/:id/invitations/:invitationId/withdraw`,
    onNamed,
    async (request: FastifyRequest<{ Params: { id: string; invitationId: string } }>) => {
      await withdrawInvitation(ctxOf(request), { kind, id: request.params.id }, request.params.invitationId);
      return `/${kind}/${request.params.id}/people`;
    },
  );
}

export async function accessRoutes(app: FastifyInstance): Promise<void> {
  peopleRoutes(app, "organisations");
  peopleRoutes(app, "public-bodies");

  app.get(
    "/invitations/:token",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
      const { token } = request.params;
      const { invitation, name } = await openInvitation(ctxOf(request), token);
      await reply.page("access/views/invitation.njk", {
        invitation,
        name,
        token,
        returnTo: `/invitations/${encodeURIComponent(token)}`,
      });
    },
  );

  buttonAction(
    app,
    "/invitations/:token/accept",
    { who: signedIn },
    async (request: FastifyRequest<{ Params: { token: string } }>) => {
      const invitation = await acceptInvitation(invitationsCtxOf(request), request.params.token);
      const next =
        invitation.scope_type === "organisation"
          ? `/organisations/${invitation.scope_id}?updated=joined`
          : `/public-bodies/${invitation.scope_id}?joined=1`;
      return next;
    },
  );
}
