/**
 * Demo data for personal budgets' money: a ledger for each demo plan listed here, paid in up to
 * the seeding day by the authority's schedule. The demo people and their plans come with the care
 * module's demo seed (which runs before this one): list its plans here as it names them. With none
 * listed, or a plan the care seed did not make, this seed does nothing for it.
 */

import { type Cadence, recordLedgerOpened } from "../../modules/budgets/budgets.service.ts";
import { payDuePeriods } from "../../modules/budgets/payments.service.ts";
import { planBudget } from "../../modules/care/care.service.ts";
import type { Seed } from "../seed.ts";

/** The demo plans with a ledger: the authority, the plan, and how often it is paid in. */
export const DEMO_BUDGET_PLANS: readonly { authorityId: string; planId: string; cadence: Cadence }[] = [];

export const demoBudgetsSeed: Seed = {
  name: "demo-budgets",
  description: "Ledgers of the demo personal budgets, paid in by the schedule",
  demo: true,
  async run({ trx, ctx }) {
    for (const { authorityId, planId, cadence } of DEMO_BUDGET_PLANS) {
      const budget = await planBudget(trx, authorityId, planId);
      if (!budget || budget.plan.status === "ended") continue;
      await recordLedgerOpened({ ...ctx, db: trx }, authorityId, budget, cadence, budget.plan.started_on);
      await payDuePeriods(trx, ctx.clock, authorityId, planId);
    }
  },
};
