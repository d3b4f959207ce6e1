/** Finding opportunities (issue 5, item 3): saved searches and their alerts. `Database` (src/db/database.ts) extends this. */

// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface OpportunityTables {}
