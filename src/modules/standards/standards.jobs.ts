/**
 * Accreditations' daily sweep (queue `standards.expiry-reminders`, at 07:00 London time, queued at
 * every start and by itself for the next day): each provider is reminded 60 days before its
 * accreditation ends, once per expiry date (standards.service.ts, `remindExpiring`).
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { EXPIRY_SWEEP_QUEUE, queueExpirySweep, remindExpiring } from "./standards.service.ts";

export function standardsJobHandlers(): Record<string, JobHandler> {
  return {
    [EXPIRY_SWEEP_QUEUE]: async (_payload, ctx) => {
      const reminded = await remindExpiring(ctx.db, ctx.clock);
      if (reminded > 0) ctx.logger.info({ reminded }, "providers reminded of accreditations ending");
    },
  };
}

/** At every start: the daily sweep of accreditations ending, queued for tomorrow (once). */
export function startExpirySweep(db: Db, clock: Clock): Promise<void> {
  return transaction(db, (trx) => queueExpirySweep(trx, clock));
}
