/**
 * The job runner: claims due jobs from the outbox and runs their handlers.
 *
 * One pass (`runDue`) claims up to `batchSize` due jobs in a short transaction — `for update skip
 * locked`, so any number of runners (threads, processes, servers) share the queue and never claim
 * the same job at once — marking each `running` with a lease (`locked_until`) and one more attempt.
 * The handlers then run concurrently, outside any transaction; each job's outcome is recorded only
 * if this runner still holds it. A job whose runner stopped mid-way is taken over once its lease
 * has passed. Handlers must be idempotent: see jobs.service.ts.
 *
 * `start()` runs a pass every `pollMs` (at once again while passes come back full) on an unref'd
 * timer; about once an hour a pass also deletes jobs that finished `done` more than
 * `DONE_RETENTION_DAYS` ago (failed ones stay for an operator); `stop()` stops claiming and waits for the jobs in flight. Tests call `runDue()` directly,
 * with a settable clock, instead of waiting.
 */
import type { Db } from "../../db/database.ts";
import { transaction } from "../../db/transaction.ts";
import type { Clock } from "../../lib/clock.ts";
import * as repo from "./jobs.repository.ts";
import { PermanentJobError, retryDelayMs, safeErrorMessage } from "./jobs.service.ts";
import type { Job } from "./jobs.table.ts";

/** The part of a pino logger the runner uses. Fields only: never payloads or personal data. */
export interface JobLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface JobContext {
  /** The job being run (its payload is the handler's first argument). */
  job: Readonly<Pick<Job, "id" | "queue" | "run_at" | "authority_id" | "created_at">>;
  /** This attempt, from 1. */
  attempt: number;
  maxAttempts: number;
  /** True when a failure now fails the job for good (no retry follows). */
  isLastAttempt: boolean;
  /** The root handle: open your own `transaction(db, …)` for the writes. */
  db: Db;
  clock: Clock;
  logger: JobLogger;
}

/**
 * Does a job's work. Validate the payload (it is stored JSON), re-check the state it acts on, and be
 * idempotent: the same job may run late or twice. Throw to retry; throw PermanentJobError to fail
 * the job without retrying.
 */
export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

export interface JobRunnerOptions {
  db: Db;
  clock: Clock;
  /** A handler per queue name. A job whose queue has none fails, with an error that says so. */
  handlers: Readonly<Record<string, JobHandler>>;
  /** How often `start()` looks for due jobs, in milliseconds. */
  pollMs: number;
  /** Most jobs claimed (and run at once) per pass. */
  batchSize: number;
  logger: JobLogger;
  /** How long a claimed job is reserved for its runner before another may take it over; 5 minutes. */
  leaseMs?: number;
  /**
   * Only these queues' jobs are claimed (a test running one module's jobs, leaving the others
   * untouched); every queue's when absent, as the platform's runner claims them.
   */
  queues?: readonly string[];
}

export interface RunCounts {
  /** Jobs claimed in this pass. */
  claimed: number;
  done: number;
  /** Failed this attempt, and rescheduled. */
  retried: number;
  /** Failed for good (including jobs whose runner stopped on their last attempt). */
  failed: number;
  /** Claimed, but their lease passed and another runner took them over before they finished. */
  lost: number;
  /** Finished jobs deleted for being older than `DONE_RETENTION_DAYS` (about once an hour). */
  pruned: number;
}

export interface JobRunner {
  /** Runs one pass now: claims the due jobs, runs them, and returns what happened. */
  runDue(): Promise<RunCounts>;
  /** Starts polling every `pollMs`. The timer does not keep the process alive. */
  start(): void;
  /**
   * Stops polling and waits for the passes in flight to finish (graceful shutdown). With
   * `timeoutMs`, stops waiting after that long: the unfinished jobs are taken over by a runner once
   * their lease passes.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** True between `start()` and `stop()`. */
  readonly isRunning: boolean;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;

const ABANDONED =
  "The job's last attempt did not finish: its runner stopped, or the handler ran past its lease. Fix the cause, then retry the job.";

type Outcome = "done" | "retried" | "failed" | "lost";

/** How long a finished job is kept: long after any retry that its dedupe key must catch. */
export const DONE_RETENTION_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60_000;
const PRUNE_BATCH = 1000;

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, clock, handlers, logger } = options;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  for (const [name, value] of [
    ["pollMs", options.pollMs],
    ["batchSize", options.batchSize],
    ["leaseMs", leaseMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${name} must be a whole number of 1 or more, not ${value}`);
    }
  }

  const passes = new Set<Promise<RunCounts>>();
  let running = false;
  let lastPrune: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  function handlerFor(queue: string): JobHandler | undefined {
    return Object.hasOwn(handlers, queue) ? handlers[queue] : undefined;
  }

  async function record(job: Job, outcome: repo.AttemptOutcome): Promise<Outcome> {
    const fields = { jobId: job.id, queue: job.queue, attempt: job.attempts };
    let held: boolean;
    try {
      held = await repo.finishAttempt(db, job.id, job.attempts, clock.now(), outcome);
    } catch (error) {
      // The database is unreachable: the job stays running and is taken over when its lease passes.
      logger.error({ ...fields, error: safeErrorMessage(error) }, "Could not record a job's outcome");
      return "lost";
    }
    if (!held) {
      logger.warn(fields, "A job ran past its lease and was taken over; its outcome here was not recorded");
      return "lost";
    }
    if (outcome.status === "done") return "done";
    if (outcome.status === "pending") {
      logger.warn(
        { ...fields, error: outcome.lastError, retryAt: outcome.runAt.toISOString() },
        "A job failed; it will be retried",
      );
      return "retried";
    }
    logger.error({ ...fields, error: outcome.lastError }, "A job failed and will not be retried");
    return "failed";
  }

  async function runOne(job: Job): Promise<Outcome> {
    const handler = handlerFor(job.queue);
    if (!handler) {
      return record(job, {
        status: "failed",
        lastError: `No handler is registered for the queue "${job.queue}". Register one with the job runner, then retry the job.`,
      });
    }
    const isLastAttempt = job.attempts >= job.max_attempts;
    try {
      await handler(job.payload, {
        job: {
          id: job.id,
          queue: job.queue,
          run_at: job.run_at,
          authority_id: job.authority_id,
          created_at: job.created_at,
        },
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        isLastAttempt,
        db,
        clock,
        logger,
      });
    } catch (error) {
      const lastError = safeErrorMessage(error);
      if (isLastAttempt || error instanceof PermanentJobError) {
        return record(job, { status: "failed", lastError });
      }
      const runAt = new Date(clock.now().getTime() + retryDelayMs(job.attempts));
      return record(job, { status: "pending", runAt, lastError });
    }
    return record(job, { status: "done" });
  }

  async function pass(): Promise<RunCounts> {
    const now = clock.now();
    const { claimed, abandoned } = await transaction(db, async (trx) => {
      const abandoned = await repo.failAbandoned(trx, now, ABANDONED, options.queues);
      const claimed = await repo.claimDue(
        trx,
        now,
        new Date(now.getTime() + leaseMs),
        options.batchSize,
        options.queues,
      );
      return { claimed, abandoned };
    });
    for (const job of abandoned) logger.error({ jobId: job.id, queue: job.queue }, ABANDONED);
    const counts: RunCounts = {
      claimed: claimed.length,
      done: 0,
      retried: 0,
      failed: abandoned.length,
      lost: 0,
      pruned: 0,
    };
    for (const outcome of await Promise.all(claimed.map(runOne))) counts[outcome]++;
    if (lastPrune === undefined || now.getTime() - lastPrune >= PRUNE_EVERY_MS) {
      lastPrune = now.getTime();
      const before = new Date(now.getTime() - DONE_RETENTION_DAYS * 24 * 60 * 60_000);
      counts.pruned = await transaction(db, (trx) => repo.deleteDoneBefore(trx, before, PRUNE_BATCH));
    }
    return counts;
  }

  function runDue(): Promise<RunCounts> {
    const current = pass();
    passes.add(current);
    const forget = () => passes.delete(current);
    current.then(forget, forget);
    return current;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    timer = undefined;
    if (!running) return;
    let full = false;
    try {
      const counts = await runDue();
      full = counts.claimed === options.batchSize;
    } catch (error) {
      logger.error(
        { error: safeErrorMessage(error) },
        "The job runner could not claim jobs; it will try again",
      );
    }
    if (running && timer === undefined) schedule(full ? 0 : options.pollMs);
  }

  return {
    runDue,
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop(stopOptions = {}) {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const settled = Promise.allSettled([...passes]).then(() => undefined);
      const { timeoutMs } = stopOptions;
      if (timeoutMs === undefined) return settled;
      let giveUp: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        giveUp = setTimeout(() => {
          logger.warn(
            { inFlight: passes.size },
            "Stopped waiting for jobs in flight; they will be taken over later",
          );
          resolve();
        }, timeoutMs);
      });
      await Promise.race([settled, timedOut]);
      clearTimeout(giveUp);
    },
    get isRunning() {
      return running;
    },
  };
}
