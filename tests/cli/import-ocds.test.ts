/**
 * `openps import ocds`, spawned once as an operator runs it on the embedded database (a migrated
 * data directory): the standard's fictional example imports with its summary and a progress bar on
 * stderr. What the import does is tested in process (src/modules/ocds/import.test.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOpenps } from "../support/spawn.ts";
import { createTestDataDir } from "../support/test-db.ts";

const FICTIONAL = path.resolve(import.meta.dirname, "../../../shared/ocds/samples/fictional-example");

let dataDir: string;

beforeAll(async () => {
  dataDir = await createTestDataDir();
});
afterAll(() => {
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("openps import ocds", { timeout: 120_000 }, () => {
  it("imports a directory, printing the summary, with a progress bar on stderr", async () => {
    const run = await runOpenps(["import", "ocds", FICTIONAL], { OPENPS_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").slice(0, 5)).toEqual([
      "Read 9 file(s) (1 other file(s) left out: not .json, .jsonl, .ndjson or .jl).",
      "  imported                           6",
      "  imported with warnings             1",
      "  skipped, already present           7",
      "  rejected                           0",
    ]);
    expect(run.stdout).toContain("  Open Data Services Co-operative Limited: 7 imported, 7 skipped");
    // Not a terminal: plain lines, the last at 100%.
    expect(run.stderr).toMatch(/Bytes read +\[#{30}\] 100% {2}[\d,]+ of [\d,]+\n$/);
  });
});
