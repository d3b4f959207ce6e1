/**
 * Pages of a published tender's conversation with the market: registering interest, asking a
 * clarification question, answering one (which publishes it), and amending the terms. Each route
 * states who may use it and calls one service; the services decide every rule.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { buttonAction, field, formPage } from "../../http/forms.ts";
import { ctxOf } from "../access/context.ts";
import { amendTender } from "./amendments.service.ts";
import {
  answerQuestion,
  askQuestion,
  questionToAnswer,
  registerInterestOnPage,
} from "./questions.service.ts";
import { tendersCtxOf } from "./tenders.context.ts";
import { amendmentFromForm, deadlineValues, formValues, ROWS, sentOr } from "./tenders.forms.ts";
import { onVisibleTender, questionAnswerers, tenderEditors } from "./tenders.policies.ts";
import { tenderForEditor } from "./tenders.service.ts";
import { questionForm } from "./views.service.ts";

type TenderRequest = FastifyRequest<{ Params: { slug: string; tenderId: string } }>;
type QuestionRequest = FastifyRequest<{ Params: { slug: string; tenderId: string; questionId: string } }>;

const baseOf = (authority: { slug: string }, id: string) => `/authorities/${authority.slug}/tenders/${id}`;

export interface QuestionPagesOptions {
  /** How far the submission deadline must move once bids have arrived (configuration). */
  extensionDays: number;
}

export function questionPages(app: FastifyInstance, options: QuestionPagesOptions): void {
  // From the tender's page: signed in, the tender (404), then who registers (the service).
  buttonAction(
    app,
    "/authorities/:slug/tenders/:tenderId/interest",
    { who: onVisibleTender("People of the organisation") },
    async (request: TenderRequest) => {
      const { authority } = request;
      const organisationId = field(request.body, "organisationId");
      await registerInterestOnPage(ctxOf(request), authority.id, request.params.tenderId, organisationId);
      return `${baseOf(authority, request.params.tenderId)}?notice=interest`;
    },
  );

  formPage(app, "/authorities/:slug/tenders/:tenderId/questions/new", {
    who: onVisibleTender("People of the organisation"),
    template: "tenders/views/ask.njk",
    context: async (request: TenderRequest) => {
      const { tender, organisations } = await questionForm(
        ctxOf(request),
        request.authority.id,
        request.params.tenderId,
      );
      const only = organisations.length === 1 ? (organisations[0]?.id ?? "") : "";
      return {
        authority: request.authority,
        tender,
        base: baseOf(request.authority, tender.id),
        organisations,
        only,
      };
    },
    values: (_request, { only }) => ({ organisationId: only }),
    read: (body, _request, { only }) => ({
      organisationId: sentOr(body, "organisationId", only),
      question: field(body, "question"),
    }),
    submit: async (request, values, { authority, tender, base }) => {
      await askQuestion(tendersCtxOf(request), authority.id, tender.id, values);
      return `${base}?notice=asked#questions`;
    },
  });

  formPage(app, "/authorities/:slug/tenders/:tenderId/questions/:questionId/answer", {
    who: questionAnswerers,
    template: "tenders/views/answer.njk",
    context: async (request: QuestionRequest) => {
      const { tenderId, questionId } = request.params;
      const { tender, question } = await questionToAnswer(
        ctxOf(request),
        request.authority.id,
        tenderId,
        questionId,
      );
      return { authority: request.authority, tender, base: baseOf(request.authority, tender.id), question };
    },
    values: (_request, { question }) => ({ publishedQuestion: question.question }),
    read: (body, _request, { question }) => ({
      publishedQuestion: sentOr(body, "publishedQuestion", question.question),
      answer: field(body, "answer"),
    }),
    submit: async (request, values, { authority, tender, base, question }) => {
      await answerQuestion(tendersCtxOf(request), authority.id, tender.id, question.id, values);
      return `${base}?notice=answered#questions`;
    },
  });

  amendmentPage(app, options);
}

/** Amending an open tender's terms, with the reason published beside them. */
function amendmentPage(app: FastifyInstance, options: QuestionPagesOptions): void {
  formPage(app, "/authorities/:slug/tenders/:tenderId/amend", {
    who: tenderEditors,
    template: "tenders/views/amend.njk",
    context: async (request: TenderRequest) => {
      const view = await tenderForEditor(ctxOf(request), request.authority.id, request.params.tenderId);
      return {
        authority: request.authority,
        tender: view.tender,
        conditions: view.parts.conditions,
        base: baseOf(request.authority, view.tender.id),
        extensionDays: options.extensionDays,
        conditionRows: ROWS.conditions,
      };
    },
    values: (_request, { tender, conditions }) => ({
      title: tender.title,
      description: tender.description,
      ...deadlineValues("clarificationDeadline", tender.clarification_deadline),
      ...deadlineValues("submissionDeadline", tender.submission_deadline),
      ...Object.fromEntries(conditions.map((c, i) => [`conditions.${i}`, c])),
    }),
    read: (body) => formValues(body),
    submit: async (request, values, { authority, tender, base }) => {
      await amendTender(
        tendersCtxOf(request),
        authority.id,
        tender.id,
        amendmentFromForm(values),
        field(values, "reason"),
        { extensionDays: options.extensionDays },
      );
      return `${base}?notice=amended#amendments`;
    },
  });
}
