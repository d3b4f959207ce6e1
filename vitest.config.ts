/**
 * Two projects, both run by `npm test` (`npm run test:unit` runs the first alone, in seconds):
 * - `unit`: test files that build no app and open no database — lib, pure rules, the dependency
 *   test. No database template, no module wiring.
 * - `integration`: the rest — database, route, CLI, server and browser tests — with a migrated
 *   database template made once a run (tests/support/global-setup.ts) and the modules wired as at
 *   start-up (tests/support/setup.ts).
 * A test file is an integration test when it uses the test kit's app, database, browser, people or
 * process helpers, or opens a database itself: read from its imports, so there is no list to keep.
 *
 * Test files share their worker's process (`isolate: false`): the application's modules are loaded,
 * and PGlite's embedded databases started, once per worker rather than once per file — seconds of
 * CPU each. So a test file leaves nothing behind: it closes what it opens (apps, servers, browsers,
 * databases, which tests/support/test-db.ts puts back as new) and changes no module's state.
 */
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

const TEST_FILES = ["src/**/*.test.ts", "tests/**/*.test.ts"];
const INTEGRATION =
  /from "[./]*(?:tests\/)?support\/(?:app|test-db|browser|chromium|auth|principals|spawn|smtp)\.ts"|from "[./]*(?:src\/)?db\/connect\.ts"/;

/** Whether a test file, or a helper of its own under tests/ that it imports, needs the app or a database. */
function isIntegration(file: string, seen = new Set<string>()): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const text = fs.readFileSync(file, "utf8");
  if (INTEGRATION.test(text)) return true;
  return [...text.matchAll(/from "(\.{1,2}\/[^"]+\.ts)"/g)]
    .map((match) => path.join(path.dirname(file), match[1] as string))
    .some((helper) => helper.startsWith("tests/") && fs.existsSync(helper) && isIntegration(helper, seen));
}

const unitFiles = fs
  .globSync(TEST_FILES, { exclude: ["**/node_modules/**"] })
  .filter((file) => !isIntegration(file))
  .sort();

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    isolate: false,
    reporters: ["default"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: unitFiles },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: TEST_FILES,
          exclude: unitFiles,
          globalSetup: ["tests/support/global-setup.ts"],
          setupFiles: ["tests/support/setup.ts"],
        },
      },
    ],
  },
});
