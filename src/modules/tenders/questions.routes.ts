/**
 * A published tender's interest, clarification questions and amendments: the JSON API under
 * `/api/v1/authorities/:authorityId/tenders/:tenderId`. Each route states who may call it and calls
 * one service; the services decide every rule.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance } from "fastify";
import { anyone, api, errorResponses } from "../../http/routes.ts";
import { ctxOf } from "../access/context.ts";
import { amendmentsOfTender, amendTender } from "./amendments.service.ts";
import {
  answerQuestion,
  askQuestion,
  type QuestionView,
  questionsOfTender,
  registerInterest,
} from "./questions.service.ts";
import type { TenderDraft } from "./setup.service.ts";
import { tendersCtxOf } from "./tenders.context.ts";
import { onVisibleTender, questionAnswerers, tenderEditors } from "./tenders.policies.ts";
import {
  AmendBody,
  AmendmentListResponse,
  AmendmentResponse,
  AnswerBody,
  AskBody,
  InterestBody,
  InterestResponse,
  QuestionListResponse,
  QuestionParams,
  QuestionResponse,
  TenderParams,
} from "./tenders.schemas.ts";
import type { TenderAmendment } from "./tenders.table.ts";

export function questionToApi(q: QuestionView) {
  return {
    ...q,
    askedAt: q.askedAt.toISOString(),
    answeredAt: q.answeredAt?.toISOString() ?? null,
  };
}

export function amendmentToApi(a: TenderAmendment) {
  return {
    id: a.id,
    number: a.number,
    reason: a.reason,
    changed: a.changed,
    previousSubmissionDeadline: a.previous_submission_deadline.toISOString(),
    submissionDeadline: a.submission_deadline.toISOString(),
    previousClarificationDeadline: a.previous_clarification_deadline.toISOString(),
    clarificationDeadline: a.clarification_deadline.toISOString(),
    bidsReceived: a.bids_received,
    madeAt: a.made_at.toISOString(),
  };
}

const BASE = "/api/v1/authorities/:authorityId/tenders/:tenderId";
/** Amending one of the authority's tenders: the tender first (404), then who (403). */
const WRITE = { who: tenderEditors, scope: "tenders:write" } as const;
/** For an organisation: anyone signed in reaches a tender they may see; the service asks for its people. */
const BIDDER = { who: onVisibleTender("People of the organisation"), scope: "bids:write" } as const;
/** Answering: the tender and the question first (404), then who (403). */
const ANSWER = { who: questionAnswerers, scope: "tenders:write" } as const;

export function questionRoutes(app: FastifyInstance, options: { extensionDays: number }): void {
  interestRoutes(app);
  askingRoutes(app);
  amendmentRoutes(app, options);
}

/** Registering interest, and the questions as published. */
function interestRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["tenders"] = ["tenders"];

  json.post(
    `${BASE}/interest`,
    api(BIDDER, {
      operationId: "registerTenderInterest",
      tags,
      summary: "Register an organisation's interest in an open tender",
      description:
        "For people of the organisation. Bidding needs it; everyone registered is told of answers, amendments and cancellation. Registering again changes nothing. 409 once the tender is closed or cancelled.",
      params: TenderParams,
      body: InterestBody,
      response: { 200: InterestResponse, ...errorResponses(409) },
    }),
    async (request) =>
      registerInterest(
        ctxOf(request),
        request.authority.id,
        request.params.tenderId,
        request.body.organisationId,
      ),
  );

  json.get(
    `${BASE}/questions`,
    api(
      { who: anyone },
      {
        operationId: "listTenderQuestions",
        tags,
        summary: "A tender's clarification questions",
        description:
          "Answered questions, as published, for everyone (never with the asker's name); unanswered ones too for the tender's commissioners and administrators (with who asked), and for the asking organisation's people.",
        params: TenderParams,
        response: { 200: QuestionListResponse },
      },
    ),
    async (request) => {
      const questions = await questionsOfTender(
        ctxOf(request),
        request.authority.id,
        request.params.tenderId,
      );
      return { questions: questions.map(questionToApi) };
    },
  );
}

/** Asking a clarification question, and answering it. */
function askingRoutes(app: FastifyInstance): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["tenders"] = ["tenders"];

  json.post(
    `${BASE}/questions`,
    api(BIDDER, {
      operationId: "askTenderQuestion",
      tags,
      summary: "Ask a clarification question",
      description:
        "For an organisation, until the clarification deadline (409 after); registers its interest too. The tender's commissioners are told; the question is published, without the asker's name, when answered.",
      params: TenderParams,
      body: AskBody,
      response: { 201: QuestionResponse, ...errorResponses(409) },
    }),
    async (request, reply) => {
      const asked = await askQuestion(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        request.body,
      );
      return reply.status(201).send(questionToApi(asked));
    },
  );

  json.post(
    `${BASE}/questions/:questionId/answer`,
    api(ANSWER, {
      operationId: "answerTenderQuestion",
      tags,
      summary: "Answer a clarification question, publishing it",
      description:
        "By the tender's commissioners and administrators while it is open. Publishes the question (in the words given, or the asker's) and the answer to everyone, numbered, and tells every organisation registered as interested. 409 when answered already or the tender is closed.",
      params: QuestionParams,
      body: AnswerBody,
      response: { 200: QuestionResponse, ...errorResponses(409) },
    }),
    async (request) => {
      const { tenderId, questionId } = request.params;
      const ctx = tendersCtxOf(request);
      return questionToApi(
        await answerQuestion(ctx, request.authority.id, tenderId, questionId, request.body),
      );
    },
  );
}

/** A tender's amendments. */
function amendmentRoutes(app: FastifyInstance, options: { extensionDays: number }): void {
  const json = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags: ["tenders"] = ["tenders"];

  json.get(
    `${BASE}/amendments`,
    api(
      { who: anyone },
      {
        operationId: "listTenderAmendments",
        tags,
        summary: "A tender's amendments",
        params: TenderParams,
        response: { 200: AmendmentListResponse },
      },
    ),
    async (request) => {
      const amendments = await amendmentsOfTender(
        ctxOf(request),
        request.authority.id,
        request.params.tenderId,
      );
      return { amendments: amendments.map(amendmentToApi) };
    },
  );

  json.post(
    `${BASE}/amendments`,
    api(WRITE, {
      operationId: "amendTender",
      tags,
      summary: "Amend an open tender's terms",
      description: `By the tender's commissioners and administrators while it is open (409 otherwise), with a reason published beside the changes. The deadline for bids is never brought forward, and once bids have arrived it must move by at least the configured minimum (OPENPS_TENDER_AMENDMENT_DAYS, here ${options.extensionDays} days): 422 otherwise. Everyone registered as interested is told.`,
      params: TenderParams,
      body: AmendBody,
      response: { 201: AmendmentResponse, ...errorResponses(409, 422) },
    }),
    async (request, reply) => {
      const { changes, reason } = request.body;
      const amendment = await amendTender(
        tendersCtxOf(request),
        request.authority.id,
        request.params.tenderId,
        changes as TenderDraft,
        reason,
        options,
      );
      return reply.status(201).send(amendmentToApi(amendment));
    },
  );
}
