/**
 * Commissioning projects' pages: an authority's projects, a project with its pipeline notice and
 * consultations, the forms to draft and change one, publishing it, and recording that its
 * procurement started outside OpenPS. Each route states who may call it and calls one service; the
 * service decides every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, fieldList, formAction, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { type Language, londonDate, londonDateTime, longDate } from "../../lib/london-time.ts";
import { formatMoney, type Pence } from "../../lib/money.ts";
import { panelsContext } from "../../lib/ports.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import {
  createProject,
  draftOf,
  markProcurementStarted,
  PLANNED_DATES,
  type ProjectDraft,
  type ProjectView,
  projectForm,
  projectPage,
  projectsPage,
  publishProject,
  updateProject,
} from "./projects.service.ts";

type DateParts = { day: string; month: string; year: string };

interface ProjectFormValues {
  title: string;
  description: string;
  need: string;
  categoryCode: string;
  areaCode: string;
  estimatedValue: string;
  serviceIds: string[];
  participantIds: string[];
  dates: Record<string, DateParts>;
}

const dateParts = (body: unknown, name: string): DateParts => ({
  day: field(body, `${name}-day`),
  month: field(body, `${name}-month`),
  year: field(body, `${name}-year`),
});

/** A date input's parts as YYYY-MM-DD (or "" / "not-a-date", for the service to refuse). */
const isoOf = (name: string, { day, month, year }: DateParts) =>
  dateField({ [`${name}-day`]: day, [`${name}-month`]: month, [`${name}-year`]: year }, name);

function formValues(body: unknown): ProjectFormValues {
  return {
    title: field(body, "title"),
    description: field(body, "description"),
    need: field(body, "need"),
    categoryCode: field(body, "categoryCode"),
    areaCode: field(body, "areaCode"),
    estimatedValue: field(body, "estimatedValue"),
    serviceIds: fieldList(body, "serviceIds"),
    participantIds: fieldList(body, "participantIds"),
    dates: Object.fromEntries(PLANNED_DATES.map((d) => [d, dateParts(body, d)])),
  };
}

/** What the service takes from the form. It sends every field: participants left unticked are removed. */
function draftOfForm(v: ProjectFormValues): ProjectDraft {
  const { dates, ...rest } = v;
  return {
    ...rest,
    ...Object.fromEntries(
      PLANNED_DATES.map((d) => [d, isoOf(d, dates[d] ?? { day: "", month: "", year: "" })]),
    ),
  };
}

/** A project's form values from its current details (the edit page). */
function valuesOfProject(project: ProjectView): ProjectFormValues {
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
function display(project: ProjectView, locale: Language) {
  const window = project.procurementWindow;
  return {
    ...project,
    procurementStartedText: longDate(project.procurement_started_on, locale),
    procurementWindow: window
      ? {
          ...window,
          earliestText: longDate(window.earliest, locale),
          latestText: longDate(window.latest, locale),
          startedOnText: longDate(window.startedOn, locale),
        }
      : null,
    estimatedValue: formatMoney(project.estimated_value_pence as Pence, { pence: false }),
    dates: {
      marketEngagement: longDate(project.market_engagement_date, locale),
      tender: longDate(project.tender_date, locale),
      award: longDate(project.award_date, locale),
      start: longDate(project.start_date, locale),
    },
    publishedAtText: project.published_at ? longDate(londonDate(project.published_at), locale) : "",
  };
}

type ProjectRequest = FastifyRequest<{ Params: { slug: string; projectId: string } }>;

const projectUrl = (authority: Authority, id: string) => `/authorities/${authority.slug}/projects/${id}`;

/** A project's page, as shown and as re-shown with the errors of its procurement-started form. */
async function projectPageContext(request: ProjectRequest) {
  const { authority } = request;
  const view = await projectPage(ctxOf(request), authority.id, request.params.projectId);
  return {
    authority,
    project: display(view.project, request.locale),
    canEdit: view.canEdit,
    ...panelsContext(view.panels),
    consultations: view.consultations.map((c) => ({
      id: c.id,
      title: c.title,
      state: c.state,
      closesText: londonDateTime(c.closes_at, request.locale),
    })),
  };
}

const NOTICES = { published: "published", updated: "updated", started: "started" } as const;

/** The list and a project's page, and publishing it. */
function projectPages(app: FastifyInstance): void {
  app.get("/authorities/:slug/projects", page({ who: anyone }), async (request, reply) => {
    const { authority } = request;
    const { projects, canEdit } = await projectsPage(ctxOf(request), authority.id);
    await reply.page("projects/views/projects.njk", {
      authority,
      projects: projects.map((item) => display(item, request.locale)),
      canEdit,
    });
  });

  app.get(
    "/authorities/:slug/projects/:projectId",
    page({ who: anyone }),
    async (request: ProjectRequest, reply) => {
      const query = (request.query ?? {}) as Record<string, string>;
      const notice = (Object.keys(NOTICES) as (keyof typeof NOTICES)[]).find((n) => query[n] === "1");
      await reply.page("projects/views/project.njk", {
        ...(await projectPageContext(request)),
        notice,
        values: { startedOn: { day: "", month: "", year: "" } },
      });
    },
  );

  buttonAction(
    app,
    "/authorities/:slug/projects/:projectId/publish",
    { who: afterLookup(authorityEditors) },
    async (request: ProjectRequest) => {
      const { authority } = request;
      const project = await publishProject(ctxOf(request), authority.id, request.params.projectId);
      return `${projectUrl(authority, project.id)}?published=1`;
    },
  );

  formAction(app, "/authorities/:slug/projects/:projectId/procurement-started", {
    who: afterLookup(authorityEditors),
    template: "projects/views/project.njk",
    context: (request: ProjectRequest) => projectPageContext(request),
    read: (body) => ({ startedOn: dateParts(body, "startedOn") }),
    submit: async (request: ProjectRequest, values, { authority, project }) => {
      const startedOn = isoOf("startedOn", values.startedOn);
      await markProcurementStarted(ctxOf(request), authority.id, project.id, startedOn);
      return `${projectUrl(authority, project.id)}?started=1`;
    },
  });
}

/** The forms to draft a project and to change a draft. */
function projectForms(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/projects/new", {
    who: authorityEditors,
    template: "projects/views/form.njk",
    context: async (request) => {
      const { authority } = request;
      return {
        authority,
        action: `/authorities/${authority.slug}/projects/new`,
        dateFields: PLANNED_DATES,
        ...(await projectForm(ctxOf(request), authority.id)),
      };
    },
    values: () => formValues({}),
    read: (body) => formValues(body),
    submit: async (request, values) => {
      const project = await createProject(ctxOf(request), request.authority.id, draftOfForm(values));
      return projectUrl(request.authority, project.id);
    },
  });

  formPage(app, "/authorities/:slug/projects/:projectId/edit", {
    who: afterLookup(authorityEditors),
    template: "projects/views/form.njk",
    context: async (request: ProjectRequest) => {
      const { authority } = request;
      const form = await projectForm(ctxOf(request), authority.id, request.params.projectId);
      const project = form.project as ProjectView;
      return {
        authority,
        action: `${projectUrl(authority, project.id)}/edit`,
        dateFields: PLANNED_DATES,
        ...form,
        project,
      };
    },
    values: (_request, { project }) => valuesOfProject(project),
    read: (body) => formValues(body),
    submit: async (request, values, { authority, project }) => {
      await updateProject(ctxOf(request), authority.id, project.id, draftOfForm(values));
      return `${projectUrl(authority, project.id)}?updated=1`;
    },
  });
}

export function projectsPages(app: FastifyInstance): void {
  projectPages(app);
  projectForms(app);
}
