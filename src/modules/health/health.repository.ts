/** The database's answer to the readiness check. */
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { pendingMigrations } from "../../db/migrate.ts";

/** Throws unless the database answers a query. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Whether every migration has been applied. */
export async function migrationsApplied(db: Db): Promise<boolean> {
  return (await pendingMigrations(db)).length === 0;
}
