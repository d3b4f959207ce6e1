/**
 * Consultations' pages, second part: responding (or changing a response), the responses, answering
 * each point and publishing "you said, we did", and the published summary. Each route states who
 * may call it and calls one service; the service decides every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { field, formPage } from "../../http/forms.ts";
import { anyone, page } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { afterLookup, authorityEditors, signedIn } from "../access/policies.ts";
import { type ConsultationRequest, consultationUrl, display } from "./consultations.pages.ts";
import type { SectionWithQuestions } from "./consultations.service.ts";
import {
  ownResponseOf,
  type ResponseInput,
  respond,
  responseForm,
  responsesOf,
  type ShownResponse,
} from "./responses.service.ts";
import {
  type PointAnswerInput,
  pointField,
  pointsOf,
  saveAnswers,
  summaryOf,
} from "./you-said-we-did.service.ts";

interface ResponseValues {
  /** "me", or the organisation responded for. */
  organisationId: string;
  /** "yes", "no" or "" (not said). */
  showName: string;
  sections: {
    comments: string;
    couldBeDifferent: boolean;
    couldDeliver: boolean;
    alternativeModel: string;
    answers: string[];
  }[];
  /** A response is being changed (the button says so). */
  changing?: boolean;
}

/** The response form's values from a response already sent (or empty). */
function responseValues(sections: SectionWithQuestions[], existing: ShownResponse | undefined, as: string) {
  return {
    organisationId: as,
    showName: existing ? (existing.showName ? "yes" : "no") : "",
    sections: sections.map((s) => {
      const said = existing?.sections.find((x) => x.sectionId === s.id);
      return {
        comments: said?.comments ?? "",
        couldBeDifferent: said?.couldBeDifferent ?? false,
        couldDeliver: said?.couldDeliver ?? false,
        alternativeModel: said?.alternativeModel ?? "",
        answers: s.questions.map((q) => said?.answers.find((a) => a.questionId === q.id)?.answer ?? ""),
      };
    }),
    changing: existing !== undefined,
  };
}

function responseValuesFromBody(body: unknown, sections: SectionWithQuestions[]): ResponseValues {
  return {
    organisationId: field(body, "organisationId") || "me",
    showName: field(body, "showName"),
    sections: sections.map((s, i) => ({
      comments: field(body, `sections.${i}.comments`),
      couldBeDifferent: field(body, `sections.${i}.couldBeDifferent`) === "yes",
      couldDeliver: field(body, `sections.${i}.couldDeliver`) === "yes",
      alternativeModel: field(body, `sections.${i}.alternativeModel`),
      answers: s.questions.map((_q, j) => field(body, `sections.${i}.answers.${j}.answer`)),
    })),
  };
}

/** What the service takes from the response form (every section, in order). */
function responseInputOf(v: ResponseValues, sections: SectionWithQuestions[]): ResponseInput {
  const show = v.showName;
  return {
    organisationId: v.organisationId === "me" ? null : v.organisationId,
    ...(show === "yes" ? { showName: true } : show === "no" ? { showName: false } : {}),
    sections: sections.map((s, i) => ({
      sectionId: s.id,
      comments: v.sections[i]?.comments ?? "",
      couldBeDifferent: v.sections[i]?.couldBeDifferent ?? false,
      couldDeliver: v.sections[i]?.couldDeliver ?? false,
      alternativeModel: v.sections[i]?.alternativeModel ?? "",
      answers: s.questions.map((q, j) => ({ questionId: q.id, answer: v.sections[i]?.answers[j] ?? "" })),
    })),
  };
}

/** The answers page's values: what was done about each point (as sent, or as saved), and the introduction. */
function answerValues(
  responses: ShownResponse[],
  of: (r: ShownResponse, sectionId: string) => string,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const r of responses)
    for (const s of r.sections) values[pointField(r.id, s.sectionId)] = of(r, s.sectionId);
  return values;
}

function pointsOfValues(values: Record<string, string>, responses: ShownResponse[]): PointAnswerInput[] {
  return responses.flatMap((r) =>
    r.sections.map((s) => ({
      responseId: r.id,
      sectionId: s.sectionId,
      weDid: values[pointField(r.id, s.sectionId)] ?? "",
    })),
  );
}

const query = (request: FastifyRequest) => (request.query ?? {}) as Record<string, string>;

/** Responding, while the consultation is open. */
function respondingPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/consultations/:consultationId/respond", {
    who: signedIn,
    template: "consultations/views/respond.njk",
    context: async (request: ConsultationRequest) => {
      const { authority } = request;
      const form = await responseForm(ctxOf(request), authority.id, request.params.consultationId);
      const { consultation, organisations } = form;
      return {
        authority,
        consultation: display(consultation, request.locale),
        sections: consultation.sections,
        organisations,
      };
    },
    redirect: (_request, { authority, consultation }) =>
      consultation.state === "open" ? undefined : consultationUrl(authority, consultation.id),
    values: async (request, { consultation, sections }) => {
      const { as, existing } = await ownResponseOf(ctxOf(request), consultation, query(request).as);
      return responseValues(sections, existing, as);
    },
    read: (body, _request, { sections }) => responseValuesFromBody(body, sections),
    submit: async (request, values, { authority, consultation, sections }) => {
      const input = responseInputOf(values, sections);
      const result = await respond(ctxOf(request), authority.id, consultation.id, input);
      return `${consultationUrl(authority, consultation.id)}?notice=${result.created ? "responded" : "changed"}`;
    },
  });

  app.get(
    "/authorities/:slug/consultations/:consultationId/responses",
    page({ who: anyone }),
    async (request: ConsultationRequest, reply) => {
      const { authority } = request;
      const result = await responsesOf(ctxOf(request), authority.id, request.params.consultationId);
      await reply.page("consultations/views/responses.njk", {
        authority,
        consultation: display(result.consultation, request.locale),
        responses: labelled(request, result.responses),
        editor: result.editor,
      });
    },
  );
}

/**
 * Responses with their public labels in the page's language: a name where the respondent agreed
 * (data, as written), otherwise "A member of the public" or "A provider (charity)".
 */
function labelled(request: FastifyRequest, responses: ShownResponse[]): ShownResponse[] {
  const t = request.t;
  return responses.map((r) => {
    if (r.named) return r;
    const sector = t(`consultations.respondent.sector.${r.sector ?? "unconfirmed"}`);
    const label =
      r.respondentKind === "organisation"
        ? t("consultations.respondent.provider", { sector })
        : t("consultations.respondent.public");
    return { ...r, label };
  });
}

/** Answering each point, publishing "you said, we did", and the published summary. */
function youSaidWeDidPages(app: FastifyInstance): void {
  formPage(app, "/authorities/:slug/consultations/:consultationId/answers", {
    who: afterLookup(authorityEditors),
    template: "consultations/views/answers.njk",
    context: async (request: ConsultationRequest) => {
      const { authority } = request;
      const { consultation, responses } = await pointsOf(
        ctxOf(request),
        authority.id,
        request.params.consultationId,
      );
      return {
        authority,
        consultation: display(consultation, request.locale),
        responses: labelled(request, responses),
        pointField,
        saved: query(request).saved === "1",
      };
    },
    redirect: (_request, { authority, consultation }) =>
      consultation.state === "summary-published"
        ? `${consultationUrl(authority, consultation.id)}/summary`
        : undefined,
    values: (_request, { consultation, responses }): Record<string, string> => ({
      ...answerValues(
        responses,
        (r, sectionId) => r.sections.find((s) => s.sectionId === sectionId)?.weDid ?? "",
      ),
      summaryText: consultation.summary_text,
    }),
    read: (body, _request, { responses }): Record<string, string> => ({
      ...answerValues(responses, (r, sectionId) => field(body, pointField(r.id, sectionId))),
      summaryText: field(body, "summaryText"),
      action: field(body, "action"),
    }),
    submit: async (request, values, { authority, consultation, responses }) => {
      const publishing = values.action === "publish";
      const given = pointsOfValues(values, responses);
      const publish = publishing ? { summaryText: values.summaryText ?? "" } : null;
      await saveAnswers(ctxOf(request), authority.id, consultation.id, given, publish);
      const url = consultationUrl(authority, consultation.id);
      return publishing ? `${url}/summary?published=1` : `${url}/answers?saved=1`;
    },
  });

  app.get(
    "/authorities/:slug/consultations/:consultationId/summary",
    page({ who: anyone }),
    async (request: ConsultationRequest, reply) => {
      const { authority } = request;
      const summary = await summaryOf(ctxOf(request), authority.id, request.params.consultationId);
      const { consultation } = summary;
      const responses = labelled(request, summary.responses);
      await reply.page("consultations/views/summary.njk", {
        authority,
        consultation: display(consultation, request.locale),
        responses,
        bySection: consultation.sections.map((sec) => ({
          ...sec,
          points: responses.flatMap((r) =>
            r.sections.filter((s) => s.sectionId === sec.id).map((s) => ({ ...s, label: r.label })),
          ),
        })),
        published: query(request).published === "1",
      });
    },
  );
}

export function responsePages(app: FastifyInstance): void {
  respondingPages(app);
  youSaidWeDidPages(app);
}
