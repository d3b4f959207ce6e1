import { sql } from "kysely";
import { pendingMigrations } from "../../db/migrate.ts";
import type { AppDeps } from "../../http/context.ts";

export interface Readiness {
  status: "ok" | "unavailable";
  database: "pglite" | "postgres";
  checks: { database: boolean; migrations: boolean };
  time: string;
}

export async function checkReadiness(deps: Pick<AppDeps, "db" | "dbKind" | "clock">): Promise<Readiness> {
  let database = false;
  let migrations = false;
  try {
    await sql`select 1`.execute(deps.db);
    database = true;
    migrations = (await pendingMigrations(deps.db)).length === 0;
  } catch {
    // reported as unavailable
  }
  return {
    status: database && migrations ? "ok" : "unavailable",
    database: deps.dbKind,
    checks: { database, migrations },
    time: deps.clock.now().toISOString(),
  };
}
