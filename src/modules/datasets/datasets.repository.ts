/** The open datasets' SQL: when each last changed. Every function takes the database or a transaction first. */
import { sql } from "kysely";
import type { Db, Trx } from "../../db/database.ts";
import type { DatasetChangesTable } from "./datasets.table.ts";

/**
 * Notes changes of datasets, each for an authority at a time: the later of the time kept and the
 * one given. Each (authority, dataset) once in `changes`.
 */
export async function noteChanges(trx: Trx, changes: readonly DatasetChangesTable[]): Promise<void> {
  if (changes.length === 0) return;
  await trx
    .insertInto("dataset_changes")
    .values([...changes])
    .onConflict((oc) =>
      oc.columns(["authority_id", "dataset"]).doUpdateSet({
        changed_at: sql`greatest(dataset_changes.changed_at, excluded.changed_at)`,
      }),
    )
    .execute();
}

/** When each of these datasets last changed, of any authority: each the end of an index, never a scan. */
export async function lastChanges(db: Db, datasets: readonly string[]): Promise<Map<string, Date>> {
  if (datasets.length === 0) return new Map();
  const { rows } = await sql<{ dataset: string; changed_at: Date }>`
    select d.dataset, latest.changed_at
    from unnest(array[${sql.join([...datasets])}]::text[]) as d (dataset)
    cross join lateral (
      select c.changed_at from dataset_changes c
      where c.dataset = d.dataset
      order by c.changed_at desc
      limit 1
    ) as latest`.execute(db);
  return new Map(rows.map((row) => [row.dataset, row.changed_at]));
}
