import { transaction } from "../../db/transaction.ts";
import { type FieldError, UnprocessableError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { requireCareStaff } from "./access.service.ts";
import * as repo from "./care.repository.ts";
import type { CareConcern, CareReview, ReviewOutcome } from "./care.table.ts";
import { REVIEW_OUTCOMES } from "./care.table.ts";
import { checkDate, refuse, text } from "./checks.ts";
import { refreshNextReview } from "./next-review.ts";
import { activePlan } from "./plans.service.ts";

// Concerns and reviews

/** Records a concern about a plan (its direct payment, its use): a review falls due (clocks.ts). */
export async function recordConcern(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  input: { raisedOn: string; description: string },
): Promise<CareConcern> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const raisedOn = text(input.raisedOn);
  const description = text(input.description);
  const problems: FieldError[] = [];
  checkDate(problems, "raisedOn", raisedOn, {
    missing: msg`Enter the date the concern was raised`,
    wrong: msg`Enter the date the concern was raised as a real date, like 27 3 2026`,
  });
  if (isIsoDate(raisedOn) && raisedOn > londonToday(ctx.clock))
    problems.push({ field: "raisedOn", message: msg`Enter a date that is today or in the past` });
  if (description === "") problems.push({ field: "description", message: msg`Describe the concern` });
  else if (description.length > 2000)
    problems.push({ field: "description", message: msg`Describe the concern in 2,000 characters or fewer` });
  refuse(problems, msg`Check the concern`);
  return transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    const concern: CareConcern = {
      authority_id: authorityId,
      id: newId(),
      plan_id: planId,
      raised_on: raisedOn,
      description,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    };
    await repo.insertConcern(trx, concern);
    await refreshNextReview(trx, authorityId, planId);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.concern-raised",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), concern: concern.id, raisedOn },
    });
    return concern;
  });
}

/** Records a review done (its date and outcome): the clocks start again from it. */
export async function recordReview(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  input: { reviewedOn: string; outcome: string; notes?: string | null },
): Promise<CareReview> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const reviewedOn = text(input.reviewedOn);
  const outcome = text(input.outcome);
  const notes = text(input.notes);
  const problems: FieldError[] = [];
  checkDate(problems, "reviewedOn", reviewedOn, {
    missing: msg`Enter the date of the review`,
    wrong: msg`Enter the date of the review as a real date, like 27 3 2026`,
  });
  if (isIsoDate(reviewedOn) && reviewedOn > londonToday(ctx.clock))
    problems.push({ field: "reviewedOn", message: msg`Enter a date that is today or in the past` });
  if (!(REVIEW_OUTCOMES as readonly string[]).includes(outcome))
    problems.push({ field: "outcome", message: msg`Choose what the review found` });
  if (notes.length > 2000)
    problems.push({ field: "notes", message: msg`Write the notes in 2,000 characters or fewer` });
  refuse(problems, msg`Check the review`);
  return transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    if (reviewedOn < plan.started_on) {
      const message = msg`A review cannot be before the plan started, on ${plan.started_on}`;
      throw new UnprocessableError(message, [{ field: "reviewedOn", message }]);
    }
    const review: CareReview = {
      authority_id: authorityId,
      id: newId(),
      plan_id: planId,
      reviewed_on: reviewedOn,
      outcome: outcome as ReviewOutcome,
      notes,
      created_by: p.userId,
      created_at: ctx.clock.now(),
    };
    await repo.insertReview(trx, review);
    await refreshNextReview(trx, authorityId, planId);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.review-recorded",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), review: review.id, reviewedOn, outcome },
    });
    return review;
  });
}

/** Active plans of these authorities whose review is due within the window or overdue (care staff's work). */
export const reviewsDue = repo.reviewsDue;
export type { ReviewDueRow } from "./care.repository.ts";
