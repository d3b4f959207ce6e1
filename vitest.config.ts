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
 * Test files share their worker (`isolate: false`): the application's modules are loaded, and
 * PGlite's embedded databases started, once per worker rather than once per file — seconds of CPU
 * each. So a test file leaves nothing behind: it closes what it opens (apps, servers, browsers,
 * databases, which tests/support/test-db.ts puts back as new) and changes no module's state.
 * Workers are threads of one process (`pool: "threads"`): on this machine, where a system call is
 * dear, a few percent less CPU than a process each (forks); nothing the tests do needs a process of
 * their own (what does — the server, the `openps` command — is spawned).
 */
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

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

/** Where a file's tests are heavy: browser journeys, then spawned processes, then whole-app matrices. */
const HEAVY = [/^tests\/browser\//, /^tests\/cli\//, /^tests\/(authorization|server)\//];

/**
 * Vitest runs the longest files first when it knows their durations from an earlier run (its cache
 * under node_modules/.vite). On a fresh clone it knows none and would order them by size; then the
 * heaviest kinds of file go first, so that no long file starts last and runs alone.
 */
class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const known = (file: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${file.project.name}:${path.relative(root, file.moduleId)}`);
    if (sorted.every(known)) return sorted;
    const projects = [...new Set(sorted.map((file) => file.project.name))];
    const rank = (file: TestSpecification) => {
      const heavy = HEAVY.findIndex((pattern) => pattern.test(path.relative(root, file.moduleId)));
      return heavy === -1 ? HEAVY.length : heavy;
    };
    return sorted
      .map((file, index) => ({ file, index }))
      .sort(
        (a, b) =>
          projects.indexOf(a.file.project.name) - projects.indexOf(b.file.project.name) ||
          rank(a.file) - rank(b.file) ||
          a.index - b.index,
      )
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "threads",
    maxWorkers: 2,
    isolate: false,
    reporters: ["default"],
    sequence: { sequencer: HeaviestFirst },
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
