/**
 * `openps demo scale`, spawned as a user runs it on a seeded demo data directory: it grows the demo
 * data at a tiny factor with a progress bar on stderr, prints what it added and that every invariant
 * holds, adds nothing the second time, leaves the audit chains intact, and is refused outside demo
 * mode.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOpenps } from "../support/spawn.ts";
import { createTestDataDir, DEMO_SEEDED_AT } from "../support/test-db.ts";

let dir: string;

beforeAll(async () => {
  dir = await createTestDataDir({ seededAt: DEMO_SEEDED_AT });
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

// Each step spawns Node and opens the embedded database from disk: slow on a busy machine.
describe("openps demo scale", { timeout: 180_000 }, () => {
  it("is refused outside demo mode", async () => {
    const refused = await runOpenps(["demo", "scale", "--factor", "0.01"], { OPENPS_DATA_DIR: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/run it in demo mode \(OPENPS_DEMO=true\)/);
  });

  it("grows the demo data once, with a progress bar, every invariant holding and the audit chains intact", async () => {
    const env = { OPENPS_DATA_DIR: dir, OPENPS_DEMO: "true" };
    const scaled = await runOpenps(["demo", "scale", "--factor", "0.01", "--seed", "cli"], env);
    expect(scaled.code).toBe(0);
    expect(scaled.stdout).toMatch(
      /Grew the demo data by factor 0\.01 with seed "cli": 10 organisations, 3 regulated locations and 45 tenders/,
    );
    expect(scaled.stdout).toMatch(/ tenders +45\n/);
    expect(scaled.stdout).toMatch(/Checked: all \d+ invariants hold\./);
    // Added in bulk: the market dashboards' figures are computed again.
    expect(scaled.stdout).toMatch(/Computed the market figures of \d+ public bodies again\./);
    // Not a terminal: plain lines, the last of each phase at 100%.
    expect(scaled.stderr).toMatch(/Tenders +\[#{30}\] 100% {2}45 of 45/);

    const again = await runOpenps(["demo", "scale", "--factor", "0.01", "--seed", "cli"], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/grown by factor 0\.01 with seed "cli" already .*: nothing to add\./);

    const rebuilt = await runOpenps(["market", "rebuild"], env);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/Computed the market figures of \d+ public bodies in [\d.]+ s\./);

    const verified = await runOpenps(["audit", "verify"], env);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/All \d+ audit chains are intact/);
  });

  it("refuses a factor out of range", async () => {
    const refused = await runOpenps(["demo", "scale", "--factor", "5000"], {
      OPENPS_DATA_DIR: dir,
      OPENPS_DEMO: "true",
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The factor must be a number from 0\.001 to 1,000/);
  });
});
