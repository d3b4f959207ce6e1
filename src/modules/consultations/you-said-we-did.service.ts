/**
 * "You said, we did" (see consultations.service.ts): after a consultation closes, the authority's
 * editors answer each point made in its responses — a response's section with content — with what
 * they did about it, then publish the summary, which tells every respondent and is final.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, requireAuthorityEditor, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import * as repo from "./consultations.repository.ts";
import {
  CONSULTATION_LIMITS,
  type ConsultationView,
  consultationOf,
  consultationToChange,
  loadConsultation,
} from "./consultations.service.ts";
import { type ShownResponse, shapeResponses, shownResponses } from "./responses.service.ts";

export interface PointAnswerInput {
  responseId: string;
  sectionId: string;
  /** What the authority did about the point; blank removes an answer not yet published. */
  weDid?: string;
}

function requireClosed(c: ConsultationView): void {
  if (c.state === "draft")
    throw new ConflictError(msg`This consultation has not been published yet.`, "consultation_not_open");
  if (c.state === "open")
    throw new ConflictError(
      msg`This consultation is still open: answer its points once it closes, at ${londonDateTime(c.closes_at)}.`,
      "consultation_open",
    );
  if (c.state === "summary-published")
    throw new ConflictError(
      msg`The "you said, we did" summary has been published and cannot be changed.`,
      "summary_published",
    );
}

/** The field name of a point in forms and error details. */
export function pointField(responseId: string, sectionId: string): string {
  return `point.${responseId}.${sectionId}`;
}

/** Each answer given is to a point made in a response, and not too long (400 otherwise). */
function checkAnswers(responses: repo.ResponseRow[], given: readonly PointAnswerInput[]): void {
  const points = new Set(responses.flatMap((r) => r.sections.map((s) => `${r.id}/${s.section_id}`)));
  const problems: FieldError[] = [];
  for (const a of given) {
    const field = pointField(a.responseId, a.sectionId);
    if (!points.has(`${a.responseId}/${a.sectionId}`))
      problems.push({ field, message: msg`This is not a point made in a response to this consultation` });
    else if ((a.weDid ?? "").trim().length > CONSULTATION_LIMITS.weDid)
      problems.push({ field, message: msg`Enter ${CONSULTATION_LIMITS.weDid} characters or fewer` });
  }
  if (given.length === 0) problems.push({ field: "answers", message: msg`Answer at least one point` });
  if (problems.length > 0) throw new ValidationError(msg`Check your answers`, problems);
}

/**
 * Records what the authority did about each point given (editors only; after closing, before the
 * summary is published: 409 otherwise). Returns how many points are answered (blank ones clear).
 */
export async function answerPoints(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
  given: readonly PointAnswerInput[],
): Promise<number> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await consultationToChange(trx, ctx, authorityId, consultationId);
    requireClosed(await consultationOf(within(ctx, trx), authorityId, consultationId));
    checkAnswers(await repo.responsesOf(trx, authorityId, consultationId), given);
    const now = ctx.clock.now();
    const blank = (a: PointAnswerInput) => (a.weDid ?? "").trim() === "";
    for (const a of given) {
      if (blank(a)) await repo.deletePointAnswer(trx, authorityId, a.responseId, a.sectionId);
      else
        await repo.upsertPointAnswer(trx, {
          authority_id: authorityId,
          consultation_id: consultationId,
          response_id: a.responseId,
          section_id: a.sectionId,
          we_did: (a.weDid ?? "").trim(),
          answered_by: p.userId,
          answered_at: now,
        });
    }
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "consultation.points-answered",
      entity: { type: "consultation", id: consultationId },
      changes: {
        answered: given.filter((a) => !blank(a)).map((a) => `${a.responseId}/${a.sectionId}`),
        cleared: given.filter(blank).map((a) => `${a.responseId}/${a.sectionId}`),
      },
    });
    return given.filter((a) => !blank(a)).length;
  });
}

/** Every point answered, or 422 naming each one missing. */
function requireEveryPointAnswered(shown: ShownResponse[]): void {
  const missing: FieldError[] = shown.flatMap((r) =>
    r.sections
      .filter((s) => s.weDid === null)
      .map((s) => ({
        field: pointField(r.id, s.sectionId),
        message: msg`Say what you did about what ${r.organisationName ?? r.sentBy ?? r.label} said on "${s.heading}"`,
      })),
  );
  if (missing.length > 0)
    throw new UnprocessableError(
      missing.length === 1
        ? msg`Answer every point before publishing: ${missing.length} point is not answered yet`
        : msg`Answer every point before publishing: ${missing.length} points are not answered yet`,
      missing,
      "points_unanswered",
    );
}

/** Tells every respondent (inbox and email) that the summary is published. */
async function tellRespondents(
  ctx: Ctx & { db: Trx },
  consultation: ConsultationView,
  userIds: Iterable<string>,
): Promise<void> {
  const link = `/authorities/${consultation.authority_slug}/consultations/${consultation.id}/summary`;
  for (const userId of new Set(userIds))
    await notify(
      ctx.db,
      ctx.clock,
      {
        userId,
        authorityId: consultation.authority_id,
        kind: "consultation.summary-published",
        subject: msg`"You said, we did" for ${consultation.title}`.slice(0, 200),
        body: msg`${consultation.authority_name} has published what it did about the responses to "${consultation.title}", yours included.`,
        link,
      },
      { email: true, actor: actorIn(ctx) },
    );
}

/**
 * Publishes "you said, we did": after closing (409 before, and once published), with every point
 * answered (422 naming each one missing). Tells every respondent. Audited, as `actorIn(ctx)`.
 * Checks no one: the caller has (seeds use it).
 */
export async function recordSummaryPublished(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
  summaryText: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const locked = isUuid(consultationId)
      ? await repo.lockConsultation(trx, authorityId, consultationId)
      : undefined;
    const consultation = locked
      ? await loadConsultation(within(ctx, trx), authorityId, consultationId)
      : undefined;
    if (!consultation) throw new NotFoundError("consultation");
    requireClosed(consultation);
    const text = summaryText.trim();
    if (text.length > CONSULTATION_LIMITS.summaryText)
      throw new ValidationError(msg`Check the summary`, [
        {
          field: "summaryText",
          message: msg`Enter an introduction of ${CONSULTATION_LIMITS.summaryText} characters or fewer`,
        },
      ]);
    const responses = await repo.responsesOf(trx, authorityId, consultationId);
    const points = await repo.pointAnswersOf(trx, authorityId, consultationId);
    const shown = shapeResponses(consultation, responses, points, true);
    requireEveryPointAnswered(shown);
    const now = ctx.clock.now();
    await repo.setStatus(trx, authorityId, consultationId, "summary-published", {
      summary_text: text,
      summary_published_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "consultation.summary-published",
      entity: { type: "consultation", id: consultationId },
      changes: { points: shown.reduce((n, r) => n + r.sections.length, 0), responses: shown.length },
    });
    await tellRespondents(
      within(ctx, trx),
      consultation,
      responses.map((r) => r.user_id),
    );
  });
}

/** Publishes "you said, we did" (see `recordSummaryPublished`): the authority's editors only. */
export async function publishSummary(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
  summaryText: string,
): Promise<ConsultationView> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await consultationToChange(trx, ctx, authorityId, consultationId);
    await recordSummaryPublished(within(ctx, trx, actorOf(p)), authorityId, consultationId, summaryText);
    return consultationOf(within(ctx, trx), authorityId, consultationId);
  });
}

/**
 * The answers page's one action: saves the answers given (if any) and, with `publish`, publishes
 * the summary, in one transaction (so a refused publication saves nothing). Editors only (404 for
 * a consultation the caller may not see, then 403, even when nothing is given).
 */
export async function saveAnswers(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
  given: readonly PointAnswerInput[],
  publish: { summaryText: string } | null,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    await consultationToChange(trx, ctx, authorityId, consultationId);
    if (given.length > 0) await answerPoints(within(ctx, trx), authorityId, consultationId, given);
    if (publish) await publishSummary(within(ctx, trx), authorityId, consultationId, publish.summaryText);
  });
}

/** The published "you said, we did" summary: public once published, 404 before. */
export async function summaryOf(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; responses: ShownResponse[] }> {
  const consultation = await consultationOf(ctx, authorityId, consultationId);
  if (consultation.state !== "summary-published") throw new NotFoundError('"you said, we did" summary');
  return { consultation, responses: await shownResponses(ctx, consultation, false) };
}

/**
 * The answers page: every response's sections with content, and the answers so far. Editors only
 * (404 for a consultation the caller may not see, then 403), once it has closed (409 before).
 */
export async function pointsOf(
  ctx: Ctx,
  authorityId: string,
  consultationId: string,
): Promise<{ consultation: ConsultationView; responses: ShownResponse[] }> {
  requireSignedIn(ctx.principal);
  const consultation = await consultationOf(ctx, authorityId, consultationId);
  await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  if (consultation.state === "draft" || consultation.state === "open") requireClosed(consultation);
  return { consultation, responses: await shownResponses(ctx, consultation, true) };
}
