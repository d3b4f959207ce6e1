/**
 * Once per `npm test`, a migrated template that every test database starts from:
 * - on PostgreSQL (DATABASE_URL set), the template database each test database is cloned from;
 * - on PGlite, a dump of a migrated in-memory database, loaded by each test (faster than initdb
 *   and migrations every time).
 * Seeded templates (`createTestDatabase({ seededAt })`) are made by the first test that asks,
 * beside the PGlite dump or as `openps_seeded_*` databases, which this drops at the start.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { databaseUrlFor, TEMPLATE_DATABASE, testDatabaseUrl, withAdminClient } from "./test-db.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const serverUrl = testDatabaseUrl();
  if (serverUrl) {
    await withAdminClient(serverUrl, async (c) => {
      await c.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
      // Seeded templates of an earlier run were seeded by the code as it was then.
      const { rows } = await c.query<{ datname: string }>(
        "select datname from pg_database where datname like 'openps\\_seeded\\_%'",
      );
      for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
      await c.query(`create database ${TEMPLATE_DATABASE}`);
    });
    const handle = await openDatabase({ databaseUrl: databaseUrlFor(serverUrl, TEMPLATE_DATABASE) });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    project.provide("pgliteTemplate", "");
    return () => {};
  }
  const handle = await openDatabase({});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-test-template-"));
  const file = path.join(dir, "template.tar");
  try {
    await migrateToLatest(handle.db);
    const dump = await handle.pglite?.dumpDataDir("none");
    if (!dump) throw new Error("PGlite did not dump its data directory");
    fs.writeFileSync(file, new Uint8Array(await dump.arrayBuffer()));
  } finally {
    await handle.close();
  }
  project.provide("pgliteTemplate", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
