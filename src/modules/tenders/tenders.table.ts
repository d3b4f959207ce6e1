/** Tenders and sealed electronic bids (issue 5): the module's tables, typed once. `Database` (src/db/database.ts) extends this. */
// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface TenderTables {}
