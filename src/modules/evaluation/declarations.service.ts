/**
 * Conflicts of interest (issue 6, item 1): each evaluator assigned to a tender declares any conflict
 * before seeing the bids. "None" lets them see and score the bids (the tenders module asks, through
 * the `evaluatorDeclaration` port: `conflictDeclarationOf` in evaluation.service.ts). A conflict,
 * described, ends their assignment, and the commissioners are told.
 */
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { msg } from "../../lib/messages.ts";
import { commissioningPeople } from "../access/access.service.ts";
import { actorIn, within } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { unassignEvaluator } from "../tenders/evaluators.service.ts";
import type { TendersCtx } from "../tenders/tenders.service.ts";
import * as repo from "./evaluation.repository.ts";
import { EVALUATION_LIMITS, requireAssignedEvaluator, requireNotAwarded } from "./evaluation.service.ts";
import type { Declaration } from "./evaluation.table.ts";

export interface DeclarationDraft {
  conflict?: boolean;
  description?: string;
}

/** The declaration, checked: 400 for a field at fault, 422 for a conflict without a description. */
function checkDeclaration(draft: DeclarationDraft): { declaration: Declaration; description: string } {
  const description = (draft.description ?? "").trim();
  const problems: FieldError[] = [];
  if (typeof draft.conflict !== "boolean")
    problems.push({
      field: "conflict",
      message: msg`Say whether you have a conflict of interest in this tender`,
    });
  if (description.length > EVALUATION_LIMITS.description)
    problems.push({
      field: "description",
      message: msg`Describe the conflict in ${EVALUATION_LIMITS.description} characters or fewer`,
    });
  if (problems.length > 0) throw new ValidationError(msg`Check your declaration`, problems);
  if (draft.conflict && description === "")
    throw new UnprocessableError(msg`Describe the conflict of interest`, [
      {
        field: "description",
        message: msg`Describe the conflict: your interest in a bidder, its people or the outcome`,
      },
    ]);
  return { declaration: draft.conflict ? "conflict" : "none", description };
}

/**
 * An assigned evaluator declares any conflict of interest, audited. None: they may then see and score
 * the bids. A conflict (described: 422 without) ends their assignment to the tender; the commissioners
 * are told. A conflict can be declared at any time before the award (scores already given are then
 * left out of moderation); "none" once declared stays.
 */
export async function declareConflicts(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  draft: DeclarationDraft,
): Promise<{ declaration: Declaration }> {
  const { p, t } = await requireAssignedEvaluator(ctx, authorityId, tenderId);
  if (t.tender.status === "cancelled")
    throw new ConflictError(msg`This tender was cancelled: its bids are not evaluated.`, "tender_cancelled");
  const { declaration, description } = checkDeclaration(draft);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    await requireNotAwarded(tx, authorityId, tenderId, msg`The tender has been awarded: evaluation is over.`);
    const before = await repo.declarationOf(trx, authorityId, tenderId, p.userId);
    if (before?.declaration === "none" && declaration === "none") return { declaration };
    await repo.upsertDeclaration(trx, {
      authority_id: authorityId,
      tender_id: tenderId,
      user_id: p.userId,
      declaration,
      description: declaration === "conflict" ? description : "",
      declared_at: ctx.clock.now(),
    });
    if (declaration === "conflict") await unassignEvaluator(tx, authorityId, tenderId, p.userId);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(tx),
      action: declaration === "conflict" ? "evaluation.conflict-declared" : "evaluation.no-conflict-declared",
      entity: { type: "tender", id: tenderId },
      changes: {
        evaluator: personalRef("users", p.userId),
        ...(declaration === "conflict" ? { description, assignmentEnded: true } : {}),
      },
    });
    if (declaration === "conflict")
      for (const userId of await commissioningPeople(trx, authorityId))
        await notify(
          trx,
          ctx.clock,
          {
            userId,
            authorityId,
            kind: "evaluation.conflict-declared",
            subject: `An evaluator declared a conflict of interest: ${t.tender.title}`.slice(0, 200),
            body: `${p.displayName} declared a conflict of interest in the tender “${t.tender.title}” and is no longer one of its evaluators.\n\nThe conflict: ${description}`,
            link: `/authorities/${t.tender.authority_slug}/tenders/${tenderId}/evaluation`,
          },
          { email: ctx.email, actor: actorIn(tx) },
        );
    return { declaration };
  });
}
