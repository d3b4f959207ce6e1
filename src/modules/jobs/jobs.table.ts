import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

export type JobStatus = "pending" | "running" | "done" | "failed";

export interface JobsTable {
  id: string;
  queue: string;
  payload: ColumnType<unknown, string, string>;
  status: JobStatus;
  run_at: Date;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  locked_until: Date | null;
  last_error: string | null;
  dedupe_key: string | null;
  authority_id: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export type Job = Selectable<JobsTable>;
export type NewJob = Insertable<JobsTable>;
export type JobUpdate = Updateable<JobsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    jobs: JobsTable;
  }
}
