/** SQL for the demo clock's one row (`demo_clock`). */
import type { Db, Trx } from "../../db/database.ts";

/** How many days ahead the demo clock runs: 0 with no row. */
export async function offsetDays(db: Db): Promise<number> {
  return (await db.selectFrom("demo_clock").select("offset_days").executeTakeFirst())?.offset_days ?? 0;
}

/** The same, the row locked until the transaction ends, so that two moves do not both count from one. */
export async function lockOffsetDays(trx: Trx): Promise<number> {
  const row = await trx.selectFrom("demo_clock").select("offset_days").forUpdate().executeTakeFirst();
  return row?.offset_days ?? 0;
}

export async function saveOffsetDays(
  trx: Trx,
  row: { offsetDays: number; changedAt: Date; changedBy: string },
): Promise<void> {
  const values = { offset_days: row.offsetDays, changed_at: row.changedAt, changed_by: row.changedBy };
  await trx
    .insertInto("demo_clock")
    .values({ id: true, ...values })
    .onConflict((oc) => oc.column("id").doUpdateSet(values))
    .execute();
}
