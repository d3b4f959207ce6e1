/**
 * The evaluators assigned to a tender (issue 6): the tenders module owns the assignment
 * (`tender_evaluators`); with the authority's bid openers, assigned evaluators are the only readers
 * of the opened bids (opening.service.ts). The evaluation module asks here who is assigned, and
 * ends an assignment when an evaluator declares a conflict of interest.
 */
import { transaction } from "../../db/transaction.ts";
import { UnprocessableError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf } from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import * as repo from "./tenders.repository.ts";
import { requireTenderEditor, subjectOf, tenderPath } from "./tenders.service.ts";

/**
 * Assigns an evaluator (who must hold the authority's evaluator role, 422 otherwise) to a tender,
 * audited, and tells them (inbox, and email with `ctx.email`): the authority's commissioners and
 * administrators (404 for a tender the caller may not see, then 403). Assigning again changes nothing.
 */
export async function assignEvaluator(
  ctx: Ctx & { email?: boolean },
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const { p, tender } = await requireTenderEditor(within(ctx, trx), authorityId, tenderId);
    if (!isUuid(userId) || !(await repo.holdsAuthorityRole(trx, userId, "evaluator", authorityId)))
      throw new UnprocessableError(msg`Choose one of the authority's evaluators`, [
        { field: "userId", message: msg`Choose someone who holds the authority's evaluator role` },
      ]);
    const added = await repo.assignEvaluator(trx, {
      authority_id: authorityId,
      tender_id: tenderId,
      user_id: userId,
      assigned_at: ctx.clock.now(),
    });
    if (!added) return;
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.evaluator-assigned",
      entity: { type: "tender", id: tenderId },
      changes: { evaluator: personalRef("users", userId) },
    });
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId,
        kind: "tender.evaluator-assigned",
        subject: subjectOf(msg`You are an evaluator of: ${tender.title}`),
        body: `You have been assigned to evaluate the tender “${tender.title}”. Before you see its bids, once they are opened, declare any conflict of interest you have: a financial or personal interest in a bidder, its people or the outcome.`,
        link: `${tenderPath(tender)}/evaluation`,
      },
      { email: ctx.email ?? false, actor: actorOf(p) },
    );
  });
}

/**
 * Ends an evaluator's assignment to the tender (a declared conflict of interest), in the caller's
 * transaction. Checks no one and records nothing: the calling service has checked, and audits the
 * declaration that ends it.
 */
export async function unassignEvaluator(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<void> {
  await transaction(ctx.db, (trx) => repo.unassignEvaluator(trx, authorityId, tenderId, userId));
}

/** Is this person assigned to evaluate the tender? */
export function isAssignedEvaluator(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
  userId: string,
): Promise<boolean> {
  return repo.isAssignedEvaluator(ctx.db, authorityId, tenderId, userId);
}

export interface AssignedEvaluator {
  user_id: string;
  display_name: string;
  assigned_at: Date;
}

/** The tender's assigned evaluators, by name. Checks no one: for the evaluation module's views. */
export function assignedEvaluators(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<AssignedEvaluator[]> {
  return repo.evaluatorsOf(ctx.db, authorityId, tenderId);
}
