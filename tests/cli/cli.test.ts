/**
 * The real `openps` command, spawned as a user would run it (so syntax that Vitest accepts but
 * Node's type stripping rejects fails here): migrate, seed, audit verify, backup and restore on the
 * embedded database, and the lock that keeps two processes off one data directory.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { databaseFingerprint } from "../../src/db/fingerprint.ts";
import { lockDataDir } from "../../src/db/lock.ts";
import { runOpenps } from "../support/spawn.ts";

let dataDir: string;
let env: Record<string, string>;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-cli-"));
  env = { OPENPS_DATA_DIR: dataDir, OPENPS_DEMO: "true" };
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function fingerprint() {
  const database = await openDatabase({ dataDir, lock: true });
  try {
    return await databaseFingerprint(database.db);
  } finally {
    await database.close();
  }
}

// Each step spawns Node and opens the embedded database from disk: slow on a busy machine.
describe("the openps command on the embedded database", { timeout: 120_000 }, () => {
  it("migrates, seeds the demo data once, and verifies the audit chains", async () => {
    const migrated = await runOpenps(["migrate"], env);
    expect(migrated.stderr).toBe("");
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/Applied \d+ migration/);

    const seeded = await runOpenps(["seed"], env);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toMatch(/Seeded: demo-authorities, demo-organisations/);
    expect((await runOpenps(["seed"], env)).stdout).toMatch(/Nothing to seed/);

    const verified = await runOpenps(["audit", "verify"], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/All 9 audit chains are intact/);
  });

  it("fails audit verify after a row is tampered with, naming the broken link", async () => {
    const database = await openDatabase({ dataDir, lock: true });
    try {
      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(database.db);
      await sql`update audit_events set action = 'organisation.deleted'
                where authority_id = '00000000-0000-0000-0000-000000000000' and seq = 9`.execute(database.db);
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(database.db);
    } finally {
      await database.close();
    }
    const verified = await runOpenps(["audit", "verify"], env);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(
      /BROKEN {2}chain 00000000-0000-0000-0000-000000000000: first broken link at event 9/,
    );
    expect(verified.stdout).toMatch(/1 of 9 audit chains are broken/);
  });

  it("backs up and restores to an identical database, keeping the replaced data aside", async () => {
    const keyFile = path.join(dataDir, "keys", "accounts.key");
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, "the server's key");
    const key = fs.readFileSync(keyFile);
    const before = await fingerprint();
    const file = path.join(dataDir, "..", `${path.basename(dataDir)}-backup.tar.gz`);
    const backedUp = await runOpenps(["backup", file], env);
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/Backed up/);
    expect((await runOpenps(["backup", file], env)).stderr).toMatch(/already exists/);

    // Change the database and the key after the backup, then restore.
    fs.writeFileSync(keyFile, "a key made after the backup");
    const database = await openDatabase({ dataDir, lock: true });
    await sql`update organisations set description = 'Changed after the backup.' where sector = 'charity'`.execute(
      database.db,
    );
    await database.close();
    expect((await fingerprint()).sha256).not.toBe(before.sha256);

    const restored = await runOpenps(["restore", file], env);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/kept in .*pgdata\.before-restore-/);
    const after = await fingerprint();
    expect(after).toEqual(before);
    // The server's keys travel with the backup: two-factor secrets stay readable.
    expect(fs.readFileSync(keyFile)).toEqual(key);
    fs.rmSync(file, { force: true });
  });

  it("refuses a file that is not a backup, leaving the database as it was", async () => {
    const before = await fingerprint();
    const junk = path.join(dataDir, "not-a-backup.tar.gz");
    fs.writeFileSync(junk, "hello");
    const restored = await runOpenps(["restore", junk], env);
    expect(restored.code).toBe(1);
    expect(restored.stderr).toMatch(/is not an OpenPS backup/);
    expect(await fingerprint()).toEqual(before);
  });

  it("says to stop the server first while another process holds the database", async () => {
    const lock = lockDataDir(dataDir);
    try {
      const result = await runOpenps(["audit", "verify"], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`in use by another OpenPS process \\(pid ${process.pid}\\)\\. Stop the server first`),
      );
    } finally {
      lock.release();
    }
  });

  it("takes over a stale lock left by a process that died", async () => {
    fs.writeFileSync(path.join(dataDir, "openps.lock"), "999999\n");
    const result = await runOpenps(["migrate"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/up to date/);
    expect(fs.existsSync(path.join(dataDir, "openps.lock"))).toBe(false);
  });

  it("names a bad setting instead of starting", async () => {
    const result = await runOpenps(["migrate"], { ...env, OPENPS_JOBS_POLL_MS: "soon" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /OPENPS_JOBS_POLL_MS must be a whole number from 10 to 3600000 \(it is "soon"\)/,
    );
  });

  it("explains that backups of a PostgreSQL server use pg_dump", async () => {
    const result = await runOpenps(["backup", "x.tgz"], {
      ...env,
      DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/use pg_dump/);
  });
});

describe("the openps jobs commands", { timeout: 120_000 }, () => {
  it("counts jobs by status and explains an unknown job id", async () => {
    const status = await runOpenps(["jobs", "status"], env);
    expect(status.code).toBe(0);
    // The demo data leaves only the opportunity alerts its tenders' publication queued (nothing runs here).
    expect(status.stdout).toMatch(/pending: \d+, running: 0, done: 0, failed: 0/);
    const retry = await runOpenps(["jobs", "retry", "019a0000-0000-7000-8000-0000000000ff"], env);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toMatch(/could not be found/);
  });
});
