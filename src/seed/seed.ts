/**
 * The seeding framework. A seed is a named, one-time step recorded in `seed_runs`, run in its own
 * transaction (with its audit events). Reference seeds run everywhere; demo seeds only when demo
 * mode is on and the database was created in demo mode: the mode is recorded in `deployment` when a
 * database is first seeded, and demo mode is refused on a database created without it
 * (`DemoModeRefusedError`), so a deployment never gains the demo accounts and their published
 * password. Later issues add their seeds to the list in `src/seed/seeds.ts`, after the ones they
 * build on.
 */
import type { Db, Trx } from "../db/database.ts";
import { transaction } from "../db/transaction.ts";
import type { Clock } from "../lib/clock.ts";
import { type Ctx, systemCtx } from "../modules/access/context.ts";
import { withoutEmail } from "../modules/notifications/notifications.service.ts";
import { claimSeed, deploymentDemo, recordDeployment, seedsRun } from "./seed.repository.ts";

/** Demo mode asked for on a database that was created without it. */
export class DemoModeRefusedError extends Error {
  constructor() {
    super(
      "This database was created without demo mode, so demo data (accounts with a published password) will not be added to it. Start without OPENPS_DEMO=true (or --demo), or use a new data directory (OPENPS_DATA_DIR) for a demonstration.",
    );
    this.name = "DemoModeRefusedError";
  }
}

/**
 * The database's mode: recorded now if it has none (a database seeded before the mode was recorded
 * is a demo one if its demo seeds ran), and demo mode refused on one created without it.
 */
export async function settleDeploymentMode(
  db: Db,
  clock: Clock,
  seeds: readonly Seed[],
  options: { demo: boolean },
): Promise<boolean> {
  let recorded = await deploymentDemo(db);
  if (recorded === undefined) {
    const done = await seedsRun(db);
    const ranDemo = seeds.some((seed) => seed.demo && done.has(seed.name));
    recorded = await recordDeployment(db, done.size > 0 ? ranDemo : options.demo, clock.now());
  }
  if (options.demo && !recorded) throw new DemoModeRefusedError();
  return recorded && options.demo;
}

export interface SeedContext {
  trx: Trx;
  clock: Clock;
  /** The same, as services take it: the system ("seed") acting, in the seed's transaction. */
  ctx: Ctx;
}

export interface Seed {
  /** Unique and stable: renaming a seed makes it run again. */
  name: string;
  description: string;
  /** Demo data (fictional) rather than reference data every deployment needs. */
  demo: boolean;
  run(ctx: SeedContext): Promise<void>;
}

export interface SeedResult {
  applied: string[];
  skipped: string[];
}

export async function runSeeds(
  db: Db,
  clock: Clock,
  seeds: readonly Seed[],
  options: { demo: boolean },
): Promise<SeedResult> {
  const names = new Set<string>();
  for (const seed of seeds) {
    if (names.has(seed.name)) throw new Error(`Two seeds are named ${seed.name}`);
    names.add(seed.name);
  }
  const demo = await settleDeploymentMode(db, clock, seeds, options);
  const done = await seedsRun(db);
  const result: SeedResult = { applied: [], skipped: [] };
  for (const seed of seeds) {
    if (done.has(seed.name) || (seed.demo && !demo)) {
      result.skipped.push(seed.name);
      continue;
    }
    await transaction(db, async (trx) => {
      // Taking the row first makes two concurrent starts agree on who seeds.
      if (!(await claimSeed(trx, seed.name, clock.now()))) return;
      // Demo data fills inboxes but never queues email to the made-up people in it.
      await withoutEmail(() => seed.run({ trx, clock, ctx: systemCtx(trx, clock, "seed") }));
      result.applied.push(seed.name);
    });
  }
  return result;
}
