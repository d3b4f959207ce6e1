/**
 * Demo data for personal budgets' money: every demo plan's ledger is opened by the budgets module
 * when the care module's demo seed (which runs before this one) makes the plan (the `planChanged`
 * port); this seed pays each of the county's ledgers in up to the seeding day by its schedule, as the
 * `budgets.payments-in` job would (its queued jobs then find nothing due until the next period).
 * Then, through the services as the people would: Greenway Home Care (its demo administrator, Gwen
 * Parry) invoices Joan's accepted arrangement for its first morning delivered, and Joan (the demo
 * citizen, as herself) pays it from her direct payment.
 */

import { londonToday } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { listLedgerPlans } from "../../modules/budgets/budgets.service.ts";
import { payDuePeriods } from "../../modules/budgets/payments.service.ts";
import {
  invoiceCeiling,
  payInvoice,
  submitProviderInvoice,
} from "../../modules/budgets/provider-invoices.service.ts";
import { liveArrangementsOf } from "../../modules/choice/choice.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_PROVIDER_GREENWAY, DEMO_USERS } from "./users.ts";

const principal = (userId: string, grants: Principal["grants"]): Principal => ({
  userId,
  displayName: "",
  grants,
  via: "session",
  twoFactor: true,
});

export const demoBudgetsSeed: Seed = {
  name: "demo-budgets",
  description: "Ledgers of the demo personal budgets, paid in by the schedule",
  demo: true,
  async run({ trx, ctx }) {
    const authorityId = DEMO_AUTHORITY.county;
    for (const planId of await listLedgerPlans(trx, authorityId))
      await payDuePeriods(trx, ctx.clock, authorityId, planId);
    const userOf = (role: string, scopeId?: string) =>
      DEMO_USERS.find((u) => u.role === role && (scopeId === undefined || u.scopeId === scopeId))
        ?.id as string;
    const greenway = {
      ...ctx,
      principal: principal(userOf("organisation-admin", DEMO_PROVIDER_GREENWAY), [
        { role: "organisation-admin", scopeType: "organisation", scopeId: DEMO_PROVIDER_GREENWAY },
      ]),
    };
    const joan = { ...ctx, principal: principal(userOf("citizen"), []) };
    const today = londonToday(ctx.clock);
    for (const planId of await listLedgerPlans(trx, authorityId))
      for (const a of await liveArrangementsOf(trx, authorityId, planId, today)) {
        if (a.paid_from !== "direct-payment" || a.status !== "accepted") continue;
        const units = 150; // an hour and a half, its first morning
        const { result } = await submitProviderInvoice(greenway, a.organisation_id, "demo-invoice-joan-1", {
          authorityId,
          arrangementId: a.id,
          periodStartsOn: a.starts_on,
          periodEndsOn: a.starts_on,
          units: "1.5",
          amount: (Number(invoiceCeiling(units, a.price_pence)) / 100).toFixed(2),
          reference: "GHC-0001",
        });
        if (result.invoice)
          await payInvoice(joan, authorityId, planId, result.invoice.id, "demo-invoice-joan-1-paid");
      }
  },
};
