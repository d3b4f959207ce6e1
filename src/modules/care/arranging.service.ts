/**
 * What arranging a service for a person needs of care — for choice (arrangements and "choice not
 * available"), for whoever holds `arrange-services`: care staff, the person, a representative given
 * it (who may not hold `see-plan`, so cannot read the plans on the person's page).
 *
 * `arrangingFor` gives the person's name and area (a provider's registration is checked in it), their
 * needs (a service is arranged for one) and their current plans with their budgets as they stand:
 * the server checks a new service against the budget's part. `seesBudget` says whether the caller
 * may also be shown the amounts (`see-plan`); without it a form shows only which parts a plan has.
 */
import type { Ctx } from "../access/context.ts";
import { type PersonAccess, requirePersonAccess } from "./access.service.ts";
import * as repo from "./care.repository.ts";
import type { CareNeed, CarePerson } from "./care.table.ts";
import { type PlanBudget, planBudgets } from "./plans.service.ts";

export interface ArrangingFor {
  access: PersonAccess;
  person: Pick<CarePerson, "id" | "full_name" | "area_code">;
  needs: CareNeed[];
  /** The person's current (active) plans, newest first, with their budgets as they stand. */
  plans: PlanBudget[];
  /** Whether the caller may be shown the budgets' amounts (`see-plan`). */
  seesBudget: boolean;
}

/** For arranging a service for a person: 401, 404, then 403 without `arrange-services` (`requirePersonAccess`). */
export async function arrangingFor(ctx: Ctx, authorityId: string, personId: string): Promise<ArrangingFor> {
  const access = await requirePersonAccess(ctx, authorityId, personId, "arrange-services");
  const [person, needs, plans] = await Promise.all([
    repo.findPerson(ctx.db, authorityId, personId),
    repo.needsOf(ctx.db, authorityId, personId),
    repo.plansOf(ctx.db, authorityId, personId),
  ]);
  const active = plans.filter((p) => p.status === "active").map((p) => p.id);
  const budgets = await planBudgets(ctx.db, authorityId, active);
  return {
    access,
    person: { id: personId, full_name: person?.full_name ?? "", area_code: person?.area_code ?? "" },
    needs,
    plans: active.flatMap((id) => budgets.get(id) ?? []),
    seesBudget: access.grants.includes("see-plan"),
  };
}
