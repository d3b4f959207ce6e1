/**
 * The job queue run by a test, as src/platform.ts's runner runs it but with no timer: one pass claims
 * the jobs due by the app's clock of the queues the handlers given handle (a module's
 * `…JobHandlers()`), and runs them, on the app's database; other queues' jobs are left as they are.
 * Move a settable clock on to make a retry due; nothing sleeps.
 */
import pino from "pino";
import type { Db } from "../../src/db/database.ts";
import type { Clock } from "../../src/lib/clock.ts";
import { createJobRunner, type JobHandler, type RunCounts } from "../../src/modules/jobs/jobs.runner.ts";

export function runDueJobs(
  deps: { db: Db; clock: Clock },
  handlers: Readonly<Record<string, JobHandler>>,
): Promise<RunCounts> {
  return createJobRunner({
    db: deps.db,
    clock: deps.clock,
    handlers,
    queues: Object.keys(handlers),
    pollMs: 1000,
    batchSize: 50,
    logger: pino({ level: "silent" }),
  }).runDue();
}
