/** The record of each demo scale-up (src/db/migrations/2026-12-09-01-demo-scale-runs.ts). */
import type { ColumnType } from "kysely";

/** How many of each kind a run makes, or where its ordinals start. */
export interface KindCounts {
  organisations: number;
  locations: number;
  tenders: number;
}

/** jsonb: written as JSON text, read as the object. */
type Json<T> = ColumnType<T, string, string>;

export interface DemoScaleRunsTable {
  seed: string;
  /** The factor as given, in its shortest decimal form ("0.01", "1", "100"). */
  factor: string;
  /** The instant the data was generated around: the demo clock's time when the run started. */
  generated_at: Date;
  first_ordinals: Json<KindCounts>;
  planned: Json<KindCounts>;
  started_at: Date;
  finished_at: Date | null;
  /** Rows added to each table, once finished. */
  added: ColumnType<Record<string, number> | null, string | null, string | null>;
}

/** This folder's table in the `Database` interface (src/db/database.ts). */
declare module "../../../db/database.ts" {
  interface Database {
    demo_scale_runs: DemoScaleRunsTable;
  }
}
