/**
 * Commissioning projects' pages — an authority's projects, a project with its pipeline notice, and
 * publishing a draft — and its JSON API. Thin: parse, call the service, render or serialise. Who
 * may do what is decided in projects.service.ts from `request.principal`.
 */

import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, fieldList, submitForm } from "../../http/forms.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError } from "../../lib/errors.ts";
import { londonDate, londonDateTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { isAuthorityEditor, type Principal, requireAuthorityEditor } from "../access/access.service.ts";
import { editorsFirst } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityById, authorityBySlug } from "../authorities/authorities.service.ts";
import { listConsultations } from "../consultations/consultations.service.ts";
import { registerOf } from "../services/services.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import type { ProjectRow } from "./projects.repository.ts";
import {
  AuthorityParams,
  CreateProjectBody,
  ErrorResponse,
  ProjectListResponse,
  ProjectParams,
  ProjectResponse,
  UpdateProjectBody,
} from "./projects.schemas.ts";
import {
  createProject,
  draftOf,
  markProcurementStarted,
  PLANNED_DATES,
  type ProjectDraft,
  participantChoices,
  procurementWindow,
  projectOf,
  projectsOf,
  publishProject,
  updateProject,
} from "./projects.service.ts";

const hide = { schema: { hide: true } };

function formValues(body: unknown) {
  return {
    title: field(body, "title"),
    description: field(body, "description"),
    need: field(body, "need"),
    categoryCode: field(body, "categoryCode"),
    areaCode: field(body, "areaCode"),
    estimatedValue: field(body, "estimatedValue"),
    serviceIds: fieldList(body, "serviceIds"),
    participantIds: fieldList(body, "participantIds"),
    dates: Object.fromEntries(
      PLANNED_DATES.map((d) => [
        d,
        { day: field(body, `${d}-day`), month: field(body, `${d}-month`), year: field(body, `${d}-year`) },
      ]),
    ),
  };
}

function draftFromForm(body: unknown): ProjectDraft {
  const v = formValues(body);
  return {
    title: v.title,
    description: v.description,
    need: v.need,
    categoryCode: v.categoryCode,
    areaCode: v.areaCode,
    estimatedValue: v.estimatedValue,
    serviceIds: v.serviceIds,
    participantIds: v.participantIds,
    ...Object.fromEntries(PLANNED_DATES.map((d) => [d, dateField(body, d)])),
  };
}

/** A project's form values from its current details (the edit page). */
function valuesOfProject(project: ProjectRow) {
  const d = draftOf(project);
  const parts = (iso: string) => {
    const [year, month, day] = iso.split("-");
    return { day: String(Number(day)), month: String(Number(month)), year: year ?? "" };
  };
  return {
    title: d.title,
    description: d.description,
    need: d.need,
    categoryCode: d.categoryCode,
    areaCode: d.areaCode,
    estimatedValue: formatMoney(project.estimated_value_pence as Pence, { pence: false }).replace("£", ""),
    serviceIds: [...d.serviceIds],
    participantIds: [...d.participantIds],
    dates: Object.fromEntries(PLANNED_DATES.map((name) => [name, parts(d[name])])),
  };
}

/** A project as the pages show it. */
function display(project: ProjectRow, clock: Clock) {
  const window = procurementWindow(project, clock);
  return {
    ...project,
    procurementStartedText: longDate(project.procurement_started_on),
    procurementWindow: window
      ? {
          ...window,
          earliestText: longDate(window.earliest),
          latestText: longDate(window.latest),
          startedOnText: longDate(window.startedOn),
        }
      : null,
    estimatedValue: formatMoney(project.estimated_value_pence as Pence, { pence: false }),
    dates: {
      marketEngagement: longDate(project.market_engagement_date),
      tender: longDate(project.tender_date),
      award: longDate(project.award_date),
      start: longDate(project.start_date),
    },
    publishedAtText: project.published_at ? longDate(londonDate(project.published_at)) : "",
  };
}

export function toApi(project: ProjectRow, clock: Clock): ProjectResponse {
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
    procurementWindow: procurementWindow(project, clock),
    pageUrl: `/authorities/${project.authority_slug}/projects/${project.id}`,
    createdAt: project.created_at.toISOString(),
    updatedAt: project.updated_at.toISOString(),
  };
}

export async function projectsRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  type Slug = { Params: { slug: string } };
  type SlugProject = { Params: { slug: string; projectId: string } };

  // Pages

  app.get<Slug>("/authorities/:slug/projects", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    const projects = await projectsOf(db, request.principal, authority.id);
    await reply.page("projects/views/projects.njk", {
      authority,
      projects: projects.map((p) => display(p, clock)),
      canEdit: isAuthorityEditor(request.principal, authority.id),
    });
  });

  async function formContext(
    authority: Authority,
    body: unknown,
    action = `/authorities/${authority.slug}/projects/new`,
  ) {
    const [categories, services, authorities] = await Promise.all([
      listServiceCategories(db),
      registerOf({ db, clock, principal: null }, authority.id),
      participantChoices(db, authority.id),
    ]);
    return {
      authority,
      action,
      values: formValues(body),
      categories,
      services,
      authorities,
      dateFields: PLANNED_DATES,
    };
  }

  app.get<Slug>("/authorities/:slug/projects/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    await reply.page("projects/views/form.njk", await formContext(authority, {}));
  });

  app.post<Slug>("/authorities/:slug/projects/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const context = await formContext(authority, request.body);
    await submitForm(reply, "projects/views/form.njk", context, async () => {
      const id = await transaction(db, (trx) =>
        createProject(trx, clock, request.principal, authority.id, draftFromForm(request.body)),
      );
      return `/authorities/${authority.slug}/projects/${id}`;
    });
  });

  async function projectPage(authority: Authority, project: ProjectRow, extra: Record<string, unknown>) {
    return {
      authority,
      project: display(project, clock),
      canEdit: isAuthorityEditor(extra.principal as Principal | null, authority.id),
      startedOn: { day: "", month: "", year: "" },
      ...extra,
    };
  }

  app.get<SlugProject>("/authorities/:slug/projects/:projectId", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    const project = await projectOf(db, request.principal, authority.id, request.params.projectId);
    const query = (request.query ?? {}) as Record<string, string>;
    const notice =
      query.published === "1"
        ? "published"
        : query.updated === "1"
          ? "updated"
          : query.started === "1"
            ? "started"
            : undefined;
    const consultations = (
      await listConsultations(db, clock, request.principal, {
        authorityId: authority.id,
        projectId: project.id,
      })
    ).map((c) => ({ id: c.id, title: c.title, state: c.state, closesText: londonDateTime(c.closes_at) }));
    await reply.page("projects/views/project.njk", {
      ...(await projectPage(authority, project, { principal: request.principal, notice })),
      consultations,
    });
  });

  app.post<SlugProject>("/authorities/:slug/projects/:projectId/publish", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    await transaction(db, (trx) =>
      publishProject(trx, clock, request.principal, authority.id, request.params.projectId),
    );
    await reply.redirect(
      `/authorities/${authority.slug}/projects/${request.params.projectId}?published=1`,
      303,
    );
  });

  /** The edit page of a draft project: 409 once published (a published project cannot change). */
  async function editableProject(authority: Authority, principal: Principal | null, projectId: string) {
    await requireAuthorityEditor(db, principal, authority.id);
    const project = await projectOf(db, principal, authority.id, projectId);
    if (project.status === "published")
      throw new ConflictError(
        "This project has been published and its pipeline notice issued; a published project cannot be changed.",
        "project_published",
      );
    return project;
  }

  app.get<SlugProject>("/authorities/:slug/projects/:projectId/edit", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    const project = await editableProject(authority, request.principal, request.params.projectId);
    const action = `/authorities/${authority.slug}/projects/${project.id}/edit`;
    await reply.page("projects/views/form.njk", {
      ...(await formContext(authority, {}, action)),
      project,
      values: valuesOfProject(project),
    });
  });

  app.post<SlugProject>("/authorities/:slug/projects/:projectId/edit", hide, async (request, reply) => {
    const authority = await authorityBySlug(app.deps.db, request.params.slug);
    const project = await editableProject(authority, request.principal, request.params.projectId);
    const action = `/authorities/${authority.slug}/projects/${project.id}/edit`;
    const context = { ...(await formContext(authority, request.body, action)), project };
    await submitForm(reply, "projects/views/form.njk", context, async () => {
      // The form sends every field: participants left unticked are removed.
      await transaction(db, (trx) =>
        updateProject(trx, clock, request.principal, authority.id, project.id, draftFromForm(request.body)),
      );
      return `/authorities/${authority.slug}/projects/${project.id}?updated=1`;
    });
  });

  app.post<SlugProject>(
    "/authorities/:slug/projects/:projectId/procurement-started",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(app.deps.db, request.params.slug);
      await requireAuthorityEditor(db, request.principal, authority.id);
      const project = await projectOf(db, request.principal, authority.id, request.params.projectId);
      const context = await projectPage(authority, project, {
        principal: request.principal,
        startedOn: {
          day: field(request.body, "startedOn-day"),
          month: field(request.body, "startedOn-month"),
          year: field(request.body, "startedOn-year"),
        },
      });
      await submitForm(reply, "projects/views/project.njk", context, async () => {
        await transaction(db, (trx) =>
          markProcurementStarted(
            trx,
            clock,
            request.principal,
            authority.id,
            project.id,
            dateField(request.body, "startedOn"),
          ),
        );
        return `/authorities/${authority.slug}/projects/${project.id}?started=1`;
      });
    },
  );

  // The JSON API

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

  api.get(
    "/api/v1/authorities/:authorityId/projects",
    {
      schema: {
        tags: ["projects"],
        summary: "An authority's commissioning projects",
        description:
          "Published projects the authority leads, for everyone; drafts too for its commissioners and administrators.",
        params: AuthorityParams,
        response: { 200: ProjectListResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      const projects = await projectsOf(db, request.principal, authority.id);
      return {
        authority: { id: authority.id, name: authority.name, slug: authority.slug },
        projects: projects.map((p) => toApi(p, clock)),
      };
    },
  );

  api.get(
    "/api/v1/authorities/:authorityId/projects/:projectId",
    {
      schema: {
        tags: ["projects"],
        summary: "A commissioning project, with its pipeline notice once published",
        description: "Drafts are not found, except by the lead authority's commissioners and administrators.",
        params: ProjectParams,
        response: { 200: ProjectResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      return toApi(await projectOf(db, request.principal, authority.id, request.params.projectId), clock);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/projects",
    {
      schema: {
        tags: ["projects"],
        summary: "Draft a commissioning project",
        description:
          "For the lead authority's commissioners and administrators (and platform administrators), once it is verified. The services must be on the lead's register; participantIds make it joint. 422 for dates out of order (engagement ≤ tender ≤ award ≤ start), services on another register, or the lead among the participants.",
        params: AuthorityParams,
        body: CreateProjectBody,
        response: { 201: ProjectResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      const id = await transaction(db, (trx) =>
        createProject(trx, clock, request.principal, authority.id, request.body),
      );
      const project = await projectOf(db, request.principal, authority.id, id);
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/projects/${id}`)
        .send(toApi(project, clock));
    },
  );

  api.patch(
    "/api/v1/authorities/:authorityId/projects/:projectId",
    {
      schema: {
        tags: ["projects"],
        summary: "Change a draft commissioning project",
        description:
          "Only the fields given change; the result is checked whole. 409 once published. Same permissions as drafting.",
        params: ProjectParams,
        body: UpdateProjectBody,
        response: { 200: ProjectResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      await transaction(db, (trx) =>
        updateProject(trx, clock, request.principal, authority.id, request.params.projectId, request.body),
      );
      return toApi(await projectOf(db, request.principal, authority.id, request.params.projectId), clock);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/projects/:projectId/publish",
    {
      schema: {
        tags: ["projects"],
        summary: "Publish a commissioning project, issuing its pipeline notice",
        description: "The notice is an immutable record with its time. 409 once published.",
        params: ProjectParams,
        response: { 200: ProjectResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(app.deps.db, request.params.authorityId);
      await transaction(db, (trx) =>
        publishProject(trx, clock, request.principal, authority.id, request.params.projectId),
      );
      return toApi(await projectOf(db, request.principal, authority.id, request.params.projectId), clock);
    },
  );
}
