/**
 * The voice module's jobs (registered in src/platform.ts): the erasure of a review kept its 7 years
 * (`eraseExpiredFeedback`), one job a version of a review queued when it is left. Idempotent: a review
 * left again since is kept, an erased one is gone.
 */
import { isUuid } from "../../lib/ids.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import { eraseExpiredFeedback, FEEDBACK_RETENTION_QUEUE } from "./feedback.service.ts";

export function voiceJobHandlers(): Record<string, JobHandler> {
  return {
    [FEEDBACK_RETENTION_QUEUE]: async (payload, ctx) => {
      const reviewId = (payload as Record<string, unknown> | null)?.reviewId;
      if (!isUuid(reviewId)) throw new PermanentJobError("The job's payload has no reviewId");
      if (await eraseExpiredFeedback(ctx.db, ctx.clock, reviewId))
        ctx.logger.info({ reviewId }, "a review erased after 7 years");
    },
  };
}
