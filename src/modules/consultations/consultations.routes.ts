/**
 * Consultations' JSON API (/api/v1/consultations and /api/v1/authorities/:authorityId/consultations),
 * mirroring the pages (consultations.pages.ts, responses.pages.ts), which it registers too. Each
 * route states who may call it and calls one service; the service decides every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses, type Who } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, signedIn } from "../access/policies.ts";
import { consultationPages } from "./consultations.pages.ts";
import {
  AnswersBody,
  AnswersResponse,
  AuthorityParams,
  ConsultationListResponse,
  ConsultationParams,
  ConsultationResponse,
  CreateConsultationBody,
  ListQuery,
  PublishSummaryBody,
  RespondBody,
  RespondResponse,
  ResponsesResponse,
  UpdateConsultationBody,
} from "./consultations.schemas.ts";
import { type ConsultationView, consultationOf, consultationsWithSections } from "./consultations.service.ts";
import { createConsultation, publishConsultation, updateConsultation } from "./drafting.service.ts";
import { responsePages } from "./responses.pages.ts";
import { respond, responsesOf, type ShownResponse } from "./responses.service.ts";
import { answerPoints, publishSummary } from "./you-said-we-did.service.ts";

/**
 * A consultation for the API. Its project is shown once the project is published (a draft project
 * is visible to the authority's editors only).
 */
export function toApi(c: ConsultationView): ConsultationResponse {
  const project = c.project_status === "published" || c.editor;
  return {
    id: c.id,
    authority: { id: c.authority_id, name: c.authority_name, slug: c.authority_slug },
    kind: c.kind,
    project:
      project && c.project_id && c.project_title && c.project_ocid
        ? { id: c.project_id, title: c.project_title, ocid: c.project_ocid }
        : null,
    ocid: project ? (c.project_ocid ?? null) : null,
    title: c.title,
    summary: c.summary,
    audience: c.audience,
    closesAt: c.closes_at.toISOString(),
    status: c.state,
    publishedAt: c.published_at ? c.published_at.toISOString() : null,
    summaryPublishedAt: c.summary_published_at ? c.summary_published_at.toISOString() : null,
    summaryText: c.summary_text,
    sections: c.sections.map((s) => ({
      id: s.id,
      position: s.position,
      heading: s.heading,
      body: s.body,
      questions: s.questions.map((q) => ({ id: q.id, position: q.position, text: q.text })),
    })),
    pageUrl: `/authorities/${c.authority_slug}/consultations/${c.id}`,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

function responseToApi(r: ShownResponse) {
  return {
    id: r.id,
    respondent: r.label,
    named: r.named,
    respondentKind: r.respondentKind,
    ...(r.sentBy !== undefined ? { sentBy: r.sentBy, organisationName: r.organisationName ?? null } : {}),
    showName: r.showName,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    sections: r.sections,
  };
}

/**
 * Anyone signed in, about a consultation they may see: the public is asked to sign in (401), and an
 * unknown consultation is 404, before the body is validated.
 */
const respondents: Who = {
  description: "Anyone signed in, as themselves or for an organisation they act for",
  signedIn: true,
  async check(request) {
    await signedIn.check(request);
    const { authorityId, consultationId } = request.params as { authorityId: string; consultationId: string };
    await consultationOf(ctxOf(request), authorityId, consultationId);
  },
};

const tags: ["consultations"] = ["consultations"];
const editors = { who: authorityEditors, scope: "consultations:write" } as const;
/** For a consultation named in the address: looked up before the caller's role is asked (404, then 403). */
const consultationEditors = { who: afterLookup(authorityEditors), scope: "consultations:write" } as const;

function readApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/consultations",
    api(
      { who: anyone },
      {
        operationId: "listConsultations",
        tags,
        summary: "Consultations nationally",
        description:
          "Published consultations of every authority, newest closing first, with their sections and questions. Filters: authority (slug), kind, status (open, closed, summary-published).",
        querystring: ListQuery,
        response: { 200: ConsultationListResponse },
      },
    ),
    async (request) => ({
      consultations: (await consultationsWithSections(ctxOf(request), request.query)).map(toApi),
    }),
  );

  json.get(
    "/api/v1/authorities/:authorityId/consultations",
    api(
      { who: anyone },
      {
        operationId: "listAuthorityConsultations",
        tags,
        summary: "An authority's consultations",
        description:
          "Published consultations for everyone; drafts too for the authority's commissioners and administrators.",
        params: AuthorityParams,
        response: { 200: ConsultationListResponse },
      },
    ),
    async (request) => {
      const authorityId = request.authority.id;
      return { consultations: (await consultationsWithSections(ctxOf(request), { authorityId })).map(toApi) };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/consultations/:consultationId",
    api(
      { who: anyone },
      {
        operationId: "getConsultation",
        tags,
        summary: "A consultation, with its sections and questions",
        description:
          "Drafts are not found, except by the authority's commissioners and administrators. status is derived from the clock: open until closesAt, closed after.",
        params: ConsultationParams,
        response: { 200: ConsultationResponse },
      },
    ),
    async (request) =>
      toApi(await consultationOf(ctxOf(request), request.authority.id, request.params.consultationId)),
  );
}

function draftingApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/authorities/:authorityId/consultations",
    api(editors, {
      operationId: "createConsultation",
      tags,
      summary: "Draft a consultation",
      description:
        "A market engagement names one of the authority's commissioning projects; a policy consultation none (422). 422 for a closing instant that is not in the future.",
      params: AuthorityParams,
      body: CreateConsultationBody,
      response: { 201: ConsultationResponse, ...errorResponses(422) },
    }),
    async (request, reply) => {
      const { authority } = request;
      const c = await createConsultation(ctxOf(request), authority.id, request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/consultations/${c.id}`)
        .send(toApi(c));
    },
  );

  json.patch(
    "/api/v1/authorities/:authorityId/consultations/:consultationId",
    api(consultationEditors, {
      operationId: "updateConsultation",
      tags,
      summary: "Change a draft consultation",
      description:
        "Only the fields given change (sections replace all sections); the result is checked whole. 409 once published.",
      params: ConsultationParams,
      body: UpdateConsultationBody,
      response: { 200: ConsultationResponse, ...errorResponses(409, 422) },
    }),
    async (request) => {
      const { authority, params, body } = request;
      return toApi(await updateConsultation(ctxOf(request), authority.id, params.consultationId, body));
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/publish",
    api(consultationEditors, {
      operationId: "publishConsultation",
      tags,
      summary: "Publish a draft consultation: it opens for responses until it closes",
      description: "409 once published; 422 if its closing instant has passed (change it first).",
      params: ConsultationParams,
      body: "none",
      response: { 200: ConsultationResponse, ...errorResponses(409, 422) },
    }),
    async (request) =>
      toApi(await publishConsultation(ctxOf(request), request.authority.id, request.params.consultationId)),
  );
}

function responsesApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/responses",
    api(
      { who: respondents, scope: "consultations:respond" },
      {
        operationId: "respondToConsultation",
        tags,
        summary: "Respond to an open consultation, or change your response",
        description:
          "As yourself, or (organisationId) for an organisation you act for (403 otherwise). One response per person or organisation: sending again replaces it (200; 201 the first time). 409 once the consultation has closed. 422 for 'could be delivered differently' without the alternative model.",
        params: ConsultationParams,
        body: RespondBody,
        response: { 200: RespondResponse, 201: RespondResponse, ...errorResponses(409, 422) },
      },
    ),
    async (request, reply) => {
      const { authority, params, body } = request;
      const result = await respond(ctxOf(request), authority.id, params.consultationId, body);
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/responses",
    api(
      { who: anyone },
      {
        operationId: "listConsultationResponses",
        tags,
        summary: "The responses to a consultation",
        description:
          "For the authority's commissioners and administrators at any time, with who sent each. For everyone else once it has closed (409 before), named only where the respondent agreed.",
        params: ConsultationParams,
        response: { 200: ResponsesResponse, ...errorResponses(409) },
      },
    ),
    async (request) => {
      const result = await responsesOf(ctxOf(request), request.authority.id, request.params.consultationId);
      return { consultation: toApi(result.consultation), responses: result.responses.map(responseToApi) };
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/answers",
    api(consultationEditors, {
      operationId: "answerConsultationPoints",
      tags,
      summary: 'Answer points made in responses ("you said, we did")',
      description:
        "A point is a response's section with content. After closing and before the summary is published (409 otherwise). An empty weDid clears an answer.",
      params: ConsultationParams,
      body: AnswersBody,
      response: { 200: AnswersResponse, ...errorResponses(409) },
    }),
    async (request) => {
      const { authority, params, body } = request;
      return {
        answered: await answerPoints(ctxOf(request), authority.id, params.consultationId, body.answers),
      };
    },
  );

  json.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/summary/publish",
    api(consultationEditors, {
      operationId: "publishConsultationSummary",
      tags,
      summary: 'Publish the "you said, we did" summary',
      description:
        "After closing (409 before, and once published), with every point answered (422 listing each one missing). Every respondent is told.",
      params: ConsultationParams,
      body: PublishSummaryBody,
      response: { 200: ConsultationResponse, ...errorResponses(409, 422) },
    }),
    async (request) => {
      const { authority, params, body } = request;
      const summaryText = body?.summaryText ?? "";
      return toApi(await publishSummary(ctxOf(request), authority.id, params.consultationId, summaryText));
    },
  );
}

export async function consultationsRoutes(app: FastifyInstance): Promise<void> {
  consultationPages(app);
  responsePages(app);
  readApi(app);
  draftingApi(app);
  responsesApi(app);
}
