/**
 * Pages of a published tender's conversation with the market: registering interest, asking a
 * clarification question, answering one (which publishes it), and amending the terms. Thin: parse
 * the form, call the services, redirect or re-render with the errors.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { transaction } from "../../db/transaction.ts";
import { dateField, field, submitForm } from "../../http/forms.ts";
import { NotFoundError } from "../../lib/errors.ts";
import { londonParts } from "../../lib/london-time.ts";
import { requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import type { Authority } from "../authorities/authorities.service.ts";
import { authorityBySlug } from "../authorities/authorities.service.ts";
import { type BidsContext, biddingOrganisations } from "./bids.service.ts";
import { answerQuestion, askQuestion, questionsFor, registerInterest } from "./questions.service.ts";
import { amendTender, londonInstant, type TenderDraft, tenderOf } from "./tenders.service.ts";

const hide = { schema: { hide: true } };
const CONDITION_ROWS = 6;

type SlugTender = { Params: { slug: string; tenderId: string } };
type SlugQuestion = { Params: { slug: string; tenderId: string; questionId: string } };

function values(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>))
    if (k !== "_csrf") out[k] = String(v);
  return out;
}

/** A deadline's form fields from an instant. */
function deadlineValues(name: string, instant: Date): Record<string, string> {
  const { date, time } = londonParts(instant);
  const [year, month, day] = date.split("-");
  return {
    [`${name}-day`]: String(Number(day)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year ?? "",
    [`${name}-time`]: time,
  };
}

/** The terms an amendment page changes: the rest (criteria, lots, pricing) through the API. */
export function amendmentFromForm(body: unknown): TenderDraft {
  const f = (name: string) => field(body, name);
  const conditions = [];
  for (let i = 0; i < CONDITION_ROWS; i++) if (f(`conditions.${i}`)) conditions.push(f(`conditions.${i}`));
  return {
    title: f("title"),
    description: f("description"),
    conditions,
    clarificationDeadline: londonInstant(
      dateField(body, "clarificationDeadline"),
      f("clarificationDeadline-time"),
    ),
    submissionDeadline: londonInstant(dateField(body, "submissionDeadline"), f("submissionDeadline-time")),
  };
}

export function questionPages(app: FastifyInstance, ctx: BidsContext, extensionDays: number): void {
  const { db, clock } = ctx;
  const notices = { email: ctx.email };
  const baseOf = (authority: Authority, id: string) => `/authorities/${authority.slug}/tenders/${id}`;

  /** The tender (404 unless visible); `editors` first asks for the authority's commissioners and administrators. */
  async function tenderFor(request: FastifyRequest<SlugTender>, editors = false) {
    const authority = await authorityBySlug(db, request.params.slug);
    if (editors) await requireAuthorityEditor(db, request.principal, authority.id);
    const view = await tenderOf(db, clock, request.principal, authority.id, request.params.tenderId);
    return { authority, view, base: baseOf(authority, view.tender.id) };
  }

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/interest", hide, async (request, reply) => {
    const { authority, view, base } = await tenderFor(request);
    await transaction(db, (trx) =>
      registerInterest(
        trx,
        clock,
        request.principal,
        authority.id,
        view.tender.id,
        field(request.body, "organisationId"),
      ),
    );
    await reply.redirect(`${base}?notice=interest`, 303);
  });

  async function askContext(request: FastifyRequest<SlugTender>, body: unknown) {
    requireSignedIn(request.principal);
    const { authority, view, base } = await tenderFor(request);
    const organisations = await biddingOrganisations(db, request.principal);
    return {
      authority,
      tender: view.tender,
      base,
      organisations,
      values: {
        organisationId: organisations.length === 1 ? (organisations[0]?.id ?? "") : "",
        ...values(body),
      },
    };
  }

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/questions/new", hide, async (request, reply) => {
    await reply.page("tenders/views/ask.njk", await askContext(request, {}));
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/questions/new", hide, async (request, reply) => {
    const context = await askContext(request, request.body);
    await submitForm(reply, "tenders/views/ask.njk", context, async () => {
      await transaction(db, (trx) =>
        askQuestion(
          trx,
          clock,
          request.principal,
          context.authority.id,
          context.tender.id,
          { organisationId: context.values.organisationId, question: field(request.body, "question") },
          notices,
        ),
      );
      return `${context.base}?notice=asked#questions`;
    });
  });

  async function answerContext(request: FastifyRequest<SlugQuestion>, body: unknown) {
    const { authority, view, base } = await tenderFor(request, true);
    const question = (await questionsFor(db, request.principal, authority.id, view.tender.id)).find(
      (q) => q.id === request.params.questionId,
    );
    if (!question) throw new NotFoundError("question");
    return {
      authority,
      tender: view.tender,
      base,
      question,
      values: { publishedQuestion: question.question, ...values(body) },
    };
  }

  app.get<SlugQuestion>(
    "/authorities/:slug/tenders/:tenderId/questions/:questionId/answer",
    hide,
    async (request, reply) => {
      await reply.page("tenders/views/answer.njk", await answerContext(request, {}));
    },
  );

  app.post<SlugQuestion>(
    "/authorities/:slug/tenders/:tenderId/questions/:questionId/answer",
    hide,
    async (request, reply) => {
      const context = await answerContext(request, request.body);
      await submitForm(reply, "tenders/views/answer.njk", context, async () => {
        await transaction(db, (trx) =>
          answerQuestion(
            trx,
            clock,
            request.principal,
            context.authority.id,
            context.tender.id,
            context.question.id,
            {
              answer: field(request.body, "answer"),
              publishedQuestion: field(request.body, "publishedQuestion"),
            },
            notices,
          ),
        );
        return `${context.base}?notice=answered#questions`;
      });
    },
  );

  async function amendContext(request: FastifyRequest<SlugTender>, body: unknown) {
    const { authority, view, base } = await tenderFor(request, true);
    const { tender, parts } = view;
    const current: Record<string, string> = {
      title: tender.title,
      description: tender.description,
      ...deadlineValues("clarificationDeadline", tender.clarification_deadline),
      ...deadlineValues("submissionDeadline", tender.submission_deadline),
    };
    parts.conditions.forEach((c, i) => {
      current[`conditions.${i}`] = c;
    });
    return {
      authority,
      tender,
      base,
      extensionDays,
      conditionRows: CONDITION_ROWS,
      values: body === null ? current : values(body),
    };
  }

  app.get<SlugTender>("/authorities/:slug/tenders/:tenderId/amend", hide, async (request, reply) => {
    await reply.page("tenders/views/amend.njk", await amendContext(request, null));
  });

  app.post<SlugTender>("/authorities/:slug/tenders/:tenderId/amend", hide, async (request, reply) => {
    const context = await amendContext(request, request.body);
    await submitForm(reply, "tenders/views/amend.njk", context, async () => {
      await transaction(db, (trx) =>
        amendTender(
          trx,
          clock,
          request.principal,
          context.authority.id,
          context.tender.id,
          amendmentFromForm(request.body),
          field(request.body, "reason"),
          { ...notices, extensionDays },
        ),
      );
      return `${context.base}?notice=amended#amendments`;
    });
  });
}
