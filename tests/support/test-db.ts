/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or — when
 * DATABASE_URL is set (as `.ci/run` does for the second run) — a new database on that PostgreSQL
 * server, cloned from a migrated template made once by the global set-up.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { type DatabaseHandle, openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";

export const TEMPLATE_DATABASE = "openps_test_template";

export function testDatabaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url && url.trim() !== "" ? url : undefined;
}

export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, "postgres") });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase extends DatabaseHandle {
  /** Drops the database (PostgreSQL) or closes it (PGlite). */
  destroy(): Promise<void>;
}

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) {
    const handle = await openDatabase({});
    if (options.migrate !== false) await migrateToLatest(handle.db);
    return { ...handle, destroy: () => handle.close() };
  }
  const name = `openps_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const template = options.migrate === false ? "template0" : TEMPLATE_DATABASE;
  await withAdminClient(serverUrl, (c) => c.query(`create database ${name} template ${template}`));
  const handle = await openDatabase({ databaseUrl: databaseUrlFor(serverUrl, name) });
  return {
    ...handle,
    async destroy() {
      await handle.close();
      await withAdminClient(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
