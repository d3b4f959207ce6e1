/** Readiness: the database answers and every migration is applied. */
import type { Ctx } from "../access/context.ts";
import * as repo from "./health.repository.ts";

export interface Readiness {
  status: "ok" | "unavailable";
  database: "pglite" | "postgres";
  checks: { database: boolean; migrations: boolean };
  time: string;
}

/** Whether the service is ready, and what was checked. Public; never throws. */
export async function checkReadiness(
  ctx: Pick<Ctx, "db" | "clock">,
  database: Readiness["database"],
): Promise<Readiness> {
  let answers = false;
  let migrations = false;
  try {
    await repo.ping(ctx.db);
    answers = true;
    migrations = await repo.migrationsApplied(ctx.db);
  } catch {
    // reported as unavailable
  }
  return {
    status: answers && migrations ? "ok" : "unavailable",
    database,
    checks: { database: answers, migrations },
    time: ctx.clock.now().toISOString(),
  };
}
