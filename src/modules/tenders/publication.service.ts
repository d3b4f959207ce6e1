/**
 * Publishing a tender (issue 5, item 2): a draft, checked whole again, becomes a public opportunity
 * once its project is published and its deadlines leave bidders at least the minimum period. Its
 * sealing keys are made then (the private one stored only wrapped under the master key), the
 * project's procurement is recorded as started, and the modules that react to a publication are
 * told (`tenderPublished`: opportunity alerts).
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, UnprocessableError } from "../../lib/errors.ts";
import { londonDateTime, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { notifyAll } from "../../lib/ports.ts";
import { actorOf } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { projectOf, recordProcurementStarted } from "../projects/projects.service.ts";
import { newSealingKeyPair, newTenderKey } from "./sealing.ts";
import { checkTender, draftOf, type TenderInput } from "./setup.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import { tenderPublished } from "./tenders.ports.ts";
import * as repo from "./tenders.repository.ts";
import { DAY_MS, lockedTender, requireTenderEditor, type TenderView, tenderOf } from "./tenders.service.ts";
import type { Tender } from "./tenders.table.ts";

export interface PublishOptions {
  /** The shortest period from publication to the submission deadline (configuration). */
  minimumPeriodDays: number;
  /** Record the project's procurement as started (default); the demo seed leaves its project be. */
  markProjectStarted?: boolean;
}

/** What stops a checked draft being published now (422). */
async function publicationProblems(
  ctx: Ctx,
  tender: Tender,
  input: TenderInput,
  minimumPeriodDays: number,
): Promise<FieldError[]> {
  const project = await projectOf(ctx, tender.authority_id, tender.project_id);
  const now = ctx.clock.now();
  const problems: FieldError[] = [];
  if (project.status === "draft")
    problems.push({
      field: "projectId",
      message: msg`Publish the commissioning project first: its pipeline notice comes before the tender`,
    });
  if (input.clarificationDeadline.getTime() <= now.getTime())
    problems.push({
      field: "clarificationDeadline",
      message: msg`The deadline for clarification questions has passed: move it later`,
    });
  const earliest = new Date(now.getTime() + minimumPeriodDays * DAY_MS);
  if (input.submissionDeadline.getTime() < earliest.getTime())
    problems.push({
      field: "submissionDeadline",
      message: msg`Bidders must have at least ${minimumPeriodDays} days: move the deadline for bids to ${londonDateTime(earliest)} or later`,
    });
  return problems;
}

/** Makes and stores the tender's sealing keys, wrapped under the master key; the master key's id. */
async function storeSealingKeys(ctx: TendersCtx & { db: Trx }, authorityId: string, tenderId: string) {
  const sealing = newSealingKeyPair();
  const binding = `${authorityId}/${tenderId}`;
  const data = ctx.keys.wrap(sealing.privateKey, `${binding}/data`);
  const index = ctx.keys.wrap(newTenderKey(), `${binding}/index`);
  sealing.privateKey.fill(0);
  await repo.insertKeys(ctx.db, {
    authority_id: authorityId,
    tender_id: tenderId,
    master_key_id: data.keyId,
    public_key: sealing.publicKey,
    wrapped_data_key: data.wrapped,
    wrapped_index_key: index.wrapped,
    created_at: ctx.clock.now(),
  });
  return data.keyId;
}

/**
 * Publishes a draft tender as a public opportunity, audited, acting as `actorIn(ctx)`. Checks no
 * one (seeds use it; `publishTender` checks first). 409 unless a draft; 422 when not publishable.
 */
export async function recordPublication(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  options: PublishOptions,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const inTrx = within(ctx, trx);
    const tender = await lockedTender(trx, authorityId, tenderId);
    if (tender.status !== "draft")
      throw new ConflictError(
        tender.status === "cancelled"
          ? msg`This tender was cancelled.`
          : msg`This tender has already been published.`,
        "tender_published",
      );
    const draft = draftOf(tender, await repo.partsOf(trx, authorityId, tenderId));
    const input = await checkTender(inTrx, authorityId, draft);
    const problems = await publicationProblems(inTrx, tender, input, options.minimumPeriodDays);
    if (problems.length > 0)
      throw new UnprocessableError(
        msg`This tender cannot be published yet`,
        problems,
        "tender_not_publishable",
      );
    const masterKeyId = await storeSealingKeys(inTrx, authorityId, tenderId);
    const now = ctx.clock.now();
    await repo.updateTender(trx, authorityId, tenderId, {
      status: "published",
      published_at: now,
      updated_at: now,
    });
    const actor = actorIn(ctx);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: "tender.published",
      entity: { type: "tender", id: tenderId },
      changes: {
        projectId: tender.project_id,
        submissionDeadline: tender.submission_deadline,
        clarificationDeadline: tender.clarification_deadline,
        masterKeyId,
      },
    });
    await notifyAll(tenderPublished, trx, ctx.clock, { authorityId, tenderId });
    if (options.markProjectStarted !== false)
      try {
        await recordProcurementStarted(inTrx, authorityId, tender.project_id, londonToday(ctx.clock));
      } catch (error) {
        // A project tendered again (after a cancellation) started its procurement already.
        if (!(error instanceof ConflictError)) throw error;
      }
  });
}

/**
 * Publishes a draft tender: its authority's commissioners and administrators. 404 for a tender the
 * caller may not see, 403 for anyone else, then 409 unless a draft (`recordPublication`).
 */
export async function publishTender(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  options: PublishOptions,
): Promise<TenderView> {
  return transaction(ctx.db, async (trx) => {
    const { p } = await requireTenderEditor(within(ctx, trx), authorityId, tenderId);
    await recordPublication(within(ctx, trx, actorOf(p)), authorityId, tenderId, options);
    return tenderOf(within(ctx, trx), authorityId, tenderId);
  });
}
