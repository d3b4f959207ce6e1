/**
 * `openps areas load FILE`, spawned as an operator runs it on the embedded database (a migrated data
 * directory prepared once a run): a good file loads, a bad one loads nothing and names every bad line.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connect.ts";
import { runOpenps } from "../support/spawn.ts";
import { createTestDataDir } from "../support/test-db.ts";

let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await createTestDataDir();
  env = { OPENPS_DATA_DIR: dataDir };
});
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function areaCodes(): Promise<string[]> {
  const database = await openDatabase({ dataDir, lock: true });
  try {
    return (await database.db.selectFrom("areas").select("code").orderBy("code").execute()).map(
      (r) => r.code,
    );
  } finally {
    await database.close();
  }
}

describe("openps areas load", { timeout: 120_000 }, () => {
  it("loads a good file, and refuses a bad one whole, naming each bad line", async () => {
    const good = path.join(dataDir, "good.csv");
    fs.writeFileSync(
      good,
      "code,name,type,nation\nE06000001,Hartlepool,unitary,england\nW06000008,Ceredigion,unitary,wales\n",
    );
    const loaded = await runOpenps(["areas", "load", good], env);
    expect(loaded.stderr).toBe("");
    expect(loaded.code).toBe(0);
    expect(loaded.stdout).toBe(`Loaded 2 areas from ${good}: 2 new, 0 updated.\n`);

    const bad = path.join(dataDir, "bad.csv");
    fs.writeFileSync(
      bad,
      "code,name,type,nation\nS12000047,Fife,unitary,scotland\nE6,Nowhere,unitary,england\nE10000016,Kent,district,england\n",
    );
    const refused = await runOpenps(["areas", "load", bad], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "The areas file has 2 problems: fix them and load it again. Nothing was loaded.",
    );
    expect(refused.stderr).toContain('  line 3: the code "E6" is not a GSS code');
    expect(refused.stderr).toContain(
      "  line 4: a E10 code is a county of England, so its type is county, not district",
    );
    expect(await areaCodes()).toEqual(["E06000001", "W06000008"]);

    const missing = await runOpenps(["areas", "load", path.join(dataDir, "nope.csv")], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read .*nope\.csv/);
  });
});
