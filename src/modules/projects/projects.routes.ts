/**
 * Commissioning projects' JSON API (/api/v1/authorities/:authorityId/projects), and its pages
 * (projects.pages.ts). Each route states who may call it and calls one service; the service decides
 * every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import { projectsPages } from "./projects.pages.ts";
import {
  AuthorityParams,
  CreateProjectBody,
  ProjectListResponse,
  ProjectParams,
  ProjectResponse,
  UpdateProjectBody,
} from "./projects.schemas.ts";
import {
  createProject,
  type ProjectView,
  projectOf,
  projectsOf,
  publishProject,
  updateProject,
} from "./projects.service.ts";

export function toApi(project: ProjectView): ProjectResponse {
  return {
    id: project.id,
    ocid: project.ocid,
    authority: { id: project.authority_id, name: project.authority_name, slug: project.authority_slug },
    participants: project.participants,
    joint: project.participants.length > 0,
    title: project.title,
    description: project.description,
    need: project.need,
    category: { code: project.category_code, name: project.category_name },
    area: { code: project.area_code, name: project.area_name },
    estimatedValuePence: project.estimated_value_pence.toString(),
    estimatedValue: formatMoney(project.estimated_value_pence as Pence),
    plannedDates: {
      marketEngagement: project.market_engagement_date,
      tender: project.tender_date,
      award: project.award_date,
      start: project.start_date,
    },
    services: project.services,
    status: project.status,
    publishedAt: project.published_at ? project.published_at.toISOString() : null,
    pipelineNotice: project.notice
      ? {
          id: project.notice.id,
          publishedAt: project.notice.published_at.toISOString(),
          content: project.notice.content,
        }
      : null,
    challengeId: project.challenge_id,
    procurementWindow: project.procurementWindow,
    pageUrl: `/authorities/${project.authority_slug}/projects/${project.id}`,
    createdAt: project.created_at.toISOString(),
    updatedAt: project.updated_at.toISOString(),
  };
}

const tags: ["projects"] = ["projects"];
const editors = { who: authorityEditors, scope: "projects:write" } as const;
/** For a project named in the address: looked up before the caller's role is asked (404, then 403). */
const projectEditors = { who: afterLookup(authorityEditors), scope: "projects:write" } as const;

function readApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.get(
    "/api/v1/authorities/:authorityId/projects",
    api(
      { who: anyone },
      {
        operationId: "listProjects",
        tags,
        summary: "An authority's commissioning projects",
        description:
          "Published projects the authority leads, for everyone; drafts too for its commissioners and administrators.",
        params: AuthorityParams,
        response: { 200: ProjectListResponse },
      },
    ),
    async (request) => {
      const { authority } = request;
      const projects = await projectsOf(ctxOf(request), authority.id);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        projects: projects.map(toApi),
      };
    },
  );

  json.get(
    "/api/v1/authorities/:authorityId/projects/:projectId",
    api(
      { who: anyone },
      {
        operationId: "getProject",
        tags,
        summary: "A commissioning project, with its pipeline notice once published",
        description: "Drafts are not found, except by the lead authority's commissioners and administrators.",
        params: ProjectParams,
        response: { 200: ProjectResponse },
      },
    ),
    async (request) => toApi(await projectOf(ctxOf(request), request.authority.id, request.params.projectId)),
  );
}

function writeApi(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();

  json.post(
    "/api/v1/authorities/:authorityId/projects",
    api(editors, {
      operationId: "createProject",
      tags,
      summary: "Draft a commissioning project",
      description:
        "The services must be on the lead's register; participantIds make it joint. 422 for dates out of order (engagement ≤ tender ≤ award ≤ start), services on another register, or the lead among the participants.",
      params: AuthorityParams,
      body: CreateProjectBody,
      response: { 201: ProjectResponse, ...errorResponses(422) },
    }),
    async (request, reply) => {
      const { authority } = request;
      const project = await createProject(ctxOf(request), authority.id, request.body);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/projects/${project.id}`)
        .send(toApi(project));
    },
  );

  json.patch(
    "/api/v1/authorities/:authorityId/projects/:projectId",
    api(projectEditors, {
      operationId: "updateProject",
      tags,
      summary: "Change a draft commissioning project",
      description: "Only the fields given change; the result is checked whole. 409 once published.",
      params: ProjectParams,
      body: UpdateProjectBody,
      response: { 200: ProjectResponse, ...errorResponses(409, 422) },
    }),
    async (request) =>
      toApi(
        await updateProject(ctxOf(request), request.authority.id, request.params.projectId, request.body),
      ),
  );

  json.post(
    "/api/v1/authorities/:authorityId/projects/:projectId/publish",
    api(projectEditors, {
      operationId: "publishProject",
      tags,
      summary: "Publish a commissioning project, issuing its pipeline notice",
      description: "The notice is an immutable record with its time. 409 once published.",
      params: ProjectParams,
      body: "none",
      response: { 200: ProjectResponse, ...errorResponses(409) },
    }),
    async (request) =>
      toApi(await publishProject(ctxOf(request), request.authority.id, request.params.projectId)),
  );
}

export async function projectsRoutes(app: FastifyInstance): Promise<void> {
  projectsPages(app);
  readApi(app);
  writeApi(app);
}
