/** SQL for the seeding framework: which seeds have run (`seed_runs`). */
import type { Db, Trx } from "../db/database.ts";

export async function seedsRun(db: Db): Promise<Set<string>> {
  return new Set((await db.selectFrom("seed_runs").select("name").execute()).map((r) => r.name));
}

/** Records a seed as run; false when another start got there first (its row was taken). */
export async function claimSeed(trx: Trx, name: string, at: Date): Promise<boolean> {
  const claimed = await trx
    .insertInto("seed_runs")
    .values({ name, applied_at: at })
    .onConflict((oc) => oc.column("name").doNothing())
    .returning("name")
    .executeTakeFirst();
  return claimed !== undefined;
}

/** Whether the database was created for a demonstration; undefined before it is recorded. */
export async function deploymentDemo(db: Db): Promise<boolean | undefined> {
  return (await db.selectFrom("deployment").select("demo").executeTakeFirst())?.demo;
}

/** Records the mode once; the mode recorded first stands. */
export async function recordDeployment(db: Db, demo: boolean, at: Date): Promise<boolean> {
  await db
    .insertInto("deployment")
    .values({ id: true, demo, recorded_at: at })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
  return (await deploymentDemo(db)) ?? demo;
}
