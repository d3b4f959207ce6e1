/**
 * When each open dataset last changed (issue 16, item 5), as the audit trail records its changes:
 * a row withdrawn or deleted leaves no change time of its own in the data, so the datasets' "last
 * updated" (and their downloads' ETag and Last-Modified) kept only from the rows' times missed it.
 * One row per authority and dataset, written in the change's transaction (which already holds that
 * authority's audit chain); read as the end of an index on each dataset's times.
 *
 * Frozen: never import app code.
 */
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table dataset_changes (
      authority_id uuid not null,
      dataset text not null check (char_length(dataset) between 1 and 100),
      changed_at timestamptz not null,
      primary key (authority_id, dataset)
    )`.execute(db);
  await sql`create index dataset_changes_latest on dataset_changes (dataset, changed_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists dataset_changes`.execute(db);
}
