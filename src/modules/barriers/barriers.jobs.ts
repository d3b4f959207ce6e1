/**
 * The barriers' daily sweep (queue `barriers.clock`, at 06:00 London time, queued at every start and
 * by itself for the next day): reminders as a barrier's last day nears, and the notice once it has
 * passed unanswered (reminders.service.ts).
 */
import type { Db } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { CLOCK_SWEEP_QUEUE, queueClockSweep, runClockSweep } from "./reminders.service.ts";

export function barriersJobHandlers(): Record<string, JobHandler> {
  return {
    [CLOCK_SWEEP_QUEUE]: async (_payload, ctx) => {
      const { overdue, reminded } = await runClockSweep(ctx.db, ctx.clock);
      if (overdue + reminded > 0)
        ctx.logger.info({ overdue, reminded }, "barriers' authorities told of their clocks");
    },
  };
}

/** At every start: the daily sweep of the barriers' clocks, queued for tomorrow (once). */
export function startBarrierClockSweep(db: Db, clock: Clock): Promise<void> {
  return queueClockSweep(db, clock);
}
