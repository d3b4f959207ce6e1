/**
 * The durable job queue: a transactional outbox on the `jobs` table. A service enqueues work (an
 * email, a reminder when a deadline passes) with `enqueue(trx, …)` inside the transaction that makes
 * the change, so the work exists if and only if the change commits; `createJobRunner` (jobs.runner.ts)
 * then claims due jobs and runs their handlers outside any transaction, retrying failures with
 * exponential backoff until the job's attempts run out, when it is `failed` and shown to operators.
 *
 * Why not a Postgres job library such as pg-boss: it needs a pg connection of its own, so it cannot
 * enqueue inside our Kysely transaction — nor run at all on the embedded PGlite database — and the
 * outbox is the part we need.
 *
 * Delivery is at least once. A job may run late (the server was down, the queue was busy) or twice
 * (a worker stopped after the work but before recording it, or a handler outlived its lease and the
 * job was taken over). So every handler must be idempotent and re-check the state it acts on when it
 * runs: "send the reminder if the tender is still open and the reminder has not been sent", never
 * "the tender was open when this was enqueued". Likewise state that depends on time (overdue,
 * standstill ended, deadline passed) is derived from the clock when it is read, never stored by a
 * job: a job only does the side effects (emails, notices) that the time calls for.
 *
 * Payloads carry ids, not personal data (the handler loads what it needs), and a job's `last_error`
 * keeps only an error's message, with anything that looks like an email address removed.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Clock } from "../../lib/clock.ts";
import { ConflictError, NotFoundError } from "../../lib/errors.ts";
import { isUuid, newId } from "../../lib/ids.ts";
import { addDays, londonInstant, londonToday } from "../../lib/london-time.ts";
import { type Actor, recordAudit, SYSTEM } from "../audit/audit.service.ts";
import * as repo from "./jobs.repository.ts";
import type { Job, JobStatus } from "./jobs.table.ts";

export const DEFAULT_MAX_ATTEMPTS = 5;
/** The first retry waits this long; each later one twice as long as the one before… */
export const RETRY_BASE_MS = 30_000;
/** …up to this. */
export const RETRY_MAX_MS = 60 * 60_000;
/** Longest kept `last_error`, in characters. */
const MAX_ERROR_LENGTH = 1000;

export interface EnqueueInput {
  /** Which handler runs it, dotted by module: "email.send", "tender.deadline-reminder". */
  queue: string;
  /** JSON data for the handler: ids, not personal data. */
  payload: object;
  /** Not before this instant; now when absent. */
  runAt?: Date;
  /** Attempts before the job is given up as failed; DEFAULT_MAX_ATTEMPTS when absent. */
  maxAttempts?: number;
  /**
   * At most one job ever has this key: enqueueing it again returns the existing job (whatever its
   * status) and adds nothing. Put what makes the work unique in it: "tender.reminder:<id>:<deadline>".
   */
  dedupeKey?: string;
  /** The tenant the work belongs to, if any. */
  authorityId?: string | null;
}

const QUEUE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/**
 * A daily job's next run: queued for tomorrow at `hour`:00 London time (an hour every day has, so not
 * 01:00, which the spring clock change skips), once however often it is asked (the day in its
 * dedupe key). The job queues its next run itself; asking at every start makes sure one is queued.
 */
export async function enqueueTomorrow(trx: Trx, clock: Clock, queue: string, hour: number): Promise<Job> {
  const tomorrow = addDays(londonToday(clock), 1);
  const runAt = londonInstant(tomorrow, hour, 0);
  if (!runAt) throw new RangeError(`No ${hour}:00 in London on ${tomorrow}`);
  return enqueue(trx, clock, { queue, payload: {}, runAt, dedupeKey: `${queue}:${tomorrow}` });
}

/**
 * Adds a job inside the caller's transaction: it exists only if that transaction commits. A
 * duplicate `dedupeKey` is a no-op that returns the job already holding the key.
 */
export async function enqueue(trx: Trx, clock: Clock, input: EnqueueInput): Promise<Job> {
  if (!trx.isTransaction) {
    throw new Error(
      "enqueue must run inside the transaction that makes the change, so the job commits with it.",
    );
  }
  if (!QUEUE_NAME.test(input.queue)) {
    throw new RangeError(
      `A queue name is lower-case words joined by dots, like "email.send", not "${input.queue}"`,
    );
  }
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new RangeError(`maxAttempts must be a whole number from 1 to 100, not ${maxAttempts}`);
  }
  if (input.runAt !== undefined && Number.isNaN(input.runAt.getTime())) {
    throw new RangeError("runAt must be a valid date");
  }
  if (input.dedupeKey !== undefined && (input.dedupeKey === "" || input.dedupeKey.length > 500)) {
    throw new RangeError("A dedupe key must be 1 to 500 characters");
  }
  const payload = JSON.stringify(input.payload);
  if (payload === undefined || !payload.startsWith("{"))
    throw new TypeError("A job payload must be a JSON object");
  const now = clock.now();
  const { job } = await repo.insertJob(trx, {
    id: newId(),
    queue: input.queue,
    payload,
    status: "pending",
    run_at: input.runAt ?? now,
    attempts: 0,
    max_attempts: maxAttempts,
    dedupe_key: input.dedupeKey ?? null,
    authority_id: input.authorityId ?? null,
    created_at: now,
    updated_at: now,
  });
  return job;
}

/** How long to wait before retrying after the given (1-based) attempt failed: 30s, 1m, 2m, … 1h. */
export function retryDelayMs(attempt: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(RETRY_BASE_MS * 2 ** exponent, RETRY_MAX_MS);
}

/** Thrown by a handler when retrying cannot help (bad payload, refused for good): the job fails now. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

const EMAIL_LIKE = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+/g;

/**
 * What is kept of an error in `last_error` and the logs: its message only (no stack, no data
 * attached to it), with anything that looks like an email address replaced, and bounded in length.
 */
export function safeErrorMessage(error: unknown): string {
  let message: string;
  if (error instanceof Error) {
    message = error.message.trim() === "" ? error.name : error.message;
  } else if (typeof error === "string") {
    message = error;
  } else {
    message = "The job failed with a value that is not an Error.";
  }
  message = message.replaceAll(EMAIL_LIKE, "[email address]").replaceAll(/\s+/g, " ").trim();
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH - 1)}…` : message;
}

/** Failed jobs, most recently failed first, for operators. */
export function listFailed(db: Db, options: { limit?: number } = {}): Promise<Job[]> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`limit must be a whole number from 1 to 1000, not ${limit}`);
  }
  return repo.listFailed(db, limit);
}

export interface RetryJobOptions {
  /** Who asked; the operator's console (SYSTEM("operator")) when absent. */
  actor?: Actor;
  /** Further attempts allowed; DEFAULT_MAX_ATTEMPTS when absent. */
  attempts?: number;
  requestId?: string | null;
}

/**
 * Puts a failed job back in the queue, due now, with more attempts (its attempt count keeps
 * growing, so the history stays visible). Recorded on the platform audit chain. A job that is not
 * failed is a conflict: it is already queued, running or done.
 */
export async function retryJob(
  trx: Trx,
  clock: Clock,
  id: string,
  options: RetryJobOptions = {},
): Promise<Job> {
  if (!isUuid(id)) throw new NotFoundError("job");
  const extra = options.attempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(extra) || extra < 1 || extra > 100) {
    throw new RangeError(`attempts must be a whole number from 1 to 100, not ${extra}`);
  }
  const job = await repo.lockJob(trx, id);
  if (!job) throw new NotFoundError("job");
  if (job.status !== "failed") {
    throw new ConflictError(
      `Only a failed job can be retried; this one is ${job.status}. Wait for it to finish, then check again.`,
      "job_not_failed",
    );
  }
  const now = clock.now();
  const requeued = await repo.requeueFailed(trx, id, now, extra);
  await recordAudit(trx, clock, {
    authorityId: null,
    actor: options.actor ?? SYSTEM("operator"),
    action: "job.retried",
    entity: { type: "job", id },
    changes: {
      queue: job.queue,
      attemptsSoFar: job.attempts,
      maxAttempts: { from: job.max_attempts, to: requeued.max_attempts },
    },
    requestId: options.requestId ?? null,
  });
  return requeued;
}

export type JobCounts = Record<JobStatus, number>;

/** How many jobs are in each status (for the health page and operators). */
export async function jobCounts(db: Db): Promise<JobCounts> {
  const counts: JobCounts = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const row of await repo.countByStatus(db)) counts[row.status] = Number(row.count);
  return counts;
}

export const findJob = (db: Db, id: string): Promise<Job | undefined> =>
  isUuid(id) ? repo.findJob(db, id) : Promise.resolve(undefined);
