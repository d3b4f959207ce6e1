/**
 * Keeps each plan's ledger in step with its plan, through the care module's `planChanged` port
 * (plugged in src/wiring.ts), in the transaction of the change:
 * - a plan made: its ledger is opened with the default schedule (`DEFAULT_CADENCE`, from the plan's
 *   start); its first job, due at once, pays in every period started by today;
 * - a new version of its budget: the accounts the new parts need are opened; each period is paid from
 *   the version in force on its first day (payments.service.ts), so the new amount applies from the
 *   first period starting on or after the version's start;
 * - the plan ended: its end is recorded (and the erasure of its records queued 7 years on); no period
 *   starting after its last day is paid in.
 * Care staff may change a ledger's cadence afterwards (`changeCadence`, budgets.service.ts).
 */
import type { Trx } from "../../db/database.ts";
import type { Ctx } from "../access/context.ts";
import type { PlanChange } from "../care/care.ports.ts";
import { planBudget } from "../care/care.service.ts";
import * as repo from "./budgets.repository.ts";
import { heldAccounts, recordLedgerOpened } from "./budgets.service.ts";
import type { Cadence } from "./budgets.table.ts";
import { recordPlanEnded } from "./payments.service.ts";

/** How often a new plan's budget is paid in: every four weeks pays a weekly budget exactly. */
export const DEFAULT_CADENCE: Cadence = "four-weekly";

export async function followPlanChange(trx: Trx, ctx: Ctx, change: PlanChange): Promise<void> {
  const { authorityId, planId } = change;
  const budget = await planBudget(trx, authorityId, planId);
  if (!budget) return;
  const ledger = await repo.findLedger(trx, authorityId, planId);
  if (change.kind === "created") {
    if (!ledger)
      await recordLedgerOpened(
        { ...ctx, db: trx },
        authorityId,
        budget,
        DEFAULT_CADENCE,
        budget.plan.started_on,
      );
    return;
  }
  if (!ledger) return;
  if (change.kind === "budget-changed")
    await repo.ensureBalances(trx, authorityId, planId, ["funding", ...heldAccounts(budget)]);
  else if (change.endedOn && !ledger.plan_ended_on)
    await recordPlanEnded(trx, ctx.clock, authorityId, planId, change.endedOn);
}
