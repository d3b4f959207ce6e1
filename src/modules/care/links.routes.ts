/**
 * A person's links and invitations through the API, by the rules of the pages: the links and open
 * invitations (`GET …/links`), inviting an account (`POST …/invitations`, care staff), withdrawing an
 * invitation (`POST …/invitations/{invitationId}/withdraw`, care staff), changing a link's grants
 * (`PUT …/links/{linkId}/grants`, the person themself). Ending a link is `…/links/{linkId}/revoke`
 * (appointments.routes.ts).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { api, errorResponses } from "../../http/routes.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { ctxOf } from "../access/context.ts";
import { careStaff, personAccess } from "./care.policies.ts";
import type { LinkWithHolder } from "./care.repository.ts";
import {
  GrantsBody,
  InvitationParams,
  InviteBody,
  InvitedResponse,
  LinkParams,
  LinkResponse,
  PersonParams,
  RepresentativesResponse,
  WithdrawnResponse,
} from "./care.schemas.ts";
import {
  changeGrants,
  inviteToPerson,
  representativesOf,
  withdrawInvitation,
} from "./representatives.service.ts";

const TAGS: ["care"] = ["care"];

function linkJson(l: Pick<LinkWithHolder, "id" | "holder_name" | "relationship" | "grants" | "created_at">) {
  return {
    id: l.id,
    name: l.holder_name,
    relationship: l.relationship,
    grants: [...l.grants],
    since: l.created_at.toISOString(),
  };
}

export function linkRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = "/api/v1/authorities/:authorityId/care/people/:personId";

  json.get(
    `${base}/links`,
    api(
      { who: personAccess, scope: "care:read" },
      {
        operationId: "listCareLinks",
        tags: TAGS,
        summary: "A person's linked accounts, and the open invitations",
        description:
          "Care staff and the person see every link; a representative their own. Open invitations: care staff only. 404 for anyone not linked; 403 for a link with no grant.",
        params: PersonParams,
        response: { 200: RepresentativesResponse },
      },
    ),
    async (request) => {
      const { links, invitations } = await representativesOf(
        ctxOf(request),
        request.authority.id,
        request.params.personId,
      );
      return {
        links: links.map(linkJson),
        invitations: invitations.map((i) => ({
          id: i.id,
          email: i.email,
          relationship: i.relationship,
          grants: [...i.grants],
          sentAt: i.created_at.toISOString(),
          expiresAt: i.expires_at.toISOString(),
          emailed: i.emailed_at !== null,
        })),
      };
    },
  );

  json.post(
    `${base}/invitations`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "inviteToCarePerson",
        tags: TAGS,
        summary: "Invite an account to link to a person, with what the person lets it do",
        description:
          "Care staff only. The invitee is emailed a link that lasts 14 days; they accept it signed in with the address invited. In demo mode, where no email is sent, the answer holds the link.",
        params: PersonParams,
        body: InviteBody,
        response: { 201: InvitedResponse },
      },
    ),
    async (request, reply) => {
      const { invitation, token } = await inviteToPerson(
        { ...ctxOf(request), secrets: request.server.accountSecrets },
        request.authority.id,
        request.params.personId,
        request.body,
      );
      return reply.status(201).send({
        id: invitation.id,
        expiresAt: invitation.expires_at.toISOString(),
        ...(app.deps.config.demo ? { link: `/care/invitations/${token}` } : {}),
      });
    },
  );

  json.post(
    `${base}/invitations/:invitationId/withdraw`,
    api(
      { who: careStaff, scope: "care:write" },
      {
        operationId: "withdrawCareInvitation",
        tags: TAGS,
        summary: "Withdraw an open invitation",
        description:
          "Care staff only. 409 once accepted, withdrawn or expired. The invitee is told by email if the invitation was emailed (told).",
        params: InvitationParams,
        body: "none",
        response: { 200: WithdrawnResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const { personId, invitationId } = request.params;
      const { told } = await withdrawInvitation(ctxOf(request), request.authority.id, personId, invitationId);
      return { id: invitationId, withdrawn: true as const, told };
    },
  );

  json.put(
    `${base}/links/:linkId/grants`,
    api(
      { who: personAccess, scope: "care:write" },
      {
        operationId: "changeCareLinkGrants",
        tags: TAGS,
        summary: "Change what a representative may do for the person",
        description:
          "The person themself only (403 for a representative or care staff; 404 for anyone not linked, or a link that is not live). A champion may never make payments.",
        params: LinkParams,
        body: GrantsBody,
        response: { 200: LinkResponse },
      },
    ),
    async (request) => {
      const { personId, linkId } = request.params;
      const ctx = ctxOf(request);
      await changeGrants(ctx, request.authority.id, personId, linkId, request.body.grants);
      const { links } = await representativesOf(ctx, request.authority.id, personId);
      const link = links.find((l) => l.id === linkId);
      if (!link) throw new NotFoundError("representative");
      return linkJson(link);
    },
  );
}
