/**
 * A published tender's interest, clarification questions and amendments: the JSON API under
 * `/api/v1/authorities/:authorityId/tenders/:tenderId`. Thin: parse, call the services, serialise.
 */
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { requireSignedIn } from "../access/access.service.ts";
import { editorsFirst } from "../access/policies.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import type { BidsContext } from "./bids.service.ts";
import {
  answerQuestion,
  askQuestion,
  type QuestionView,
  questionsFor,
  registerInterest,
} from "./questions.service.ts";
import {
  AmendBody,
  AmendmentListResponse,
  AmendmentResponse,
  AnswerBody,
  AskBody,
  ErrorResponse,
  InterestBody,
  InterestResponse,
  QuestionListResponse,
  QuestionParams,
  QuestionResponse,
  TenderParams,
} from "./tenders.schemas.ts";
import { amendmentsOf, amendTender, type TenderDraft, tenderOf } from "./tenders.service.ts";
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

async function signedInFirst(request: FastifyRequest): Promise<void> {
  requireSignedIn(request.principal);
}

export function questionRoutes(app: FastifyInstance, ctx: BidsContext, extensionDays: number): void {
  const { db, clock } = ctx;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
  const tags = ["tenders"];
  const base = "/api/v1/authorities/:authorityId/tenders/:tenderId";
  const notices = { email: ctx.email };

  api.post(
    `${base}/interest`,
    {
      schema: {
        tags,
        summary: "Register an organisation's interest in an open tender",
        description:
          "For people of the organisation. Bidding needs it; everyone registered is told of answers, amendments and cancellation. Registering again changes nothing. 409 once the tender is closed or cancelled.",
        params: TenderParams,
        body: InterestBody,
        response: { 200: InterestResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      return transaction(db, (trx) =>
        registerInterest(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body.organisationId,
        ),
      );
    },
  );

  api.get(
    `${base}/questions`,
    {
      schema: {
        tags,
        summary: "A tender's clarification questions",
        description:
          "Answered questions, as published, for everyone (never with the asker's name); unanswered ones too for the tender's commissioners and administrators (with who asked), and for the asking organisation's people.",
        params: TenderParams,
        response: { 200: QuestionListResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
      const questions = await questionsFor(db, request.principal, authority.id, request.params.tenderId);
      return { questions: questions.map(questionToApi) };
    },
  );

  api.post(
    `${base}/questions`,
    {
      schema: {
        tags,
        summary: "Ask a clarification question",
        description:
          "For an organisation, until the clarification deadline (409 after); registers its interest too. The tender's commissioners are told; the question is published, without the asker's name, when answered.",
        params: TenderParams,
        body: AskBody,
        response: { 201: QuestionResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: signedInFirst,
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const id = await transaction(db, (trx) =>
        askQuestion(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body,
          notices,
        ),
      );
      const mine = (await questionsFor(db, request.principal, authority.id, request.params.tenderId)).find(
        (q) => q.id === id,
      );
      return reply.status(201).send(questionToApi(mine as QuestionView));
    },
  );

  api.post(
    `${base}/questions/:questionId/answer`,
    {
      schema: {
        tags,
        summary: "Answer a clarification question, publishing it",
        description:
          "By the tender's commissioners and administrators while it is open. Publishes the question (in the words given, or the asker's) and the answer to everyone, numbered, and tells every organisation registered as interested. 409 when answered already or the tender is closed.",
        params: QuestionParams,
        body: AnswerBody,
        response: { 200: QuestionResponse, ...errors, 409: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      const { tenderId, questionId } = request.params;
      await transaction(db, (trx) =>
        answerQuestion(
          trx,
          clock,
          request.principal,
          authority.id,
          tenderId,
          questionId,
          request.body,
          notices,
        ),
      );
      const answered = (await questionsFor(db, request.principal, authority.id, tenderId)).find(
        (q) => q.id === questionId,
      );
      return questionToApi(answered as QuestionView);
    },
  );

  api.get(
    `${base}/amendments`,
    {
      schema: {
        tags,
        summary: "A tender's amendments",
        params: TenderParams,
        response: { 200: AmendmentListResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const authority = await authorityById(db, request.params.authorityId);
      await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
      const amendments = await amendmentsOf(db, authority.id, request.params.tenderId);
      return { amendments: amendments.map(amendmentToApi) };
    },
  );

  api.post(
    `${base}/amendments`,
    {
      schema: {
        tags,
        summary: "Amend an open tender's terms",
        description: `By the tender's commissioners and administrators while it is open (409 otherwise), with a reason published beside the changes. The deadline for bids is never brought forward, and once bids have arrived it must move by at least the configured minimum (OPENPS_TENDER_AMENDMENT_DAYS, here ${extensionDays} days): 422 otherwise. Everyone registered as interested is told.`,
        params: TenderParams,
        body: AmendBody,
        response: { 201: AmendmentResponse, ...errors, 409: ErrorResponse, 422: ErrorResponse },
      },
      preValidation: editorsFirst(app),
    },
    async (request, reply) => {
      const authority = await authorityById(db, request.params.authorityId);
      const amendment = await transaction(db, (trx) =>
        amendTender(
          trx,
          clock,
          request.principal,
          authority.id,
          request.params.tenderId,
          request.body.changes as TenderDraft,
          request.body.reason,
          { ...notices, extensionDays },
        ),
      );
      return reply.status(201).send(amendmentToApi(amendment));
    },
  );
}
