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
 * Workers are processes (`pool: "forks"`), each started with V8 sized to tests (`execArgv`):
 * - `--no-wasm-code-gc`: the embedded database's compiled WebAssembly never freed while the worker
 *   lives. V8 in Node 24 can abort a process that compiles, tiers up and frees WebAssembly code in
 *   more than one thread ("Check failed: jit_page_->allocations_.erase(addr) == 1", nodejs/node#64500):
 *   a CI run died of it when the workers were threads of one process sharing PGlite's compiled module.
 *   Processes of their own, and no code freed, keep off that path. (Processes cost no more here: the
 *   suite took 446 s in processes against 486 s in threads, the same CPU. `--liftoff-only`, as
 *   `bin/openps` runs, saved CPU in short files but lost it in the long browser journeys: no gain.)
 * - `--max-opt=2`: the tests' JavaScript compiled by V8's baseline and mid-tier compilers
 *   (Sparkplug, Maglev) but not its slowest, TurboFan. A test file runs most of its code a few
 *   times; TurboFan's work on background threads paid back only in the authorisation matrix, which
 *   is as fast without it.
 * - `--max-semi-space-size=32` (MB): the young generation, where the tests' many short-lived
 *   objects live (pages, query results, PGlite's buffers), held at half the size V8 grows it to
 *   here (64 MB a half) — about a tenth less CPU again, measured; 16 MB costs more.
 * (`npm test` starts Vitest itself with the last two as well; the browser's own V8: tests/support/chromium.ts.)
 *
 * The application's modules, as Vite transforms them for the tests, are kept on disk from one run to
 * the next (`experimental.fsModuleCache`, under node_modules, by each file's content): a run starts
 * its workers on them rather than transform some 400 files again on one core while both wait.
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

/**
 * The kinds of file whose tests are heavy, and the least one of them takes (ms): browser journeys,
 * spawned processes, whole-app matrices.
 */
const HEAVY: readonly [RegExp, number][] = [
  [/^tests\/browser\//, 20_000],
  [/^tests\/cli\//, 15_000],
  [/^tests\/(authorization|server)\//, 15_000],
];

/** What a file no run has timed counts as: after the heavy kinds, before the many short files. */
const UNKNOWN_MS = 5_000;

/**
 * The longest files first, so that no long file starts last and runs alone. Vitest knows each file's
 * duration from the last run that ran it (its cache under node_modules/.vite, which every checkout
 * sharing that node_modules writes); but a run of a few of its tests (`-t`) records a file shorter
 * than it is, and a new file is unknown — a clone knows none. So a file of a heavy kind counts at
 * least its kind's least (HEAVY), and an unknown one as UNKNOWN_MS.
 */
class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const projects = [...new Set(sorted.map((file) => file.project.name))];
    const weight = (file: TestSpecification) => {
      const relative = path.relative(root, file.moduleId);
      const least = HEAVY.find(([pattern]) => pattern.test(relative))?.[1] ?? 0;
      const known = this.ctx.cache.getFileTestResults(`${file.project.name}:${relative}`);
      return Math.max(least, known ? known.duration : UNKNOWN_MS);
    };
    return sorted
      .map((file, index) => ({ file, index, weight: weight(file) }))
      .sort(
        (a, b) =>
          projects.indexOf(a.file.project.name) - projects.indexOf(b.file.project.name) ||
          b.weight - a.weight ||
          a.index - b.index,
      )
      .map(({ file }) => file);
  }
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    execArgv: ["--no-wasm-code-gc", "--max-opt=2", "--max-semi-space-size=32"],
    maxWorkers: 2,
    isolate: false,
    reporters: ["default"],
    sequence: { sequencer: HeaviestFirst },
    experimental: { fsModuleCache: true },
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
