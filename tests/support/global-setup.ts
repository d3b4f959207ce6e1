/**
 * Once per `npm test`: on PostgreSQL, (re)build the migrated template database that every test
 * database is cloned from. On PGlite nothing is shared.
 */
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { databaseUrlFor, TEMPLATE_DATABASE, testDatabaseUrl, withAdminClient } from "./test-db.ts";

export default async function setup(): Promise<void> {
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) return;
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
