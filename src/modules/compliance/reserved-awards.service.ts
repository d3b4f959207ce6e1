/**
 * Contracts reserved to public service mutuals (Procurement Act 2023, s.33; DOMAIN.md §2) and the
 * 3-year comparable-contract bar: a mutual qualifies for a reserved contract only if it has not been
 * awarded a comparable contract — the same kind of services (here: the same service category), by
 * the same authority, itself reserved under s.33 — in the 3 years ending on the award.
 *
 * Each authority keeps a register of its reserved awards (`reserved_contract_awards`): its
 * commissioners record those made before the platform; the award step (issue 6) records those made
 * through a tender here with `recordTenderReservedAward`. `comparableReservedAward` answers the bar for an
 * award date; the compliance check asks it with the London date of the check, as a proxy for the
 * award date, and the award step asks it again with the award date itself.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { type FieldError, NotFoundError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, addMonths, isIsoDate, londonToday, longDate } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { isAuthorityEditor, requireAuthorityEditor } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./compliance.repository.ts";
import type { ReservedAwardSource } from "./compliance.table.ts";

/** s.33: no comparable reserved contract in the 3 years ending on the award. */
export const RESERVED_BAR_YEARS = 3;
export const RESERVED_AWARD_LIMITS = { title: 200, reference: 100 } as const;

/**
 * The 3 years ending on `awardDate` (YYYY-MM-DD), both ends inclusive: a period of three years
 * ending with a day begins on the day after that date three years earlier (award on 1 December 2026:
 * from 2 December 2023). A contract awarded exactly three years before, or earlier, does not bar.
 */
export function barPeriod(awardDate: string): { from: string; to: string } {
  return { from: addDays(addMonths(awardDate, -12 * RESERVED_BAR_YEARS), 1), to: awardDate };
}

export type ReservedAward = repo.ReservedAwardRow;

/**
 * The comparable reserved contract that bars `organisationId` from a reserved award by the authority
 * for services of `categoryCode` on `awardDate`, or undefined when none does. The tender being
 * awarded (`exceptTenderId`) is left out, so that its own award never bars it.
 */
export function comparableReservedAward(
  ctx: Ctx,
  query: {
    authorityId: string;
    organisationId: string;
    categoryCode: string;
    awardDate: string;
    exceptTenderId?: string | null;
  },
): Promise<ReservedAward | undefined> {
  const { from, to } = barPeriod(query.awardDate);
  return repo.latestComparableAward(ctx.db, { ...query, from, to });
}

/** The reason the bar gives, naming the rule, the earlier contract and its date. */
export function barReason(organisationName: string, award: ReservedAward, onDate: string): string {
  const { from } = barPeriod(onDate);
  const reference = award.reference ? ` (${award.reference})` : "";
  return msg`The tender is reserved to public service mutuals (Procurement Act 2023, s.33): ${organisationName} was awarded a comparable reserved contract by this authority for ${award.category_name.toLowerCase()} — “${award.title}”${reference} on ${longDate(award.awarded_on)} — within the 3 years from ${longDate(from)} to ${longDate(onDate)}, so it does not qualify.`;
}

export interface ReservedAwardDraft {
  organisationId?: string;
  categoryCode?: string;
  /** YYYY-MM-DD. */
  awardedOn?: string;
  title?: string;
  reference?: string;
}

export interface ReservedAwardRecord {
  authorityId: string;
  source: ReservedAwardSource;
  /** For source "tender": the tender it was awarded through. */
  tenderId?: string | null;
  /** Null when the platform records it. */
  recordedBy: string | null;
}

/** A reserved award's fields, checked (400 naming each field at fault; 422 for services not reservable). */
async function checkReservedAward(
  ctx: Ctx,
  record: ReservedAwardRecord,
  draft: ReservedAwardDraft,
): Promise<{
  title: string;
  reference: string;
  awardedOn: string;
  organisationId: string;
  categoryCode: string;
}> {
  const problems: FieldError[] = [];
  const title = (draft.title ?? "").trim();
  const reference = (draft.reference ?? "").trim();
  const awardedOn = draft.awardedOn ?? "";
  if (title === "" || title.length > RESERVED_AWARD_LIMITS.title)
    problems.push({
      field: "title",
      message: msg`Enter the contract's title, ${RESERVED_AWARD_LIMITS.title} characters or fewer`,
    });
  if (reference.length > RESERVED_AWARD_LIMITS.reference)
    problems.push({
      field: "reference",
      message: msg`Enter the contract's reference in ${RESERVED_AWARD_LIMITS.reference} characters or fewer`,
    });
  if (!isIsoDate(awardedOn))
    problems.push({
      field: "awardedOn",
      message: msg`Enter the date the contract was awarded, like 1 4 2025`,
    });
  else if (awardedOn > londonToday(ctx.clock))
    problems.push({
      field: "awardedOn",
      message: msg`The date the contract was awarded must be today or earlier`,
    });
  const organisationId = draft.organisationId ?? "";
  const [organisation] = isUuid(organisationId)
    ? await repo.organisationsWithMutualStatus(ctx.db, [organisationId])
    : [];
  if (!organisation)
    problems.push({
      field: "organisationId",
      message: msg`Choose the organisation awarded the contract from the directory`,
    });
  const category = draft.categoryCode ? await repo.serviceCategory(ctx.db, draft.categoryCode) : undefined;
  if (!category)
    problems.push({ field: "categoryCode", message: msg`Choose the kind of services the contract is for` });
  if (record.source === "tender" && !isUuid(record.tenderId))
    problems.push({ field: "tenderId", message: msg`Name the tender the contract was awarded through` });
  if (problems.length > 0) throw new ValidationError(msg`Check the reserved contract`, problems);
  if (category && !category.reservable)
    throw new UnprocessableError(msg`Only contracts reserved under s.33 belong on this register`, [
      {
        field: "categoryCode",
        message: msg`${category.name} cannot be reserved to public service mutuals (Procurement Act 2023, s.33): only reservable light touch services can, so this contract does not belong on the register`,
      },
    ]);
  return { title, reference, awardedOn, organisationId, categoryCode: draft.categoryCode as string };
}

/**
 * Records a reserved award on the authority's register, audited, as `actorIn(ctx)`; checks no one
 * (seeds, and the award step after its own checks). 400 for a field at fault (each named); 422 when
 * the services are not reservable under s.33.
 */
export async function recordReservedAward(
  ctx: Ctx,
  record: ReservedAwardRecord,
  draft: ReservedAwardDraft,
  id: string = newId(),
): Promise<string> {
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    const award = await checkReservedAward(tx, record, draft);
    await repo.insertReservedAward(trx, {
      authority_id: record.authorityId,
      id,
      organisation_id: award.organisationId,
      category_code: award.categoryCode,
      awarded_on: award.awardedOn,
      title: award.title,
      reference: award.reference,
      source: record.source,
      tender_id: record.source === "tender" ? (record.tenderId as string) : null,
      recorded_by: record.recordedBy,
      recorded_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId: record.authorityId,
      actor: actorIn(tx),
      action: "reserved-award.recorded",
      entity: { type: "reserved-award", id },
      changes: { ...award, source: record.source, tenderId: record.tenderId ?? null },
    });
    return id;
  });
}

/**
 * The award of a reserved tender goes on the register (source "tender"), once: in the award's
 * transaction (`ctx.db`), after its checks. `recordedBy` is who awarded it.
 */
export async function recordTenderReservedAward(
  ctx: Ctx & { db: Trx },
  award: {
    authorityId: string;
    tenderId: string;
    organisationId: string;
    categoryCode: string;
    awardedOn: string;
    title: string;
    recordedBy: string;
  },
): Promise<void> {
  const { authorityId, tenderId, organisationId } = award;
  if (await repo.tenderReservedAward(ctx.db, authorityId, tenderId, organisationId)) return;
  await recordReservedAward(
    ctx,
    { authorityId, source: "tender", tenderId, recordedBy: award.recordedBy },
    { organisationId, categoryCode: award.categoryCode, awardedOn: award.awardedOn, title: award.title },
  );
}

/** A commissioner or administrator of the authority records a reserved award made before the platform. */
export async function recordPastReservedAward(
  ctx: Ctx,
  authorityId: string,
  draft: ReservedAwardDraft,
): Promise<ReservedAward> {
  const p = await requireAuthorityEditor(ctx.db, ctx.principal, authorityId);
  return transaction(ctx.db, async (trx) => {
    const tx = within(ctx, trx);
    const id = await recordReservedAward(
      tx,
      { authorityId, source: "recorded", recordedBy: p.userId },
      draft,
    );
    return reservedAwardOf(tx, authorityId, id);
  });
}

/** The authority's register, latest first. Public: contract awards are published. */
export function reservedAwardsOf(ctx: Ctx, authorityId: string): Promise<ReservedAward[]> {
  return repo.reservedAwardsOf(ctx.db, authorityId);
}

export async function reservedAwardOf(ctx: Ctx, authorityId: string, id: string): Promise<ReservedAward> {
  const award = isUuid(id) ? await repo.findReservedAward(ctx.db, authorityId, id) : undefined;
  if (!award) throw new NotFoundError("reserved contract");
  return award;
}

export interface ReservedAwardRegister {
  awards: ReservedAward[];
  /** May this person record reserved awards here (the authority's commissioners and administrators)? */
  canEdit: boolean;
  /** For the form (editors only): the directory's organisations and the reservable service categories. */
  organisations: { id: string; name: string }[];
  categories: { code: string; name: string }[];
}

/** The register's page: the awards, and what its form offers to those who may record. */
export async function reservedAwardRegister(ctx: Ctx, authorityId: string): Promise<ReservedAwardRegister> {
  const canEdit = isAuthorityEditor(ctx.principal, authorityId);
  const [awards, organisations, categories] = await Promise.all([
    repo.reservedAwardsOf(ctx.db, authorityId),
    canEdit ? repo.organisationChoices(ctx.db) : Promise.resolve([]),
    canEdit ? repo.reservableCategories(ctx.db) : Promise.resolve([]),
  ]);
  return { awards, canEdit, organisations, categories };
}
