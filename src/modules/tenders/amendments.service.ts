/**
 * A published tender's terms changing (issue 5, item 2): amendments while it is open, each with a
 * reason published beside it, and cancellation with a published reason. Everyone registered as
 * interested is told of either, bidders among them (without unsealing who bid).
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { londonDateTime } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { actorOf, type Principal } from "../access/access.service.ts";
import { type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import {
  audited,
  checkTender,
  draftOf,
  merged,
  partRows,
  type TenderDraft,
  type TenderInput,
  toRow,
} from "./setup.service.ts";
import type { TendersCtx } from "./tenders.context.ts";
import * as repo from "./tenders.repository.ts";
import {
  DAY_MS,
  lockedForEditor,
  notifyInterested,
  stateOf,
  subjectOf,
  type TenderView,
  tenderOf,
  tenderPath,
} from "./tenders.service.ts";
import type { Tender, TenderAmendment } from "./tenders.table.ts";

export const AMENDMENT_REASON_MAX = 5000;
export const CANCEL_REASON_MAX = 2000;

export interface AmendOptions {
  /** How far the submission deadline must move once bids have arrived (configuration). */
  extensionDays: number;
}

/** The fields of a draft, named as in the API, whose values differ. */
function changedFields(before: TenderDraft, after: TenderDraft): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  return (Object.keys(before) as (keyof TenderDraft)[]).filter((k) => !same(before[k], after[k]));
}

/** The reason given, published with the change: 400 when none, or too long. */
function reasonFor(reason: string | undefined, max: number, summary: string, message: string): string {
  const text = (reason ?? "").trim();
  if (text === "" || text.length > max) throw new ValidationError(summary, [{ field: "reason", message }]);
  return text;
}

function requireOpenForAmendment(tender: Tender, now: Date): void {
  const state = stateOf(tender, now);
  if (state !== "open")
    throw new ConflictError(
      state === "draft"
        ? msg`This tender is a draft: change it directly, no amendment is needed.`
        : state === "cancelled"
          ? msg`This tender was cancelled.`
          : msg`The deadline for bids has passed, so the terms can no longer change. Cancel the tender (with the reason) and tender again.`,
      "tender_not_open",
    );
}

/** The amended terms, checked whole, and the fields they change (422 for none, or another project). */
async function amendedTerms(
  ctx: Ctx & { db: Trx },
  current: Tender,
  changes: TenderDraft,
): Promise<{ input: TenderInput; parts: repo.TenderParts; changed: string[] }> {
  const { authority_id: authorityId, id: tenderId } = current;
  const parts = await repo.partsOf(ctx.db, authorityId, tenderId);
  const before = draftOf(current, parts);
  if (changes.projectId !== undefined && changes.projectId !== current.project_id)
    throw new UnprocessableError(
      msg`An amendment cannot move a tender to another project`,
      [
        {
          field: "projectId",
          message: msg`A published tender stays with its project: cancel it and tender again`,
        },
      ],
      "tender_project_fixed",
    );
  const input = await checkTender(ctx, authorityId, merged(before, changes));
  const rows = partRows(input, parts);
  const after = draftOf(
    { ...current, ...toRow(input) },
    {
      ...parts,
      lots: rows.lots.map((l) => ({ ...l, authority_id: authorityId, tender_id: tenderId })),
      conditions: rows.conditions,
      criteria: rows.criteria.map((c) => ({ ...c, authority_id: authorityId, tender_id: tenderId })),
    },
  );
  const changed = changedFields(before, after);
  if (changed.length === 0)
    throw new UnprocessableError(
      msg`This amendment changes nothing`,
      [{ field: "reason", message: msg`Change at least one of the terms, or leave the tender as it is` }],
      "amendment_empty",
    );
  return { input, parts, changed };
}

/** The deadlines an amendment may not set (422). */
function deadlineProblems(
  current: Tender,
  input: TenderInput,
  bidsReceived: boolean,
  extensionDays: number,
  now: Date,
): FieldError[] {
  const problems: FieldError[] = [];
  if (input.submissionDeadline.getTime() < current.submission_deadline.getTime())
    problems.push({
      field: "submissionDeadline",
      message: msg`An amendment cannot bring the deadline for bids forward: keep it at ${londonDateTime(current.submission_deadline)} or later`,
    });
  else if (bidsReceived) {
    const earliest = new Date(current.submission_deadline.getTime() + extensionDays * DAY_MS);
    if (input.submissionDeadline.getTime() < earliest.getTime())
      problems.push({
        field: "submissionDeadline",
        message: msg`Bids have arrived, so an amendment must extend the deadline for bids by at least ${extensionDays} days: move it to ${londonDateTime(earliest)} or later`,
      });
  }
  if (
    input.clarificationDeadline.getTime() !== current.clarification_deadline.getTime() &&
    input.clarificationDeadline.getTime() <= now.getTime()
  )
    problems.push({
      field: "clarificationDeadline",
      message: msg`A new deadline for clarification questions must be in the future`,
    });
  return problems;
}

/** Tells everyone registered as interested of an amendment. */
async function tellOfAmendment(ctx: TendersCtx & { db: Trx }, amendment: TenderAmendment): Promise<void> {
  const row = await repo.findTender(ctx.db, amendment.authority_id, amendment.tender_id);
  if (!row) return;
  const moved = amendment.submission_deadline.getTime() !== amendment.previous_submission_deadline.getTime();
  await notifyInterested(ctx, row, {
    kind: "tender.amended",
    subject: subjectOf(msg`Amendment ${amendment.number} to the tender: ${row.title}`),
    body: [
      msg`${row.authority_name} has changed the terms of the tender "${row.title}".`,
      msg`Why: ${amendment.reason}`,
      msg`What changed: ${amendment.changed.join(", ")}.`,
      moved
        ? msg`The deadline for bids moves from ${londonDateTime(amendment.previous_submission_deadline)} to ${londonDateTime(amendment.submission_deadline)}.`
        : msg`The deadline for bids stays ${londonDateTime(amendment.submission_deadline)}.`,
      msg`If your organisation has bid, its bid was made on the earlier terms: check it, and replace or withdraw it before the deadline if you need to.`,
    ].join("\n\n"),
    link: tenderPath(row),
  });
}

/** Records a checked amendment: the terms, the parts, the amendment itself, audited. */
async function recordAmendment(
  ctx: TendersCtx & { db: Trx },
  p: Principal,
  current: Tender,
  terms: { input: TenderInput; parts: repo.TenderParts; changed: string[] },
  reason: string,
  bidsReceived: boolean,
): Promise<TenderAmendment> {
  const { db: trx, clock } = ctx;
  const { authority_id: authorityId, id: tenderId } = current;
  const { input, parts, changed } = terms;
  const now = clock.now();
  await repo.updateTender(trx, authorityId, tenderId, { ...toRow(input), updated_at: now });
  await repo.replaceParts(trx, authorityId, tenderId, partRows(input, parts));
  const previous = await repo.amendmentsOf(trx, authorityId, tenderId);
  const amendment: TenderAmendment = {
    authority_id: authorityId,
    id: newId(),
    tender_id: tenderId,
    number: previous.length + 1,
    reason,
    changed,
    previous_submission_deadline: current.submission_deadline,
    submission_deadline: input.submissionDeadline,
    previous_clarification_deadline: current.clarification_deadline,
    clarification_deadline: input.clarificationDeadline,
    bids_received: bidsReceived,
    made_by: p.userId,
    made_at: now,
  };
  await repo.insertAmendment(trx, amendment);
  await recordAudit(trx, clock, {
    authorityId,
    actor: actorOf(p),
    action: "tender.amended",
    entity: { type: "tender", id: tenderId },
    changes: { number: amendment.number, reason, changed, terms: audited(input) },
  });
  return amendment;
}

/**
 * Amends an open tender's terms, with a reason published beside them, audited. The deadline for
 * bids is never brought forward; once any bid has arrived it must move by at least
 * `extensionDays`. Everyone registered as interested is told, bidders among them, so that they can
 * withdraw or replace a bid made on the earlier terms. Lots and criteria keep their ids where they
 * keep their position. 404 for a tender the caller may not see, 403 for anyone but its editors, then
 * 409 unless the tender is open; 400 for the reason; 422 for the deadline.
 */
export async function amendTender(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  changes: TenderDraft,
  reason: string | undefined,
  options: AmendOptions,
): Promise<TenderAmendment> {
  return transaction(ctx.db, async (trx) => {
    const { p, tender: current } = await lockedForEditor(within(ctx, trx), authorityId, tenderId);
    const inTrx = within(ctx, trx, actorOf(p));
    const now = ctx.clock.now();
    requireOpenForAmendment(current, now);
    const text = reasonFor(
      reason,
      AMENDMENT_REASON_MAX,
      msg`Give the reason for the amendment`,
      msg`Enter why the terms change, ${AMENDMENT_REASON_MAX} characters or fewer: it is published with the amendment`,
    );
    const terms = await amendedTerms(inTrx, current, changes);
    const bidsReceived = await repo.anyBidReceived(trx, authorityId, tenderId);
    const problems = deadlineProblems(current, terms.input, bidsReceived, options.extensionDays, now);
    if (problems.length > 0)
      throw new UnprocessableError(msg`This amendment cannot be made`, problems, "amendment_not_allowed");
    const amendment = await recordAmendment(inTrx, p, current, terms, text, bidsReceived);
    await tellOfAmendment(inTrx, amendment);
    return amendment;
  });
}

/** The tender's amendments, in order: public, as the tender is. */
export function amendmentsOf(ctx: Ctx, authorityId: string, tenderId: string): Promise<TenderAmendment[]> {
  return repo.amendmentsOf(ctx.db, authorityId, tenderId);
}

/** The amendments of many tenders, by tender id, each tender's in order: `amendmentsOf` for many. */
export function amendmentsOfTenders(
  ctx: Ctx,
  keys: readonly repo.TenderKey[],
): Promise<Map<string, TenderAmendment[]>> {
  return repo.amendmentsOfTenders(ctx.db, keys);
}

/** The tender's amendments once `tenderOf` has shown it may be seen (the API's list). */
export async function amendmentsOfTender(
  ctx: Ctx,
  authorityId: string,
  tenderId: string,
): Promise<TenderAmendment[]> {
  await tenderOf(ctx, authorityId, tenderId);
  return amendmentsOf(ctx, authorityId, tenderId);
}

// Cancellation

/**
 * Cancels a published tender with a reason that is published with it, audited: its commissioners and
 * administrators. Open, closed or opened tenders may be cancelled (before award); a draft is not
 * published, so there is nothing to cancel (409), and neither is a tender cancelled already. 404 for
 * a tender the caller may not see and 403 for anyone but its editors come first. Bids and opening
 * are refused after. Everyone registered as interested is told.
 */
export async function cancelTender(
  ctx: TendersCtx,
  authorityId: string,
  tenderId: string,
  reason: string | undefined,
): Promise<TenderView> {
  return transaction(ctx.db, async (trx) => {
    const { p, tender } = await lockedForEditor(within(ctx, trx), authorityId, tenderId);
    const inTrx = within(ctx, trx, actorOf(p));
    if (tender.status === "draft")
      throw new ConflictError(
        msg`This tender is a draft: it has not been published, so there is nothing to cancel.`,
        "tender_draft",
      );
    if (tender.status === "cancelled")
      throw new ConflictError(msg`This tender was cancelled already.`, "tender_cancelled");
    const text = reasonFor(
      reason,
      CANCEL_REASON_MAX,
      msg`Give the reason for cancelling`,
      msg`Enter why the tender is cancelled, ${CANCEL_REASON_MAX} characters or fewer: it is published with the tender`,
    );
    const now = ctx.clock.now();
    await repo.updateTender(trx, authorityId, tenderId, {
      status: "cancelled",
      cancelled_at: now,
      cancel_reason: text,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorOf(p),
      action: "tender.cancelled",
      entity: { type: "tender", id: tenderId },
      changes: { reason: text, stateBefore: stateOf(tender, now) },
    });
    const row = await repo.findTender(trx, authorityId, tenderId);
    if (row)
      await notifyInterested(inTrx, tender, {
        kind: "tender.cancelled",
        subject: subjectOf(msg`Tender cancelled: ${row.title}`),
        body: [
          msg`${row.authority_name} has cancelled the tender "${row.title}".`,
          msg`Why: ${text}`,
          msg`No more bids are taken and no bids will be evaluated.`,
        ].join("\n\n"),
        link: tenderPath(row),
      });
    return tenderOf(inTrx, authorityId, tenderId);
  });
}
