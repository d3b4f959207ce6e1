/**
 * Demo data for personal budgets' money: every demo plan's ledger is opened by the budgets module
 * when the care module's demo seed (which runs before this one) makes the plan (the `planChanged`
 * port); this seed pays each of the county's ledgers in up to the seeding day by its schedule, as the
 * `budgets.payments-in` job would (its queued jobs then find nothing due until the next period).
 */

import { listLedgerPlans } from "../../modules/budgets/budgets.service.ts";
import { payDuePeriods } from "../../modules/budgets/payments.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";

export const demoBudgetsSeed: Seed = {
  name: "demo-budgets",
  description: "Ledgers of the demo personal budgets, paid in by the schedule",
  demo: true,
  async run({ trx, ctx }) {
    const authorityId = DEMO_AUTHORITY.county;
    for (const planId of await listLedgerPlans(trx, authorityId))
      await payDuePeriods(trx, ctx.clock, authorityId, planId);
  },
};
