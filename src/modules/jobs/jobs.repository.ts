/**
 * SQL for the job queue. The only place that touches `jobs`.
 *
 * Every function takes the time it should use as an argument (from the injected clock): none uses
 * SQL `now()`, so a test can move time on by hand.
 */
import type { Db, Trx } from "../../db/database.ts";
import type { Job, JobStatus, NewJob } from "./jobs.table.ts";

/** Inserts the job, or does nothing when its dedupe key is taken; returns the job either way. */
export async function insertJob(trx: Trx, job: NewJob): Promise<{ job: Job; created: boolean }> {
  const inserted = await trx
    .insertInto("jobs")
    .values(job)
    .onConflict((oc) => oc.column("dedupe_key").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { job: inserted, created: true };
  // The key is taken: by a committed job (visible to this new statement), or by one that another
  // transaction inserted and has since committed — the insert waited for it before doing nothing.
  const existing = await trx
    .selectFrom("jobs")
    .selectAll()
    .where("dedupe_key", "=", job.dedupe_key ?? null)
    .executeTakeFirstOrThrow();
  return { job: existing, created: false };
}

/**
 * Claims up to `limit` due jobs for this worker: pending jobs whose time has come, and running jobs
 * whose lease has expired (their worker stopped) that still have attempts left. Rows another
 * worker is claiming at the same moment are skipped, never waited for or taken twice. Each claimed
 * job becomes `running`, leased until `lockedUntil`, with one more attempt counted. With `queues`,
 * only those queues' jobs.
 */
export function claimDue(
  trx: Trx,
  now: Date,
  lockedUntil: Date,
  limit: number,
  queues?: readonly string[],
): Promise<Job[]> {
  return trx
    .with(
      // Materialised, so the locking sub-select runs once and its LIMIT holds.
      (cte) => cte("due").materialized(),
      (qb) =>
        qb
          .selectFrom("jobs")
          .select("id")
          // A running job was due when it was claimed, so `run_at <= now` holds for both (and uses jobs_due).
          .where("status", "in", ["pending", "running"])
          .where("run_at", "<=", now)
          .$if(queues !== undefined, (q) => q.where("queue", "in", queues?.length ? queues : [""]))
          .where((eb) =>
            eb.or([
              eb("status", "=", "pending"),
              eb.and([eb("locked_until", "<=", now), eb("attempts", "<", eb.ref("max_attempts"))]),
            ]),
          )
          .orderBy("run_at")
          .orderBy("id")
          .limit(limit)
          .forUpdate()
          .skipLocked(),
    )
    .updateTable("jobs")
    .from("due")
    .whereRef("jobs.id", "=", "due.id")
    .set((eb) => ({
      status: "running",
      locked_until: lockedUntil,
      attempts: eb("jobs.attempts", "+", 1),
      updated_at: now,
    }))
    .returningAll("jobs")
    .execute();
}

/**
 * Fails running jobs whose lease expired on their last attempt: the worker stopped (or the handler
 * outlived its lease) every time, so the job is not tried again. With `queues`, only those queues'.
 */
export function failAbandoned(
  trx: Trx,
  now: Date,
  lastError: string,
  queues?: readonly string[],
): Promise<Pick<Job, "id" | "queue">[]> {
  return trx
    .updateTable("jobs")
    .set({ status: "failed", last_error: lastError, locked_until: null, finished_at: now, updated_at: now })
    .where("status", "=", "running")
    .where("locked_until", "<=", now)
    .where((eb) => eb("attempts", ">=", eb.ref("max_attempts")))
    .$if(queues !== undefined, (q) => q.where("queue", "in", queues?.length ? queues : [""]))
    .returning(["id", "queue"])
    .execute();
}

/**
 * The outcome of one attempt. Written only while this worker still holds the job — `running` with
 * the attempt number it claimed — so a worker whose lease expired and whose job was taken over
 * cannot overwrite the newer attempt. Returns false when the job was no longer this worker's.
 */
export type AttemptOutcome =
  | { status: "done" }
  | { status: "pending"; runAt: Date; lastError: string }
  | { status: "failed"; lastError: string };

export async function finishAttempt(
  db: Db,
  id: string,
  attempt: number,
  now: Date,
  outcome: AttemptOutcome,
): Promise<boolean> {
  const query = db
    .updateTable("jobs")
    .where("id", "=", id)
    .where("status", "=", "running")
    .where("attempts", "=", attempt);
  const changes =
    outcome.status === "done"
      ? query.set({ status: "done", locked_until: null, finished_at: now, updated_at: now })
      : outcome.status === "pending"
        ? query.set({
            status: "pending",
            run_at: outcome.runAt,
            last_error: outcome.lastError,
            locked_until: null,
            updated_at: now,
          })
        : query.set({
            status: "failed",
            last_error: outcome.lastError,
            locked_until: null,
            finished_at: now,
            updated_at: now,
          });
  const result = await changes.executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export function findJob(db: Db, id: string): Promise<Job | undefined> {
  return db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirst();
}

export function lockJob(trx: Trx, id: string): Promise<Job | undefined> {
  return trx.selectFrom("jobs").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/** Puts a failed job back in the queue, due now, with `extraAttempts` more attempts allowed. */
export function requeueFailed(trx: Trx, id: string, now: Date, extraAttempts: number): Promise<Job> {
  return trx
    .updateTable("jobs")
    .set((eb) => ({
      status: "pending",
      run_at: now,
      max_attempts: eb("attempts", "+", extraAttempts),
      locked_until: null,
      finished_at: null,
      updated_at: now,
    }))
    .where("id", "=", id)
    .where("status", "=", "failed")
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Failed jobs, most recently failed first. */
export function listFailed(db: Db, limit: number): Promise<Job[]> {
  return db
    .selectFrom("jobs")
    .selectAll()
    .where("status", "=", "failed")
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

export async function countByStatus(db: Db): Promise<{ status: JobStatus; count: bigint }[]> {
  const rows = await db
    .selectFrom("jobs")
    .select((eb) => ["status", eb.fn.countAll<bigint>().as("count")])
    .groupBy("status")
    .execute();
  return rows;
}

/**
 * Deletes up to `limit` jobs that finished `done` before `before` (oldest first), so the queue does
 * not grow for ever; failed jobs stay until an operator has seen them. Returns how many went.
 * A dedupe key is free again once its job is deleted: keep jobs longer than any retry could come.
 */
export async function deleteDoneBefore(trx: Trx, before: Date, limit: number): Promise<number> {
  const deleted = await trx
    .deleteFrom("jobs")
    .where(
      "id",
      "in",
      trx
        .selectFrom("jobs")
        .select("id")
        .where("status", "=", "done")
        .where("finished_at", "<", before)
        .orderBy("finished_at")
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
