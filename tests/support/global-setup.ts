/**
 * Once per `npm test`, before the integration tests: a migrated template that every test database
 * starts from, and a directory for the run's other templates (removed at the end):
 * - a dump of a migrated embedded (PGlite) database, loaded by each test on PGlite (faster than
 *   initdb and migrations every time) and by the data directories of the CLI tests on both runs,
 *   made by a process of its own (make-template.ts) while the workers start;
 * - on PostgreSQL (DATABASE_URL set), also the template database each test database is cloned from.
 * Seeded templates (`createTestDatabase({ seededAt })`, `createTestDataDir`) are made in that
 * directory by the first test that asks, or as `openps_seeded_*` databases, which this drops at the
 * start (they were seeded by the code as it was then). The test databases the workers kept to use
 * again (`openps_test_*`, see reuse.ts) are dropped at the end.
 */

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { COMPILE_CACHE, projectRoot } from "./spawn.ts";
import { pruneTemplateCache } from "./template-cache.ts";
import { databaseUrlFor, TEMPLATE_DATABASE, testDatabaseUrl, withAdminClient } from "./test-db.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where the dump of a migrated embedded database will be, in `testRunDir`: wait for it (test-db.ts). */
    pgliteTemplate: string;
    /** Where the run's templates are kept: seeded dumps, prepared data directories. */
    testRunDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  pruneTemplateCache();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-test-run-"));
  const file = path.join(dir, "template.tar");
  const serverUrl = testDatabaseUrl();
  // The embedded template is made by a process of its own while the workers start; the first test
  // to need it waits for the file (test-db.ts).
  const maker = spawn(
    process.execPath,
    ["--liftoff-only", path.join(projectRoot, "tests", "support", "make-template.ts"), file],
    { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE } },
  );
  const made = new Promise<void>((resolve) => maker.on("close", () => resolve()));
  if (serverUrl) await migrateServerTemplate(serverUrl);
  project.provide("pgliteTemplate", file);
  project.provide("testRunDir", dir);
  return async () => {
    maker.kill();
    await made;
    fs.rmSync(dir, { recursive: true, force: true });
    if (serverUrl) await dropDatabases(serverUrl, "openps\\_test\\_%");
  };
}

/** Drops the databases whose names are `like` the pattern. */
async function dropDatabases(serverUrl: string, like: string): Promise<void> {
  await withAdminClient(serverUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "select datname from pg_database where datname like $1",
      [like],
    );
    for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
  });
}

/** The template database on the PostgreSQL server, migrated; seeded templates of an earlier run dropped. */
async function migrateServerTemplate(serverUrl: string): Promise<void> {
  // Those of an earlier run that stopped before its end, too.
  await dropDatabases(serverUrl, "openps\\_test\\_%");
  await dropDatabases(serverUrl, "openps\\_seeded\\_%");
  await withAdminClient(serverUrl, async (c) => {
    await c.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await c.query(`create database ${TEMPLATE_DATABASE}`);
  });
  const handle = await openDatabase({ databaseUrl: databaseUrlFor(serverUrl, TEMPLATE_DATABASE) });
  try {
    await migrateToLatest(handle.db);
  } finally {
    await handle.close();
  }
}
