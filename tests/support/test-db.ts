/**
 * A fresh, migrated database for a test: in-memory PGlite by default, or — when DATABASE_URL is
 * set (as `.ci/run` does for the second run) — a new database on that PostgreSQL server, cloned
 * from a migrated template made once by the global set-up.
 *
 * A test process keeps the databases its tests have finished with (`destroy`) and hands them out
 * again, put back as their template was (reuse.ts): starting PGlite costs seconds of CPU (its
 * WebAssembly and a 40 MB data directory), creating and dropping a database on the server a
 * checkpoint each.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import pg from "pg";
import { inject } from "vitest";
import { createPGlite, type DatabaseHandle, embeddedInProcess, openDatabase } from "../../src/db/connect.ts";
import type { Database, Db } from "../../src/db/database.ts";
import { PGliteDialect } from "../../src/db/pglite-dialect.ts";
import { guardedDialect } from "../../src/db/transaction.ts";
import { putBack, Reusable, type Session, type TemplateState, templateStateOf } from "./reuse.ts";
import { fromCache, templateDigest } from "./template-cache.ts";

export const TEMPLATE_DATABASE = "openps_test_template";

/** How many rows a table holds: for a test that proves a refused request wrote nothing. */
export async function rowCount(db: Db, table: keyof Database): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

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
  /** Drops the database (PostgreSQL), or gives the embedded one back to be reset and used again. */
  destroy(): Promise<void>;
}

/**
 * The master key test apps seal bids under (unless a test sets its own): one key, so that demo
 * tenders in a cached seeded database (below) open in every test app.
 */
export const TEST_TENDER_KEY = Buffer.alloc(32, 0x42).toString("base64");

/**
 * The instant most seeded tests seed the demo data at (22 November 2026, 10:00 UTC): one template
 * a run serves them all. A test that needs the demo data at no particular time uses it.
 */
export const DEMO_SEEDED_AT = new Date("2026-11-22T10:00:00Z");

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
  /**
   * On PGlite, a migrated database of its own in a worker thread, as the server runs it (not kept
   * for reuse: closed by `destroy`). Ignored on a PostgreSQL server.
   */
  worker?: boolean;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (options.seededAt) return seededTestDatabase(options.seededAt);
  const serverUrl = testDatabaseUrl();
  if (!serverUrl) {
    if (options.worker) {
      const handle = await openDatabase({
        worker: true,
        loadDataDir: new Blob([fs.readFileSync(await migratedTemplate())]),
      });
      return { ...handle, destroy: () => handle.close() };
    }
    if (options.migrate !== false) return pgliteFromDump(await migratedTemplate());
    const handle = await openDatabase({});
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

// Databases on the server this process has finished with, by template (reuse.ts): each keeps a
// client of its own, which puts it back.

interface ReusableServerDatabase {
  name: string;
  client: pg.Client;
  template: TemplateState;
}

const reusableServerDatabases = new Reusable<ReusableServerDatabase>();

function clientSession(client: pg.Client): Session {
  return {
    query: async (text, params) => (await client.query(text, params)).rows,
    exec: async (script) => {
      await client.query(script);
    },
  };
}

/** A copy of `template` on the server, with a client of its own. */
async function newServerDatabase(serverUrl: string, template: string): Promise<ReusableServerDatabase> {
  const name = `openps_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  // file_copy: copying a small template's files is several times faster than logging its pages (the default).
  await withAdminClient(serverUrl, (c) =>
    c.query(`create database ${name} template ${template} strategy file_copy`),
  );
  const client = new pg.Client({ connectionString: databaseUrlFor(serverUrl, name) });
  client.on("error", () => {});
  await client.connect();
  return { name, client, template: await templateStateOf(clientSession(client)) };
}

/**
 * A database on the PostgreSQL server as `template` is: one this process has put back, or a new
 * copy. Each handle has a pool of its own, ended by `destroy` (so a handle kept after it fails);
 * the database is then put back, or dropped when it cannot be.
 */
async function createTestDatabaseFrom(serverUrl: string, template: string): Promise<TestDatabase> {
  const database = reusableServerDatabases.take(template) ?? (await newServerDatabase(serverUrl, template));
  const handle = await openDatabase({
    databaseUrl: databaseUrlFor(serverUrl, database.name),
    onConnectionError: () => {},
  });
  let destroyed = false;
  async function destroy(): Promise<void> {
    if (destroyed) return;
    destroyed = true;
    await handle.close();
    if (await putBack(clientSession(database.client), database.template)) {
      reusableServerDatabases.give(template, database);
      return;
    }
    await database.client.end().catch(() => {});
    // With (force): connections still closing are ended, not waited for.
    await withAdminClient(serverUrl, (c) => c.query(`drop database if exists ${database.name} with (force)`));
  }
  return { ...handle, close: destroy, destroy };
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

/**
 * A file (or directory) in the run's directory, made once a run: by the first test process to ask
 * (`make` writes it at the path it is given, then it is renamed, so nobody reads half of it); the
 * others wait for it to appear, watching the directory.
 */
async function madeOnce(name: string, make: (partial: string) => Promise<void>): Promise<string> {
  const file = path.join(inject("testRunDir"), name);
  if (fs.existsSync(file)) return file;
  let claim: number | undefined;
  try {
    claim = fs.openSync(`${file}.making`, "wx");
  } catch {
    // Another process is making it.
  }
  if (claim === undefined) {
    await appeared(file);
    return file;
  }
  fs.closeSync(claim);
  const partial = `${file}.${process.pid}.partial`;
  try {
    await make(partial);
    fs.renameSync(partial, file);
  } catch (error) {
    fs.writeFileSync(
      `${file}.failed`,
      error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
    throw error;
  }
  return file;
}

/** Resolves when another process has made `file` (fails when it could not). */
function appeared(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file), () => check());
    const timer = setTimeout(() => finish(new Error(`${file} did not appear within 5 minutes`)), 300_000);
    function finish(error?: Error): void {
      watcher.close();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    }
    function check(): void {
      if (fs.existsSync(file)) finish();
      else if (fs.existsSync(`${file}.failed`))
        finish(
          new Error(
            `Another test process failed to make ${file}:\n${fs.readFileSync(`${file}.failed`, "utf8")}`,
          ),
        );
    }
    check();
  });
}

/** The run's migrated template (global-setup.ts), once its maker has written it. */
async function migratedTemplate(): Promise<string> {
  const file = inject("pgliteTemplate");
  if (!fs.existsSync(file)) await appeared(file);
  return file;
}

/**
 * The dump of an embedded database, migrated and seeded at `at`, made once a run (or copied from an
 * earlier run's: template-cache.ts). Both runs have one: the CLI tests run on the embedded database
 * whatever the run.
 */
function seededPgliteDump(at: Date): Promise<string> {
  const stamp = at.getTime().toString(36);
  return madeOnce(`seeded-${stamp}.tar`, (partial) =>
    fromCache(`seeded-${templateDigest("seeded")}-${stamp}.tar`, partial, async (target) => {
      const handle = await openDatabase({
        loadDataDir: new Blob([fs.readFileSync(await migratedTemplate())]),
      });
      try {
        await seedDemo(handle, at);
        const dump = await handle.embedded?.dumpDataDir("none");
        if (!dump) throw new Error("PGlite did not dump its data directory");
        fs.writeFileSync(target, new Uint8Array(await dump.arrayBuffer()));
      } finally {
        await handle.close();
      }
    }),
  );
}

async function seededTestDatabase(at: Date): Promise<TestDatabase> {
  const serverUrl = testDatabaseUrl();
  const stamp = at.getTime().toString(36);
  if (!serverUrl) return pgliteFromDump(await seededPgliteDump(at));
  const templateName = `openps_seeded_${stamp}`;
  await withAdminClient(serverUrl, async (c) => {
    // One worker seeds a template for the instant; the others wait for it.
    await c.query("select pg_advisory_lock(hashtext($1))", [templateName]);
    try {
      const { rows } = await c.query("select 1 from pg_database where datname = $1", [templateName]);
      if (rows.length === 0) {
        const building = `${templateName}_building`;
        await c.query(`drop database if exists ${building} with (force)`);
        await c.query(`create database ${building} template ${TEMPLATE_DATABASE} strategy file_copy`);
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

/**
 * A data directory for the `openps` command or the server (OPENPS_DATA_DIR), with the embedded
 * database on disk already migrated — and seeded with every seed, demo data included, at `seededAt`
 * when given — so that the process a test spawns neither migrates nor seeds it. A copy of one
 * prepared once a run; the caller removes it (`fs.rmSync(dir, { recursive: true, force: true })`).
 */
export async function createTestDataDir(options: { seededAt?: Date } = {}): Promise<string> {
  const dump = options.seededAt ? await seededPgliteDump(options.seededAt) : await migratedTemplate();
  const prepared = await madeOnce(`${path.basename(dump)}.datadir`, async (partial) => {
    fs.mkdirSync(partial);
    const handle = await openDatabase({
      dataDir: partial,
      lock: false,
      loadDataDir: new Blob([fs.readFileSync(dump)]),
    });
    await handle.close();
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "openps-data-"));
  fs.cpSync(prepared, dir, { recursive: true });
  return dir;
}

// Embedded databases this process has finished with, by the dump they were loaded from (reuse.ts).

interface ReusablePglite {
  pglite: PGlite;
  template: TemplateState;
}

const reusablePglites = new Reusable<ReusablePglite>();

function pgliteSession(pglite: PGlite): Session {
  return {
    query: async (text, params) => (await pglite.query(text, params)).rows as never[],
    exec: async (script) => {
      await pglite.exec(script);
    },
  };
}

/**
 * A database as the dump holds it: one this process has put back, or a new one. Each handle has
 * its own Kysely on a lease of the PGlite, which refuses queries once given back, so a handle a
 * test keeps after `destroy` can never touch the next test's database.
 */
async function pgliteFromDump(dump: string): Promise<TestDatabase> {
  let entry = reusablePglites.take(dump);
  if (!entry) {
    const pglite = await createPGlite({ loadDataDir: new Blob([fs.readFileSync(dump)]) });
    entry = { pglite, template: await templateStateOf(pgliteSession(pglite)) };
  }
  const pooled = entry;
  let givenBack = false;
  const lease = new Proxy(pooled.pglite, {
    get(target, property) {
      if (property === "closed") return givenBack || target.closed;
      if (property === "close") return () => destroy();
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (givenBack) throw new Error("This test database has been destroyed.");
        return value.apply(target, args);
      };
    },
  });
  const db = new Kysely<Database>({ dialect: guardedDialect(new PGliteDialect(lease)) });
  async function destroy(): Promise<void> {
    if (givenBack) return;
    givenBack = true;
    const { pglite, template } = pooled;
    if (pglite.closed) return;
    // A transaction a test left open ends here; the session is reset as new.
    if (pglite.isInTransaction()) await pglite.exec("rollback");
    if (await putBack(pgliteSession(pglite), template)) {
      await pglite.exec("discard all");
      reusablePglites.give(dump, pooled);
    } else {
      await pglite.close();
    }
  }
  return { db, kind: "pglite", embedded: embeddedInProcess(lease), close: destroy, destroy };
}
