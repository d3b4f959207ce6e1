/** Readiness: the database answers and every migration is applied. */
import type { EmbeddedMemory } from "../../db/connect.ts";
import type { Ctx } from "../access/context.ts";
import * as repo from "./health.repository.ts";

export interface Readiness {
  status: "ok" | "unavailable";
  database: "pglite" | "postgres";
  checks: { database: boolean; migrations: boolean };
  time: string;
  /** The embedded database's memory, in bytes: absent on a PostgreSQL server. */
  memory?: EmbeddedMemory;
}

/**
 * Whether the service is ready, and what was checked; with the embedded database's memory when
 * `memory` tells it. Public; never throws.
 */
export async function checkReadiness(
  ctx: Pick<Ctx, "db" | "clock">,
  database: Readiness["database"],
  memory?: () => Promise<EmbeddedMemory>,
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
  const used = await memory?.().catch(() => undefined);
  return {
    status: answers && migrations ? "ok" : "unavailable",
    database,
    checks: { database: answers, migrations },
    time: ctx.clock.now().toISOString(),
    ...(used ? { memory: used } : {}),
  };
}
