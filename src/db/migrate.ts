import { type Kysely, type MigrationResultSet, Migrator } from "kysely";
import type { Config } from "../config/config.ts";
import { type DatabaseHandle, type OpenDatabaseOptions, openDatabase } from "./connect.ts";
import { migrations } from "./migrations/index.ts";

function migrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

export class MigrationFailedError extends Error {
  constructor(name: string | undefined, cause: unknown) {
    super(
      `Migration ${name ?? "(unknown)"} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "MigrationFailedError";
  }
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const result: MigrationResultSet = await migrator(db as unknown as Kysely<unknown>).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new MigrationFailedError(failed?.migrationName, result.error);
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Names of migrations not yet applied (readiness fails while any remain). */
export async function pendingMigrations<DB>(db: Kysely<DB>): Promise<string[]> {
  const all = await migrator(db as unknown as Kysely<unknown>).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * The database the settings name (the PostgreSQL server of DATABASE_URL, or the embedded one in the
 * data directory, locked for this process), with every migration applied. `shortLived` for a
 * command, `worker` and `onEmbeddedStopped` for the server (openDatabase).
 */
export async function openConfiguredDatabase(
  config: Config,
  options: Pick<OpenDatabaseOptions, "shortLived" | "worker" | "onEmbeddedStopped"> = {},
): Promise<DatabaseHandle> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    lock: true,
    shortLived: options.shortLived ?? false,
    worker: options.worker ?? false,
    onEmbeddedStopped: options.onEmbeddedStopped,
  });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
