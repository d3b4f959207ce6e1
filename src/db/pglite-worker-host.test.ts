import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "../../tests/support/test-db.ts";
import {
  createPGlite,
  type DatabaseHandle,
  openDatabase,
  pgliteDirectory,
  pgliteParsers,
} from "./connect.ts";
import { PGliteDialect } from "./pglite-dialect.ts";
import { EmbeddedDatabaseStoppedError, PGliteWorker } from "./pglite-worker-host.ts";

/** Resolves after the event loop has turned once: whatever the main thread was asked to do meanwhile is done. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.skipIf(testDatabaseUrl())("the embedded database in a worker thread", () => {
  let database: DatabaseHandle;
  beforeAll(async () => {
    database = await openDatabase({ worker: true });
  });
  afterAll(async () => {
    await database.close();
  });

  it("leaves the main thread free while PostgreSQL works", async () => {
    const order: string[] = [];
    const slow = sql`select pg_sleep(0.3)`.execute(database.db).then(() => order.push("query"));
    // The query is with the worker now; the main thread goes on turning.
    await nextTurn();
    await new Promise((resolve) => setTimeout(resolve, 1)).then(() => order.push("timer"));
    await slow;
    expect(order).toEqual(["timer", "query"]);
  });

  it("reports PostgreSQL's memory and the worker's heap", async () => {
    const memory = await database.embedded?.memory();
    expect(memory?.thread).toBe("worker");
    // PGlite starts with 128 MB of WebAssembly memory.
    expect(memory?.wasm).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(memory?.heapUsed).toBeGreaterThan(0);
    // The worker's heap is bounded (WORKER_LIMITS), far below the main thread's.
    expect(memory?.heapLimit).toBeLessThan(512 * 1024 * 1024);
  });

  it("fails the query running, and every later one, with the reason when its worker stops", async () => {
    const stops: Error[] = [];
    const worker = await PGliteWorker.start({
      startParams: PGlite.defaultStartParams,
      parsers: pgliteParsers(),
      onStopped: (error) => stops.push(error),
    });
    const db = new Kysely<unknown>({ dialect: new PGliteDialect(worker) });
    expect((await sql<{ v: number }>`select ${2}::int4 * 2 as v`.execute(db)).rows).toEqual([{ v: 4 }]);
    const running = sql`select pg_sleep(10)`.execute(db);
    await nextTurn();
    await worker.terminate();
    await expect(running).rejects.toBeInstanceOf(EmbeddedDatabaseStoppedError);
    await expect(sql`select 1`.execute(db)).rejects.toThrow(/The embedded database stopped .*restart OpenPS/);
    expect(stops).toHaveLength(1);
    await db.destroy();
  });

  it("refuses to start, saying why, when the worker runs out of memory", async () => {
    await expect(
      PGliteWorker.start({
        startParams: PGlite.defaultStartParams,
        parsers: pgliteParsers(),
        resourceLimits: { maxOldGenerationSizeMb: 4, maxYoungGenerationSizeMb: 4 },
      }),
    ).rejects.toThrow("The embedded database stopped (it ran out of memory): restart OpenPS.");
  });

  it("closes PostgreSQL before its worker ends: what was written is there when opened again", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-worker-"));
    try {
      const first = await openDatabase({ dataDir, lock: false, worker: true });
      await sql`create table kept (n int4)`.execute(first.db);
      await sql`insert into kept select generate_series(1, 1000)`.execute(first.db);
      await first.close();
      const pglite = await createPGlite({ dataDir: pgliteDirectory(dataDir), shortLived: true });
      const { rows } = await pglite.query<{ n: number }>("select count(*)::int4 as n from kept");
      await pglite.close();
      expect(rows).toEqual([{ n: 1000 }]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
