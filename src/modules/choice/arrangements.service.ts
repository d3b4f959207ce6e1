/**
 * Arranging services (issue 17, items 5 and 7). A person, a representative they have given
 * `arrange-services`, or the authority's care staff for them arranges a service with a provider for
 * one of the person's plans: which part of the budget pays (the direct payment or the managed
 * account), optionally which assessed need, what (a service type and a description), how much
 * (units a week in the price's unit), from when (and until when), at what price — a list's tariff
 * or its member's offer, or for a registered provider not on a list a price agreed (the regulation
 * gate: a current registration for that service type in the person's area).
 *
 * The budget check: the weekly cost of the plan's arrangements paid from that part (proposed or
 * accepted, not ended before the new one starts), with the new one, against that part's weekly
 * amount. A yearly budget is compared exactly in integers: cost × 365 ≤ yearly amount × 7 (see
 * docs/choice.md). Refused (422 `over_budget`) with the figures.
 *
 * The provider's administrators and members accept or decline it (with a reason); either side ends
 * it from a day with a reason. Each step is one transaction with its audit event (an act for a
 * person under the actor's own account, with `actingFor`), and the other side is told.
 */
import type { Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { isIsoDate, londonToday } from "../../lib/london-time.ts";
import { msg } from "../../lib/messages.ts";
import { formatPence, type Pence, parseMoney } from "../../lib/money.ts";
import { grantsInScope, requireSignedIn } from "../access/access.service.ts";
import { actorIn, type Ctx, within } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { authorityById } from "../authorities/authorities.service.ts";
import { arrangingFor } from "../care/arranging.service.ts";
import type { PlanChange } from "../care/care.ports.ts";
import type { PersonGrant } from "../care/care.service.ts";
import {
  actingFor,
  isCareStaff,
  type PersonAccess,
  type PlanBudget,
  peopleActedFor,
  planBudget,
  requirePersonAccess,
} from "../care/care.service.ts";
import {
  type ContactForProvider,
  careStaffOf,
  contactForProvider,
  whomToTell,
} from "../care/linked-accounts.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationNamesOf } from "../organisations/organisations.service.ts";
import { currentLocationsFor } from "../regulation/find.service.ts";
import { listServiceCategories } from "../vocabularies/vocabularies.service.ts";
import * as arr from "./arrangements.repository.ts";
import * as repo from "./choice.repository.ts";
import { PAID_FROM, type PaidFrom, type PriceSource, TARIFF_UNITS, type TariffUnit } from "./choice.table.ts";

export type { ArrangementRow } from "./arrangements.repository.ts";

export const ARRANGEMENT_LIMITS = { description: 2000, reason: 2000 } as const;
/** Who acts for the provider: its administrators and members. */
export const PROVIDER_ROLES = ["organisation-admin", "organisation-member"] as const;
/** The most units a week, by unit: every hour, night or week of one. */
const MAX_UNITS_X100: Record<TariffUnit, number> = { hour: 168_00, night: 7_00, week: 1_00 };

/** What a form or the API sends, before it is checked. */
export interface ArrangementDraft {
  planId?: string;
  paidFrom?: string;
  needId?: string;
  organisationId?: string;
  listId?: string;
  /** Off a list: the service type, the unit and the price agreed. */
  categoryCode?: string;
  unit?: string;
  agreedPrice?: string;
  description?: string;
  /** Units a week as typed: "7.5". */
  unitsPerWeek?: string;
  startsOn?: string;
  endsOn?: string;
}

/** An arrangement's phase on a day: declined, ended (its end day passed), proposed, or live. */
export type Phase = "proposed" | "live" | "declined" | "ended";

export function phaseOf(a: Pick<arr.ArrangementRow, "status" | "ends_on">, today: string): Phase {
  if (a.status === "declined") return "declined";
  if (a.ends_on !== null && a.ends_on < today) return "ended";
  return a.status === "accepted" ? "live" : "proposed";
}

/** Units a week in hundredths ("7.5" → 750), or undefined for what is not a number with at most 2 decimals. */
export function parseUnits(text: string): number | undefined {
  const m = /^(\d{1,4})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

export function unitsText(unitsX100: number): string {
  const whole = Math.trunc(unitsX100 / 100);
  const part = unitsX100 % 100;
  return part === 0 ? String(whole) : `${whole}.${String(part).padStart(2, "0").replace(/0$/, "")}`;
}

/** An arrangement's weekly cost: price × units, rounded up to the penny (the budget must cover it). */
export function weeklyCost(a: { price_pence: bigint; units_x100: number }): bigint {
  return (a.price_pence * BigInt(a.units_x100) + 99n) / 100n;
}

/** The budget parts of a plan that a `paidFrom` covers. */
function partsPaying(budget: PlanBudget, paidFrom: PaidFrom) {
  return budget.parts.filter((p) =>
    paidFrom === "direct-payment" ? p.delivery === "direct-payment" : p.delivery !== "direct-payment",
  );
}

export interface BudgetCheck {
  fits: boolean;
  /** The part's amount in its own period. */
  partPence: bigint;
  period: "week" | "year";
  /** The part's weekly amount: a yearly amount × 7 ÷ 365, rounded down (shown; the check itself is exact). */
  weeklyAllowancePence: bigint;
  /** The weekly cost of what is already arranged from the part, and of the new one. */
  committedPence: bigint;
  newPence: bigint;
}

/**
 * Whether `newPence` a week more fits the part: (committed + new) ≤ weekly amount for a weekly
 * budget; (committed + new) × 365 ≤ yearly amount × 7 for a yearly one (no rounding).
 */
export function budgetFits(
  partPence: bigint,
  period: "week" | "year",
  committedPence: bigint,
  newPence: bigint,
): BudgetCheck {
  const total = committedPence + newPence;
  const fits = period === "week" ? total <= partPence : total * 365n <= partPence * 7n;
  return {
    fits,
    partPence,
    period,
    weeklyAllowancePence: period === "week" ? partPence : (partPence * 7n) / 365n,
    committedPence,
    newPence,
  };
}

function refuse(problems: readonly FieldError[]): void {
  if (problems.length > 0) throw new ValidationError(msg`Check the arrangement's details`, problems);
}

interface CheckedArrangement {
  planId: string;
  paidFrom: PaidFrom;
  needId: string | null;
  organisationId: string;
  organisationName: string;
  listId: string | null;
  categoryCode: string;
  unit: TariffUnit;
  pricePence: Pence;
  priceSource: PriceSource;
  description: string;
  unitsX100: number;
  startsOn: string;
  endsOn: string | null;
}

/** Checks a draft: each field (400), then the provider and its price (404, 409, 422). */
async function checkArrangement(
  ctx: Ctx & { db: Trx },
  authorityId: string,
  _personId: string,
  draft: ArrangementDraft,
): Promise<CheckedArrangement> {
  const problems: FieldError[] = [];
  const planId = (draft.planId ?? "").trim();
  if (!isUuid(planId)) problems.push({ field: "planId", message: msg`Choose the plan the service is for` });
  const paidFrom = draft.paidFrom as PaidFrom;
  if (!PAID_FROM.includes(paidFrom))
    problems.push({
      field: "paidFrom",
      message: msg`Choose which part of the budget pays: the direct payment or the managed account`,
    });
  const needId = (draft.needId ?? "").trim() || null;
  if (needId !== null && !isUuid(needId))
    problems.push({ field: "needId", message: msg`Choose a need from the list` });
  const organisationId = (draft.organisationId ?? "").trim();
  if (!isUuid(organisationId))
    problems.push({ field: "organisationId", message: msg`Give the provider: its number in the directory` });
  const listId = (draft.listId ?? "").trim() || null;
  if (listId !== null && !isUuid(listId)) problems.push({ field: "listId", message: msg`Check the list` });
  const description = (draft.description ?? "").trim();
  if (description === "" || description.length > ARRANGEMENT_LIMITS.description)
    problems.push({
      field: "description",
      message: msg`Say what the service is, in ${ARRANGEMENT_LIMITS.description} characters or fewer`,
    });
  const unitsX100 = parseUnits(draft.unitsPerWeek ?? "");
  if (unitsX100 === undefined || unitsX100 <= 0)
    problems.push({ field: "unitsPerWeek", message: msg`Enter how many a week, like 7.5` });
  const startsOn = (draft.startsOn ?? "").trim();
  if (!isIsoDate(startsOn)) problems.push({ field: "startsOn", message: msg`Enter the day it starts` });
  const endsOn = (draft.endsOn ?? "").trim() || null;
  if (endsOn !== null && (!isIsoDate(endsOn) || (isIsoDate(startsOn) && endsOn < startsOn)))
    problems.push({
      field: "endsOn",
      message: msg`Enter an end day on or after the day it starts, or leave it empty`,
    });
  let categoryCode = (draft.categoryCode ?? "").trim();
  let unit = draft.unit as TariffUnit;
  let price: Pence | undefined;
  if (listId === null) {
    const categories = await listServiceCategories(ctx.db);
    if (!categories.some((c) => c.code === categoryCode))
      problems.push({ field: "categoryCode", message: msg`Choose the service type from the list` });
    if (!TARIFF_UNITS.includes(unit))
      problems.push({
        field: "unit",
        message: msg`Choose whether the price is per hour, per night or per week`,
      });
    const agreed = parseMoney(draft.agreedPrice ?? "");
    if (!agreed.ok || agreed.value <= 0n)
      problems.push({
        field: "agreedPrice",
        message: msg`Enter the price agreed in pounds and pence, like 21.50`,
      });
    else price = agreed.value;
  }
  refuse(problems);
  if (TARIFF_UNITS.includes(unit) && (unitsX100 as number) > MAX_UNITS_X100[unit])
    refuse([{ field: "unitsPerWeek", message: msg`That is more than there are in a week` }]);

  const organisationName = (await organisationNamesOf(ctx.db, [organisationId]))[0]?.name;
  if (organisationName === undefined) throw new NotFoundError("provider");
  let priceSource: PriceSource = "agreed";
  if (listId !== null) {
    const list = await repo.findList(ctx.db, authorityId, listId);
    if (!list || list.status === "draft") throw new NotFoundError("approved-provider list");
    if (list.status !== "open")
      throw new ConflictError(
        msg`This list is closed: arrange with a provider on an open list.`,
        "list_not_open",
      );
    const member = await repo.findMember(ctx.db, authorityId, listId, organisationId);
    if (member?.status !== "member")
      throw new ConflictError(msg`${organisationName} is not on this list.`, "not_a_member");
    categoryCode = list.category_code;
    unit = list.tariff_unit;
    price = (member.price_pence ?? list.tariff_pence) as Pence;
    priceSource = member.price_pence === null ? "tariff" : "offer";
    if ((unitsX100 as number) > MAX_UNITS_X100[unit])
      refuse([{ field: "unitsPerWeek", message: msg`That is more than there are in a week` }]);
  }
  return {
    planId,
    paidFrom,
    needId,
    organisationId,
    organisationName,
    listId,
    categoryCode,
    unit,
    pricePence: price as Pence,
    priceSource,
    description,
    unitsX100: unitsX100 as number,
    startsOn,
    endsOn,
  };
}

/** The arrangement as pages and the API show it. */
export interface ArrangementView extends arr.ArrangementRow {
  phase: Phase;
  priceText: string;
  weeklyCostText: string;
  unitsText: string;
}

export function viewOf(row: arr.ArrangementRow, today: string): ArrangementView {
  return {
    ...row,
    phase: phaseOf(row, today),
    priceText: formatPence(row.price_pence),
    weeklyCostText: formatPence(weeklyCost(row)),
    unitsText: unitsText(row.units_x100),
  };
}

/**
 * The grants that make a representative one of the person's side of an arrangement or a record:
 * they see it (`see-plan`) or act on it (`arrange-services`). The person's own account always is.
 */
export const PERSON_SIDE: readonly PersonGrant[] = ["see-plan", "arrange-services"];

/** The users of a provider told of an arrangement: its administrators and members. */
async function providerPeople(trx: Trx, organisationId: string): Promise<string[]> {
  const users = new Set<string>();
  for (const g of await grantsInScope(trx, organisationId))
    if ((PROVIDER_ROLES as readonly string[]).includes(g.role)) users.add(g.user_id);
  return [...users];
}

/**
 * The person's side told of an arrangement: whoever arranged it (care staff too), the person's own
 * account and representatives holding `PERSON_SIDE`; never `actor`.
 */
async function personSide(
  trx: Trx,
  a: Pick<arr.ArrangementRow, "authority_id" | "person_id" | "arranged_by">,
  actor: string | null,
): Promise<string[]> {
  const users = new Set(await whomToTell(trx, a.authority_id, a.person_id, { grants: PERSON_SIDE, actor }));
  if (a.arranged_by && a.arranged_by !== actor) users.add(a.arranged_by);
  return [...users];
}

/**
 * The authority's care staff not already told directly, nor `actor`: told in the service (their task
 * list and notices), never emailed — every care-staff account of the authority would be emailed
 * about each person otherwise.
 */
export async function widerCareStaff(
  trx: Trx,
  authorityId: string,
  told: Iterable<string>,
  actor: string | null,
): Promise<string[]> {
  const direct = new Set(told);
  return (await careStaffOf(trx, authorityId)).filter((id) => !direct.has(id) && id !== actor);
}

/**
 * Arranges a service for a person (see the file's comment): 404 for a person or plan the caller may
 * not see, 403 for a representative without `arrange-services`, 400 for a field, 409 for an ended
 * plan or a provider not on the list, 422 for a provider without a current registration (off a list)
 * or a service beyond the budget. The provider's people are told.
 */
export async function arrangeService(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  draft: ArrangementDraft,
): Promise<ArrangementView> {
  const id = await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    // The person's current plans and needs, for whoever arranges (with or without `see-plan`).
    const person = await arrangingFor(tctx, authorityId, personId);
    const access = person.access;
    const input = await checkArrangement(tctx, authorityId, personId, draft);
    const budget = person.plans.find((p) => p.plan.id === input.planId);
    if (!budget) {
      const ended = await planBudget(trx, authorityId, input.planId);
      if (ended?.plan.person_id === personId)
        throw new ConflictError(msg`This plan has ended: arrange services for a current plan.`, "plan_ended");
      throw new NotFoundError("plan");
    }
    if (input.needId !== null && !person.needs.some((n) => n.id === input.needId))
      throw new ValidationError(msg`Check the arrangement's details`, [
        { field: "needId", message: msg`Choose a need from the list` },
      ]);
    if (input.priceSource === "agreed") {
      const locations = await currentLocationsFor(tctx, [input.organisationId], input.categoryCode, [
        person.person.area_code,
      ]);
      if (locations.length === 0)
        throw new UnprocessableError(
          msg`${input.organisationName} cannot be arranged with for this service`,
          [
            {
              field: "organisationId",
              message: msg`${input.organisationName} has no current registration with a regulator for this service in the person's area; only a registered provider may be arranged with`,
            },
          ],
          "not_registered",
        );
    }
    const parts = partsPaying(budget, input.paidFrom);
    if (parts.length === 0)
      throw new UnprocessableError(
        msg`This plan's budget has no part paid that way`,
        [{ field: "paidFrom", message: msg`This plan's budget has no part paid that way: choose the other` }],
        "no_such_part",
      );
    const partPence = parts.reduce((sum, p) => sum + p.amount_pence, 0n);
    const committed = await arr.committedFrom(trx, authorityId, input.planId, input.paidFrom, input.startsOn);
    const check = budgetFits(
      partPence,
      budget.version.period,
      committed.reduce((sum, a) => sum + weeklyCost(a), 0n),
      weeklyCost({ price_pence: input.pricePence, units_x100: input.unitsX100 }),
    );
    if (!check.fits)
      throw new UnprocessableError(
        msg`This service does not fit the budget`,
        [
          {
            field: "unitsPerWeek",
            message: msg`It costs ${formatPence(check.newPence)} a week; ${formatPence(check.committedPence)} a week is already arranged from this part, which gives ${formatPence(check.weeklyAllowancePence)} a week. Arrange fewer, a lower price, or record that choice was not available.`,
          },
        ],
        "over_budget",
      );
    const arrangementId = newId();
    const now = ctx.clock.now();
    await arr.insertArrangement(trx, {
      authority_id: authorityId,
      id: arrangementId,
      person_id: personId,
      plan_id: input.planId,
      need_id: input.needId,
      organisation_id: input.organisationId,
      list_id: input.listId,
      paid_from: input.paidFrom,
      category_code: input.categoryCode,
      description: input.description,
      units_x100: input.unitsX100,
      unit: input.unit,
      price_pence: input.pricePence,
      price_source: input.priceSource,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      status: "proposed",
      answered_at: null,
      decline_reason: "",
      end_reason: "",
      ended_by: null,
      arranged_by: access.userId,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: access.actor,
      action: "choice-arrangement.proposed",
      entity: { type: "choice-arrangement", id: arrangementId },
      changes: {
        actingFor: actingFor(access),
        planId: input.planId,
        organisationId: input.organisationId,
        listId: input.listId,
        paidFrom: input.paidFrom,
        unitsX100: input.unitsX100,
        unit: input.unit,
        pricePence: input.pricePence.toString(),
        priceSource: input.priceSource,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
      },
    });
    const row = (await arr.findArrangement(trx, authorityId, arrangementId)) as arr.ArrangementRow;
    for (const userId of await providerPeople(trx, input.organisationId))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          organisationId: input.organisationId,
          kind: "choice.arrangement-proposed",
          subject: msg`A service is arranged with ${input.organisationName}: accept or decline it`.slice(
            0,
            200,
          ),
          body: msg`${row.authority_name} asks ${input.organisationName} for ${unitsText(input.unitsX100)} a week of ${row.category_name} from ${input.startsOn}, at ${formatPence(input.pricePence)} each. Accept or decline it, with a reason.`,
          link: `/authorities/${row.authority_slug}/arrangements/${arrangementId}`,
        },
        { email: true, actor: access.actor },
      );
    // The person's side: everyone linked who sees or arranges their services, but who arranged it.
    for (const userId of await whomToTell(trx, authorityId, personId, {
      grants: PERSON_SIDE,
      actor: access.userId,
    }))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          kind: "choice.arrangement-made",
          subject: msg`A service is arranged with ${input.organisationName}`.slice(0, 200),
          body: msg`${unitsText(input.unitsX100)} a week of ${row.category_name} with ${input.organisationName} from ${input.startsOn}, at ${formatPence(input.pricePence)} each (${formatPence(weeklyCost(row))} a week). ${input.organisationName} will accept or decline it.`,
          link: `/authorities/${row.authority_slug}/arrangements/${arrangementId}`,
        },
        { email: true, actor: access.actor },
      );
    return arrangementId;
  });
  return loadView(ctx, authorityId, id);
}

/** How the caller stands to an arrangement: for the person (care staff, person, representative) or the provider. */
export interface ArrangementAccess {
  side: "person" | "provider";
  person: PersonAccess | null;
}

/**
 * Who may see an arrangement: the authority's care staff, the person and their representatives
 * with `see-plan` or `arrange-services`, and the provider's administrators and members. 404 for
 * everyone else (and for an unknown one); 403 for a representative holding neither grant, as on the
 * person's page.
 */
async function accessTo(ctx: Ctx, row: arr.ArrangementRow): Promise<ArrangementAccess> {
  const p = requireSignedIn(ctx.principal);
  if (
    p.grants.some(
      (g) =>
        g.scopeType === "organisation" &&
        g.scopeId === row.organisation_id &&
        (PROVIDER_ROLES as readonly string[]).includes(g.role),
    )
  )
    return { side: "provider", person: null };
  try {
    return {
      side: "person",
      person: await requirePersonAccess(ctx, row.authority_id, row.person_id, PERSON_SIDE),
    };
  } catch (e) {
    if (e instanceof NotFoundError) throw new NotFoundError("arrangement");
    throw e;
  }
}

/** An arrangement as the caller may see it, with how they stand to it; 404 otherwise. */
export async function arrangementOf(
  ctx: Ctx,
  authorityId: string,
  arrangementId: string,
): Promise<{ arrangement: ArrangementView; access: ArrangementAccess }> {
  requireSignedIn(ctx.principal);
  const row =
    isUuid(arrangementId) && isUuid(authorityId)
      ? await arr.findArrangement(ctx.db, authorityId, arrangementId)
      : undefined;
  if (!row) throw new NotFoundError("arrangement");
  const access = await accessTo(ctx, row);
  return { arrangement: viewOf(row, londonToday(ctx.clock)), access };
}

/**
 * An arrangement's page: the arrangement as the caller may see it (`arrangementOf`) and, for the
 * provider's administrators and members while it is proposed or running, whom they serve — the
 * person's name and contact from care, given the arrangement read here (never one the caller sends).
 */
export async function arrangementPageOf(
  ctx: Ctx,
  authorityId: string,
  arrangementId: string,
): Promise<{ arrangement: ArrangementView; access: ArrangementAccess; person: ContactForProvider | null }> {
  const { arrangement, access } = await arrangementOf(ctx, authorityId, arrangementId);
  const person =
    access.side === "provider"
      ? await contactForProvider(ctx, {
          authorityId: arrangement.authority_id,
          personId: arrangement.person_id,
          organisationId: arrangement.organisation_id,
          status: arrangement.status,
          endsOn: arrangement.ends_on,
        })
      : undefined;
  return { arrangement, access, person: person ?? null };
}

/** The provider's answer: accepted, or declined with its reason. Its administrators and members (404, then 403, then 409). */
export async function answerArrangement(
  ctx: Ctx,
  authorityId: string,
  arrangementId: string,
  answer: { accept: true } | { accept: false; reason: string | undefined },
): Promise<ArrangementView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { arrangement, access } = await arrangementOf(tctx, authorityId, arrangementId);
    if (access.side !== "provider")
      throw new ForbiddenError(msg`Only the provider's people accept or decline an arrangement.`);
    const reason = answer.accept ? "" : (answer.reason ?? "").trim();
    if (!answer.accept && (reason === "" || reason.length > ARRANGEMENT_LIMITS.reason))
      throw new ValidationError(msg`Give the reason for declining`, [
        {
          field: "reason",
          message: msg`Give the reason for declining, in ${ARRANGEMENT_LIMITS.reason} characters or fewer`,
        },
      ]);
    const locked = await arr.lockArrangement(trx, authorityId, arrangementId);
    if (locked?.status !== "proposed")
      throw new ConflictError(msg`This arrangement has already been answered.`, "arrangement_answered");
    const now = ctx.clock.now();
    await arr.updateArrangement(trx, authorityId, arrangementId, {
      status: answer.accept ? "accepted" : "declined",
      answered_at: now,
      decline_reason: reason,
      updated_at: now,
    });
    const actor = actorIn(tctx);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: answer.accept ? "choice-arrangement.accepted" : "choice-arrangement.declined",
      entity: { type: "choice-arrangement", id: arrangementId },
      changes: answer.accept ? {} : { reason },
    });
    // Whoever arranged it (care staff too) and everyone linked who sees or arranges the person's services.
    for (const userId of await personSide(trx, arrangement, ctx.principal?.userId ?? null))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          kind: "choice.arrangement-answered",
          subject: (answer.accept
            ? msg`${arrangement.organisation_name} accepts the service arranged`
            : msg`${arrangement.organisation_name} declines the service arranged`
          ).slice(0, 200),
          body: answer.accept
            ? msg`${arrangement.organisation_name} accepts ${arrangement.unitsText} a week of ${arrangement.category_name} from ${arrangement.starts_on}.`
            : msg`${arrangement.organisation_name} declines ${arrangement.unitsText} a week of ${arrangement.category_name}. Reason: ${reason}`,
          link: `/authorities/${arrangement.authority_slug}/arrangements/${arrangementId}`,
        },
        { email: true, actor },
      );
  });
  return loadView(ctx, authorityId, arrangementId);
}

/**
 * Ends an arrangement from a day with a reason: either side — the provider's people, or the person,
 * a representative with `arrange-services`, care staff. The other side is told. 409 for one declined
 * or already ended.
 */
export async function endArrangement(
  ctx: Ctx,
  authorityId: string,
  arrangementId: string,
  input: { endsOn?: string | undefined; reason?: string | undefined },
): Promise<ArrangementView> {
  await transaction(ctx.db, async (trx) => {
    const tctx = within(ctx, trx);
    const { arrangement, access } = await arrangementOf(tctx, authorityId, arrangementId);
    let person = access.person;
    if (access.side === "person")
      person = await requirePersonAccess(tctx, authorityId, arrangement.person_id, "arrange-services");
    const endsOn = (input.endsOn ?? "").trim();
    const reason = (input.reason ?? "").trim();
    const problems: FieldError[] = [];
    if (!isIsoDate(endsOn) || endsOn < arrangement.starts_on)
      problems.push({
        field: "endsOn",
        message: msg`Enter the last day of the service, on or after the day it starts`,
      });
    if (reason === "" || reason.length > ARRANGEMENT_LIMITS.reason)
      problems.push({ field: "reason", message: msg`Give the reason for ending it` });
    if (problems.length > 0) throw new ValidationError(msg`Check the ending's details`, problems);
    const locked = await arr.lockArrangement(trx, authorityId, arrangementId);
    if (
      !locked ||
      locked.status === "declined" ||
      (locked.ends_on !== null && locked.ends_on < londonToday(ctx.clock))
    )
      throw new ConflictError(
        msg`This arrangement is not running: it cannot be ended.`,
        "arrangement_not_running",
      );
    await arr.updateArrangement(trx, authorityId, arrangementId, {
      ends_on: endsOn,
      end_reason: reason,
      ended_by: access.side,
      updated_at: ctx.clock.now(),
    });
    const actor = actorIn(tctx);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor,
      action: "choice-arrangement.ended",
      entity: { type: "choice-arrangement", id: arrangementId },
      changes: { endsOn, reason, by: access.side, ...(person ? { actingFor: actingFor(person) } : {}) },
    });
    // The other side, and the person's side but the one who ended it; when the provider ends a
    // service, the authority's other care staff too, in the service only (the person may be left
    // without it).
    const provider = new Set(
      access.side === "person" ? await providerPeople(trx, arrangement.organisation_id) : [],
    );
    const acting = ctx.principal?.userId ?? null;
    const told = new Set([...provider, ...(await personSide(trx, arrangement, acting))]);
    const staff = new Set(
      access.side === "provider" ? await widerCareStaff(trx, authorityId, told, acting) : [],
    );
    for (const userId of [...told, ...staff])
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId,
          ...(provider.has(userId) ? { organisationId: arrangement.organisation_id } : {}),
          kind: "choice.arrangement-ended",
          subject: msg`A service arranged with ${arrangement.organisation_name} ends on ${endsOn}`.slice(
            0,
            200,
          ),
          body: msg`${arrangement.unitsText} a week of ${arrangement.category_name} with ${arrangement.organisation_name} ends on ${endsOn}. Reason: ${reason}`,
          link: `/authorities/${arrangement.authority_slug}/arrangements/${arrangementId}`,
        },
        { email: !staff.has(userId), actor },
      );
  });
  return loadView(ctx, authorityId, arrangementId);
}

/**
 * One arrangement of an authority, or undefined (budgets: invoices against it): its status, days
 * (`phaseOf` gives its phase on a day), price, units and weekly cost. Checks no one: the caller has
 * decided who may see it.
 */
export async function arrangementFor(
  db: Ctx["db"],
  authorityId: string,
  arrangementId: string,
): Promise<arr.ArrangementRow | undefined> {
  if (!isUuid(arrangementId) || !isUuid(authorityId)) return undefined;
  return arr.findArrangement(db, authorityId, arrangementId);
}

async function loadView(ctx: Ctx, authorityId: string, arrangementId: string): Promise<ArrangementView> {
  const row = await arrangementFor(ctx.db, authorityId, arrangementId);
  if (!row) throw new NotFoundError("arrangement");
  return viewOf(row, londonToday(ctx.clock));
}

/** A plan's live arrangements on a day: accepted and not ended before it. Checks no one (budgets). */
export async function liveArrangementsOf(
  db: Ctx["db"],
  authorityId: string,
  planId: string,
  on: string,
): Promise<ArrangementView[]> {
  if (!isUuid(planId)) return [];
  return (await arr.liveOfPlan(db, authorityId, planId, on)).map((r) => viewOf(r, on));
}

/** The most of a person's arrangements and records their page shows. */
export const PERSON_ROWS = 50;

/** A person's arrangements, newest first. Checks no one: the person's page has (its panel). */
export async function arrangementsOfPerson(
  db: Ctx["db"],
  authorityId: string,
  personId: string,
  today: string,
): Promise<ArrangementView[]> {
  return (await arr.arrangementsOfPerson(db, authorityId, personId, PERSON_ROWS)).map((r) =>
    viewOf(r, today),
  );
}

export const PROVIDER_PAGE_SIZE = 50;

/** The provider's administrators and members only (403 for anyone else signed in; no platform reach). */
export function requireProvider(principal: Ctx["principal"], organisationId: string): void {
  const p = requireSignedIn(principal);
  if (
    !p.grants.some(
      (g) =>
        g.scopeType === "organisation" &&
        g.scopeId === organisationId &&
        (PROVIDER_ROLES as readonly string[]).includes(g.role),
    )
  )
    throw new ForbiddenError(msg`Only the provider's administrators and members see its arrangements.`);
}

/** A provider's arrangements, newest first, for its administrators and members (403 for anyone else). */
export async function providerArrangements(
  ctx: Ctx,
  organisationId: string,
): Promise<{
  proposed: ArrangementView[];
  live: ArrangementView[];
  ended: ArrangementView[];
  more: boolean;
}> {
  requireProvider(ctx.principal, organisationId);
  const today = londonToday(ctx.clock);
  const rows = await arr.arrangementsOfOrganisation(ctx.db, organisationId, PROVIDER_PAGE_SIZE + 1);
  const views = rows.slice(0, PROVIDER_PAGE_SIZE).map((r) => viewOf(r, today));
  return {
    proposed: views.filter((v) => v.phase === "proposed"),
    live: views.filter((v) => v.phase === "live"),
    ended: views.filter((v) => v.phase === "ended" || v.phase === "declined"),
    more: rows.length > PROVIDER_PAGE_SIZE,
  };
}

/** Whether the principal is one of the authority's care staff (pages: what to link). */
export { isCareStaff };

/** What the "Arrange a service" form shows: the person's current plans and needs, and the provider and its price from a list, or the choices off a list. */
export async function arrangeForm(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  from: { listId?: string | undefined; organisationId?: string | undefined },
) {
  const person = await arrangingFor(ctx, authorityId, personId);
  // The amounts only for those who see the budget (`see-plan`); the parts for everyone who arranges.
  const plans = person.plans.map((p) => ({
    id: p.plan.id,
    startedOn: p.plan.started_on,
    amountText: person.seesBudget ? formatPence(p.version.amount_pence) : null,
    period: p.version.period,
    direct: p.parts.some((x) => x.delivery === "direct-payment"),
    managed: p.parts.some((x) => x.delivery !== "direct-payment"),
  }));
  let fromList: {
    listId: string;
    listTitle: string;
    organisationId: string;
    organisationName: string;
    categoryName: string;
    unit: TariffUnit;
    priceText: string;
    atTariff: boolean;
  } | null = null;
  if (from.listId && from.organisationId && isUuid(from.listId) && isUuid(from.organisationId)) {
    const list = await repo.findList(ctx.db, authorityId, from.listId);
    const member = list
      ? await repo.findMember(ctx.db, authorityId, from.listId, from.organisationId)
      : undefined;
    if (list?.status !== "open" || member?.status !== "member")
      throw new NotFoundError("provider on the list");
    fromList = {
      listId: list.id,
      listTitle: list.title,
      organisationId: from.organisationId,
      organisationName: member.organisation_name,
      categoryName: list.category_name,
      unit: list.tariff_unit,
      priceText: formatPence(member.price_pence ?? list.tariff_pence),
      atTariff: member.price_pence === null,
    };
  }
  return {
    personName: person.person.full_name,
    plans,
    needs: person.needs
      .filter((n) => n.met_on === null)
      .map((n) => ({ id: n.id, description: n.description })),
    fromList,
    categories: fromList ? [] : await listServiceCategories(ctx.db),
  };
}

/** The people the signed-in account may arrange services for at this authority (a list's comparison offers "Arrange with this provider"); none for the public. */
export async function peopleToArrangeFor(
  ctx: Ctx,
  authorityId: string,
): Promise<{ personId: string; name: string }[]> {
  if (!ctx.principal) return [];
  return (await peopleActedFor(ctx))
    .filter((p) => p.authorityId === authorityId && p.grants.includes("arrange-services"))
    .map((p) => ({ personId: p.personId, name: p.name }));
}

// A new version of a budget: the arrangements are checked again (care's `planChanged` port)

/** A part of a plan's budget that no longer covers what is arranged from it. */
export interface OverBudget {
  planId: string;
  paidFrom: PaidFrom;
  /** The weekly cost of the arrangements counting against the part (proposed or accepted, not ended). */
  arrangedPence: bigint;
  arrangedText: string;
  /** What the part now gives a week (a yearly part: × 7 ÷ 365, rounded down). */
  allowancePence: bigint;
  allowanceText: string;
}

/**
 * Where a plan's arrangements no longer fit its budget as it now stands: for each way of paying
 * (the direct payment, the managed account), the weekly cost of the arrangements counting against it
 * from `on` — the budget check's own rule, proposed or accepted and not ended before `on` — against
 * what the part gives (the same exact comparison). Checks no one.
 */
export async function overBudgetOf(db: Ctx["db"], budget: PlanBudget, on: string): Promise<OverBudget[]> {
  const out: OverBudget[] = [];
  for (const paidFrom of PAID_FROM) {
    const committed = await arr.committedFrom(db, budget.plan.authority_id, budget.plan.id, paidFrom, on);
    if (committed.length === 0) continue;
    const partPence = partsPaying(budget, paidFrom).reduce((sum, p) => sum + p.amount_pence, 0n);
    const check = budgetFits(
      partPence,
      budget.version.period,
      committed.reduce((sum, a) => sum + weeklyCost(a), 0n),
      0n,
    );
    if (!check.fits)
      out.push({
        planId: budget.plan.id,
        paidFrom,
        arrangedPence: check.committedPence,
        arrangedText: formatPence(check.committedPence),
        allowancePence: check.weeklyAllowancePence,
        allowanceText: formatPence(check.weeklyAllowancePence),
      });
  }
  return out;
}

/** The day a budget's check runs from: today, or the new version's start when it is later. */
export function checkedFrom(budget: PlanBudget, today: string): string {
  return budget.version.starts_on > today ? budget.version.starts_on : today;
}

/**
 * A plan ended (care's `planChanged`, in the change's transaction; `arrangementsFollowPlan` hands it
 * here): nothing can be paid from it after its last day, so each of its arrangements still counting
 * after that day ends on it — or, one that was to start later, is withdrawn (recorded as declined,
 * with the reason) — each with its audit event (`choice-arrangement.ended`, by "plan-ended", acting
 * for the person) by whoever ended the plan. The provider's people and the person's side are told;
 * the provider stops seeing the person's contact after that day (`contactForProvider`).
 */
async function endWithPlan(trx: Trx, ctx: Ctx, change: PlanChange): Promise<void> {
  const lastDay = change.endedOn;
  if (!lastDay) return;
  const actor = actorIn(ctx);
  const acting = ctx.principal?.userId ?? null;
  for (const running of await arr.runningOfPlanAfter(trx, change.authorityId, change.planId, lastDay)) {
    const withdrawn = running.starts_on > lastDay;
    const now = ctx.clock.now();
    const reason = withdrawn
      ? msg`The person's plan ended on ${lastDay}, before the service was to start.`
      : msg`The person's plan ended on ${lastDay}.`;
    await arr.updateArrangement(
      trx,
      change.authorityId,
      running.id,
      withdrawn
        ? {
            status: "declined",
            answered_at: running.answered_at ?? now,
            decline_reason: reason,
            updated_at: now,
          }
        : { ends_on: lastDay, end_reason: reason, ended_by: "person", updated_at: now },
    );
    await recordAudit(trx, ctx.clock, {
      authorityId: change.authorityId,
      actor,
      action: "choice-arrangement.ended",
      entity: { type: "choice-arrangement", id: running.id },
      changes: {
        endsOn: withdrawn ? null : lastDay,
        withdrawn,
        reason,
        by: "plan-ended",
        person: personalRef("care_people", running.person_id),
      },
    });
    const a = (await arr.findArrangement(trx, change.authorityId, running.id)) as arr.ArrangementRow;
    const provider = new Set(await providerPeople(trx, a.organisation_id));
    for (const userId of new Set([...provider, ...(await personSide(trx, a, acting))]))
      await notify(
        trx,
        ctx.clock,
        {
          userId,
          authorityId: change.authorityId,
          ...(provider.has(userId) ? { organisationId: a.organisation_id } : {}),
          kind: "choice.arrangement-ended",
          subject: msg`A service arranged with ${a.organisation_name} ends: the plan has ended`.slice(0, 200),
          body: withdrawn
            ? msg`${unitsText(a.units_x100)} a week of ${a.category_name} with ${a.organisation_name} will not start. Reason: ${reason}`
            : msg`${unitsText(a.units_x100)} a week of ${a.category_name} with ${a.organisation_name} ends on ${lastDay}. Reason: ${reason}`,
          link: `/authorities/${a.authority_slug}/arrangements/${a.id}`,
        },
        { email: true, actor },
      );
  }
}

/**
 * A plan changed (care's `planChanged`, in the change's transaction). A plan ended: its
 * arrangements end with it (`endWithPlan`). A new version of its budget: the arrangements paid from
 * each part are checked again. None is ended — the person and the authority
 * decide what to change — but where a part no longer covers them it is recorded
 * (`choice-arrangement.over-budget` on the authority's chain, with the figures) and those who see
 * the budget are told: the person's account and representatives with `see-plan` (by email too),
 * the authority's care staff in the service only (never emailed); not who changed the budget. The
 * person's page shows it while it lasts (person-panel.ts).
 */
export async function arrangementsFollowPlan(trx: Trx, ctx: Ctx, change: PlanChange): Promise<void> {
  if (change.kind === "ended") return endWithPlan(trx, ctx, change);
  if (change.kind !== "budget-changed") return;
  const budget = await planBudget(trx, change.authorityId, change.planId);
  if (!budget) return;
  const over = await overBudgetOf(trx, budget, checkedFrom(budget, londonToday(ctx.clock)));
  if (over.length === 0) return;
  const personId = budget.plan.person_id;
  const actor = actorIn(ctx);
  await recordAudit(trx, ctx.clock, {
    authorityId: change.authorityId,
    actor,
    action: "choice-arrangement.over-budget",
    entity: { type: "care-plan", id: change.planId },
    changes: {
      person: personalRef("care_people", personId),
      version: change.version,
      parts: over.map((o) => ({
        paidFrom: o.paidFrom,
        arrangedPence: o.arrangedPence.toString(),
        allowancePence: o.allowancePence.toString(),
      })),
    },
  });
  const acting = ctx.principal?.userId ?? null;
  // The figures are the budget's: for those who see it (the person, representatives with see-plan).
  const linked = await whomToTell(trx, change.authorityId, personId, { grants: ["see-plan"], actor: acting });
  const staff = new Set(await widerCareStaff(trx, change.authorityId, linked, acting));
  const { slug } = await authorityById(trx, change.authorityId);
  const figures = over
    .map((o) =>
      o.paidFrom === "direct-payment"
        ? msg`from the direct payment, ${o.arrangedText} a week is arranged and the budget now gives ${o.allowanceText} a week`
        : msg`from the managed account, ${o.arrangedText} a week is arranged and the budget now gives ${o.allowanceText} a week`,
    )
    .join("; ");
  for (const userId of new Set([...linked, ...staff])) {
    if (userId === acting) continue;
    await notify(
      trx,
      ctx.clock,
      {
        userId,
        authorityId: change.authorityId,
        kind: "choice.arrangements-over-budget",
        subject: msg`The new budget does not cover the services arranged`,
        body: msg`The budget changed (version ${change.version}): ${figures}. No service has been ended: change or end an arrangement, or ask for the budget to be reviewed.`,
        link: staff.has(userId) ? `/authorities/${slug}/care/people/${personId}` : `/care/people/${personId}`,
      },
      { email: !staff.has(userId), actor },
    );
  }
}
