/**
 * Payment by results' jobs (registered in src/platform.ts): `results.compute-run` computes a payment
 * run that someone asked to compute (`requestCompute` in runs.service.ts queues it, one job a
 * request). The payload holds ids only. Idempotent and safe to run late or twice: it re-reads the
 * run and does nothing once the run is computed, approved, paid or cancelled; the run's lease keeps
 * two computes of it from running at once (a second attempt while another holds it fails and is
 * retried); a retry after a crash finishes the work without making a claim twice. A refusal that
 * retrying cannot change (the outcome contract gone, no model in force) fails the job at once; its
 * message is shown on the run's page, and computing again queues a new job.
 */
import { DomainError } from "../../lib/errors.ts";
import { isUuid } from "../../lib/ids.ts";
import { systemCtx } from "../access/context.ts";
import type { JobHandler } from "../jobs/jobs.runner.ts";
import { PermanentJobError } from "../jobs/jobs.service.ts";
import type { ComputeOptions } from "./claims.service.ts";
import { COMPUTE_RUN_QUEUE, computeRunForJob } from "./runs.service.ts";

/** The module's job handlers; `compute` passes options to the engine (tests only: a crash, chunk sizes). */
export function resultsJobHandlers(opts: { compute?: ComputeOptions } = {}): Record<string, JobHandler> {
  return {
    [COMPUTE_RUN_QUEUE]: async (payload, job) => {
      const { authorityId, contractId, runId } = (payload ?? {}) as Record<string, unknown>;
      if (!isUuid(authorityId) || !isUuid(contractId) || !isUuid(runId))
        throw new PermanentJobError("The job's payload has no authorityId, contractId and runId");
      try {
        const status = await computeRunForJob(
          systemCtx(job.db, job.clock, COMPUTE_RUN_QUEUE),
          authorityId,
          contractId,
          runId,
          opts.compute,
        );
        job.logger.info({ runId, status }, "a payment run's compute finished");
      } catch (error) {
        // Another compute holding the run is worth waiting for; any other refusal stands.
        const busy = error instanceof DomainError && error.code === "run_computing";
        if (error instanceof DomainError && !busy)
          throw new PermanentJobError(error.message, { cause: error });
        throw error;
      }
    },
  };
}
