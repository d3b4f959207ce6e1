export interface SeedRunsTable {
  name: string;
  applied_at: Date;
}

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../db/database.ts" {
  interface Database {
    seed_runs: SeedRunsTable;
  }
}
