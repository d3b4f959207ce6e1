/**
 * A person appoints a consumer champion (champion-links.service.ts) and downloads everything held
 * about them (subject-access.service.ts): the API under /api/v1/authorities/:authorityId/care and the
 * person's pages under /care/people/:personId (care staff download from their page of the person).
 * The download is never cached (`Cache-Control: no-store`).
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { field, fieldList, formPage } from "../../http/forms.ts";
import { api, errorResponses, page } from "../../http/routes.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { careStaff, personAccess } from "./care.policies.ts";
import {
  AppointChampionBody,
  CreatedResponse,
  LinkParams,
  PersonDataResponse,
  PersonParams,
  RevokedResponse,
} from "./care.schemas.ts";
import { authorityOfLinkedPerson } from "./care.service.ts";
import { appointChampion, CHAMPION_GRANTS, championChoices } from "./champion-links.service.ts";
import { revokeLink } from "./representatives.service.ts";
import { downloadPersonData } from "./subject-access.service.ts";

const TAGS: ["care"] = ["care"];

/** Sends a person's download as a JSON file, never cached. */
async function sendDownload(
  request: FastifyRequest,
  reply: FastifyReply,
  authorityId: string,
  personId: string,
): Promise<void> {
  const data = await downloadPersonData(ctxOf(request), authorityId, personId);
  await reply
    .header("cache-control", "no-store")
    .header("content-type", "application/json; charset=utf-8")
    .header("content-disposition", `attachment; filename="openps-person-${personId}.json"`)
    .send(JSON.stringify(data, null, 2));
}

/** The same, as a readable page (audited as a download too), never cached. */
async function showDownload(
  request: FastifyRequest,
  reply: FastifyReply,
  authorityId: string,
  personId: string,
  back: string,
): Promise<void> {
  const data = await downloadPersonData(ctxOf(request), authorityId, personId);
  await reply.header("cache-control", "no-store").page("care/views/person-data.njk", {
    data,
    back,
    file: `${back}/data`,
    money: (pence: string) => formatMoney(BigInt(pence) as Pence),
    noindex: true,
  });
}

type OwnPersonRequest = FastifyRequest<{ Params: { personId: string } }>;

export function appointmentRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = "/api/v1/authorities/:authorityId/care";

  json.post(
    `${base}/people/:personId/champions`,
    api(
      { who: personAccess, scope: "care:write" },
      {
        operationId: "appointConsumerChampion",
        tags: TAGS,
        summary: "The person appoints a consumer champion to act for them, with what it may do",
        description:
          "The person themself only (403 for a representative or care staff; 404 for anyone not linked). The champion's people then act for the person within the grants; the person may end it at any time (…/links/{linkId}/revoke), the champion too. Both are told in their inboxes.",
        params: PersonParams,
        body: AppointChampionBody,
        response: { 201: CreatedResponse },
      },
    ),
    async (request, reply) => {
      const email = request.server.deps.mailer !== undefined;
      const link = await appointChampion(
        { ...ctxOf(request), email },
        request.authority.id,
        request.params.personId,
        request.body,
      );
      return reply.status(201).send({ id: link.id });
    },
  );

  json.post(
    `${base}/people/:personId/links/:linkId/revoke`,
    api(
      { who: personAccess, scope: "care:write" },
      {
        operationId: "revokeCareLink",
        tags: TAGS,
        summary: "End a representative's or a champion's link to the person",
        description:
          "The person themself (a representative's or champion's link) or the authority's care staff (any link). 403 for a representative or champion; 404 for anyone not linked, or a link that is not live.",
        params: LinkParams,
        body: "none",
        response: { 200: RevokedResponse },
      },
    ),
    async (request) => {
      const { personId, linkId } = request.params;
      await revokeLink(
        { ...ctxOf(request), email: request.server.deps.mailer !== undefined },
        request.authority.id,
        personId,
        linkId,
      );
      return { id: linkId, revoked: true as const };
    },
  );

  json.get(
    `${base}/people/:personId/data`,
    api(
      { who: personAccess, scope: "care:read" },
      {
        operationId: "downloadCarePersonData",
        tags: TAGS,
        summary: "Everything held about a person (subject access)",
        description:
          "The person's record, needs, plans with every budget version, reviews, concerns, links, invitations, the audit events about them, the notices sent about them, and the budgets' ledger. The person themself, an appointee or deputy with see-plan, or the authority's care staff; 403 for other representatives and champions; 404 for anyone else. Audited; never cached.",
        params: PersonParams,
        response: { 200: PersonDataResponse, ...errorResponses(403) },
      },
    ),
    async (request, reply) => {
      const data = await downloadPersonData(ctxOf(request), request.authority.id, request.params.personId);
      return reply.header("cache-control", "no-store").send(data);
    },
  );

  // Pages

  app.get(
    "/care/people/:personId/data",
    page({ who: personAccess }),
    async (request: OwnPersonRequest, reply) => {
      const authorityId = await authorityOfLinkedPerson(ctxOf(request), request.params.personId);
      await sendDownload(request, reply, authorityId, request.params.personId);
    },
  );

  app.get(
    "/authorities/:slug/care/people/:personId/data",
    page({ who: careStaff }),
    async (request: FastifyRequest<{ Params: { slug: string; personId: string } }>, reply) => {
      await sendDownload(request, reply, request.authority.id, request.params.personId);
    },
  );

  app.get(
    "/care/people/:personId/data/page",
    page({ who: personAccess }),
    async (request: OwnPersonRequest, reply) => {
      const { personId } = request.params;
      const authorityId = await authorityOfLinkedPerson(ctxOf(request), personId);
      await showDownload(request, reply, authorityId, personId, `/care/people/${personId}`);
    },
  );

  app.get(
    "/authorities/:slug/care/people/:personId/data/page",
    page({ who: careStaff }),
    async (request: FastifyRequest<{ Params: { slug: string; personId: string } }>, reply) => {
      const { authority } = request;
      const back = `/authorities/${authority.slug}/care/people/${request.params.personId}`;
      await showDownload(request, reply, authority.id, request.params.personId, back);
    },
  );

  formPage(app, "/care/people/:personId/champions/new", {
    who: personAccess,
    template: "care/views/champion-form.njk",
    context: async (request: OwnPersonRequest) => {
      const ctx = ctxOf(request);
      const authorityId = await authorityOfLinkedPerson(ctx, request.params.personId);
      return {
        authorityId,
        personId: request.params.personId,
        champions: await championChoices(ctx),
        grants: CHAMPION_GRANTS,
      };
    },
    values: () => ({ championId: "", grants: ["see-plan"] as string[] }),
    read: (body) => ({ championId: field(body, "championId"), grants: fieldList(body, "grants") }),
    submit: async (request, values, { authorityId, personId }) => {
      await appointChampion(
        { ...ctxOf(request), email: request.server.deps.mailer !== undefined },
        authorityId,
        personId,
        values,
      );
      return `/care/people/${personId}?done=champion#representatives`;
    },
  });
}
