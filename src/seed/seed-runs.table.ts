export interface SeedRunsTable {
  name: string;
  applied_at: Date;
}

/** Whether the database was created for a demonstration (one row, recorded when first seeded). */
export interface DeploymentTable {
  id: boolean;
  demo: boolean;
  recorded_at: Date;
}

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../db/database.ts" {
  interface Database {
    seed_runs: SeedRunsTable;
    deployment: DeploymentTable;
  }
}
