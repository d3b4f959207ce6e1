/** The open datasets' one table (migration `2026-12-13-02-dataset-changes`). */

/**
 * When each dataset last changed for each authority (the platform's chain, the nil UUID, for changes
 * of no authority), as the audit trail recorded it: kept in the change's own transaction, so that a
 * row withdrawn or deleted — which leaves no time of its own in the data — still dates its dataset.
 * One row per authority, so that two authorities' changes never wait on each other.
 */
export interface DatasetChangesTable {
  authority_id: string;
  dataset: string;
  changed_at: Date;
}

declare module "../../db/database.ts" {
  interface Database {
    dataset_changes: DatasetChangesTable;
  }
}
