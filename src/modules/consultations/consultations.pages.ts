/**
 * Consultations' pages, first part: the national list, an authority's list, a consultation, and the
 * forms to draft, change and publish one ("Add another section" works without JavaScript). The
 * pages of responding and of "you said, we did" are in responses.pages.ts. Each route states who
 * may call it and calls one service; the service decides every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, dateField, field, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { type Language, londonDateTime, londonParts } from "../../lib/london-time.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import {
  authorityConsultations,
  CONSULTATION_KINDS,
  type ConsultationSummary,
  type ConsultationView,
  nationalConsultations,
} from "./consultations.service.ts";
import {
  type ConsultationDraft,
  consultationForm,
  createConsultation,
  draftOf,
  publishConsultation,
  updateConsultation,
} from "./drafting.service.ts";
import { consultationPage } from "./responses.service.ts";

/** Empty section blocks a new consultation's form starts with. */
const NEW_FORM_SECTIONS = 3;
const MAX_FORM_SECTIONS = 30;

export type ConsultationRequest = FastifyRequest<{ Params: { slug: string; consultationId: string } }>;

/** A consultation's page address. */
export const consultationUrl = (authority: Authority, id: string) =>
  `/authorities/${authority.slug}/consultations/${id}`;

/** A consultation as the pages show it. */
export function display<C extends ConsultationSummary>(c: C, locale: Language) {
  return {
    ...c,
    closesText: londonDateTime(c.closes_at, locale),
    publishedText: c.published_at ? londonDateTime(c.published_at, locale) : "",
    summaryPublishedText: c.summary_published_at ? londonDateTime(c.summary_published_at, locale) : "",
    href: `/authorities/${c.authority_slug}/consultations/${c.id}`,
    projectVisible: c.project_id !== null && c.project_status === "published",
  };
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

interface FormValues {
  kind: string;
  projectId: string;
  title: string;
  summary: string;
  audience: string;
  closesAt: { day: string; month: string; year: string };
  closesTime: string;
  sections: { heading: string; body: string; questions: string }[];
  /** "Add another section": the form is shown again with one more, saving nothing; it has the focus. */
  focusSection?: number;
}

function sectionCountOf(body: unknown): number {
  const n = Number(field(body, "sectionCount"));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_FORM_SECTIONS) : NEW_FORM_SECTIONS;
}

function formValues(body: unknown): FormValues {
  const count = sectionCountOf(body);
  return {
    kind: field(body, "kind"),
    projectId: field(body, "projectId"),
    title: field(body, "title"),
    summary: field(body, "summary"),
    audience: field(body, "audience"),
    closesAt: {
      day: field(body, "closesAt-day"),
      month: field(body, "closesAt-month"),
      year: field(body, "closesAt-year"),
    },
    closesTime: field(body, "closesTime"),
    sections: Array.from({ length: count }, (_, i) => ({
      heading: field(body, `sections.${i}.heading`),
      body: field(body, `sections.${i}.body`),
      questions: field(body, `sections.${i}.questions`),
    })),
  };
}

/** The form as sent; with "Add another section", one more empty section, which gets the focus. */
function readForm(body: unknown): FormValues {
  const values = formValues(body);
  if (field(body, "addSection") === "") return values;
  if (values.sections.length < MAX_FORM_SECTIONS)
    values.sections.push({ heading: "", body: "", questions: "" });
  return { ...values, focusSection: values.sections.length - 1 };
}

/** What the service takes from the form. */
function draftOfForm(v: FormValues): ConsultationDraft {
  const { day, month, year } = v.closesAt;
  return {
    kind: v.kind,
    projectId: v.kind === "market-engagement" || v.projectId ? v.projectId || null : null,
    title: v.title,
    summary: v.summary,
    audience: v.audience,
    closesOn: dateField({ "closesAt-day": day, "closesAt-month": month, "closesAt-year": year }, "closesAt"),
    closesTime: v.closesTime,
    sections: v.sections.map((s) => ({ heading: s.heading, body: s.body, questions: lines(s.questions) })),
  };
}

/** A draft's form values (and one empty section more). */
function valuesOf(c: ConsultationView): FormValues {
  const d = draftOf(c);
  const { date, time } = londonParts(c.closes_at);
  const [year, month, day] = date.split("-");
  return {
    kind: c.kind,
    projectId: c.project_id ?? "",
    title: d.title ?? "",
    summary: d.summary ?? "",
    audience: d.audience ?? "",
    closesAt: { day: String(Number(day)), month: String(Number(month)), year: year ?? "" },
    closesTime: time,
    sections: [
      ...c.sections.map((s) => ({
        heading: s.heading,
        body: s.body,
        questions: s.questions.map((q) => q.text).join("\n"),
      })),
      { heading: "", body: "", questions: "" },
    ],
  };
}

const query = (request: FastifyRequest) => (request.query ?? {}) as Record<string, string>;

/** The national list, an authority's list and a consultation's page. */
function readingPages(app: FastifyInstance): void {
  app.get("/consultations", page({ who: anyone }), async (request, reply) => {
    const { kind = "", status = "", authority: slug } = query(request);
    const filters = { ...(slug ? { authority: slug } : {}), kind, status };
    const { consultations, authorities, authority } = await nationalConsultations(ctxOf(request), filters);
    await reply.page("consultations/views/list.njk", {
      national: true,
      consultations: consultations.map((item) => display(item, request.locale)),
      authorities,
      filters: { authority: authority?.slug ?? "", kind, status },
      kinds: CONSULTATION_KINDS,
    });
  });

  app.get("/authorities/:slug/consultations", page({ who: anyone }), async (request, reply) => {
    const { authority } = request;
    const { kind = "", status = "" } = query(request);
    const view = await authorityConsultations(ctxOf(request), authority.id, { kind, status });
    await reply.page("consultations/views/list.njk", {
      national: false,
      authority,
      consultations: view.consultations.map((item) => display(item, request.locale)),
      filters: { kind, status },
      kinds: CONSULTATION_KINDS,
      canEdit: view.canEdit,
    });
  });

  const NOTICES = ["drafted", "updated", "published", "responded", "changed", "summary"];
  app.get(
    "/authorities/:slug/consultations/:consultationId",
    page({ who: anyone }),
    async (request: ConsultationRequest, reply) => {
      const { authority } = request;
      const view = await consultationPage(ctxOf(request), authority.id, request.params.consultationId);
      const { notice = "" } = query(request);
      await reply.page("consultations/views/consultation.njk", {
        authority,
        consultation: display(view.consultation, request.locale),
        sections: view.consultation.sections,
        canEdit: view.consultation.editor,
        notice: NOTICES.includes(notice) ? notice : undefined,
        responded: view.responded,
      });
    },
  );
}

/** Drafting, changing and publishing. */
function draftingPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/consultations/new", {
    who: authorityEditors,
    template: "consultations/views/form.njk",
    context: async (request) => {
      const { authority } = request;
      const { projects } = await consultationForm(ctxOf(request), authority.id);
      const action = `/authorities/${authority.slug}/consultations/new`;
      return { authority, action, projects, kinds: CONSULTATION_KINDS };
    },
    values: (request) => {
      const values = formValues({});
      const { project } = query(request);
      return project ? { ...values, kind: "market-engagement", projectId: project } : values;
    },
    read: (body) => readForm(body),
    submit: async (request, values) => {
      if (values.focusSection !== undefined) return null;
      const c = await createConsultation(ctxOf(request), request.authority.id, draftOfForm(values));
      return `${consultationUrl(request.authority, c.id)}?notice=drafted`;
    },
  });

  formPage(app, "/authorities/:slug/consultations/:consultationId/edit", {
    who: afterLookup(authorityEditors),
    template: "consultations/views/form.njk",
    context: async (request: ConsultationRequest) => {
      const { authority } = request;
      const form = await consultationForm(ctxOf(request), authority.id, request.params.consultationId);
      const consultation = form.consultation as ConsultationView;
      const action = `${consultationUrl(authority, consultation.id)}/edit`;
      return { authority, action, projects: form.projects, kinds: CONSULTATION_KINDS, consultation };
    },
    redirect: (_request, { authority, consultation }) =>
      consultation.status === "draft" ? undefined : consultationUrl(authority, consultation.id),
    values: (_request, { consultation }) => valuesOf(consultation),
    read: (body) => readForm(body),
    submit: async (request, values, { authority, consultation }) => {
      if (values.focusSection !== undefined) return null;
      await updateConsultation(ctxOf(request), authority.id, consultation.id, draftOfForm(values));
      return `${consultationUrl(authority, consultation.id)}?notice=updated`;
    },
  });

  buttonAction(
    app,
    "/authorities/:slug/consultations/:consultationId/publish",
    { who: afterLookup(authorityEditors) },
    async (request: ConsultationRequest) => {
      const { authority } = request;
      const c = await publishConsultation(ctxOf(request), authority.id, request.params.consultationId);
      return `${consultationUrl(authority, c.id)}?notice=published`;
    },
  );
}

export function consultationPages(app: FastifyInstance): void {
  readingPages(app);
  draftingPages(app);
}
