/**
 * Assets of community value's daily sweep (queue `community-assets.interim-reminders`, at 07:00
 * London time, queued at every start and by itself for the next day): the nominating group reminded
 * as an interim moratorium nears its end with no request to bid (reminders.service.ts).
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { INTERIM_SWEEP_QUEUE, queueInterimSweep, runInterimSweep } from "./reminders.service.ts";

export function communityAssetsJobHandlers(): Record<string, JobHandler> {
  return {
    [INTERIM_SWEEP_QUEUE]: async (_payload, ctx) => {
      const reminded = await runInterimSweep(ctx.db, ctx.clock);
      if (reminded > 0)
        ctx.logger.info({ reminded }, "community groups reminded of interim moratoria ending");
    },
  };
}

/** At every start: the daily sweep of interim moratoria, queued for tomorrow (once). */
export function startInterimSweep(db: Db, clock: Clock): Promise<void> {
  return queueInterimSweep(db, clock);
}
