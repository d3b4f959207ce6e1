/**
 * Remedies tracked to the end (issue 18, item 5; docs/redress.md, "Remedies to completion"): after
 * an ombudsman's final decision, the first-tier body that must comply — an authority's complaints
 * officers, or the provider's administrators and members where a provider answered — reports each
 * remedy done with its evidence (a payment: the day paid and the amount, equal to the amount
 * ordered or with the reason it differs); the ombudsman's staff confirm it or return it with what
 * is missing; the case closes when its last remedy is confirmed, in the same transaction. A remedy
 * still due after its day is overdue: flagged on the body's list and work, the ombudsman's, told
 * once to both by a daily sweep, and published (no description, no person).
 *
 * Every change is one transaction that locks the case, then the remedy, before reading them; a
 * stale state is a 409. Audit events refer to the remedy by its case and place (no words of anyone's):
 * on the ombudsman's chain, and for a report on the body's authority's chain too. Anyone without a
 * reason to see a remedy gets 404.
 */
import type { Db, Trx } from "../../db/database.ts";
import { decodeKey, encodeKey } from "../../db/paging.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, parseMoney } from "../../lib/money.ts";
import { type Principal, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { type Actor, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import { enqueueTomorrow } from "../jobs/jobs.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { findCase, lockCase, updateCase } from "./ombudsman.repository.ts";
import { casePath, isStaff, keepCaseDue, ombudsmanOfSlug, staffOf } from "./ombudsman.service.ts";
import { bodyReach, findComplaintRow, isAnswerer, tellComplainant } from "./redress.service.ts";
import type { RemedyKind } from "./redress.table.ts";
import type { RemedyAfter, RemedyFilter, RemedyKey, RemedyRow } from "./remedies.repository.ts";
import * as repo from "./remedies.repository.ts";

export type { PublicOverdueRow, RemedyFilter, RemedyKey, RemedyRow } from "./remedies.repository.ts";

/** The role of an ombudsman's (or adjudicator's) people. */
export const REMEDY_FILTERS = ["all", "due", "overdue", "reported", "confirmed"] as const;
export const REMEDY_PAGE_SIZE = 25;
export const REMEDY_LIMITS = { evidence: 10000, amountNote: 2000, reason: 5000 } as const;

/**
 * Where a remedy stands on a day. Overdue: still due (never reported, or returned) after its day —
 * the one state flagged, told and published. Reported late: reported done after its day, waiting
 * for the ombudsman (the delay is no longer the body's to end; not published as overdue).
 */
export type RemedyState = "due" | "overdue" | "reported" | "reported-late" | "confirmed";

export function remedyState(r: Pick<RemedyRow, "status" | "due_on" | "done_on">, today: string): RemedyState {
  if (r.status === "confirmed") return "confirmed";
  if (r.status === "reported")
    return r.done_on !== null && r.done_on > r.due_on ? "reported-late" : "reported";
  return r.due_on < today ? "overdue" : "due";
}

/** Whole days from a remedy's due day to today (0 while not yet overdue). */
export function daysOverdue(dueOn: string, today: string): number {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${dueOn}T00:00:00Z`)) / 86_400_000);
  return Math.max(0, days);
}

/** Who must comply: the provider, or the authority (no provider answered). */
export function bodyName(r: Pick<RemedyRow, "organisation_name" | "body_authority_name">): string {
  return r.organisation_name ?? r.body_authority_name;
}

/** A remedy's page for the body that must comply. */
export function bodyRemedyPath(
  r: Pick<RemedyRow, "body_organisation_id" | "body_authority_slug" | "case_id" | "seq">,
): string {
  return r.body_organisation_id
    ? `/organisations/${r.body_organisation_id}/remedies/${r.case_id}/${r.seq}`
    : `/authorities/${r.body_authority_slug}/remedies/${r.case_id}/${r.seq}`;
}

/** A remedy's page for the ombudsman's staff (confirm or return). */
export function ombudsmanRemedyPath(r: Pick<RemedyRow, "ombudsman_slug" | "case_id" | "seq">): string {
  return `/authorities/${r.ombudsman_slug}/cases/${r.case_id}/remedies/${r.seq}`;
}

// Who may see and act on a remedy

/** How the caller stands to a remedy: the body that must comply, the ombudsman's staff, or neither. */
export type RemedySide = "body" | "ombudsman";

function isBodyPerson(principal: Principal | null, r: RemedyRow): boolean {
  return r.body_organisation_id
    ? isAnswerer(principal, {
        answerer: "provider",
        authority_id: r.body_authority_id,
        organisation_id: r.body_organisation_id,
      })
    : isAnswerer(principal, {
        answerer: "authority",
        authority_id: r.body_authority_id,
        organisation_id: null,
      });
}

function sideOf(principal: Principal | null, r: RemedyRow): RemedySide | null {
  if (isStaff(principal, r.authority_id)) return "ombudsman";
  if (isBodyPerson(principal, r)) return "body";
  return null;
}

export interface RemedyView extends RemedyRow {
  state: RemedyState;
  daysOverdue: number;
  side: RemedySide;
  bodyName: string;
  /** The amount ordered and paid, as money text (a payment). */
  amountText: string | null;
  paidText: string | null;
  mayReport: boolean;
  mayDecide: boolean;
  bodyPath: string;
  ombudsmanPath: string;
  casePath: string;
}

function viewOf(r: RemedyRow, side: RemedySide, today: string): RemedyView {
  const open = r.case_status === "decided";
  return {
    ...r,
    state: remedyState(r, today),
    daysOverdue: r.status === "due" ? daysOverdue(r.due_on, today) : 0,
    side,
    bodyName: bodyName(r),
    amountText: r.amount_pence === null ? null : formatPence(r.amount_pence),
    paidText: r.paid_pence === null ? null : formatPence(r.paid_pence),
    mayReport: side === "body" && open && r.status === "due",
    mayDecide: side === "ombudsman" && open && r.status === "reported",
    bodyPath: bodyRemedyPath(r),
    ombudsmanPath: ombudsmanRemedyPath(r),
    casePath: casePath({ ombudsman_slug: r.ombudsman_slug, id: r.case_id }),
  };
}

function seqOf(seq: string | number): number | null {
  const n = typeof seq === "number" ? seq : /^[1-9][0-9]{0,4}$/.test(seq) ? Number(seq) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= 99999 ? n : null;
}

/** A remedy by its key, as the caller may see it (404 for anyone but the body's people and the ombudsman's staff). */
export async function remedyOf(
  ctx: Ctx,
  key: { authorityId: string; caseId: string; seq: string | number },
): Promise<RemedyView> {
  requireSignedIn(ctx.principal);
  const seq = seqOf(key.seq);
  const r =
    seq !== null && isUuid(key.authorityId) && isUuid(key.caseId)
      ? await repo.findRemedy(ctx.db, { authorityId: key.authorityId, caseId: key.caseId, seq })
      : undefined;
  const side = r ? sideOf(ctx.principal, r) : null;
  if (!r || !side) throw new NotFoundError("remedy");
  return viewOf(r, side, londonToday(ctx.clock));
}

/** A body's remedy from its own pages (by case and place): its people only, else 404. */
export async function bodyRemedyOf(
  ctx: Ctx,
  body: { organisationId: string } | { authorityId: string },
  caseId: string,
  seq: string | number,
): Promise<RemedyView> {
  requireSignedIn(ctx.principal);
  const n = seqOf(seq);
  const bodyId = "organisationId" in body ? body.organisationId : body.authorityId;
  const r =
    n !== null && isUuid(caseId) && isUuid(bodyId)
      ? await repo.findBodyRemedy(ctx.db, body, caseId, n)
      : undefined;
  if (!r || !isBodyPerson(ctx.principal, r)) throw new NotFoundError("remedy");
  return viewOf(r, "body", londonToday(ctx.clock));
}

/** The ombudsman's remedy from its pages (slug, case, place): its staff only, else 404. */
export async function ombudsmanRemedyOf(
  ctx: Ctx,
  slug: string,
  caseId: string,
  seq: string | number,
): Promise<RemedyView> {
  const ombudsman = await ombudsmanOfSlug(ctx.db, slug);
  const view = await remedyOf(ctx, { authorityId: ombudsman.id, caseId, seq });
  if (view.side !== "ombudsman") throw new NotFoundError("remedy");
  return view;
}

// Telling people

/**
 * Tells the body that must comply: its people, with a link to the remedy's page; or, when it has
 * none on OpenPS, those who can reach it (`bodyReach`), with a link to the authority's page — they
 * cannot see the remedy itself.
 */
async function tellBody(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  r: RemedyRow,
  notice: { subject: string; body: string },
): Promise<void> {
  const { userIds, reach } = await bodyReach(trx, {
    organisationId: r.body_organisation_id,
    authorityId: r.body_authority_id,
  });
  await tell(trx, clock, actor, userIds, r, {
    ...notice,
    link: reach === "own" ? bodyRemedyPath(r) : `/authorities/${r.body_authority_slug}`,
  });
}

/**
 * Tells the ombudsman's side of a remedy's step: the case's investigator by inbox and email; with
 * none assigned, every member of its staff by inbox only (as `tellCaseStaff` does for the case).
 */
async function tellOmbudsman(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  r: RemedyRow,
  notice: { subject: string; body: string; link: string },
): Promise<void> {
  const k = await findCase(trx, r.authority_id, r.case_id);
  if (k?.investigator_id) await tell(trx, clock, actor, [k.investigator_id], r, notice);
  else await tell(trx, clock, actor, await staffOf(trx, r.authority_id), r, notice, false);
}

/** Tells these people of a remedy's step (`remedy.progressed`; the daily sweep has no request to tell from). */
async function tell(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  userIds: readonly string[],
  r: RemedyRow,
  notice: { subject: string; body: string; link: string },
  email = true,
): Promise<void> {
  for (const userId of new Set(userIds))
    await notify(
      trx,
      clock,
      {
        userId,
        authorityId: r.authority_id,
        kind: "remedy.progressed",
        subject: notice.subject.slice(0, 200),
        body: notice.body,
        link: notice.link,
      },
      { email, actor },
    );
}

const KIND_NAMES: Record<RemedyKind, () => string> = {
  apology: () => msg`an apology`,
  payment: () => msg`a payment`,
  action: () => msg`an action`,
  "service-improvement": () => msg`a service improvement`,
};

function remedyEntity(r: { case_id: string; seq: number }) {
  return { type: "ombudsman-remedy", id: `${r.case_id}/${r.seq}` };
}

// Changes

/**
 * A remedy to change, read after locking its case, then itself (in the transaction `trx`): every
 * check that follows sees a state no one else can change before the commit.
 */
async function toChange(
  trx: Trx,
  ctx: Ctx,
  key: { authorityId: string; caseId: string; seq: string | number },
) {
  const seq = seqOf(key.seq);
  if (seq !== null && isUuid(key.authorityId) && isUuid(key.caseId)) {
    await lockCase(trx, key.authorityId, key.caseId);
    await repo.lockRemedy(trx, { authorityId: key.authorityId, caseId: key.caseId, seq });
  }
  const view = await remedyOf(ctx, key);
  if (view.case_status !== "decided")
    throw new ConflictError(msg`This case is closed: its remedies cannot change.`, "case_closed");
  return { r: view, today: londonToday(ctx.clock) };
}

export interface ReportInput {
  evidence?: string | undefined;
  doneOn?: string | undefined;
  /** A payment's amount paid, in pounds (“£250.00”). */
  paid?: string | undefined;
  /** Why the amount paid differs from the amount ordered. */
  amountNote?: string | undefined;
}

/**
 * The body reports a remedy done, with its evidence and the day it was done (a payment: the day
 * paid, and the amount paid — the amount ordered, or the reason it differs: 422 otherwise). The
 * ombudsman's staff are told. 403 for the ombudsman's staff, 409 once reported or confirmed.
 */
export async function reportCompliance(
  ctx: Ctx,
  key: { authorityId: string; caseId: string; seq: string | number },
  input: ReportInput,
): Promise<RemedyView> {
  const done = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { r, today } = await toChange(trx, tctx, key);
    if (r.side !== "body")
      throw new ForbiddenError(msg`Only the people of the body that must comply may report a remedy done.`);
    if (r.status !== "due")
      throw new ConflictError(
        r.status === "reported"
          ? msg`This remedy has been reported done already: it waits for the ombudsman.`
          : msg`This remedy has been confirmed.`,
        "not_due",
      );
    const evidence = (input.evidence ?? "").trim();
    const doneOn = (input.doneOn ?? "").trim();
    const amountNote = (input.amountNote ?? "").trim();
    const problems: FieldError[] = [];
    if (evidence === "" || evidence.length > REMEDY_LIMITS.evidence)
      problems.push({
        field: "evidence",
        message: msg`Describe the evidence that it was done, in ${REMEDY_LIMITS.evidence} characters or fewer`,
      });
    const earliest = r.case_decided_on ?? r.created_at.toISOString().slice(0, 10);
    if (!isIsoDate(doneOn) || doneOn > today || doneOn < earliest)
      problems.push({
        field: "doneOn",
        message:
          r.kind === "payment"
            ? msg`Enter the day it was paid, between the decision (${longDate(earliest)}) and today`
            : msg`Enter the day it was done, between the decision (${longDate(earliest)}) and today`,
      });
    let paid: bigint | null = null;
    if (r.kind === "payment") {
      const parsed = parseMoney(input.paid ?? "");
      if (parsed.ok) paid = parsed.value;
      else problems.push({ field: "paid", message: parsed.error });
    }
    if (amountNote.length > REMEDY_LIMITS.amountNote)
      problems.push({
        field: "amountNote",
        message: msg`Say why the amount differs in ${REMEDY_LIMITS.amountNote} characters or fewer`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check the report`, problems);
    if (r.kind === "payment" && paid !== r.amount_pence && amountNote === "") {
      const message = msg`The amount paid (${formatPence(paid ?? 0n)}) is not the ${r.amountText ?? ""} ordered: enter the amount ordered, or say why it differs`;
      throw new UnprocessableError(message, [{ field: "amountNote", message }], "amount_differs");
    }
    const k = { authorityId: r.authority_id, caseId: r.case_id, seq: r.seq };
    await repo.updateRemedy(trx, k, {
      status: "reported",
      reported_on: today,
      reported_by: ctx.principal?.userId ?? null,
      evidence,
      done_on: doneOn,
      paid_pence: paid,
      amount_note: r.kind === "payment" && paid !== r.amount_pence ? amountNote : "",
      updated_at: ctx.clock.now(),
    });
    const changes = {
      case: r.case_id,
      seq: r.seq,
      kind: r.kind,
      onTime: doneOn <= r.due_on,
      ...(r.kind === "payment" ? { amountDiffers: paid !== r.amount_pence } : {}),
    };
    // On the body's authority's chain (its act) and the case's (the ombudsman's).
    for (const authorityId of [r.body_authority_id, r.authority_id])
      await recordAudit(trx, ctx.clock, {
        authorityId,
        actor: actorIn(tctx),
        action: "remedy.reported",
        entity: remedyEntity(r),
        changes,
      });
    await tellOmbudsman(trx, ctx.clock, actorIn(tctx), r, {
      subject: msg`Remedy ${r.seq} of case ${r.case_reference} reported done by ${r.bodyName}`,
      body: msg`${r.bodyName} reports ${KIND_NAMES[r.kind]()} ordered on case ${r.case_reference} done on ${longDate(doneOn)}. Check the evidence, then confirm it or return it with what is missing.`,
      link: r.ombudsmanPath,
    });
    return r;
  });
  return remedyOf(ctx, { authorityId: done.authority_id, caseId: done.case_id, seq: done.seq });
}

async function forOmbudsman(
  trx: Trx,
  ctx: Ctx,
  key: { authorityId: string; caseId: string; seq: string | number },
) {
  const got = await toChange(trx, ctx, key);
  if (got.r.side !== "ombudsman")
    throw new ForbiddenError(msg`Only the ombudsman's staff may confirm or return a remedy.`);
  if (got.r.status !== "reported")
    throw new ConflictError(
      got.r.status === "confirmed"
        ? msg`This remedy has been confirmed already.`
        : msg`This remedy has not been reported done: there is nothing to confirm or return.`,
      "not_reported",
    );
  return got;
}

/**
 * The ombudsman confirms a remedy reported done; the body is told. The case's last remedy confirmed
 * closes the case (status closed, closed_on today) in the same transaction.
 */
export async function confirmRemedy(
  ctx: Ctx,
  key: { authorityId: string; caseId: string; seq: string | number },
): Promise<RemedyView> {
  const done = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { r, today } = await forOmbudsman(trx, tctx, key);
    const k = { authorityId: r.authority_id, caseId: r.case_id, seq: r.seq };
    const now = ctx.clock.now();
    await repo.updateRemedy(trx, k, {
      status: "confirmed",
      confirmed_on: today,
      confirmed_by: ctx.principal?.userId ?? null,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: r.authority_id,
      actor: actorIn(tctx),
      action: "remedy.confirmed",
      entity: remedyEntity(r),
      changes: { case: r.case_id, seq: r.seq, kind: r.kind },
    });
    const closes = (await repo.unconfirmedOfCase(trx, r.authority_id, r.case_id)) === 0;
    if (closes) {
      await updateCase(trx, r.authority_id, r.case_id, {
        status: "closed",
        closed_on: today,
        next_due_on: null,
        updated_at: now,
      });
      await recordAudit(trx, ctx.clock, {
        authorityId: r.authority_id,
        actor: actorIn(tctx),
        action: "ombudsman-case.closed",
        entity: { type: "ombudsman-case", id: r.case_id },
        changes: { reason: "remedies-confirmed" },
      });
      // The complainant hears that everything ordered is done (inbox and email, or their link's email).
      const complaint = await findComplaintRow(trx, r.complaint_authority_id, r.complaint_id);
      if (complaint) await tellComplainant(trx, tctx, complaint, "remedies-done");
    } else await keepCaseDue(trx, r.authority_id, r.case_id, now);
    await tellBody(trx, ctx.clock, actorIn(tctx), r, {
      subject: msg`${r.ombudsman_name} confirms remedy ${r.seq} of case ${r.case_reference}`,
      body: closes
        ? msg`${r.ombudsman_name} confirms that ${r.bodyName} has done ${KIND_NAMES[r.kind]()} it ordered on case ${r.case_reference}. Every remedy is done: the case is closed.`
        : msg`${r.ombudsman_name} confirms that ${r.bodyName} has done ${KIND_NAMES[r.kind]()} it ordered on case ${r.case_reference}.`,
    });
    return r;
  });
  return remedyOf(ctx, { authorityId: done.authority_id, caseId: done.case_id, seq: done.seq });
}

/**
 * The ombudsman returns a remedy reported done, saying what is missing: due again, its report cleared
 * (evidence, day done, amount paid), the reason kept (`returned_reason`); the body is told.
 */
export async function returnRemedy(
  ctx: Ctx,
  key: { authorityId: string; caseId: string; seq: string | number },
  input: { reason?: string | undefined },
): Promise<RemedyView> {
  const done = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { r } = await forOmbudsman(trx, tctx, key);
    const reason = (input.reason ?? "").trim();
    if (reason === "" || reason.length > REMEDY_LIMITS.reason)
      throw new ValidationError(msg`Check the return`, [
        {
          field: "reason",
          message: msg`Say what is missing, in ${REMEDY_LIMITS.reason} characters or fewer`,
        },
      ]);
    await repo.updateRemedy(
      trx,
      { authorityId: r.authority_id, caseId: r.case_id, seq: r.seq },
      // The rejected report is cleared (the remedy is due as if never reported); why it came back stays.
      {
        status: "due",
        returned_reason: reason,
        evidence: "",
        done_on: null,
        paid_pence: null,
        amount_note: "",
        reported_on: null,
        reported_by: null,
        updated_at: ctx.clock.now(),
      },
    );
    await recordAudit(trx, ctx.clock, {
      authorityId: r.authority_id,
      actor: actorIn(tctx),
      action: "remedy.returned",
      entity: remedyEntity(r),
      changes: { case: r.case_id, seq: r.seq, kind: r.kind },
    });
    await tellBody(trx, ctx.clock, actorIn(tctx), r, {
      subject: msg`${r.ombudsman_name} returns remedy ${r.seq} of case ${r.case_reference}`,
      body: msg`${r.ombudsman_name} has not confirmed ${KIND_NAMES[r.kind]()} ordered on case ${r.case_reference}. What is missing: ${reason}`,
    });
    return r;
  });
  return remedyOf(ctx, { authorityId: done.authority_id, caseId: done.case_id, seq: done.seq });
}

// Lists

/** A page link's key: the last remedy of the page before. */
function decodeAfter(text: string | undefined): RemedyAfter | undefined {
  const key = decodeKey(text, ["string", "string", "string", "number"], "after");
  if (!key) return undefined;
  const [dueOn, authorityId, caseId, seq] = key as [string, string, string, number];
  if (isIsoDate(dueOn) && isUuid(authorityId) && isUuid(caseId) && Number.isInteger(seq))
    return { dueOn, authorityId, caseId, seq };
  const message = msg`This page link is not complete. Go back to the first page of results and try again.`;
  throw new ValidationError(message, [{ field: "after", message }]);
}

function nextKey<R extends { due_on: string; authority_id: string; case_id: string; seq: number }>(
  found: readonly R[],
  size: number,
): string | null {
  const last = found[size - 1];
  return found.length > size && last
    ? encodeKey([last.due_on, last.authority_id, last.case_id, last.seq])
    : null;
}

export interface BodyRemedyPage {
  rows: RemedyView[];
  next: string | null;
  filter: RemedyFilter;
}

/**
 * A body's remedies, soonest due first, a page at a time by key; filtered due, overdue, reported,
 * confirmed. Its people only: a provider's administrators and members, an authority's complaints
 * officers (403).
 */
export async function bodyRemedies(
  ctx: Ctx,
  body: { organisationId: string } | { authorityId: string },
  query: { filter?: string | undefined; after?: string | undefined },
): Promise<BodyRemedyPage> {
  const p = requireSignedIn(ctx.principal);
  const allowed =
    "organisationId" in body
      ? isAnswerer(p, { answerer: "provider", authority_id: "", organisation_id: body.organisationId })
      : isAnswerer(p, { answerer: "authority", authority_id: body.authorityId, organisation_id: null });
  if (!allowed)
    throw new ForbiddenError(msg`Only the body's people who answer complaints may see its remedies.`);
  const filter = REMEDY_FILTERS.find((f) => f === query.filter) ?? "all";
  const today = londonToday(ctx.clock);
  const found = await repo.bodyRemedies(ctx.db, {
    body,
    filter,
    today,
    after: decodeAfter(query.after),
    limit: REMEDY_PAGE_SIZE + 1,
  });
  return {
    rows: found.slice(0, REMEDY_PAGE_SIZE).map((r) => viewOf(r, "body", today)),
    next: nextKey(found, REMEDY_PAGE_SIZE),
    filter,
  };
}

/** A case's remedies as the caller may see them: the ombudsman's staff, or the body's people (else none). */
export async function remediesOfCase(ctx: Ctx, ombudsmanId: string, caseId: string): Promise<RemedyView[]> {
  if (!isUuid(ombudsmanId) || !isUuid(caseId)) return [];
  const today = londonToday(ctx.clock);
  const rows = await repo.remediesOfCase(ctx.db, ombudsmanId, caseId);
  return rows.flatMap((r) => {
    const side = sideOf(ctx.principal, r);
    return side ? [viewOf(r, side, today)] : [];
  });
}

/**
 * An ombudsman's overdue remedies (still due after their day: never reported, or returned), oldest
 * due first, a page at a time by key: its staff's list of what the bodies have not done
 * (`GET /api/v1/ombudsmen/{id}/overdue-remedies`). Its staff only (403).
 */
export async function ombudsmanOverdueRemedies(
  ctx: Ctx,
  ombudsmanId: string,
  query: { after?: string | undefined },
): Promise<{ rows: RemedyView[]; next: string | null }> {
  if (!isStaff(requireSignedIn(ctx.principal), ombudsmanId))
    throw new ForbiddenError(msg`Only the ombudsman's staff may see its cases.`);
  const today = londonToday(ctx.clock);
  const found = await repo.overdueOfOmbudsman(
    ctx.db,
    ombudsmanId,
    today,
    decodeAfter(query.after),
    REMEDY_PAGE_SIZE + 1,
  );
  return {
    rows: found.slice(0, REMEDY_PAGE_SIZE).map((r) => viewOf(r, "ombudsman", today)),
    next: nextKey(found, REMEDY_PAGE_SIZE),
  };
}

export const PUBLIC_PAGE_SIZE = 50;

/** A published overdue remedy: no description, no person; a payment's amount only where the decision is published. */
export interface PublicOverdueRemedy {
  body: string;
  ombudsman: string;
  caseReference: string;
  seq: number;
  kind: RemedyKind;
  dueOn: string;
  daysOverdue: number;
  amountPence: bigint | null;
}

/**
 * Every overdue remedy (still due after its day), oldest due first, a page at a time by key: the
 * published list. The body, the ombudsman, the case's reference, the kind, the due day and how many
 * days overdue; never the description (it may name the person) or anything of the complainant's.
 * A payment's amount is shown only where the ombudsman publishes the decision (with the
 * complainant's consent): elsewhere an amount beside a case could point to a person.
 */
export async function publicOverdueRemedies(
  ctx: Pick<Ctx, "db" | "clock">,
  query: { after?: string | undefined },
): Promise<{ rows: PublicOverdueRemedy[]; next: string | null; today: string }> {
  const today = londonToday(ctx.clock);
  const found = await repo.publicOverdue(ctx.db, today, decodeAfter(query.after), PUBLIC_PAGE_SIZE + 1);
  return {
    rows: found.slice(0, PUBLIC_PAGE_SIZE).map((r) => ({
      body: r.organisation_name ?? r.body_authority_name,
      ombudsman: r.ombudsman_name,
      caseReference: r.case_reference,
      seq: r.seq,
      kind: r.kind,
      dueOn: r.due_on,
      daysOverdue: daysOverdue(r.due_on, today),
      amountPence: r.case_publication === "publish" ? r.amount_pence : null,
    })),
    next: nextKey(found, PUBLIC_PAGE_SIZE),
    today,
  };
}

// The daily sweep of overdue remedies

/** The sweep's queue: remedies newly overdue, flagged and told once, daily. */
export const OVERDUE_SWEEP_QUEUE = "redress.remedies-overdue";
const SWEEP_PAGE = 200;

/**
 * The daily sweep: each remedy still due after its day and not yet flagged is flagged
 * (`overdue_notified_on`) and its body's people and the ombudsman's staff are told, once — each in
 * its own transaction, locking the case and the remedy first, with an audit event on the
 * ombudsman's chain; then tomorrow's sweep is queued. How many it flagged.
 */
export async function flagOverdueRemedies(db: Db, clock: Clock): Promise<number> {
  const today = londonToday(clock);
  const actor = SYSTEM("remedies-overdue");
  let flagged = 0;
  let after: RemedyAfter | undefined;
  for (;;) {
    const page = await repo.overdueToFlag(db, today, after, SWEEP_PAGE);
    for (const row of page)
      await transaction(db, async (trx) => {
        const key: RemedyKey = { authorityId: row.authority_id, caseId: row.case_id, seq: row.seq };
        await lockCase(trx, key.authorityId, key.caseId);
        const locked = await repo.lockRemedy(trx, key);
        if (locked?.status !== "due" || locked.overdue_notified_on !== null || locked.due_on >= today) return;
        const r = await repo.findRemedy(trx, key);
        if (r?.case_status !== "decided") return;
        await repo.updateRemedy(trx, key, { overdue_notified_on: today, updated_at: clock.now() });
        flagged++;
        await recordAudit(trx, clock, {
          authorityId: r.authority_id,
          actor,
          action: "remedy.overdue",
          entity: remedyEntity(r),
          changes: { case: r.case_id, seq: r.seq, kind: r.kind, dueOn: r.due_on },
          requestId: null,
        });
        const view = viewOf(r, "body", today);
        const subject = msg`Remedy ${r.seq} of case ${r.case_reference} is overdue`;
        const body = msg`${view.bodyName} was to do ${KIND_NAMES[r.kind]()} ordered by ${r.ombudsman_name} on case ${r.case_reference} by ${longDate(r.due_on)}, and has not reported it done. Overdue remedies are published.`;
        await tellBody(trx, clock, actor, r, { subject, body });
        await tellOmbudsman(trx, clock, actor, r, { subject, body, link: view.ombudsmanPath });
      });
    const last = page.at(-1);
    if (page.length < SWEEP_PAGE || !last) break;
    after = { dueOn: last.due_on, authorityId: last.authority_id, caseId: last.case_id, seq: last.seq };
  }
  await transaction(db, (trx) => queueOverdueSweep(trx, clock));
  return flagged;
}

/** Queues the next daily sweep (at 06:00 tomorrow, London time); once a day, however often asked. */
export async function queueOverdueSweep(trx: Trx, clock: Clock): Promise<void> {
  await enqueueTomorrow(trx, clock, OVERDUE_SWEEP_QUEUE, 6);
}

// Work

/** Remedies these bodies must still do (their people's work). Checks no one. */
export const remediesToDo = repo.remediesToDo;
/** Remedies reported and waiting for these ombudsmen. Checks no one. */
export const reportedToConfirm = repo.reportedToConfirm;
/** These ombudsmen's open cases with a next step due. Checks no one. */
export const casesDue = repo.casesDue;
