/**
 * Consultations' pages — the national list, an authority's list, drafting and publishing, the
 * consultation, responding, the responses, answering each point and the published "you said, we
 * did" summary — and the JSON API mirroring them. Thin: parse, call the service, render or
 * serialise. Who may do what is decided in consultations.service.ts from `request.principal`.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, submitForm } from "../../http/forms.ts";
import { londonDateTime, londonParts } from "../../lib/london-time.ts";
import { isAuthorityEditor, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { editorsFirst } from "../access/policies.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityById, authorityBySlug } from "../authorities/authorities.service.ts";
import type { ConsultationRow } from "./consultations.repository.ts";
import {
  AnswersBody,
  AnswersResponse,
  AuthorityParams,
  ConsultationListResponse,
  ConsultationParams,
  ConsultationResponse,
  CreateConsultationBody,
  ErrorResponse,
  ListQuery,
  PublishSummaryBody,
  RespondBody,
  RespondResponse,
  ResponsesResponse,
  UpdateConsultationBody,
} from "./consultations.schemas.ts";
import {
  answerPoints,
  authoritiesWithConsultations,
  type ConsultationDraft,
  type ConsultationView,
  consultationOf,
  createConsultation,
  draftOf,
  listConsultations,
  ownResponse,
  type PointAnswerInput,
  pointField,
  pointsOf,
  projectChoices,
  publishConsultation,
  publishSummary,
  type ResponseInput,
  respond,
  respondentChoices,
  responsesOf,
  type ShownResponse,
  summaryOf,
  updateConsultation,
} from "./consultations.service.ts";
import { CONSULTATION_KINDS, type ConsultationStatus } from "./consultations.table.ts";

const hide = { schema: { hide: true } };
/** Empty section blocks a new consultation's form starts with. */
const NEW_FORM_SECTIONS = 3;
const MAX_FORM_SECTIONS = 30;

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

function draftFromForm(body: unknown): ConsultationDraft {
  const v = formValues(body);
  return {
    kind: v.kind,
    projectId: v.kind === "market-engagement" || v.projectId ? v.projectId || null : null,
    title: v.title,
    summary: v.summary,
    audience: v.audience,
    closesOn: dateField(body, "closesAt"),
    closesTime: v.closesTime,
    sections: v.sections.map((s) => ({ heading: s.heading, body: s.body, questions: lines(s.questions) })),
  };
}

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

/** A consultation as the pages show it. */
function display(c: ConsultationRow & { state: ConsultationStatus }) {
  return {
    ...c,
    closesText: londonDateTime(c.closes_at),
    publishedText: c.published_at ? londonDateTime(c.published_at) : "",
    summaryPublishedText: c.summary_published_at ? londonDateTime(c.summary_published_at) : "",
    href: `/authorities/${c.authority_slug}/consultations/${c.id}`,
    projectVisible: c.project_id !== null && c.project_status === "published",
  };
}

/**
 * A consultation for the API. Its project is shown once the project is published (a draft project
 * is visible to the authority's editors only: `editor`).
 */
export function toApi(
  c: ConsultationRow & { state: ConsultationStatus },
  sections: ConsultationView["sections"],
  editor: boolean,
): ConsultationResponse {
  const project = c.project_status === "published" || editor;
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
    sections: sections.map((s) => ({
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

/** The response form's fields, read into what the service takes (every section, in order). */
function responseFromForm(body: unknown, consultation: ConsultationView): ResponseInput {
  const as = field(body, "organisationId");
  const show = field(body, "showName");
  return {
    organisationId: as === "" || as === "me" ? null : as,
    ...(show === "yes" ? { showName: true } : show === "no" ? { showName: false } : {}),
    sections: consultation.sections.map((s, i) => ({
      sectionId: s.id,
      comments: field(body, `sections.${i}.comments`),
      couldBeDifferent: field(body, `sections.${i}.couldBeDifferent`) === "yes",
      couldDeliver: field(body, `sections.${i}.couldDeliver`) === "yes",
      alternativeModel: field(body, `sections.${i}.alternativeModel`),
      answers: s.questions.map((q, j) => ({
        questionId: q.id,
        answer: field(body, `sections.${i}.answers.${j}.answer`),
      })),
    })),
  };
}

/** The response form's values from a response already sent (or empty). */
function responseValues(consultation: ConsultationView, existing: ShownResponse | undefined, as: string) {
  return {
    organisationId: as,
    showName: existing ? (existing.showName ? "yes" : "no") : "",
    sections: consultation.sections.map((s) => {
      const said = existing?.sections.find((x) => x.sectionId === s.id);
      return {
        comments: said?.comments ?? "",
        couldBeDifferent: said?.couldBeDifferent ?? false,
        couldDeliver: said?.couldDeliver ?? false,
        alternativeModel: said?.alternativeModel ?? "",
        answers: s.questions.map((q) => said?.answers.find((a) => a.questionId === q.id)?.answer ?? ""),
      };
    }),
  };
}

function responseValuesFromBody(body: unknown, consultation: ConsultationView) {
  return {
    organisationId: field(body, "organisationId") || "me",
    showName: field(body, "showName"),
    sections: consultation.sections.map((s, i) => ({
      comments: field(body, `sections.${i}.comments`),
      couldBeDifferent: field(body, `sections.${i}.couldBeDifferent`) === "yes",
      couldDeliver: field(body, `sections.${i}.couldDeliver`) === "yes",
      alternativeModel: field(body, `sections.${i}.alternativeModel`),
      answers: s.questions.map((_q, j) => field(body, `sections.${i}.answers.${j}.answer`)),
    })),
  };
}

function pointsFromBody(body: unknown, responses: ShownResponse[]): PointAnswerInput[] {
  return responses.flatMap((r) =>
    r.sections.map((s) => ({
      responseId: r.id,
      sectionId: s.sectionId,
      weDid: field(body, pointField(r.id, s.sectionId)),
    })),
  );
}

export async function consultationsRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.deps;
  type Slug = { Params: { slug: string } };
  type SlugConsultation = { Params: { slug: string; consultationId: string } };
  const base = (authority: Authority) => `/authorities/${authority.slug}/consultations`;

  // Pages

  app.get("/consultations", hide, async (request, reply) => {
    const query = (request.query ?? {}) as Record<string, string>;
    const authorities = await authoritiesWithConsultations(db);
    const authority = authorities.find((a) => a.slug === query.authority);
    const consultations = await listConsultations(db, clock, request.principal, {
      ...(authority ? { authorityId: authority.id } : {}),
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    await reply.page("consultations/views/list.njk", {
      national: true,
      consultations: consultations.filter((c) => c.state !== "draft").map(display),
      authorities,
      filters: { authority: authority?.slug ?? "", kind: query.kind ?? "", status: query.status ?? "" },
      kinds: CONSULTATION_KINDS,
    });
  });

  app.get<Slug>("/authorities/:slug/consultations", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    const query = (request.query ?? {}) as Record<string, string>;
    const consultations = await listConsultations(db, clock, request.principal, {
      authorityId: authority.id,
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.status ? { status: query.status } : {}),
    });
    await reply.page("consultations/views/list.njk", {
      national: false,
      authority,
      consultations: consultations.map(display),
      filters: { kind: query.kind ?? "", status: query.status ?? "" },
      kinds: CONSULTATION_KINDS,
      canEdit: isAuthorityEditor(request.principal, authority.id),
    });
  });

  async function formContext(authority: Authority, action: string, values: FormValues, extra = {}) {
    return {
      authority,
      action,
      values,
      projects: await projectChoices(db, authority.id),
      kinds: CONSULTATION_KINDS,
      ...extra,
    };
  }

  /** "Add another section" re-renders the form with one more empty section, saving nothing. */
  function addingSection(body: unknown): FormValues | null {
    if (field(body, "addSection") === "") return null;
    const values = formValues(body);
    if (values.sections.length < MAX_FORM_SECTIONS)
      values.sections.push({ heading: "", body: "", questions: "" });
    return values;
  }

  app.get<Slug>("/authorities/:slug/consultations/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const query = (request.query ?? {}) as Record<string, string>;
    const values = formValues({});
    if (query.project) {
      values.kind = "market-engagement";
      values.projectId = query.project;
    }
    await reply.page(
      "consultations/views/form.njk",
      await formContext(authority, `${base(authority)}/new`, values),
    );
  });

  app.post<Slug>("/authorities/:slug/consultations/new", hide, async (request, reply) => {
    const authority = await authorityBySlug(db, request.params.slug);
    await requireAuthorityEditor(db, request.principal, authority.id);
    const action = `${base(authority)}/new`;
    const adding = addingSection(request.body);
    if (adding) {
      await reply.page(
        "consultations/views/form.njk",
        await formContext(authority, action, adding, { focusSection: adding.sections.length - 1 }),
      );
      return;
    }
    const context = await formContext(authority, action, formValues(request.body));
    await submitForm(reply, "consultations/views/form.njk", context, async () => {
      const id = await transaction(db, (trx) =>
        createConsultation(trx, clock, request.principal, authority.id, draftFromForm(request.body)),
      );
      return `${base(authority)}/${id}?notice=drafted`;
    });
  });

  app.get<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const consultation = await consultationOf(
        db,
        clock,
        request.principal,
        authority.id,
        request.params.consultationId,
      );
      const query = (request.query ?? {}) as Record<string, string>;
      const notices = ["drafted", "updated", "published", "responded", "changed", "summary"];
      const responded = { self: false, organisations: [] as { id: string; name: string }[] };
      const principal = request.principal;
      if (principal && consultation.status !== "draft") {
        responded.self =
          (await ownResponse(db, principal, authority.id, consultation.id, null)) !== undefined;
        for (const o of await respondentChoices(db, principal))
          if (await ownResponse(db, principal, authority.id, consultation.id, o.id))
            responded.organisations.push(o);
      }
      await reply.page("consultations/views/consultation.njk", {
        authority,
        consultation: display(consultation),
        sections: consultation.sections,
        canEdit: isAuthorityEditor(request.principal, authority.id),
        notice: notices.includes(query.notice ?? "") ? query.notice : undefined,
        responded,
      });
    },
  );

  app.get<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/edit",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await requireAuthorityEditor(db, request.principal, authority.id);
      const consultation = await consultationOf(
        db,
        clock,
        request.principal,
        authority.id,
        request.params.consultationId,
      );
      if (consultation.status !== "draft") {
        await reply.redirect(`${base(authority)}/${consultation.id}`, 303);
        return;
      }
      await reply.page(
        "consultations/views/form.njk",
        await formContext(authority, `${base(authority)}/${consultation.id}/edit`, valuesOf(consultation), {
          consultation,
        }),
      );
    },
  );

  app.post<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/edit",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await requireAuthorityEditor(db, request.principal, authority.id);
      const consultation = await consultationOf(
        db,
        clock,
        request.principal,
        authority.id,
        request.params.consultationId,
      );
      const action = `${base(authority)}/${consultation.id}/edit`;
      const adding = addingSection(request.body);
      if (adding) {
        await reply.page(
          "consultations/views/form.njk",
          await formContext(authority, action, adding, {
            consultation,
            focusSection: adding.sections.length - 1,
          }),
        );
        return;
      }
      const context = await formContext(authority, action, formValues(request.body), { consultation });
      await submitForm(reply, "consultations/views/form.njk", context, async () => {
        await transaction(db, (trx) =>
          updateConsultation(
            trx,
            clock,
            request.principal,
            authority.id,
            consultation.id,
            draftFromForm(request.body),
          ),
        );
        return `${base(authority)}/${consultation.id}?notice=updated`;
      });
    },
  );

  app.post<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/publish",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      await requireAuthorityEditor(db, request.principal, authority.id);
      await transaction(db, (trx) =>
        publishConsultation(trx, clock, request.principal, authority.id, request.params.consultationId),
      );
      await reply.redirect(`${base(authority)}/${request.params.consultationId}?notice=published`, 303);
    },
  );

  async function respondContext(
    request: FastifyRequest,
    authority: Authority,
    consultation: ConsultationView,
    values: unknown,
  ) {
    const principal = requireSignedIn(request.principal);
    return {
      authority,
      consultation: display(consultation),
      sections: consultation.sections,
      organisations: await respondentChoices(db, principal),
      values,
    };
  }

  app.get<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/respond",
    hide,
    async (request, reply) => {
      const principal = requireSignedIn(request.principal);
      const authority = await authorityBySlug(db, request.params.slug);
      const consultation = await consultationOf(
        db,
        clock,
        principal,
        authority.id,
        request.params.consultationId,
      );
      if (consultation.state !== "open") {
        await reply.redirect(`${base(authority)}/${consultation.id}`, 303);
        return;
      }
      const query = (request.query ?? {}) as Record<string, string>;
      const organisations = await respondentChoices(db, principal);
      const as = organisations.some((o) => o.id === query.as) ? (query.as as string) : "me";
      const existing = await ownResponse(
        db,
        principal,
        authority.id,
        consultation.id,
        as === "me" ? null : as,
      );
      const values = responseValues(
        consultation,
        existing ? shapeOwn(consultation, existing) : undefined,
        as,
      );
      await reply.page("consultations/views/respond.njk", {
        ...(await respondContext(request, authority, consultation, values)),
        changing: existing !== undefined,
      });
    },
  );

  app.post<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/respond",
    hide,
    async (request, reply) => {
      const principal = requireSignedIn(request.principal);
      const authority = await authorityBySlug(db, request.params.slug);
      const consultation = await consultationOf(
        db,
        clock,
        principal,
        authority.id,
        request.params.consultationId,
      );
      const context = await respondContext(
        request,
        authority,
        consultation,
        responseValuesFromBody(request.body, consultation),
      );
      await submitForm(reply, "consultations/views/respond.njk", context, async () => {
        const result = await transaction(db, (trx) =>
          respond(
            trx,
            clock,
            principal,
            authority.id,
            consultation.id,
            responseFromForm(request.body, consultation),
          ),
        );
        return `${base(authority)}/${consultation.id}?notice=${result.created ? "responded" : "changed"}`;
      });
    },
  );

  app.get<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/responses",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const result = await responsesOf(
        db,
        clock,
        request.principal,
        authority.id,
        request.params.consultationId,
      );
      await reply.page("consultations/views/responses.njk", {
        authority,
        consultation: display(result.consultation),
        responses: result.responses,
        editor: result.editor,
      });
    },
  );

  async function answersContext(
    request: FastifyRequest,
    authority: Authority,
    consultationId: string,
    body: unknown,
  ) {
    const { consultation, responses } = await pointsOf(
      db,
      clock,
      request.principal,
      authority.id,
      consultationId,
    );
    const values: Record<string, string> = {};
    for (const r of responses)
      for (const s of r.sections) {
        const name = pointField(r.id, s.sectionId);
        values[name] = body ? field(body, name) : (s.weDid ?? "");
      }
    return {
      authority,
      consultation: display(consultation),
      responses,
      values,
      summaryText: body ? field(body, "summaryText") : consultation.summary_text,
      pointField,
    };
  }

  app.get<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/answers",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await answersContext(request, authority, request.params.consultationId, null);
      if (context.consultation.state === "summary-published") {
        await reply.redirect(`${base(authority)}/${context.consultation.id}/summary`, 303);
        return;
      }
      const query = (request.query ?? {}) as Record<string, string>;
      await reply.page("consultations/views/answers.njk", { ...context, saved: query.saved === "1" });
    },
  );

  app.post<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/answers",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const context = await answersContext(request, authority, request.params.consultationId, request.body);
      const publishing = field(request.body, "action") === "publish";
      const given = pointsFromBody(request.body, context.responses);
      const id = context.consultation.id;
      await submitForm(reply, "consultations/views/answers.njk", context, async () => {
        await transaction(db, async (trx) => {
          if (given.length > 0) await answerPoints(trx, clock, request.principal, authority.id, id, given);
          if (publishing)
            await publishSummary(
              trx,
              clock,
              request.principal,
              authority.id,
              id,
              field(request.body, "summaryText"),
            );
        });
        return publishing
          ? `${base(authority)}/${id}/summary?published=1`
          : `${base(authority)}/${id}/answers?saved=1`;
      });
    },
  );

  app.get<SlugConsultation>(
    "/authorities/:slug/consultations/:consultationId/summary",
    hide,
    async (request, reply) => {
      const authority = await authorityBySlug(db, request.params.slug);
      const { consultation, responses } = await summaryOf(
        db,
        clock,
        request.principal,
        authority.id,
        request.params.consultationId,
      );
      const query = (request.query ?? {}) as Record<string, string>;
      await reply.page("consultations/views/summary.njk", {
        authority,
        consultation: display(consultation),
        responses,
        bySection: consultation.sections.map((sec) => ({
          ...sec,
          points: responses.flatMap((r) =>
            r.sections.filter((s) => s.sectionId === sec.id).map((s) => ({ ...s, label: r.label })),
          ),
        })),
        published: query.published === "1",
      });
    },
  );

  // The JSON API

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const tags = ["consultations"];

  /** The public is asked to sign in, and an unknown consultation is 404, before the body is validated. */
  const signedInFirst = async (request: FastifyRequest) => {
    const principal = requireSignedIn(request.principal);
    const { authorityId, consultationId } = request.params as { authorityId: string; consultationId: string };
    const authority = await authorityById(db, authorityId);
    await consultationOf(db, clock, principal, authority.id, consultationId);
  };

  const withSections = async (request: FastifyRequest, authorityId: string, id: string) => {
    const c = await consultationOf(db, clock, request.principal, authorityId, id);
    return toApi(c, c.sections, isAuthorityEditor(request.principal, authorityId));
  };

  api.get(
    "/api/v1/consultations",
    {
      schema: {
        tags,
        summary: "Consultations nationally",
        description:
          "Published consultations of every authority, newest closing first, with their sections and questions. Filters: authority (slug), kind, status (open, closed, summary-published). Public.",
        querystring: ListQuery,
        response: { 200: ConsultationListResponse, 400: ErrorResponse },
      },
    },
    async (request) => {
      const { authority: slug, kind, status } = request.query;
      const authority = slug
        ? (await authoritiesWithConsultations(db)).find((a) => a.slug === slug)
        : undefined;
      if (slug && !authority) return { consultations: [] };
      const rows = await listConsultations(db, clock, null, {
        ...(authority ? { authorityId: authority.id } : {}),
        ...(kind ? { kind } : {}),
        ...(status ? { status } : {}),
      });
      return {
        consultations: await Promise.all(rows.map((r) => withSections(request, r.authority_id, r.id))),
      };
    },
  );

  api.get(
    "/api/v1/authorities/:authorityId/consultations",
    {
      schema: {
        tags,
        summary: "An authority's consultations",
        description:
          "Published consultations for everyone; drafts too for the authority's commissioners and administrators.",
        params: AuthorityParams,
        response: { 200: ConsultationListResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const rows = await listConsultations(db, clock, request.principal, { authorityId: authority.id });
      return { consultations: await Promise.all(rows.map((r) => withSections(request, authority.id, r.id))) };
    },
  );

  api.get(
    "/api/v1/authorities/:authorityId/consultations/:consultationId",
    {
      schema: {
        tags,
        summary: "A consultation, with its sections and questions",
        description:
          "Drafts are not found, except by the authority's commissioners and administrators. status is derived from the clock: open until closesAt, closed after.",
        params: ConsultationParams,
        response: { 200: ConsultationResponse, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return withSections(request, authority.id, request.params.consultationId);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/consultations",
    {
      schema: {
        tags,
        summary: "Draft a consultation",
        description:
          "For the authority's commissioners and administrators (and platform administrators), once it is verified. A market engagement names one of the authority's commissioning projects; a policy consultation none (422). 422 for a closing instant that is not in the future.",
        params: AuthorityParams,
        body: CreateConsultationBody,
        response: { 201: ConsultationResponse, ...errors, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const id = await transaction(db, (trx) =>
        createConsultation(trx, clock, request.principal, authority.id, request.body),
      );
      return reply
        .status(201)
        .header("location", `/api/v1/authorities/${authority.id}/consultations/${id}`)
        .send(await withSections(request, authority.id, id));
    },
  );

  api.patch(
    "/api/v1/authorities/:authorityId/consultations/:consultationId",
    {
      schema: {
        tags,
        summary: "Change a draft consultation",
        description:
          "Only the fields given change (sections replace all sections); the result is checked whole. 409 once published.",
        params: ConsultationParams,
        body: UpdateConsultationBody,
        response: { 200: ConsultationResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        updateConsultation(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.consultationId,
          request.body,
        ),
      );
      return withSections(request, authority.id, request.params.consultationId);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/publish",
    {
      schema: {
        tags,
        summary: "Publish a draft consultation: it opens for responses until it closes",
        description: "409 once published; 422 if its closing instant has passed (change it first).",
        params: ConsultationParams,
        response: { 200: ConsultationResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        publishConsultation(trx, clock, request.principal, authority.id, request.params.consultationId),
      );
      return withSections(request, authority.id, request.params.consultationId);
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/responses",
    {
      schema: {
        tags,
        summary: "Respond to an open consultation, or change your response",
        description:
          "Any signed-in person, as themselves or (organisationId) for an organisation they act for (403 otherwise). One response per person or organisation: sending again replaces it (200; 201 the first time). 409 once the consultation has closed. 422 for 'could be delivered differently' without the alternative model.",
        params: ConsultationParams,
        body: RespondBody,
        response: {
          200: RespondResponse,
          201: RespondResponse,
          ...errors,
          409: ErrorResponse,
          422: ErrorResponse,
        },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const result = await transaction(db, (trx) =>
        respond(trx, clock, request.principal, authority.id, request.params.consultationId, request.body),
      );
      return reply.status(result.created ? 201 : 200).send(result);
    },
  );

  api.get(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/responses",
    {
      schema: {
        tags,
        summary: "The responses to a consultation",
        description:
          "For the authority's commissioners and administrators at any time, with who sent each. For everyone else once it has closed (409 before), named only where the respondent agreed.",
        params: ConsultationParams,
        response: { 200: ResponsesResponse, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const result = await responsesOf(
        db,
        clock,
        request.principal,
        authority.id,
        request.params.consultationId,
      );
      return {
        consultation: toApi(result.consultation, result.consultation.sections, result.editor),
        responses: result.responses.map(responseToApi),
      };
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/answers",
    {
      schema: {
        tags,
        summary: 'Answer points made in responses ("you said, we did")',
        description:
          "A point is a response's section with content. For the authority's editors, after closing and before the summary is published (409 otherwise). An empty weDid clears an answer.",
        params: ConsultationParams,
        body: AnswersBody,
        response: { 200: AnswersResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const answered = await transaction(db, (trx) =>
        answerPoints(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.consultationId,
          request.body.answers,
        ),
      );
      return { answered };
    },
  );

  api.post(
    "/api/v1/authorities/:authorityId/consultations/:consultationId/summary/publish",
    {
      schema: {
        tags,
        summary: 'Publish the "you said, we did" summary',
        description:
          "After closing (409 before, and once published), with every point answered (422 listing each one missing). Every respondent is told.",
        params: ConsultationParams,
        body: PublishSummaryBody,
        response: { 200: ConsultationResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await transaction(db, (trx) =>
        publishSummary(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.consultationId,
          request.body?.summaryText ?? "",
        ),
      );
      return withSections(request, authority.id, request.params.consultationId);
    },
  );
}

/** A person's own response, shaped like the others, to fill the form while it is open. */
function shapeOwn(
  consultation: ConsultationView,
  r: NonNullable<Awaited<ReturnType<typeof ownResponse>>>,
): ShownResponse {
  return {
    id: r.id,
    label: "",
    named: r.show_name,
    respondentKind: r.respondent_kind,
    sector: r.organisation_sector,
    showName: r.show_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sections: r.sections.map((s) => {
      const section = consultation.sections.find((x) => x.id === s.section_id);
      return {
        sectionId: s.section_id,
        heading: section?.heading ?? "",
        comments: s.comments,
        couldBeDifferent: s.could_be_different,
        couldDeliver: s.could_deliver,
        alternativeModel: s.alternative_model,
        answers: r.answers.map((a) => ({ questionId: a.question_id, question: "", answer: a.answer })),
        weDid: null,
      };
    }),
  };
}
