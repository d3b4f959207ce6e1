/**
 * The budgets module's jobs (registered in src/platform.ts): the schedule's payments in, one job a
 * plan queued for each period's first day (`runPaymentsIn`), and the erasure of records kept their
 * 7 years (`eraseExpiredBudgets`). Both idempotent: a period is paid once, an erased ledger is gone.
 */
import { isUuid } from "../../lib/ids.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import { PAYMENTS_IN_QUEUE, RETENTION_QUEUE } from "./budgets.service.ts";
import { runPaymentsIn } from "./payments.service.ts";
import { eraseExpiredBudgets } from "./retention.service.ts";

function idIn(payload: unknown, name: string): string {
  const value = (payload as Record<string, unknown> | null)?.[name];
  if (!isUuid(value)) throw new PermanentJobError(`The job's payload has no ${name}`);
  return value;
}

export function budgetJobHandlers(): Record<string, JobHandler> {
  return {
    [PAYMENTS_IN_QUEUE]: async (payload, ctx) => {
      await runPaymentsIn(ctx.db, ctx.clock, idIn(payload, "authorityId"), idIn(payload, "planId"));
    },
    [RETENTION_QUEUE]: async (payload, ctx) => {
      const erased = await eraseExpiredBudgets(ctx.db, ctx.clock, idIn(payload, "authorityId"));
      for (const e of erased)
        ctx.logger.info(
          { authorityId: e.authorityId, plans: e.planIds.length, counts: e.counts },
          "personal budgets' records erased after 7 years",
        );
    },
  };
}
