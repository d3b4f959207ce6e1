export interface SeedRunsTable {
  name: string;
  applied_at: Date;
}
