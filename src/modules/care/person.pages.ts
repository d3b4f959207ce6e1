/**
 * A person's own pages (/care, /care/people/:personId) — for the person themself and the
 * representatives they allow — and the page care staff see of a person (care.pages.ts) share one
 * template: their plan, personal budget (amount, period, delivery and its parts), needs, reviews and
 * representatives, with the panels other modules plug into `personPanels` (the budget's balance,
 * arrangements). The person, as themself, changes or revokes a representative's permissions here; an
 * invitation's link is accepted here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { buttonAction, fieldList, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { collect, panelsContext } from "../../lib/ports.ts";
import { ctxOf } from "../access/context.ts";
import { signedIn } from "../access/policies.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { personAccess } from "./care.policies.ts";
import { personPanels } from "./care.ports.ts";
import { authorityOfLinkedPerson, PERSON_GRANTS, peopleActedFor, personView } from "./care.service.ts";
import { clockOf } from "./clocks.ts";
import {
  acceptCareInvitation,
  changeGrants,
  linkToChange,
  openCareInvitation,
  revokeLink,
} from "./representatives.service.ts";

/** Renders a person's page: care staff's (under the authority) or the person's own. */
export async function showPerson(
  request: FastifyRequest,
  reply: FastifyReply,
  authorityId: string,
  personId: string,
): Promise<void> {
  const ctx = ctxOf(request);
  const view = await personView(ctx, authorityId, personId);
  const authority = await authorityById(ctx.db, authorityId);
  const query = (request.query ?? {}) as { done?: string; link?: string };
  const link =
    typeof query.link === "string" && query.link.startsWith("/care/invitations/") ? query.link : null;
  const panels = await collect(personPanels, ctx.db, ctx.clock, {
    authorityId,
    personId,
    planIds: view.planIds,
    viewer: { userId: view.access.userId, how: view.access.how, grants: view.access.grants },
  });
  await reply.page("care/views/person.njk", {
    authority,
    view,
    staff: view.access.how === "care-staff",
    self: view.access.how === "self",
    base: view.access.how === "care-staff" ? `/authorities/${authority.slug}/care` : "/care",
    clocks: Object.fromEntries(
      view.plans.filter((p) => p.review).map((p) => [p.plan.id, clockOf(p.review?.clock ?? "concern")]),
    ),
    done: typeof query.done === "string" ? query.done : null,
    invitationLink: link,
    money: (pence: bigint | null) => (pence === null ? "" : formatMoney(pence as Pence)),
    noindex: true,
    ...panelsContext(panels),
  });
}

type OwnPersonRequest = FastifyRequest<{ Params: { personId: string } }>;
type LinkRequest = FastifyRequest<{ Params: { personId: string; linkId: string } }>;

export function personPages(app: FastifyInstance): void {
  app.get("/care", page({ who: signedIn }), async (request, reply) => {
    const people = await peopleActedFor(ctxOf(request));
    await reply.page("care/views/mine.njk", { people, noindex: true });
  });

  app.get("/care/people/:personId", page({ who: personAccess }), async (request: OwnPersonRequest, reply) => {
    const ctx = ctxOf(request);
    const authorityId = await authorityOfLinkedPerson(ctx, request.params.personId);
    await showPerson(request, reply, authorityId, request.params.personId);
  });

  formPage(app, "/care/people/:personId/representatives/:linkId", {
    who: personAccess,
    template: "care/views/grants-form.njk",
    context: async (request: LinkRequest) => {
      const ctx = ctxOf(request);
      const authorityId = await authorityOfLinkedPerson(ctx, request.params.personId);
      const link = await linkToChange(ctx, authorityId, request.params.personId, request.params.linkId);
      return { authorityId, link, grants: PERSON_GRANTS };
    },
    values: (_request, { link }) => ({ grants: [...link.grants] as string[] }),
    read: (body) => ({ grants: fieldList(body, "grants") }),
    submit: async (request, values, { authorityId, link }) => {
      await changeGrants(ctxOf(request), authorityId, link.person_id, link.id, values.grants);
      return `/care/people/${link.person_id}?done=grants#representatives`;
    },
  });

  buttonAction(
    app,
    "/care/people/:personId/representatives/:linkId/revoke",
    { who: personAccess },
    async (request: LinkRequest) => {
      const ctx = ctxOf(request);
      const authorityId = await authorityOfLinkedPerson(ctx, request.params.personId);
      await revokeLink(ctx, authorityId, request.params.personId, request.params.linkId);
      return `/care/people/${request.params.personId}?done=unlinked#representatives`;
    },
  );

  app.get(
    "/care/invitations/:token",
    page({ who: anyone }),
    async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
      const { token } = request.params;
      const { invitation, authorityName } = await openCareInvitation(ctxOf(request), token);
      await reply.page("care/views/invitation.njk", {
        invitation,
        authorityName,
        token,
        returnTo: `/care/invitations/${encodeURIComponent(token)}`,
      });
    },
  );

  buttonAction(
    app,
    "/care/invitations/:token/accept",
    { who: signedIn },
    async (request: FastifyRequest<{ Params: { token: string } }>) => {
      const link = await acceptCareInvitation(ctxOf(request), request.params.token);
      return `/care/people/${link.person_id}?done=linked`;
    },
  );
}
