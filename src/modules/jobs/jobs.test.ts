import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../tests/support/test-db.ts";
import { transaction } from "../../db/transaction.ts";
import { type SettableClock, settableClock } from "../../lib/clock.ts";
import { ConflictError, NotFoundError } from "../../lib/errors.ts";
import { auditTrailFor, PLATFORM_CHAIN } from "../audit/audit.service.ts";
import * as repo from "./jobs.repository.ts";
import {
  createJobRunner,
  DEFAULT_LEASE_MS,
  DONE_RETENTION_DAYS,
  type JobHandler,
  type JobRunnerOptions,
} from "./jobs.runner.ts";
import {
  type EnqueueInput,
  enqueue,
  jobCounts,
  listFailed,
  PermanentJobError,
  retryDelayMs,
  retryJob,
  safeErrorMessage,
} from "./jobs.service.ts";

const START = new Date("2026-11-23T09:00:00Z");
const SECOND = 1000;
const silent = pino({ level: "silent" });

let t: TestDatabase;
let clock: SettableClock;
beforeEach(async () => {
  t = await createTestDatabase();
  clock = settableClock(START);
});
afterEach(async () => {
  await t.destroy();
});

function runner(handlers: Record<string, JobHandler>, options: Partial<JobRunnerOptions> = {}) {
  return createJobRunner({
    db: t.db,
    clock,
    handlers,
    pollMs: 10,
    batchSize: 10,
    logger: silent,
    ...options,
  });
}

function add(input: Partial<EnqueueInput> = {}) {
  return transaction(t.db, (trx) => enqueue(trx, clock, { queue: "test.work", payload: { n: 1 }, ...input }));
}

function jobRow(id: string) {
  return t.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function jobTotal() {
  return Object.values(await jobCounts(t.db)).reduce((a, b) => a + b, 0);
}

/** A promise a test resolves by hand, to hold a handler in flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe(`the job queue on ${process.env.DATABASE_URL ? "PostgreSQL" : "PGlite"}`, () => {
  it("enqueues in the caller's transaction, so a rolled-back change leaves no job", async () => {
    await expect(
      transaction(t.db, async (trx) => {
        await enqueue(trx, clock, { queue: "test.work", payload: { n: 1 } });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await jobTotal()).toBe(0);

    const job = await add();
    expect(job).toMatchObject({ status: "pending", attempts: 0, max_attempts: 5, payload: { n: 1 } });
    expect(job.run_at).toEqual(START);
  });

  it("treats a duplicate dedupe key as a no-op that returns the existing job, even when enqueued at once", async () => {
    const first = await add({ dedupeKey: "tender.reminder:1:2026-12-01" });
    const again = await add({ dedupeKey: "tender.reminder:1:2026-12-01", payload: { n: 2 } });
    expect(again.id).toBe(first.id);
    expect(again.payload).toEqual({ n: 1 });

    const racing = await Promise.all(Array.from({ length: 6 }, () => add({ dedupeKey: "racing" })));
    expect(new Set(racing.map((j) => j.id)).size).toBe(1);
    expect(await jobTotal()).toBe(2);
  });

  it("claims only the queues it is given, leaving other queues' jobs as they were", async () => {
    const mine = await add();
    const other = await add({ queue: "test.other" });
    const r = runner({ "test.work": async () => {} }, { queues: ["test.work"] });
    expect(await r.runDue()).toMatchObject({ claimed: 1, done: 1, failed: 0 });
    expect((await jobRow(mine.id)).status).toBe("done");
    expect(await jobRow(other.id)).toMatchObject({ status: "pending", attempts: 0, last_error: null });
  });

  it("runs a due job once, outside any transaction, and marks it done", async () => {
    const seen: unknown[] = [];
    const job = await add({ payload: { tenderId: "t-1" } });
    const r = runner({
      "test.work": async (payload, ctx) => {
        seen.push(payload);
        // Outside any transaction: the handler can use the root handle itself.
        await ctx.db.selectFrom("jobs").select("id").execute();
        expect(ctx).toMatchObject({ attempt: 1, maxAttempts: 5, isLastAttempt: false });
      },
    });
    clock.advance(5 * SECOND);
    expect(await r.runDue()).toEqual({ claimed: 1, done: 1, retried: 0, failed: 0, lost: 0, pruned: 0 });
    expect(await r.runDue()).toMatchObject({ claimed: 0 });
    expect(seen).toEqual([{ tenderId: "t-1" }]);
    expect(await jobRow(job.id)).toMatchObject({
      status: "done",
      attempts: 1,
      locked_until: null,
      finished_at: new Date(START.getTime() + 5 * SECOND),
    });
  });

  it("does not run a job before its time, and runs it once the clock reaches it", async () => {
    let runs = 0;
    const r = runner({ "test.work": async () => void runs++ });
    await add({ runAt: new Date(START.getTime() + 3600 * SECOND) });
    expect((await r.runDue()).claimed).toBe(0);
    clock.advance(3600 * SECOND - 1);
    expect((await r.runDue()).claimed).toBe(0);
    clock.advance(1);
    expect((await r.runDue()).done).toBe(1);
    expect(runs).toBe(1);
  });

  it("retries a failing handler with exponential backoff, then fails it with its error visible", async () => {
    const r = runner({
      "test.work": async () => {
        throw new Error("The mail server refused jane.smith@example.org");
      },
    });
    const job = await add({ maxAttempts: 3 });

    expect(await r.runDue()).toMatchObject({ claimed: 1, retried: 1 });
    let row = await jobRow(job.id);
    expect(row).toMatchObject({ status: "pending", attempts: 1, locked_until: null });
    expect(row.run_at).toEqual(new Date(START.getTime() + 30 * SECOND));
    expect(row.last_error).toBe("The mail server refused [email address]");

    expect((await r.runDue()).claimed).toBe(0);
    clock.advance(30 * SECOND - 1);
    expect((await r.runDue()).claimed).toBe(0);
    clock.advance(1);
    expect(await r.runDue()).toMatchObject({ claimed: 1, retried: 1 });
    row = await jobRow(job.id);
    expect(row.attempts).toBe(2);
    expect(row.run_at).toEqual(new Date(clock.now().getTime() + 60 * SECOND));

    clock.advance(60 * SECOND);
    expect(await r.runDue()).toMatchObject({ claimed: 1, failed: 1 });
    row = await jobRow(job.id);
    expect(row).toMatchObject({ status: "failed", attempts: 3, finished_at: clock.now() });
    expect(row.last_error).toMatch(/refused \[email address\]/);

    clock.advance(3600 * SECOND);
    expect((await r.runDue()).claimed).toBe(0);
    expect((await listFailed(t.db)).map((j) => [j.id, j.last_error])).toEqual([[job.id, row.last_error]]);
    expect(await jobCounts(t.db)).toEqual({ pending: 0, running: 0, done: 0, failed: 1 });
  });

  it("waits 30s, 1m, 2m … after each failure, never more than an hour", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 50].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });

  it("keeps only an error's message, without email addresses, in a bounded length", () => {
    const error = Object.assign(new Error("550 <a.b+c@x.example.org>: unknown; also Bob@Y.org"), {
      email: "a@b.c",
    });
    expect(safeErrorMessage(error)).toBe("550 <[email address]>: unknown; also [email address]");
    expect(safeErrorMessage("x".repeat(5000))).toHaveLength(1000);
    expect(safeErrorMessage({ secret: "a@b.c" })).not.toMatch(/a@b/);
  });

  it("lets an operator retry a failed job, audited on the platform chain", async () => {
    const r = runner({
      "test.work": async () => {
        throw new PermanentJobError("The payload names no tender");
      },
    });
    const job = await add();
    expect(await r.runDue()).toMatchObject({ failed: 1 });
    expect(await jobRow(job.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      last_error: "The payload names no tender",
    });

    clock.advance(60 * SECOND);
    const retried = await transaction(t.db, (trx) => retryJob(trx, clock, job.id, { attempts: 2 }));
    expect(retried).toMatchObject({ status: "pending", attempts: 1, max_attempts: 3, finished_at: null });
    expect(retried.run_at).toEqual(clock.now());
    const [event] = await auditTrailFor(t.db, PLATFORM_CHAIN, "job", job.id);
    expect(event).toMatchObject({ action: "job.retried", actor_type: "system", actor_id: "operator" });

    await expect(transaction(t.db, (trx) => retryJob(trx, clock, job.id))).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(
      transaction(t.db, (trx) => retryJob(trx, clock, "0190a0a0-0000-7000-8000-00000000dead")),
    ).rejects.toBeInstanceOf(NotFoundError);

    const ok = runner({ "test.work": async () => {} });
    expect(await ok.runDue()).toMatchObject({ done: 1 });
    expect(await jobRow(job.id)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("deletes jobs done more than 30 days ago, about once an hour, and keeps failed ones", async () => {
    const r = runner({ "test.work": async () => {} });
    const old = await add();
    await r.runDue();
    await transaction(t.db, (trx) =>
      trx
        .updateTable("jobs")
        .set({ status: "failed", finished_at: clock.now() })
        .where("id", "=", old.id)
        .execute(),
    );
    const done = await add();
    await r.runDue();
    expect((await jobRow(done.id)).status).toBe("done");

    clock.advance(DONE_RETENTION_DAYS * 24 * 60 * 60 * SECOND - SECOND);
    expect((await r.runDue()).pruned).toBe(0);
    clock.advance(2 * SECOND);
    // Less than an hour since the last look: not yet.
    expect((await r.runDue()).pruned).toBe(0);
    clock.advance(60 * 60 * SECOND);
    expect((await r.runDue()).pruned).toBe(1);
    expect(
      await t.db.selectFrom("jobs").select("id").where("id", "=", done.id).executeTakeFirst(),
    ).toBeUndefined();
    expect((await jobRow(old.id)).status).toBe("failed");
  });

  it("fails a job whose queue has no handler, saying so", async () => {
    const job = await add({ queue: "tender.unknown-work" });
    expect(await runner({}).runDue()).toMatchObject({ claimed: 1, failed: 1 });
    const row = await jobRow(job.id);
    expect(row.status).toBe("failed");
    expect(row.last_error).toMatch(/No handler is registered for the queue "tender\.unknown-work"/);
  });

  it("takes over a running job whose worker stopped, once its lease has passed", async () => {
    const job = await add();
    // A worker claims the job, then its process dies.
    await transaction(t.db, (trx) =>
      repo.claimDue(trx, START, new Date(START.getTime() + DEFAULT_LEASE_MS), 10),
    );
    expect(await jobRow(job.id)).toMatchObject({ status: "running", attempts: 1 });

    let runs = 0;
    const r = runner({ "test.work": async () => void runs++ });
    clock.advance(DEFAULT_LEASE_MS - 1);
    expect((await r.runDue()).claimed).toBe(0);
    clock.advance(1);
    expect(await r.runDue()).toMatchObject({ claimed: 1, done: 1 });
    expect(runs).toBe(1);
    expect(await jobRow(job.id)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("fails a job whose worker stopped on its last attempt", async () => {
    const job = await add({ maxAttempts: 1 });
    await transaction(t.db, (trx) =>
      repo.claimDue(trx, START, new Date(START.getTime() + DEFAULT_LEASE_MS), 10),
    );
    clock.advance(DEFAULT_LEASE_MS);
    expect(await runner({ "test.work": async () => {} }).runDue()).toMatchObject({ claimed: 0, failed: 1 });
    expect(await jobRow(job.id)).toMatchObject({ status: "failed", attempts: 1 });
    expect((await jobRow(job.id)).last_error).toMatch(/did not finish/);
  });

  it("does not let a handler that outlived its lease overwrite the runner that took over", async () => {
    const job = await add();
    const slow = gate();
    const started = gate();
    const a = runner({
      "test.work": async () => {
        started.open();
        await slow.opened;
      },
    });
    const b = runner({ "test.work": async () => {} });
    const aPass = a.runDue();
    await started.opened;
    clock.advance(DEFAULT_LEASE_MS);
    expect(await b.runDue()).toMatchObject({ claimed: 1, done: 1 });
    slow.open();
    expect(await aPass).toMatchObject({ claimed: 1, done: 0, lost: 1 });
    expect(await jobRow(job.id)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("never runs a job twice when two runners race for the queue", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) ids.add((await add({ payload: { i } })).id);
    const runs: string[] = [];
    const handler: JobHandler = async (_payload, ctx) => {
      runs.push(ctx.job.id);
      await sleep(2);
    };
    const a = runner({ "test.work": handler }, { batchSize: 4 });
    const b = runner({ "test.work": handler }, { batchSize: 4 });
    let claimed = 0;
    for (;;) {
      const passes = await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
      const n = passes.reduce((sum, p) => sum + p.claimed, 0);
      if (n === 0) break;
      claimed += n;
    }
    expect(claimed).toBe(30);
    expect(runs).toHaveLength(30);
    expect(new Set(runs)).toEqual(ids);
    expect(await jobCounts(t.db)).toMatchObject({ done: 30, running: 0, pending: 0 });
  });

  it("polls once started, and stop() waits for the job in flight", async () => {
    const job = await add();
    const started = gate();
    const release = gate();
    const r = runner({
      "test.work": async () => {
        started.open();
        await release.opened;
      },
    });
    r.start();
    expect(r.isRunning).toBe(true);
    await started.opened;

    let stopped = false;
    const stopping = r.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    expect((await jobRow(job.id)).status).toBe("running");

    release.open();
    await stopping;
    expect(r.isRunning).toBe(false);
    expect((await jobRow(job.id)).status).toBe("done");

    // Stopped: a new job is not picked up.
    const later = await add();
    await sleep(50);
    expect((await jobRow(later.id)).status).toBe("pending");
  });

  it("stops waiting after timeoutMs when a job hangs; the job is taken over later", async () => {
    const job = await add();
    const started = gate();
    const never = gate();
    const r = runner({
      "test.work": async () => {
        started.open();
        await never.opened;
      },
    });
    r.start();
    await started.opened;
    await r.stop({ timeoutMs: 20 });
    expect((await jobRow(job.id)).status).toBe("running");

    // The pass carries on in the background; once the handler returns, its outcome is recorded.
    never.open();
    await r.stop();
    expect((await jobRow(job.id)).status).toBe("done");
  });
});
