/**
 * The voice module's jobs (registered in src/platform.ts): the erasure of a review kept its 7 years
 * (`eraseExpiredFeedback`), one job a version of a review queued when it is left; and the daily sweep
 * (`sweepExpiredFeedback`) that erases any review past its 7 years whatever became of its own job,
 * queued at every start (src/platform.ts) and by itself for the next day. Idempotent: a review left
 * again since is kept, an erased one is gone.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import { isUuid } from "../../lib/ids.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import {
  eraseExpiredFeedback,
  FEEDBACK_RETENTION_QUEUE,
  FEEDBACK_SWEEP_QUEUE,
  queueFeedbackSweep,
  sweepExpiredFeedback,
} from "./feedback.service.ts";

export function voiceJobHandlers(): Record<string, JobHandler> {
  return {
    [FEEDBACK_RETENTION_QUEUE]: async (payload, ctx) => {
      const reviewId = (payload as Record<string, unknown> | null)?.reviewId;
      if (!isUuid(reviewId)) throw new PermanentJobError("The job's payload has no reviewId");
      if (await eraseExpiredFeedback(ctx.db, ctx.clock, reviewId))
        ctx.logger.info({ reviewId }, "a review erased after 7 years");
    },
    [FEEDBACK_SWEEP_QUEUE]: async (_payload, ctx) => {
      const erased = await sweepExpiredFeedback(ctx.db, ctx.clock);
      if (erased > 0) ctx.logger.info({ erased }, "reviews erased after 7 years by the daily sweep");
    },
  };
}

/** At every start: the daily sweep queued for tomorrow (once, whatever the number of starts). */
export function startFeedbackSweep(db: Db, clock: Clock): Promise<void> {
  return transaction(db, (trx) => queueFeedbackSweep(trx, clock));
}
