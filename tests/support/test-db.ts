/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or — when
 * DATABASE_URL is set (as `.ci/run` does for the second run) — a new database on that PostgreSQL
 * server, cloned from a migrated template made once by the global set-up.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import pg from "pg";
import { inject } from "vitest";
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

export async function withAdminClient<T>(
  serverUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
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
    const template = options.migrate === false ? "" : inject("pgliteTemplate");
    const handle = template
      ? await openDatabase({ loadDataDir: new Blob([fs.readFileSync(template)]) })
      : await openDatabase({});
    if (options.migrate !== false && !template) await migrateToLatest(handle.db);
    return { ...handle, destroy: () => handle.close() };
  }
  const name = `openps_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const template = options.migrate === false ? "template0" : TEMPLATE_DATABASE;
  await withAdminClient(serverUrl, (c) => c.query(`create database ${name} template ${template}`));
  const handle = await openDatabase({
    databaseUrl: databaseUrlFor(serverUrl, name),
    onConnectionError: () => {},
  });
  return {
    ...handle,
    async destroy() {
      await handle.close();
      await withAdminClient(serverUrl, async (c) => {
        // pg's Pool.end() resolves before its connections are gone: wait for them, then drop.
        for (let i = 0; i < 200; i++) {
          const { rows } = await c.query<{ n: string }>(
            "select count(*) as n from pg_stat_activity where datname = $1",
            [name],
          );
          if (rows[0]?.n === "0") break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}
