/**
 * Care and support plans and their personal budget in versions: making a plan, changing its budget,
 * ending it; and a plan's budget as the modules above read it.
 */
import type { Db, Trx } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import { ConflictError, type FieldError, NotFoundError, UnprocessableError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { msg } from "../../lib/messages.ts";
import { formatMoney, type Pence, parseMoney } from "../../lib/money.ts";
import { notifyAll } from "../../lib/ports.ts";
import { actorIn, type Ctx } from "../access/context.ts";
import { personalRef, recordAudit } from "../audit/audit.service.ts";
import { notify } from "../notifications/notifications.service.ts";
import { organisationsByIds, searchDirectory } from "../organisations/organisations.service.ts";
import { personForStaff, requireCareStaff } from "./access.service.ts";
import { planChanged } from "./care.ports.ts";
import * as repo from "./care.repository.ts";
import type {
  BudgetPeriod,
  CareBudgetPart,
  CarePerson,
  CarePlan,
  CarePlanVersion,
  Delivery,
  Regime,
  VersionReasonCode,
} from "./care.table.ts";
import { BUDGET_PERIODS, DELIVERIES, REGIMES } from "./care.table.ts";
import { checkDate, money, refuse, text } from "./checks.ts";
import { refreshNextReview } from "./next-review.ts";

/** How a budget is delivered: its one part's way, or a mix. */
export type DeliveryType = Delivery | "mixed";

/** A plan's personal budget as it now stands: its current version and that version's parts. */
export interface PlanBudget {
  plan: CarePlan;
  version: CarePlanVersion;
  parts: CareBudgetPart[];
  delivery: DeliveryType;
}

export function deliveryOf(parts: readonly Pick<CareBudgetPart, "delivery">[]): DeliveryType {
  const ways = new Set(parts.map((p) => p.delivery));
  const [only] = ways;
  return ways.size === 1 && only ? only : "mixed";
}

/**
 * The budget of a plan as it now stands, or undefined for a plan the authority does not have. It
 * checks no one: the caller has decided who may see it.
 */
export async function planBudget(
  db: Db,
  authorityId: string,
  planId: string,
): Promise<PlanBudget | undefined> {
  return (await planBudgets(db, authorityId, [planId])).get(planId);
}

/** The plan, for a care-staff form about it (404 for anyone else, or a plan unknown). */
export async function planToChange(
  ctx: Ctx,
  authorityId: string,
  planId: string,
): Promise<PlanBudget & { person: CarePerson }> {
  requireCareStaff(ctx.principal, authorityId);
  const budget = isUuid(planId) ? await planBudget(ctx.db, authorityId, planId) : undefined;
  if (!budget) throw new NotFoundError("plan");
  const person = (await repo.findPerson(ctx.db, authorityId, budget.plan.person_id)) as CarePerson;
  return { ...budget, person };
}

// Plans and their budgets

export interface PartInput {
  delivery: string;
  /** Money as people type it: "£250.00". */
  amount: string;
  /** The organisation holding a managed account (managed-by-organisation only). */
  organisationId?: string | null;
}

export interface BudgetInput {
  amount: string;
  period: string;
  /** YYYY-MM-DD. */
  startsOn: string;
  /** An unspent balance above this is flagged for recovery; empty: no level agreed. */
  surplusLevel?: string | null;
  parts: readonly PartInput[];
}

interface CheckedBudget {
  amount: Pence;
  period: BudgetPeriod;
  startsOn: string;
  surplusLevel: Pence | null;
  parts: { delivery: Delivery; amount: Pence; organisationId: string | null }[];
}

/** Checks a budget: 400 for what is missing or malformed, 422 for parts that do not add up to the amount. */
async function checkBudget(db: Db, input: BudgetInput, problems: FieldError[]): Promise<CheckedBudget> {
  const amount = money(problems, "amount", input.amount, msg`Enter the personal budget's amount`);
  const period = text(input.period);
  if (!(BUDGET_PERIODS as readonly string[]).includes(period))
    problems.push({ field: "period", message: msg`Choose whether the amount is per week or per year` });
  const startsOn = text(input.startsOn);
  checkDate(problems, "startsOn", startsOn, {
    missing: msg`Enter the date the budget starts`,
    wrong: msg`Enter the start date as a real date, like 1 4 2026`,
  });
  let surplusLevel: Pence | null = null;
  if (text(input.surplusLevel) !== "") {
    const parsed = parseMoney(text(input.surplusLevel));
    if (!parsed.ok || parsed.value < 0n)
      problems.push({
        field: "surplusLevel",
        message: msg`Enter the surplus level in pounds, like £500, or leave it empty`,
      });
    else surplusLevel = parsed.value;
  }
  const parts: CheckedBudget["parts"] = [];
  if (input.parts.length === 0)
    problems.push({
      field: "parts",
      message: msg`Say how the budget is delivered: give the amount of at least one part`,
    });
  if (input.parts.length > 10) problems.push({ field: "parts", message: msg`A budget has at most 10 parts` });
  const orgIds = input.parts.map((p) => text(p.organisationId)).filter((id) => id !== "");
  const orgs = await organisationsByIds(
    db,
    orgIds.filter((id) => isUuid(id)),
  );
  input.parts.slice(0, 10).forEach((part, i) => {
    const delivery = text(part.delivery);
    const field = `parts.${i}`;
    if (!(DELIVERIES as readonly string[]).includes(delivery)) {
      problems.push({ field: `${field}.delivery`, message: msg`Choose how each part is delivered` });
      return;
    }
    const partAmount = money(problems, `${field}.amount`, part.amount, msg`Enter the amount of each part`);
    const organisationId = text(part.organisationId);
    if (delivery === "managed-by-organisation" && !orgs.has(organisationId))
      problems.push({
        field: `${field}.organisationId`,
        message: msg`Enter the id of the organisation that holds the managed account, from its page in the directory`,
      });
    if (delivery !== "managed-by-organisation" && organisationId !== "")
      problems.push({
        field: `${field}.organisationId`,
        message: msg`Only a part managed by an organisation names one`,
      });
    if (partAmount !== undefined)
      parts.push({
        delivery: delivery as Delivery,
        amount: partAmount,
        organisationId: delivery === "managed-by-organisation" ? organisationId : null,
      });
  });
  refuse(problems, msg`Check the personal budget`);
  const checked = {
    amount: amount as Pence,
    period: period as BudgetPeriod,
    startsOn,
    surplusLevel,
    parts,
  };
  const total = parts.reduce((sum, p) => sum + p.amount, 0n);
  if (total !== checked.amount) {
    const message = msg`The parts add up to ${formatMoney(total as Pence)}, but the budget is ${formatMoney(checked.amount)}: make them equal`;
    throw new UnprocessableError(message, [{ field: "parts", message }]);
  }
  return checked;
}

async function insertVersion(
  trx: Trx,
  ctx: Ctx,
  authorityId: string,
  planId: string,
  version: number,
  budget: CheckedBudget,
  reason: { text: string } | { code: VersionReasonCode },
  userId: string,
): Promise<void> {
  await repo.insertVersion(
    trx,
    {
      authority_id: authorityId,
      plan_id: planId,
      version,
      amount_pence: budget.amount,
      period: budget.period,
      starts_on: budget.startsOn,
      reason: "text" in reason ? reason.text : null,
      reason_code: "code" in reason ? reason.code : null,
      surplus_level_pence: budget.surplusLevel,
      created_by: userId,
      created_at: ctx.clock.now(),
    },
    budget.parts.map((part, i) => ({
      authority_id: authorityId,
      plan_id: planId,
      version,
      part: i + 1,
      delivery: part.delivery,
      amount_pence: part.amount,
      organisation_id: part.organisationId,
    })),
  );
}

/** What the audit trail keeps of a budget: amounts and delivery, never the person. */
function budgetChanges(budget: CheckedBudget) {
  return {
    amountPence: budget.amount,
    period: budget.period,
    startsOn: budget.startsOn,
    surplusLevelPence: budget.surplusLevel,
    parts: budget.parts.map((p) => ({
      delivery: p.delivery,
      amountPence: p.amount,
      organisation: p.organisationId,
    })),
  };
}

export interface PlanInput extends BudgetInput {
  regime: string;
}

/** How many organisations the plan form offers of each kind. */
export const ORGANISATION_CHOICES = 50;
const FOUND_ORGANISATIONS = 10;

export interface OrganisationChoices {
  /** The organisations the authority already has managed accounts with, by name. */
  used: { id: string; name: string }[];
  /** More are used than `used` lists (ORGANISATION_CHOICES): search the directory for the others. */
  moreUsed: boolean;
  /** The directory's organisations matching `q`, by name (none without `q`). */
  found: { id: string; name: string; town: string | null }[];
  q: string;
}

/**
 * What the plan form offers for a part managed by an organisation: those the authority already has
 * managed accounts with, and a search of the directory by name. Care staff only (404).
 */
export async function organisationChoices(
  ctx: Ctx,
  authorityId: string,
  query: { q?: string | undefined },
): Promise<OrganisationChoices> {
  requireCareStaff(ctx.principal, authorityId);
  const q = text(query.q).slice(0, 100);
  const [{ ids, more }, found] = await Promise.all([
    repo.organisationsUsed(ctx.db, authorityId, ORGANISATION_CHOICES),
    q === ""
      ? Promise.resolve([])
      : searchDirectory(ctx, { q, pageSize: FOUND_ORGANISATIONS }).then((r) => r.results),
  ]);
  const orgs = await organisationsByIds(ctx.db, ids);
  return {
    used: [...orgs.values()]
      .map((o) => ({ id: o.id, name: o.name }))
      .sort((a, b) => a.name.localeCompare(b.name, "en-GB")),
    moreUsed: more,
    found: found.map((o) => ({ id: o.id, name: o.name, town: o.town })),
    q,
  };
}

/** Makes a plan with its personal budget (version 1): care staff only. */
export async function createPlan(
  ctx: Ctx,
  authorityId: string,
  personId: string,
  input: PlanInput,
): Promise<CarePlan> {
  const { p, person } = await personForStaff(ctx.db, ctx.principal, authorityId, personId);
  const problems: FieldError[] = [];
  const regime = text(input.regime);
  if (!(REGIMES as readonly string[]).includes(regime))
    problems.push({ field: "regime", message: msg`Choose adult social care or special educational needs` });
  const budget = await checkBudget(ctx.db, input, problems);
  return transaction(ctx.db, async (trx) => {
    const now = ctx.clock.now();
    const plan: CarePlan = {
      authority_id: authorityId,
      id: newId(),
      person_id: person.id,
      regime: regime as Regime,
      status: "active",
      current_version: 1,
      started_on: budget.startsOn,
      ended_on: null,
      created_by: p.userId,
      created_at: now,
      updated_at: now,
      next_review_on: null,
      next_review_clock: null,
    };
    await repo.insertPlan(trx, plan);
    await insertVersion(trx, ctx, authorityId, plan.id, 1, budget, { code: "plan-agreed" }, p.userId);
    await refreshNextReview(trx, authorityId, plan.id);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.plan-created",
      entity: { type: "care-plan", id: plan.id },
      changes: { person: personalRef("care_people", person.id), regime, ...budgetChanges(budget) },
    });
    await notifyAll(planChanged, trx, ctx, { kind: "created", authorityId, planId: plan.id, version: 1 });
    return (await repo.findPlan(trx, authorityId, plan.id)) as CarePlan;
  });
}

/** A plan locked for a change by care staff: 404 unknown, 409 once ended. */
export async function activePlan(trx: Trx, authorityId: string, planId: string): Promise<CarePlan> {
  const plan = isUuid(planId) ? await repo.lockPlan(trx, authorityId, planId) : undefined;
  if (!plan) throw new NotFoundError("plan");
  if (plan.status === "ended")
    throw new ConflictError(msg`This plan has ended: make a new plan instead.`, "plan_ended");
  return plan;
}

/**
 * The accounts told of a change to the person's budget: the person themself and representatives
 * allowed to see the plan. Answers how many were told (none: the person must be told another way).
 */
async function tellPerson(
  trx: Trx,
  ctx: Ctx & { email?: boolean },
  authorityId: string,
  personId: string,
  budget: CheckedBudget,
  reason: string,
): Promise<number> {
  const links = await repo.linksOfPerson(trx, authorityId, personId);
  const told = links.filter(
    (l): l is typeof l & { user_id: string } =>
      l.user_id !== null && (l.relationship === "self" || l.grants.includes("see-plan")),
  );
  for (const link of told) {
    const per = budget.period === "week" ? "a week" : "a year";
    await notify(
      trx,
      ctx.clock,
      {
        userId: link.user_id,
        authorityId,
        kind: "care.budget-changed",
        subject:
          link.relationship === "self"
            ? "Your personal budget has changed"
            : "The personal budget of someone you act for has changed",
        body: `The personal budget is now ${formatMoney(budget.amount)} ${per}, from ${budget.startsOn}. The reason given: ${reason}`.slice(
          0,
          4000,
        ),
        link: `/care/people/${personId}`,
      },
      { email: ctx.email ?? false, actor: actorIn(ctx) },
    );
  }
  return told.length;
}

export interface BudgetChangeInput extends BudgetInput {
  reason: string;
}

/**
 * A new version of a plan's budget, with its reason: care staff only (404, then 409 for an ended
 * plan). The person and their representatives allowed to see the plan are told in their inboxes;
 * `told` is how many (0: the person must be told another way).
 */
export async function changeBudget(
  ctx: Ctx & { email?: boolean },
  authorityId: string,
  planId: string,
  input: BudgetChangeInput,
): Promise<{ version: number; told: number }> {
  const p = requireCareStaff(ctx.principal, authorityId);
  const problems: FieldError[] = [];
  const reason = text(input.reason);
  if (reason === "")
    problems.push({ field: "reason", message: msg`Give the reason for the change: the person is told it` });
  else if (reason.length > 2000)
    problems.push({ field: "reason", message: msg`Give the reason in 2,000 characters or fewer` });
  const budget = await checkBudget(ctx.db, input, problems);
  return transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    const current = await repo.findPlanVersion(trx, authorityId, planId, plan.current_version);
    if (current && budget.startsOn < current.starts_on) {
      const message = msg`The new budget cannot start before the current one, which starts on ${current.starts_on}`;
      throw new UnprocessableError(message, [{ field: "startsOn", message }]);
    }
    const version = plan.current_version + 1;
    await insertVersion(trx, ctx, authorityId, planId, version, budget, { text: reason }, p.userId);
    await repo.updatePlan(trx, authorityId, planId, {
      current_version: version,
      updated_at: ctx.clock.now(),
    });
    await refreshNextReview(trx, authorityId, planId);
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.budget-changed",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), version, ...budgetChanges(budget) },
    });
    const told = await tellPerson(trx, ctx, authorityId, plan.person_id, budget, reason);
    await notifyAll(planChanged, trx, ctx, { kind: "budget-changed", authorityId, planId, version });
    return { version, told };
  });
}

/** Ends a plan on a day, with its reason: care staff only (404, then 409 once ended). */
export async function endPlan(
  ctx: Ctx,
  authorityId: string,
  planId: string,
  input: { endedOn: string; reason: string },
): Promise<void> {
  requireCareStaff(ctx.principal, authorityId);
  const endedOn = text(input.endedOn);
  const reason = text(input.reason);
  const problems: FieldError[] = [];
  checkDate(problems, "endedOn", endedOn, {
    missing: msg`Enter the date the plan ends`,
    wrong: msg`Enter the end date as a real date, like 31 3 2027`,
  });
  if (reason === "") problems.push({ field: "reason", message: msg`Give the reason the plan ends` });
  else if (reason.length > 2000)
    problems.push({ field: "reason", message: msg`Give the reason in 2,000 characters or fewer` });
  refuse(problems, msg`Check the end of the plan`);
  await transaction(ctx.db, async (trx) => {
    const plan = await activePlan(trx, authorityId, planId);
    if (endedOn < plan.started_on) {
      const message = msg`The plan cannot end before it started, on ${plan.started_on}`;
      throw new UnprocessableError(message, [{ field: "endedOn", message }]);
    }
    await repo.updatePlan(trx, authorityId, planId, {
      status: "ended",
      ended_on: endedOn,
      next_review_on: null,
      next_review_clock: null,
      updated_at: ctx.clock.now(),
    });
    await recordAudit(trx, ctx.clock, {
      authorityId,
      actor: actorIn(ctx),
      action: "care.plan-ended",
      entity: { type: "care-plan", id: planId },
      changes: { person: personalRef("care_people", plan.person_id), endedOn, reason },
    });
    await notifyAll(planChanged, trx, ctx, {
      kind: "ended",
      authorityId,
      planId,
      version: plan.current_version,
      endedOn,
    });
  });
}

// Read by the modules above (budgets)

/** Every version of a plan's budget with its parts, oldest first: the budget in force on each day. */
export async function planBudgetVersions(
  db: Db,
  authorityId: string,
  planId: string,
): Promise<{ version: CarePlanVersion; parts: CareBudgetPart[] }[]> {
  const [versions, parts] = await Promise.all([
    repo.versionsOf(db, authorityId, planId),
    repo.partsOfPlan(db, authorityId, planId),
  ]);
  return versions.map((version) => ({ version, parts: parts.filter((p) => p.version === version.version) }));
}

/** The budgets of several plans as they now stand, in three queries (a list's page). */
export async function planBudgets(
  db: Db,
  authorityId: string,
  planIds: readonly string[],
): Promise<Map<string, PlanBudget>> {
  const out = new Map<string, PlanBudget>();
  if (planIds.length === 0) return out;
  const { plans, versions, parts } = await repo.currentBudgetsOf(db, authorityId, planIds);
  for (const plan of plans) {
    const version = versions.find((v) => v.plan_id === plan.id && v.version === plan.current_version);
    if (!version) continue;
    const its = parts.filter((p) => p.plan_id === plan.id && p.version === plan.current_version);
    out.set(plan.id, { plan, version, parts: its, delivery: deliveryOf(its) });
  }
  return out;
}
