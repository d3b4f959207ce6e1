/**
 * A published tender's conversation with the market (issue 5, item 2; docs/tenders.md):
 *
 * - **Interest**: an organisation registers its interest in an open tender. Bidding needs it, and
 *   everyone registered is told of answers, amendments and cancellation — which reaches every
 *   bidder without unsealing who bid (the registered are a superset of the bidders). The tender
 *   team sees how many are registered, not who.
 * - **Clarification questions** from organisations until the clarification deadline. Answering one
 *   publishes it, numbered, with the answer, to everyone — on the tender's page and API, and in the
 *   inbox (and email) of everyone registered — never with the asker's name. The commissioner may
 *   publish the question in neutral words of their own (say, to take out what would identify the
 *   asker). The tender team sees who asked; the asker sees its own questions waiting.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import {
  actorOf,
  hasRole,
  isAuthorityEditor,
  type Principal,
  requireAuthorityEditor,
  requireSignedIn,
} from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import * as repo from "./tenders.repository.ts";
import {
  isTenderTeam,
  notifyInterested,
  stateOf,
  subjectOf,
  tenderOf,
  visibleTender,
} from "./tenders.service.ts";
import type { Tender } from "./tenders.table.ts";

export const QUESTION_LIMITS = { question: 5000, answer: 10000 } as const;

/**
 * The person acting for an organisation (its administrator or member); platform administrators do
 * not. `refusal` says what they can do only for an organisation they act for.
 */
export function requireActingFor(
  principal: Principal | null,
  organisationId: string,
  refusal: string,
): Principal {
  const p = requireSignedIn(principal);
  if (!isUuid(organisationId) || !hasRole(p, ["organisation-admin", "organisation-member"], organisationId))
    throw new ForbiddenError(refusal);
  return p;
}

/** A published tender (drafts are not found), locked. */
async function lockedPublished(trx: Trx, authorityId: string, tenderId: string): Promise<Tender> {
  const tender = isUuid(tenderId) ? await repo.lockTender(trx, authorityId, tenderId) : undefined;
  if (!tender || tender.status === "draft") throw new NotFoundError("tender");
  return tender;
}

function requireOpen(tender: Tender, now: Date, what: string): void {
  const state = stateOf(tender, now);
  if (state === "cancelled") throw new ConflictError(msg`This tender was cancelled.`, "tender_cancelled");
  if (state !== "open")
    throw new ConflictError(
      msg`The deadline for bids passed at ${londonDateTime(tender.submission_deadline)}: ${what} is closed.`,
      "tender_closed",
    );
}

async function record(ctx: Ctx & { db: Trx }, p: Principal, tender: Tender, organisationId: string) {
  const added = await repo.insertInterest(ctx.db, {
    authority_id: tender.authority_id,
    tender_id: tender.id,
    organisation_id: organisationId,
    registered_by: p.userId,
    registered_at: ctx.clock.now(),
  });
  if (added)
    await recordAudit(ctx.db, ctx.clock, {
      authorityId: tender.authority_id,
      actor: actorOf(p),
      action: "tender.interest-registered",
      entity: { type: "tender", id: tender.id },
      changes: { organisationId },
    });
  return added;
}

/**
 * Registers an organisation's interest in an open tender (again: nothing changes), audited.
 * 404 for a draft, then 403 for someone not acting for it, then 409 once closed or cancelled.
 */
export async function registerInterest(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  organisationId: string | undefined,
): Promise<{ registered: boolean }> {
  requireSignedIn(ctx.principal);
  return transaction(ctx.db, async (trx) => {
    const tender = await lockedPublished(trx, authorityId, tenderId);
    const p = requireActingFor(
      ctx.principal,
      organisationId ?? "",
      msg`You can register interest only for an organisation you act for. Ask its administrator to add you to it.`,
    );
    requireOpen(tender, ctx.clock.now(), msg`registering interest`);
    return { registered: await record(within(ctx, trx), p, tender, organisationId as string) };
  });
}

/**
 * Registers interest from the tender's page: signed in (401), the tender as the page shows it (404
 * unless it may be seen), then as `registerInterest`.
 */
export async function registerInterestOnPage(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  organisationId: string,
): Promise<{ registered: boolean }> {
  requireSignedIn(ctx.principal);
  await visibleTender(ctx, authorityId, tenderId);
  return registerInterest(ctx, authorityId, tenderId, organisationId);
}

/** Of the organisations this person acts for, those registered as interested in the tender. */
export async function interestOf(ctx: Ctx, authorityId: string, tenderId: string): Promise<string[]> {
  const ids =
    ctx.principal?.grants
      .filter((g) => g.role === "organisation-admin" || g.role === "organisation-member")
      .map((g) => g.scopeId) ?? [];
  return repo.interestedAmong(ctx.db, authorityId, tenderId, [...new Set(ids)]);
}

/** The number of organisations registered as interested: the tender team's to see (null otherwise). */
export async function interestCount(ctx: Ctx, authorityId: string, tenderId: string): Promise<number | null> {
  return isTenderTeam(ctx.principal, authorityId) ? repo.countInterests(ctx.db, authorityId, tenderId) : null;
}

/** A question's or an answer's text, or `refused` (the form's and the field's messages). */
function text(
  value: string | undefined,
  field: string,
  max: number,
  refused: (max: string) => { form: string; field: string },
): string {
  const t = (value ?? "").trim();
  if (t === "" || t.length > max) {
    const messages = refused(max.toLocaleString("en-GB"));
    throw new ValidationError(messages.form, [{ field, message: messages.field }]);
  }
  return t;
}

/** Tells the tender's commissioners and administrators that a question waits for an answer. */
async function tellTeamOfQuestion(ctx: TendersCtx & { db: Trx }, authorityId: string, tenderId: string) {
  const row = await repo.findTender(ctx.db, authorityId, tenderId);
  if (!row) return;
  const team = new Set([
    ...(await repo.authorityRoleHolders(ctx.db, "commissioner", authorityId)),
    ...(await repo.authorityRoleHolders(ctx.db, "authority-admin", authorityId)),
  ]);
  for (const userId of [...team].sort())
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId,
        kind: "tender.question-asked",
        subject: subjectOf(msg`A clarification question on the tender: ${row.title}`),
        body: `A question has been asked about the tender "${row.title}". Answer it before the deadline for bids, ${londonDateTime(row.submission_deadline)}: the answer is published to everyone, without the asker's name.`,
        link: `/authorities/${row.authority_slug}/tenders/${tenderId}#questions`,
      },
      { email: ctx.email, actor: actorIn(ctx) },
    );
}

/** The question as the person who asked or answered it sees it. */
async function questionAsSeen(ctx: Ctx, authorityId: string, tenderId: string, id: string) {
  const question = (await questionsFor(ctx, authorityId, tenderId)).find((q) => q.id === id);
  if (!question) throw new NotFoundError("question");
  return question;
}

/**
 * Asks a clarification question for an organisation, until the clarification deadline (409 after),
 * registering its interest too; the tender's commissioners and administrators are told. Audited
 * without the question's words (they are published only when answered). 404 for a draft, then 403
 * for someone not acting for the organisation, then 400 for the question, then 409.
 */
export async function askQuestion(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  input: { organisationId?: string; question?: string },
): Promise<QuestionView> {
  requireSignedIn(ctx.principal);
  return transaction(ctx.db, async (trx) => {
    const tender = await lockedPublished(trx, authorityId, tenderId);
    const p = requireActingFor(
      ctx.principal,
      input.organisationId ?? "",
      msg`You can ask a question only for an organisation you act for. Ask its administrator to add you to it.`,
    );
    const question = text(input.question, "question", QUESTION_LIMITS.question, (max) => ({
      form: msg`Check the question`,
      field: msg`Enter your question, ${max} characters or fewer`,
    }));
    const inTrx = within(ctx, trx, actorOf(p));
    const now = ctx.clock.now();
    requireOpen(tender, now, msg`asking questions`);
    if (now.getTime() >= tender.clarification_deadline.getTime())
      throw new ConflictError(
        msg`The deadline for clarification questions passed at ${londonDateTime(tender.clarification_deadline)}.`,
        "clarification_closed",
      );
    const organisationId = input.organisationId as string;
    await record(inTrx, p, tender, organisationId);
    const id = newId();
    await repo.insertQuestion(trx, {
      authority_id: authorityId,
      id,
      tender_id: tenderId,
      organisation_id: organisationId,
      asked_by: p.userId,
      question,
      asked_at: now,
      number: null,
      published_question: null,
      answer: null,
      answered_by: null,
      answered_at: null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.question-asked",
      entity: { type: "tender", id: tenderId },
      changes: { questionId: id, organisationId, characters: question.length },
    });
    await tellTeamOfQuestion(inTrx, authorityId, tenderId);
    return questionAsSeen(inTrx, authorityId, tenderId, id);
  });
}

/**
 * The question locked, as this person may see it (as `questionsFor` shows them): answered ones,
 * anyone; unanswered ones, the tender's commissioners and administrators and the asking
 * organisation's people. 404 otherwise, as for an unknown question.
 */
async function lockedVisibleQuestion(
  trx: Trx,
  principal: Principal | null,
  authorityId: string,
  tenderId: string,
  questionId: string,
) {
  const question = isUuid(questionId)
    ? await repo.lockQuestion(trx, authorityId, tenderId, questionId)
    : undefined;
  const visible =
    question !== undefined &&
    (question.answered_at !== null ||
      isAuthorityEditor(principal, authorityId) ||
      hasRole(principal, ["organisation-admin", "organisation-member"], question.organisation_id));
  if (!question || !visible) throw new NotFoundError("question");
  return question;
}

/** The answer and the question as published, checked (400); 409 for a question answered already. */
function checkedAnswer(
  question: { question: string; answered_at: Date | null; number: number | null },
  input: { answer?: string; publishedQuestion?: string },
) {
  const answer = text(input.answer, "answer", QUESTION_LIMITS.answer, (max) => ({
    form: msg`Check the answer`,
    field: msg`Enter the answer, ${max} characters or fewer`,
  }));
  const published =
    (input.publishedQuestion ?? "").trim() === ""
      ? question.question
      : text(input.publishedQuestion, "publishedQuestion", QUESTION_LIMITS.question, (max) => ({
          form: msg`Check the question as published`,
          field: msg`Enter the question as published, ${max} characters or fewer`,
        }));
  if (question.answered_at)
    throw new ConflictError(
      msg`This question was answered already (question ${question.number ?? ""}).`,
      "question_answered",
    );
  return { answer, published };
}

/**
 * Answers a question, publishing it (numbered; in the commissioner's words if given, else the
 * asker's) with the answer to everyone, and telling everyone registered as interested. By its
 * commissioners and administrators (403; the tender and the question first, 404), only while the
 * tender is open (409), once (409).
 */
export async function answerQuestion(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  questionId: string,
  input: { answer?: string; publishedQuestion?: string },
): Promise<QuestionView> {
  return transaction(ctx.db, async (trx) => {
    requireSignedIn(ctx.principal);
    const tender = await lockedPublished(trx, authorityId, tenderId);
    const question = await lockedVisibleQuestion(trx, ctx.principal, authorityId, tenderId, questionId);
    const p = await requireAuthorityEditor(trx, ctx.principal, authorityId);
    const inTrx = within(ctx, trx, actorOf(p));
    const { answer, published } = checkedAnswer(question, input);
    const now = ctx.clock.now();
    requireOpen(tender, now, msg`answering questions`);
    const number = await repo.nextQuestionNumber(trx, authorityId, tenderId);
    await repo.answerQuestion(trx, authorityId, questionId, {
      number,
      published_question: published,
      answer,
      answered_by: p.userId,
      answered_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.question-answered",
      entity: { type: "tender", id: tenderId },
      changes: { questionId, number, question: published, answer },
    });
    const row = await repo.findTender(trx, authorityId, tenderId);
    if (row)
      await notifyInterested(inTrx, tender, {
        kind: "tender.question-answered",
        subject: subjectOf(msg`Clarification ${number} on the tender: ${row.title}`),
        body: [
          msg`Question ${number}: ${published}`,
          msg`Answer: ${answer}`,
          msg`Every answer is published on the tender's page, without the asker's name.`,
        ].join("\n\n"),
        link: `/authorities/${row.authority_slug}/tenders/${tenderId}#questions`,
      });
    return questionAsSeen(inTrx, authorityId, tenderId, questionId);
  });
}

export interface QuestionView {
  id: string;
  /** Set once answered (published). */
  number: number | null;
  question: string;
  answer: string | null;
  askedAt: Date;
  answeredAt: Date | null;
  /** The asking organisation: the tender team only. */
  askedBy: string | null;
  /** Asked by an organisation the viewer acts for. */
  mine: boolean;
}

/**
 * The questions the viewer may see: answered ones (as published) for everyone; the unanswered too
 * for the tender's commissioners and administrators, with who asked; an organisation's own
 * unanswered questions for its people.
 */
export async function questionsFor(ctx: Ctx, authorityId: string, tenderId: string): Promise<QuestionView[]> {
  const { principal } = ctx;
  const editor = isAuthorityEditor(principal, authorityId);
  const rows = await repo.questionsOf(ctx.db, authorityId, tenderId);
  const actsFor = (orgId: string) =>
    principal !== null && hasRole(principal, ["organisation-admin", "organisation-member"], orgId);
  return rows
    .filter((r) => r.answered_at !== null || editor || actsFor(r.organisation_id))
    .map((r) => ({
      id: r.id,
      number: r.number,
      question: r.answered_at !== null ? (r.published_question ?? r.question) : r.question,
      answer: r.answer,
      askedAt: r.asked_at,
      answeredAt: r.answered_at,
      askedBy: editor ? r.organisation_name : null,
      mine: actsFor(r.organisation_id),
    }))
    .sort((a, b) => (a.number ?? Number.MAX_SAFE_INTEGER) - (b.number ?? Number.MAX_SAFE_INTEGER));
}

/** The tender's questions as the viewer may see them, once `tenderOf` has shown the tender may be seen. */
export async function questionsOfTender(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<QuestionView[]> {
  await tenderOf(ctx, authorityId, tenderId);
  return questionsFor(ctx, authorityId, tenderId);
}

/**
 * The question to answer, for the answer form: the tender's commissioners and administrators (401,
 * then 404 for a tender or question the caller may not see, then 403).
 */
export async function questionToAnswer(ctx: Ctx, authorityId: string, tenderId: string, questionId: string) {
  requireSignedIn(ctx.principal);
  const view = await tenderOf(ctx, authorityId, tenderId);
  const question = await questionAsSeen(ctx, authorityId, view.tender.id, questionId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return { tender: view.tender, question };
}
