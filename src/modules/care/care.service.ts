/**
 * Individual services (issue 17): the people an authority supports, their assessed eligible needs,
 * and their care and support plans with a personal budget. What other modules may use of care is
 * here: the budget of a plan as it now stands (choice, budgets).
 */
import type { Db } from "../../db/database.ts";
import * as repo from "./care.repository.ts";
import type { CareBudgetPart, CarePlan, CarePlanVersion, Delivery } from "./care.table.ts";

export type {
  BudgetPeriod,
  CareBudgetPart,
  CarePlan,
  CarePlanVersion,
  Delivery,
  Regime,
} from "./care.table.ts";
export { BUDGET_PERIODS, DELIVERIES, REGIMES } from "./care.table.ts";

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
  const plan = await repo.findPlan(db, authorityId, planId);
  if (!plan) return undefined;
  const version = await repo.findPlanVersion(db, authorityId, planId, plan.current_version);
  if (!version) return undefined;
  const parts = await repo.budgetParts(db, authorityId, planId, plan.current_version);
  return { plan, version, parts, delivery: deliveryOf(parts) };
}
