/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or — when
 * DATABASE_URL is set (as `.ci/run` does for the second run) — a new database on that PostgreSQL
 * server, cloned from a migrated template made once by the global set-up.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
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

/**
 * The master key test apps seal bids under (unless a test sets its own): one key, so that demo
 * tenders in a cached seeded database (below) open in every test app.
 */
export const TEST_TENDER_KEY = Buffer.alloc(32, 0x42).toString("base64");

export interface TestDatabaseOptions {
  /** false: an empty database, not migrated. */
  migrate?: boolean;
  /**
   * Migrated and seeded with every seed, demo data included, at this instant (as
   * `runSeeds(db, clock, seeds, { demo: true })` with the clock there), demo tenders sealed under
   * TEST_TENDER_KEY. Seeding takes seconds, so the first test file to ask for an instant seeds a
   * database and keeps it as a template for the run; later ones copy it.
   */
  seededAt?: Date;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (options.seededAt) return seededTestDatabase(options.seededAt);
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) {
    const template = options.migrate === false ? "" : inject("pgliteTemplate");
    const handle = template
      ? await openDatabase({ loadDataDir: new Blob([fs.readFileSync(template)]) })
      : await openDatabase({});
    if (options.migrate !== false && !template) await migrateToLatest(handle.db);
    return { ...handle, destroy: () => handle.close() };
  }
  return createTestDatabaseFrom(serverUrl, options.migrate === false ? "template0" : TEMPLATE_DATABASE);
}

/** pg's Pool.end() resolves before its connections are gone: wait for them. */
async function waitForNoConnections(c: pg.Client, database: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await c.query<{ n: string }>(
      "select count(*) as n from pg_stat_activity where datname = $1",
      [database],
    );
    if (rows[0]?.n === "0") return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A new database on the PostgreSQL server, a copy of `template`, dropped by `destroy`. */
async function createTestDatabaseFrom(serverUrl: string, template: string): Promise<TestDatabase> {
  const name = `openps_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
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
        await waitForNoConnections(c, name);
        await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

async function seedDemo(handle: DatabaseHandle, at: Date): Promise<void> {
  // Imported here: most test files never seed, and these pull in most of the application.
  const { runSeeds } = await import("../../src/seed/seed.ts");
  const { seeds } = await import("../../src/seed/seeds.ts");
  const { useDemoTenderKeys } = await import("../../src/seed/demo/tenders.ts");
  const { tenderKeyringFromKeys } = await import("../../src/modules/tenders/sealing.ts");
  const { fixedClock } = await import("../../src/lib/clock.ts");
  useDemoTenderKeys(tenderKeyringFromKeys(Buffer.from(TEST_TENDER_KEY, "base64")));
  await runSeeds(handle.db, fixedClock(at), seeds, { demo: true });
}

async function seededTestDatabase(at: Date): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  const stamp = at.getTime().toString(36);
  if (!serverUrl) {
    const template = inject("pgliteTemplate");
    const cached = path.join(path.dirname(template), `seeded-${stamp}.tar`);
    if (fs.existsSync(cached)) {
      const handle = await openDatabase({ loadDataDir: new Blob([fs.readFileSync(cached)]) });
      return { ...handle, destroy: () => handle.close() };
    }
    const database = await createTestDatabase();
    await seedDemo(database, at);
    const dump = await database.pglite?.dumpDataDir("none");
    if (dump) {
      // Written whole, then renamed: another worker never reads half a file.
      const partial = `${cached}.${process.pid}.partial`;
      fs.writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
      fs.renameSync(partial, cached);
    }
    return database;
  }
  const templateName = `openps_seeded_${stamp}`;
  await withAdminClient(serverUrl, async (c) => {
    // One worker seeds a template for the instant; the others wait for it.
    await c.query("select pg_advisory_lock(hashtext($1))", [templateName]);
    try {
      const { rows } = await c.query("select 1 from pg_database where datname = $1", [templateName]);
      if (rows.length === 0) {
        const building = `${templateName}_building`;
        await c.query(`drop database if exists ${building} with (force)`);
        await c.query(`create database ${building} template ${TEMPLATE_DATABASE}`);
        const handle = await openDatabase({ databaseUrl: databaseUrlFor(serverUrl, building) });
        try {
          await seedDemo(handle, at);
        } finally {
          await handle.close();
        }
        await waitForNoConnections(c, building);
        await c.query(`alter database ${building} rename to ${templateName}`);
      }
    } finally {
      await c.query("select pg_advisory_unlock(hashtext($1))", [templateName]);
    }
  });
  return createTestDatabaseFrom(serverUrl, templateName);
}
