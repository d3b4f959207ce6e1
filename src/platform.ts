/**
 * Starting and stopping the whole platform: open the database (taking the embedded database's lock),
 * apply migrations, seed what has not been seeded, build the app and start the job runner. Used by
 * `server.ts`; tests use `buildApp` directly with a test database.
 */
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import type { Config } from "./config/config.ts";
import { type DatabaseHandle, openDatabase } from "./db/connect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { AppDeps } from "./http/context.ts";
import { type Clock, systemClock } from "./lib/clock.ts";
import { localFileStore } from "./lib/file-store.ts";
import { runSeeds, type SeedResult } from "./seed/seed.ts";
import { seeds } from "./seed/seeds.ts";

export interface Platform {
  app: FastifyInstance;
  database: DatabaseHandle;
  seeded: SeedResult;
  close(): Promise<void>;
}

/** Opens the configured database, takes its lock if embedded, and brings its schema up to date. */
export async function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, lock: true });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

export function appDeps(config: Config, database: DatabaseHandle, clock: Clock): AppDeps {
  return {
    config,
    db: database.db,
    dbKind: database.kind,
    clock,
    files: localFileStore({ root: path.join(config.dataDir, "files"), maxBytes: config.maxUploadBytes }),
    mailer: undefined,
  };
}

export async function startPlatform(config: Config, clock: Clock = systemClock): Promise<Platform> {
  const database = await openConfiguredDatabase(config);
  try {
    const seeded = await runSeeds(database.db, clock, seeds, { demo: config.demo });
    const deps = appDeps(config, database, clock);
    const app = await buildApp(deps);
    let closed = false;
    return {
      app,
      database,
      seeded,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await app.close();
        } finally {
          await database.close();
        }
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
