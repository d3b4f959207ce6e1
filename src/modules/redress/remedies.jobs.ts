/**
 * Remedies' daily sweep (queue `redress.remedies-overdue`, at 06:00 London time, queued at every
 * start and by itself for the next day): each remedy newly overdue is flagged and its body and
 * ombudsman told, once (remedies.service.ts, `flagOverdueRemedies`).
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { flagOverdueRemedies, OVERDUE_SWEEP_QUEUE, queueOverdueSweep } from "./remedies.service.ts";

export function remediesJobHandlers(): Record<string, JobHandler> {
  return {
    [OVERDUE_SWEEP_QUEUE]: async (_payload, ctx) => {
      const flagged = await flagOverdueRemedies(ctx.db, ctx.clock);
      if (flagged > 0) ctx.logger.info({ flagged }, "remedies newly overdue flagged");
    },
  };
}

/** At every start: the daily sweep of overdue remedies, queued for tomorrow (once). */
export function startOverdueRemediesSweep(db: Db, clock: Clock): Promise<void> {
  return transaction(db, (trx) => queueOverdueSweep(trx, clock));
}
