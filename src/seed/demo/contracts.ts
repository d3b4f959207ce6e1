/**
 * Demo contracts with KPIs and performance reports (issue 6). Fictional data; fixed ids. Every award
 * of Westshire County Council ready to contract (the evaluation seed's, awarded eight months ago,
 * whose standstill is over) but the one left for the demo to contract (`DEMO_AWARD.awaitingContract`,
 * issue 14) is contracted through the real services: each contract starts on the
 * first day of the month after its award's standstill ended — never before (issue 14) — and runs
 * three years, with three KPIs (two monthly, one quarterly); the supplier has reported the first
 * periods that have ended and the commissioner rated most of them, leaving one report awaiting a
 * rating, and later reports due and overdue. With no award ready (or a supplier lacking the registration its
 * regulated activity needs) there is nothing to contract, and nothing is done. The demo organisation
 * administrator (Olu Adeyemi) is made a member of each supplier it does not already act for, so that
 * the demo can sign in as the supplier and report.
 */
import { type Clock, fixedClock } from "../../lib/clock.ts";
import { UnprocessableError } from "../../lib/errors.ts";
import { NO_FILES } from "../../lib/file-store.ts";
import { addDays, addMonths, londonDate } from "../../lib/london-time.ts";
import type { Principal } from "../../modules/access/access.service.ts";
import { grantRole, grantsInScope } from "../../modules/access/access.service.ts";
import { SYSTEM } from "../../modules/audit/audit.service.ts";
import { enterContract, readyToContract } from "../../modules/contracts/contract-entry.service.ts";
import type { ContractsCtx } from "../../modules/contracts/contracts.context.ts";
import { KPI_THRESHOLD_PENCE } from "../../modules/contracts/contracts.service.ts";
import { rateKpi, reportKpi } from "../../modules/contracts/kpi-reports.service.ts";
import { hasCurrentRegistration } from "../../modules/regulation/regulation.service.ts";
import type { Seed } from "../seed.ts";
import { DEMO_AUTHORITY } from "./authorities.ts";
import { DEMO_AWARD } from "./evaluation.ts";

/** Fixed ids of the demo contracts, in the order of the awards ready to contract. */
export const DEMO_CONTRACTS = Array.from(
  { length: 9 },
  (_, i) => `019a0000-0000-7000-8000-000000c0c${String(i + 1).padStart(3, "0")}`,
);

const HOUR = 3600_000;
const DEMO_COMMISSIONER = "019a0000-0000-7000-8000-00000000c004";
const DEMO_ORG_ADMIN = "019a0000-0000-7000-8000-00000000c002";

const commissioner: Principal = {
  userId: DEMO_COMMISSIONER,
  displayName: "Demo commissioner",
  grants: [{ role: "commissioner", scopeType: "authority", scopeId: DEMO_AUTHORITY.county }],
  via: "session",
  twoFactor: true,
};

/** The supplier's reporter: the demo organisation administrator, made a member of the supplier. */
function reporter(organisationId: string): Principal {
  return {
    userId: DEMO_ORG_ADMIN,
    displayName: "Demo supplier",
    grants: [{ role: "organisation-member", scopeType: "organisation", scopeId: organisationId }],
    via: "session",
    twoFactor: true,
  };
}

const KPIS = [
  {
    name: "Visits on time",
    measure: "Planned visits starting within 15 minutes of the planned time, from the electronic call log",
    target: "95%",
    frequencyMonths: 1,
  },
  {
    name: "Missed visits",
    measure: "Planned visits that did not happen, per 1,000 planned visits",
    target: "Fewer than 2 per 1,000",
    frequencyMonths: 1,
  },
  {
    name: "People satisfied with their care",
    measure: "People answering the quarterly survey who are satisfied or very satisfied",
    target: "90%",
    frequencyMonths: 3,
  },
];

const RESULTS: Record<number, string[]> = {
  1: ["91%", "93%", "95%", "96%"],
  2: ["3.1 per 1,000", "2.4 per 1,000", "1.8 per 1,000", "1.6 per 1,000", "1.9 per 1,000"],
  3: ["88%"],
};
const RATED = ["requires-improvement", "approaching-target", "good", "good"] as const;

/** The first day of a month on which the standstill ending at `standstillEndsAt` is over. */
export function firstMonthAfter(standstillEndsAt: Date): string {
  const firstDayAfter = addDays(londonDate(new Date(standstillEndsAt.getTime() - 1)), 1);
  return firstDayAfter.endsWith("-01") ? firstDayAfter : addMonths(`${firstDayAfter.slice(0, 8)}01`, 1);
}

export const demoContractsSeed: Seed = {
  name: "demo-contracts",
  description: "Demo contracts with KPIs, performance reports and ratings",
  demo: true,
  async run({ trx, ctx }) {
    const now = ctx.clock.now().getTime();
    const at = (hours: number) => fixedClock(new Date(now + hours * HOUR));
    /** Acting as someone, at a moment, in the seed's transaction; no documents, no email. */
    const as = (principal: Principal, clock: Clock): ContractsCtx => ({
      db: trx,
      clock,
      principal,
      files: NO_FILES,
      email: false,
    });
    const entering = as(commissioner, at(-3));
    // The award awaiting its contract is left for the demo commissioner to enter.
    const ready = (await readyToContract(entering, DEMO_AUTHORITY.county)).filter(
      (award) => award.id !== DEMO_AWARD.awaitingContract,
    );
    for (const [i, award] of ready.slice(0, DEMO_CONTRACTS.length).entries()) {
      const startsOn = firstMonthAfter(award.standstillEndsAt);
      const endsOn = addDays(addMonths(startsOn, 36), -1);
      if (
        award.regulatedActivity &&
        !(await hasCurrentRegistration(ctx, award.organisationId, award.regulatedActivity))
      )
        continue;
      const id = DEMO_CONTRACTS[i] as string;
      // The demo organisation administrator acts for the supplier too, so that the demo can report.
      const people = await grantsInScope(trx, award.organisationId);
      if (!people.some((g) => g.user_id === DEMO_ORG_ADMIN))
        await grantRole(trx, entering.clock, SYSTEM("seed"), {
          userId: DEMO_ORG_ADMIN,
          role: "organisation-member",
          scopeId: award.organisationId,
        });
      const entered = await enterContract(
        entering,
        DEMO_AUTHORITY.county,
        {
          awardId: award.id,
          title: award.tenderTitle,
          description: `The contract awarded to ${award.supplierName} after the tender “${award.tenderTitle}”.`,
          startsOn,
          endsOn,
          paymentMechanism: award.valuePence > KPI_THRESHOLD_PENCE ? "payment-by-results" : "fee-per-service",
          kpis: KPIS,
        },
        { id },
      ).catch((error: unknown) => {
        // An award that cannot be contracted as it stands (its shares, say) is left for a person.
        if (error instanceof UnprocessableError) return null;
        throw error;
      });
      if (!entered) continue;
      // The supplier reports the first periods; the commissioner rates most of them.
      for (const kpi of entered.kpis)
        for (const [n, value] of (RESULTS[kpi.position] ?? []).entries()) {
          const period = kpi.periods[n];
          if (!period || period.state === "upcoming") continue;
          await reportKpi(
            as(reporter(award.organisationId), at(-2)),
            DEMO_AUTHORITY.county,
            id,
            kpi.position,
            period.number,
            {
              value,
              commentary: n === 0 ? "The first month after transfer: rotas were still being rebuilt." : "",
            },
          );
          const rating = kpi.position === 2 && n === 4 ? undefined : (RATED[n] ?? "good");
          if (rating)
            await rateKpi(as(commissioner, at(-1)), DEMO_AUTHORITY.county, id, kpi.position, period.number, {
              rating,
              comment:
                rating === "good"
                  ? "At or better than target."
                  : rating === "approaching-target"
                    ? "Close to target and improving."
                    : "Below target: an improvement plan was agreed.",
            });
        }
    }
  },
};
