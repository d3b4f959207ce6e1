/**
 * The real `openps` command, spawned as a user would run it (so syntax that Vitest accepts but
 * Node's type stripping rejects fails here): migrate and seed a new data directory, audit verify,
 * the jobs commands, and the lock that keeps two processes off one data directory, on the embedded
 * database. Each test has its own data directory: a new one where migrating and seeding are what it
 * is about, otherwise a copy of one prepared once a run (`createTestDataDir`), so that no process
 * migrates or seeds again. Backups are in backup.test.ts.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { lockDataDir } from "../../src/db/lock.ts";
import { runOpenps } from "../support/spawn.ts";
import { createTestDataDir, DEMO_SEEDED_AT } from "../support/test-db.ts";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A data directory for one test: new (empty), migrated, or migrated and seeded with the demo data. */
async function dataDir(kind: "new" | "migrated" | "seeded"): Promise<string> {
  const dir =
    kind === "new"
      ? fs.mkdtempSync(path.join(os.tmpdir(), "openps-cli-"))
      : await createTestDataDir(kind === "seeded" ? { seededAt: DEMO_SEEDED_AT } : {});
  made.push(dir);
  return dir;
}

const envFor = (dir: string) => ({ OPENPS_DATA_DIR: dir, OPENPS_DEMO: "true" });

// Each step spawns Node and opens the embedded database from disk: slow on a busy machine.
describe("the openps command on the embedded database", { timeout: 120_000 }, () => {
  // The reference data alone: seeding the demo data is tested where every seeded test database is
  // made (tests/support/test-db.ts), by the same `runSeeds`; here, that the command seeds once.
  it("migrates, seeds the reference data once, and verifies the audit chain", async () => {
    const env = { ...envFor(await dataDir("new")), OPENPS_DEMO: "false" };
    const migrated = await runOpenps(["migrate"], env);
    expect(migrated.stderr).toBe("");
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/Applied \d+ migration/);

    const seeded = await runOpenps(["seed"], env);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded: reference-service-categories/);
    expect(seeded.stdout).not.toMatch(/demo-/);
    expect((await runOpenps(["seed"], env)).stdout).toMatch(/Nothing to seed/);
    // The planner's statistics were refreshed after seeding (the embedded database has no autovacuum).
    const database = await openDatabase({ dataDir: env.OPENPS_DATA_DIR, lock: true, shortLived: true });
    try {
      const { rows } = await sql<{ estimated: number }>`
        select reltuples::int4 as estimated from pg_class where oid = 'service_categories'::regclass`.execute(
        database.db,
      );
      expect(rows[0]?.estimated).toBeGreaterThan(0);
    } finally {
      await database.close();
    }

    const verified = await runOpenps(["audit", "verify"], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(
      /ok {6}chain 00000000-0000-0000-0000-000000000000: \d+ events\nThe audit chain is intact\./,
    );
  });

  it("fails audit verify after a row is tampered with, naming the broken link", async () => {
    const dir = await dataDir("seeded");
    const database = await openDatabase({ dataDir: dir, lock: true });
    try {
      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(database.db);
      await sql`update audit_events set action = 'organisation.deleted'
                where authority_id = '00000000-0000-0000-0000-000000000000' and seq = 9`.execute(database.db);
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(database.db);
    } finally {
      await database.close();
    }
    const verified = await runOpenps(["audit", "verify"], envFor(dir));
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(
      /BROKEN {2}chain 00000000-0000-0000-0000-000000000000: first broken link at event 9/,
    );
    expect(verified.stdout).toMatch(/1 of 13 audit chains are broken/);
  });

  it("says to stop the server first while another process holds the database", async () => {
    const dir = await dataDir("migrated");
    const lock = await lockDataDir(dir);
    try {
      const result = await runOpenps(["audit", "verify"], envFor(dir));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`in use by another OpenPS process \\(pid ${process.pid}\\)\\. Stop the server first`),
      );
    } finally {
      await lock.release();
    }
  });

  it("takes over a stale lock left by a process that died", async () => {
    const dir = await dataDir("migrated");
    fs.writeFileSync(path.join(dir, "openps.lock"), "999999\n");
    const result = await runOpenps(["migrate"], envFor(dir));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/up to date/);
    expect(fs.existsSync(path.join(dir, "openps.lock"))).toBe(false);
  });

  it("names a bad setting instead of starting", async () => {
    const env = envFor(await dataDir("new"));
    const result = await runOpenps(["migrate"], { ...env, OPENPS_JOBS_POLL_MS: "soon" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /OPENPS_JOBS_POLL_MS must be a whole number from 10 to 3600000 \(it is "soon"\)/,
    );
  });

  it("explains that backups of a PostgreSQL server use pg_dump", async () => {
    const result = await runOpenps(["backup", "x.tgz"], {
      ...envFor(await dataDir("new")),
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/use pg_dump/);
  });
});

describe("the openps jobs commands", { timeout: 120_000 }, () => {
  it("counts jobs by status and explains an unknown job id", async () => {
    const env = envFor(await dataDir("seeded"));
    const status = await runOpenps(["jobs", "status"], env);
    expect(status.code).toBe(0);
    // The demo data leaves only the opportunity alerts its tenders' publication queued (nothing runs here).
    expect(status.stdout).toMatch(/pending: \d+, running: 0, done: 0, failed: 0/);
    const retry = await runOpenps(["jobs", "retry", "019a0000-0000-7000-8000-0000000000ff"], env);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toMatch(/could not be found/);
  });
});
