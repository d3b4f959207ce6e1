/**
 * Contracts reserved to public service mutuals (Procurement Act 2023, s.33; DOMAIN.md §2) and the
 * 3-year comparable-contract bar: a mutual qualifies for a reserved contract only if it has not been
 * awarded a comparable contract — the same kind of services (here: the same service category), by
 * the same authority, itself reserved under s.33 — in the 3 years ending on the award.
 *
 * Each authority keeps a register of its reserved awards (`reserved_contract_awards`): its
 * commissioners record those made before the platform; the award step (issue 6) records those made
 * through a tender here with `recordReservedAward`. `comparableReservedAward` answers the bar for an
 * award date; the compliance check asks it with the London date of the check, as a proxy for the
 * award date, and the award step asks it again with the award date itself.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { type FieldError, NotFoundError, UnprocessableError, ValidationError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, addMonths, isIsoDate, londonDate, longDate } from "../../lib/london-time.ts";
import { actorOf, type Principal, requireAuthorityEditor } from "../access/access.service.ts";
import { type Actor, recordAudit } from "../audit/audit.service.ts";
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
  db: Db,
  query: {
    authorityId: string;
    organisationId: string;
    categoryCode: string;
    awardDate: string;
    exceptTenderId?: string | null;
  },
): Promise<ReservedAward | undefined> {
  const { from, to } = barPeriod(query.awardDate);
  return repo.latestComparableAward(db, { ...query, from, to });
}

/** The reason the bar gives, naming the rule, the earlier contract and its date. */
export function barReason(organisationName: string, award: ReservedAward, onDate: string): string {
  const { from } = barPeriod(onDate);
  const reference = award.reference ? ` (${award.reference})` : "";
  return `The tender is reserved to public service mutuals (Procurement Act 2023, s.33): ${organisationName} was awarded a comparable reserved contract by this authority for ${award.category_name.toLowerCase()} — “${award.title}”${reference} on ${longDate(award.awarded_on)} — within the 3 years from ${longDate(from)} to ${longDate(onDate)}, so it does not qualify.`;
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

/**
 * Records a reserved award on the authority's register, audited, in the caller's transaction. 400 for
 * a field at fault (each named); 422 when the services are not reservable under s.33. The award step
 * of a reserved tender calls this with source "tender" and the tender's id.
 */
export async function recordReservedAward(
  trx: Trx,
  clock: Clock,
  actor: Actor,
  record: ReservedAwardRecord,
  draft: ReservedAwardDraft,
  id: string = newId(),
): Promise<string> {
  const problems: FieldError[] = [];
  const title = (draft.title ?? "").trim();
  const reference = (draft.reference ?? "").trim();
  const awardedOn = draft.awardedOn ?? "";
  const today = londonDate(clock.now());
  if (title === "" || title.length > RESERVED_AWARD_LIMITS.title)
    problems.push({
      field: "title",
      message: `Enter the contract's title, ${RESERVED_AWARD_LIMITS.title} characters or fewer`,
    });
  if (reference.length > RESERVED_AWARD_LIMITS.reference)
    problems.push({
      field: "reference",
      message: `Enter the contract's reference in ${RESERVED_AWARD_LIMITS.reference} characters or fewer`,
    });
  if (!isIsoDate(awardedOn))
    problems.push({ field: "awardedOn", message: "Enter the date the contract was awarded, like 1 4 2025" });
  else if (awardedOn > today)
    problems.push({
      field: "awardedOn",
      message: "The date the contract was awarded must be today or earlier",
    });
  const organisationId = draft.organisationId ?? "";
  const [organisation] = isUuid(organisationId)
    ? await repo.organisationsWithMutualStatus(trx, [organisationId])
    : [];
  if (!organisation)
    problems.push({
      field: "organisationId",
      message: "Choose the organisation awarded the contract from the directory",
    });
  const category = draft.categoryCode ? await repo.serviceCategory(trx, draft.categoryCode) : undefined;
  if (!category)
    problems.push({ field: "categoryCode", message: "Choose the kind of services the contract is for" });
  if (record.source === "tender" && !isUuid(record.tenderId))
    problems.push({ field: "tenderId", message: "Name the tender the contract was awarded through" });
  if (problems.length > 0) throw new ValidationError("Check the reserved contract", problems);
  if (category && !category.reservable)
    throw new UnprocessableError("Only contracts reserved under s.33 belong on this register", [
      {
        field: "categoryCode",
        message: `${category.name} cannot be reserved to public service mutuals (Procurement Act 2023, s.33): only reservable light touch services can, so this contract does not belong on the register`,
      },
    ]);
  await repo.insertReservedAward(trx, {
    authority_id: record.authorityId,
    id,
    organisation_id: organisationId,
    category_code: draft.categoryCode as string,
    awarded_on: awardedOn,
    title,
    reference,
    source: record.source,
    tender_id: record.source === "tender" ? (record.tenderId as string) : null,
    recorded_by: record.recordedBy,
    recorded_at: clock.now(),
  });
  await recordAudit(trx, clock, {
    authorityId: record.authorityId,
    actor,
    action: "reserved-award.recorded",
    entity: { type: "reserved-award", id },
    changes: {
      organisationId,
      categoryCode: draft.categoryCode,
      awardedOn,
      title,
      reference,
      source: record.source,
      tenderId: record.tenderId ?? null,
    },
  });
  return id;
}

/** A commissioner or administrator of the authority records a reserved award made before the platform. */
export async function recordPastReservedAward(
  trx: Trx,
  clock: Clock,
  principal: Principal | null,
  authorityId: string,
  draft: ReservedAwardDraft,
): Promise<string> {
  const p = await requireAuthorityEditor(trx, principal, authorityId);
  return recordReservedAward(
    trx,
    clock,
    actorOf(p),
    { authorityId, source: "recorded", recordedBy: p.userId },
    draft,
  );
}

/** The authority's register, latest first. Public: contract awards are published. */
export function reservedAwardsOf(db: Db, authorityId: string): Promise<ReservedAward[]> {
  return repo.reservedAwardsOf(db, authorityId);
}

export async function reservedAwardOf(db: Db, authorityId: string, id: string): Promise<ReservedAward> {
  const award = isUuid(id) ? await repo.findReservedAward(db, authorityId, id) : undefined;
  if (!award) throw new NotFoundError("reserved contract");
  return award;
}
