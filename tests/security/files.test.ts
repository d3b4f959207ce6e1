/**
 * Finding 11 of the security review: most of the embedded database's files (WAL included) were
 * 0666. Now the server and the CLI create files 0600 and directories 0700, and a data directory
 * that an earlier version left readable is the owner's alone once a command has used it.
 * (Backups: tests/cli/backup.test.ts.)
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runOpenps } from "../support/spawn.ts";
import { createTestDataDir } from "../support/test-db.ts";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file and directory under `dir` that someone other than its owner may read or write. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  for (const name of ["", ...(fs.readdirSync(dir, { recursive: true }) as string[])]) {
    const entry = path.join(dir, name);
    const stat = fs.lstatSync(entry);
    if (!stat.isSymbolicLink() && (stat.mode & 0o077) !== 0)
      found.push(`${name || "."} ${(stat.mode & 0o777).toString(8)}`);
  }
  return found;
}

describe("the data directory's files", { timeout: 120_000 }, () => {
  it("are the owner's alone after a command has opened it, whatever they were before", async () => {
    const dir = await createTestDataDir();
    made.push(dir);
    for (const name of ["", ...(fs.readdirSync(dir, { recursive: true }) as string[])]) {
      const entry = path.join(dir, name);
      fs.chmodSync(entry, fs.statSync(entry).isDirectory() ? 0o777 : 0o666);
    }
    expect(openToOthers(dir).length).toBeGreaterThan(10);
    const result = await runOpenps(["jobs", "status"], { OPENPS_DATA_DIR: dir });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(openToOthers(dir)).toEqual([]);
  });
});
