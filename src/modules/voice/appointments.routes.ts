/**
 * The people who have appointed a consumer champion to act for them (care's champion links,
 * docs/consumer-champions.md), for the champion's people only: the page `/champions/:championId/people`
 * (their names, what each allows, a link to the person's page and a button to end the appointment)
 * and the API. Names are personal data: only the champion's own people see them (403 for anyone
 * else, platform administrators included); the pages are not indexed.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { Type } from "typebox";
import { buttonAction } from "../../http/forms.ts";
import { api, page } from "../../http/routes.ts";
import { Instant, Nullable, PageKeyQuery, Uuid } from "../../http/schemas.ts";
import { ctxOf } from "../access/context.ts";
import { appointmentsOfChampion, endAppointment } from "../care/champion-links.service.ts";
import { championOf } from "./champions.service.ts";
import { championStaff } from "./voice.policies.ts";
import { ChampionParams } from "./voice.schemas.ts";

const tags: ["champions"] = ["champions"];

const AppointmentParams = Type.Object({ championId: Uuid, linkId: Uuid });
const AppointmentsQuery = Type.Object({ after: PageKeyQuery.after });
const AppointmentsResponse = Type.Object({
  appointments: Type.Array(
    Type.Object({
      id: Uuid,
      authorityId: Uuid,
      personId: Uuid,
      name: Type.String({ description: "The person's name: personal data, for the champion's people only" }),
      grants: Type.Array(Type.String()),
      appointedAt: Instant,
      pageUrl: Type.String(),
    }),
  ),
  next: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last page" })),
});

type PeopleRequest = FastifyRequest<{ Params: { championId: string }; Querystring: { after?: string } }>;
type AppointmentRequest = FastifyRequest<{ Params: { championId: string; linkId: string } }>;

export function appointmentRoutes(app: FastifyInstance): void {
  app.get(
    "/champions/:championId/people",
    page({ who: championStaff("see the people who appointed this champion") }),
    async (request: PeopleRequest, reply) => {
      const ctx = ctxOf(request);
      const body = await championOf(ctx, request.params.championId);
      const after = typeof request.query?.after === "string" ? request.query.after : undefined;
      const found = await appointmentsOfChampion(ctx, body.id, after);
      const done = (request.query as { done?: unknown })?.done === "ended";
      await reply.page("voice/views/appointments.njk", { body, ...found, done, noindex: true });
    },
  );

  buttonAction(
    app,
    "/champions/:championId/people/:linkId/end",
    { who: championStaff("end an appointment of this champion") },
    async (request: AppointmentRequest) => {
      const { championId, linkId } = request.params;
      await endAppointment(
        { ...ctxOf(request), email: request.server.deps.mailer !== undefined },
        championId,
        linkId,
      );
      return `/champions/${championId}/people?done=ended`;
    },
  );

  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  json.get(
    "/api/v1/champions/:championId/appointments",
    api(
      { who: championStaff("see the people who appointed this champion"), scope: "care:read" },
      {
        operationId: "listChampionAppointments",
        tags,
        summary: "The people who have appointed the champion to act for them",
        description:
          "Live appointments, oldest first, 25 at a time by key. The champion's own people only (403 for anyone else, platform administrators included): the names are personal data.",
        params: ChampionParams,
        querystring: AppointmentsQuery,
        response: { 200: AppointmentsResponse },
      },
    ),
    async (request) => {
      const found = await appointmentsOfChampion(
        ctxOf(request),
        request.params.championId,
        request.query.after,
      );
      return {
        appointments: found.appointments.map((a) => ({
          id: a.linkId,
          authorityId: a.authorityId,
          personId: a.personId,
          name: a.name,
          grants: [...a.grants],
          appointedAt: a.appointedAt.toISOString(),
          pageUrl: `/care/people/${a.personId}`,
        })),
        next: found.next,
      };
    },
  );

  json.post(
    "/api/v1/champions/:championId/appointments/:linkId/end",
    api(
      { who: championStaff("end an appointment of this champion"), scope: "care:write" },
      {
        operationId: "endChampionAppointment",
        tags,
        summary: "The champion stops acting for a person who appointed it",
        description:
          "The champion's own people only; 404 for an appointment that is not the champion's or no longer live. The person is told.",
        params: AppointmentParams,
        body: "none",
        response: { 200: Type.Object({ id: Uuid, ended: Type.Literal(true) }) },
      },
    ),
    async (request) => {
      const { championId, linkId } = request.params;
      await endAppointment(
        { ...ctxOf(request), email: request.server.deps.mailer !== undefined },
        championId,
        linkId,
      );
      return { id: linkId, ended: true as const };
    },
  );
}
