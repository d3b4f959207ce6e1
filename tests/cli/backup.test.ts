/**
 * `openps backup` and `openps restore`, spawned as an operator runs them on the embedded database:
 * a backup restores to an identical database, keeping the replaced data aside, and a file that is
 * not a backup is refused. Finding 11 of the security review: a backup was 0644 and held
 * `keys/accounts.key`; now it is 0600 and holds the keys only encrypted with a passphrase. Each test has a copy of a data directory seeded once a run.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import * as tar from "tar";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { databaseFingerprint } from "../../src/db/fingerprint.ts";
import { runOpenps } from "../support/spawn.ts";
import { createTestDataDir, DEMO_SEEDED_AT } from "../support/test-db.ts";

const made: string[] = [];
afterEach(() => {
  for (const file of made.splice(0)) fs.rmSync(file, { recursive: true, force: true });
});

async function seededDataDir(): Promise<string> {
  const dir = await createTestDataDir({ seededAt: DEMO_SEEDED_AT });
  made.push(dir);
  return dir;
}

async function fingerprint(dataDir: string) {
  const database = await openDatabase({ dataDir, lock: true });
  try {
    return await databaseFingerprint(database.db);
  } finally {
    await database.close();
  }
}

/** Every file under a directory, by its path, with the SHA-256 of its bytes (the process lock aside). */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /^openps\.f?lock$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file)] = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  }
  return out;
}

async function tarEntries(file: string): Promise<string[]> {
  const entries: string[] = [];
  await tar.list({ file, onReadEntry: (entry) => entries.push(entry.path) });
  return entries;
}

describe("openps backup and restore", { timeout: 120_000 }, () => {
  it("backs up and restores to an identical database, keeping the replaced data aside", async () => {
    const dataDir = await seededDataDir();
    const passphrase = "correct horse battery staple";
    const env = { OPENPS_DATA_DIR: dataDir, OPENPS_DEMO: "true", OPENPS_BACKUP_PASSPHRASE: passphrase };
    const keyFile = path.join(dataDir, "keys", "accounts.key");
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, "the server's key");
    const key = fs.readFileSync(keyFile);
    const before = await fingerprint(dataDir);
    const file = path.join(dataDir, "..", `${path.basename(dataDir)}-backup.tar.gz`);
    made.push(file);
    const backedUp = await runOpenps(["backup", file], env);
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/Backed up/);
    expect(backedUp.stdout).toMatch(/keys are in it, encrypted/);
    // For the account that runs OpenPS alone, and no key in the clear.
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const listed = await tarEntries(file);
    expect(listed).toContain("keys.enc");
    expect(listed.filter((entry) => entry.startsWith("keys/"))).toEqual([]);
    expect((await runOpenps(["backup", file], env)).stderr).toMatch(/already exists/);

    // Change the database and the key after the backup, then restore.
    fs.writeFileSync(keyFile, "a key made after the backup");
    const database = await openDatabase({ dataDir, lock: true });
    try {
      await sql`update organisations set description = 'Changed after the backup.' where sector = 'charity'`.execute(
        database.db,
      );
      expect((await databaseFingerprint(database.db)).sha256).not.toBe(before.sha256);
    } finally {
      await database.close();
    }

    // A wrong passphrase restores nothing.
    const wrong = await runOpenps(["restore", file], {
      ...env,
      OPENPS_BACKUP_PASSPHRASE: "not the passphrase at all",
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/could not be decrypted.*Nothing was restored/);
    expect(fs.readFileSync(keyFile, "utf8")).toBe("a key made after the backup");

    const restored = await runOpenps(["restore", file], env);
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/kept in .*pgdata\.before-restore-/);
    expect(restored.stdout).toMatch(/keys were restored/);
    const after = await fingerprint(dataDir);
    expect(after).toEqual(before);
    // The server's keys come back with the passphrase: two-factor secrets stay readable.
    expect(fs.readFileSync(keyFile)).toEqual(key);
  });

  it("leaves the server's keys out of a backup made without a passphrase, and says so", async () => {
    const dataDir = await seededDataDir();
    const keyFile = path.join(dataDir, "keys", "accounts.key");
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    if (!fs.existsSync(keyFile)) fs.writeFileSync(keyFile, "the server's key");
    const file = path.join(dataDir, "..", `${path.basename(dataDir)}-plain.tar.gz`);
    made.push(file);
    const backedUp = await runOpenps(["backup", file], { OPENPS_DATA_DIR: dataDir, OPENPS_DEMO: "true" });
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toMatch(/keys .* are not in it: keep a copy of them apart from the backups/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const listed = await tarEntries(file);
    expect(listed.filter((entry) => entry.startsWith("keys"))).toEqual([]);
    expect(listed).toContain("database.tgz");
  });

  it("refuses a file that is not a backup, leaving the database as it was", async () => {
    const dataDir = await seededDataDir();
    const junk = path.join(dataDir, "not-a-backup.tar.gz");
    fs.writeFileSync(junk, "hello");
    const before = filesOf(dataDir);
    const restored = await runOpenps(["restore", junk], { OPENPS_DATA_DIR: dataDir, OPENPS_DEMO: "true" });
    expect(restored.code).toBe(1);
    expect(restored.stderr).toMatch(/is not an OpenPS backup/);
    // Not a byte of the data directory changed (stronger than the same rows).
    expect(filesOf(dataDir)).toEqual(before);
  });
});
