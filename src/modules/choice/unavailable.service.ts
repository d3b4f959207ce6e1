/**
 * "Choice not available" (issue 17, item 5): when no provider is available within the budget, the
 * person, or a representative they have given `arrange-services`, records it — the need or the
 * service type, the area, and what they tried (which providers, and why not). The authority must
 * answer within `ANSWER_CLOCK` (10 working days of its nation, counted from the day it is recorded
 * and kept on the record with the clock used), shown in its care staff's work (tasks.service.ts) as
 * due, then overdue. The answer — a provider found, the budget reviewed, or something else, with its
 * text — is recorded by the authority's care staff and whoever recorded it is told. The open figures
 * count records and answers on time, late and waiting, per authority and area (`unavailableFigures`).
 */
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { addWorkingDays } from "../../lib/working-days.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { arrangingFor } from "../care/arranging.service.ts";
import { actingFor, type PersonAccess, requireCareStaff, requirePersonAccess } from "../care/care.service.ts";
import { whomToTell } from "../care/linked-accounts.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { existingAreaCodes, listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import * as arr from "./arrangements.repository.ts";
import { PERSON_SIDE, widerCareStaff } from "./arrangements.service.ts";
import { UNAVAILABLE_OUTCOMES, type UnavailableOutcome } from "./choice.table.ts";

export type { UnavailableFigureRow, UnavailableRow } from "./arrangements.repository.ts";

/**
 * How long the authority has to answer: 10 working days. Why: no statute sets a time for this
 * answer; 10 working days is the time the Local Government and Social Care Ombudsman's guidance
 * gives an authority to acknowledge and set out how it will handle a complaint, and a person
 * without a provider within budget should not wait longer to know what the authority will do. Kept
 * as data (the days are stored on each record with its due day), so a change applies to new
 * records only.
 */
export const ANSWER_CLOCK = { workingDays: 10 } as const;

export const UNAVAILABLE_LIMITS = { tried: 5000, answer: 5000 } as const;

export interface UnavailableDraft {
  needId?: string;
  categoryCode?: string;
  areaCode?: string;
  tried?: string;
}

/** Its state on a day: answered (on time or late), or waiting (due, or overdue after its day). */
export type UnavailableState = "answered-on-time" | "answered-late" | "due" | "overdue";

export function stateOf(r: { due_on: string; answered_on: string | null }, today: string): UnavailableState {
  if (r.answered_on !== null) return r.answered_on <= r.due_on ? "answered-on-time" : "answered-late";
  return today > r.due_on ? "overdue" : "due";
}

export interface UnavailableView extends arr.UnavailableRow {
  state: UnavailableState;
}

/** Records that choice was not available (404 / 403 as `requirePersonAccess` with `arrange-services`; 400 for a field). */
export async function recordUnavailable(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  draft: UnavailableDraft,
): Promise<UnavailableView> {
  const id = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const access = await requirePersonAccess(tctx, authorityId, personId, "arrange-services");
    const problems: FieldError[] = [];
    const categoryCode = (draft.categoryCode ?? "").trim();
    if (!(await listServiceCategories(trx)).some((c) => c.code === categoryCode))
      problems.push({ field: "categoryCode", message: msg`Choose the service type from the list` });
    const areaCode = (draft.areaCode ?? "").trim();
    if (areaCode === "" || !(await existingAreaCodes(trx, [areaCode])).has(areaCode))
      problems.push({ field: "areaCode", message: msg`Choose the area` });
    const needId = (draft.needId ?? "").trim() || null;
    if (needId !== null && !isUuid(needId))
      problems.push({ field: "needId", message: msg`Choose a need from the list` });
    const tried = (draft.tried ?? "").trim();
    if (tried === "" || tried.length > UNAVAILABLE_LIMITS.tried)
      problems.push({
        field: "tried",
        message: msg`Say which providers you tried and why they could not help, in ${UNAVAILABLE_LIMITS.tried} characters or fewer`,
      });
    if (problems.length > 0) throw new ValidationError(msg`Check what you recorded`, problems);
    if (needId !== null) {
      const person = await arrangingFor(tctx, authorityId, personId);
      if (!person.needs.some((n) => n.id === needId))
        throw new ValidationError(msg`Check what you recorded`, [
          { field: "needId", message: msg`Choose a need from the list` },
        ]);
    }
    const authority = await authorityById(trx, authorityId);
    const today = londonToday(ctx.clock);
    const recordId = newId();
    const dueOn = addWorkingDays(today, ANSWER_CLOCK.workingDays, authority.nation);
    await arr.insertUnavailable(trx, {
      authority_id: authorityId,
      id: recordId,
      person_id: personId,
      need_id: needId,
      category_code: categoryCode,
      area_code: areaCode,
      tried,
      recorded_on: today,
      due_on: dueOn,
      answer_working_days: ANSWER_CLOCK.workingDays,
      recorded_by: access.userId,
      created_at: ctx.clock.now(),
      answered_on: null,
      answer_outcome: null,
      answer: "",
      answered_by: null,
      answered_at: null,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: access.actor,
      action: "choice-unavailable.recorded",
      entity: { type: "choice-unavailable", id: recordId },
      changes: { actingFor: actingFor(access), categoryCode, areaCode, needId },
    });
    // The person's side (by email too), and the care staff, who answer it, in the service only (it
    // is on their task list; every care-staff account would be emailed otherwise); not who recorded it.
    const category = (await listServiceCategories(trx)).find((c) => c.code === categoryCode);
    const told = await whomToTell(trx, authorityId, personId, { grants: PERSON_SIDE, actor: access.userId });
    const staff = new Set(await widerCareStaff(trx, authorityId, told, access.userId));
    for (const userId of [...told, ...staff])
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          kind: "choice.not-available-recorded",
          subject: msg`Choice was not available: ${authority.name} must answer by ${dueOn}`.slice(0, 200),
          body: msg`It is recorded that no provider of ${category?.name ?? categoryCode} was available within the budget. ${authority.name} must answer by ${dueOn}.`,
          link: `/authorities/${authority.slug}/choice-not-available/${recordId}`,
        },
        { email: !staff.has(userId), actor: access.actor },
      );
    return recordId;
  });
  return (await unavailableOf(ctx, authorityId, id)).record;
}

/** What the "choice was not available" form shows: the person's area and their needs not yet met (as recording it: 404, then 403). */
export async function unavailableForm(
  ctx: Ctx,
  authorityId: string,
  personId: string,
): Promise<{ personArea: string; needs: { id: string; description: string }[] }> {
  const person = await arrangingFor(ctx, authorityId, personId);
  return {
    personArea: person.person.area_code,
    needs: person.needs
      .filter((n) => n.met_on === null)
      .map((n) => ({ id: n.id, description: n.description })),
  };
}

/**
 * A record as the caller may see it: the authority's care staff, the person and representatives
 * with `see-plan` or `arrange-services` (404 for everyone else; 403 for a representative holding
 * neither grant, as on the person's page).
 */
export async function unavailableOf(
  ctx: Ctx,
  authorityId: string,
  recordId: string,
): Promise<{ record: UnavailableView; access: PersonAccess }> {
  const row =
    isUuid(authorityId) && isUuid(recordId)
      ? await arr.findUnavailable(ctx.db, authorityId, recordId)
      : undefined;
  if (!row) throw new NotFoundError("record");
  let access: PersonAccess;
  try {
    access = await requirePersonAccess(ctx, authorityId, row.person_id, PERSON_SIDE);
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError("record");
    throw e;
  }
  return { record: { ...row, state: stateOf(row, londonToday(ctx.clock)) }, access };
}

/** A record for care staff's answer form: 404 for anyone else, 409 once answered. */
export async function unavailableToAnswer(
  ctx: Ctx,
  authorityId: string,
  recordId: string,
): Promise<UnavailableView> {
  requireCareStaff(ctx.principal, authorityId);
  const { record } = await unavailableOf(ctx, authorityId, recordId);
  if (record.answered_on !== null)
    throw new ConflictError(msg`This record has been answered.`, "already_answered");
  return record;
}

/**
 * The authority's answer: what it will do (a provider found, the budget reviewed, other) with its
 * text. Its care staff only (404 for everyone else, 409 once answered). Whoever recorded it is told.
 */
export async function answerUnavailable(
  ctx: Ctx,
  authorityId: string,
  recordId: string,
  input: { outcome?: string | undefined; answer?: string | undefined },
): Promise<UnavailableView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    requireCareStaff(ctx.principal, authorityId);
    const record = await unavailableToAnswer(tctx, authorityId, recordId);
    const outcome = input.outcome as UnavailableOutcome;
    const answer = (input.answer ?? "").trim();
    const problems: FieldError[] = [];
    if (!UNAVAILABLE_OUTCOMES.includes(outcome))
      problems.push({ field: "outcome", message: msg`Choose what the authority will do` });
    if (answer === "" || answer.length > UNAVAILABLE_LIMITS.answer)
      problems.push({ field: "answer", message: msg`Say what the authority will do, and when` });
    if (problems.length > 0) throw new ValidationError(msg`Check the answer`, problems);
    const locked = await arr.lockUnavailable(trx, authorityId, recordId);
    if (!locked || locked.answered_on !== null)
      throw new ConflictError(msg`This record has been answered.`, "already_answered");
    const actor = actorIn(tctx);
    const today = londonToday(ctx.clock);
    await arr.answerUnavailable(trx, authorityId, recordId, {
      answered_on: today,
      answer_outcome: outcome,
      answer,
      answered_by: ctx.principal?.userId ?? null,
      answered_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: "choice-unavailable.answered",
      entity: { type: "choice-unavailable", id: recordId },
      changes: { outcome, answer, onTime: today <= record.due_on },
    });
    // Whoever recorded it (care staff too) and the person's side; not who answers.
    const told = new Set(
      await whomToTell(trx, authorityId, record.person_id, {
        grants: PERSON_SIDE,
        actor: ctx.principal?.userId ?? null,
      }),
    );
    if (record.recorded_by && record.recorded_by !== ctx.principal?.userId) told.add(record.recorded_by);
    for (const userId of told)
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          kind: "choice.not-available-answered",
          subject: msg`${record.authority_name} answers: choice was not available`.slice(0, 200),
          body: msg`${record.authority_name} has answered the record that no provider of ${record.category_name} was available within the budget: ${answer}`,
          link: `/authorities/${record.authority_slug}/choice-not-available/${recordId}`,
        },
        { email: true, actor },
      );
  });
  return (await unavailableOf(ctx, authorityId, recordId)).record;
}

/** A person's records, newest first. Checks no one: the person's page has (its panel). */
export async function unavailableOfPerson(
  db: Ctx["db"],
  authorityId: string,
  personId: string,
  today: string,
): Promise<UnavailableView[]> {
  return (await arr.unavailableOfPerson(db, authorityId, personId, 50)).map((r) => ({
    ...r,
    state: stateOf(r, today),
  }));
}

/** The records of these authorities waiting for an answer (care staff's work). Checks no one. */
export const unavailableWaiting = arr.unavailableWaiting;

/**
 * The open figures of "choice not available" of one authority, per area: records, answers on time,
 * late, waiting (and of those, overdue on `today`). One grouped query over the index
 * `choice_unavailable_figures`. Public figures with no personal data; the open figures' module
 * suppresses small numbers as it publishes them. Checks no one.
 */
export async function unavailableFigures(
  db: Ctx["db"],
  authorityId: string,
  today: string,
): Promise<arr.UnavailableFigureRow[]> {
  if (!isUuid(authorityId)) return [];
  return arr.unavailableFigures(db, authorityId, today);
}
