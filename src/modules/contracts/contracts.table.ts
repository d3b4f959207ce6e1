/** Contracts (issue 6, items 8–11): contracts, KPIs, performance reports and ratings, amendments, termination. `Database` (src/db/database.ts) extends this. */

// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface ContractTables {}
