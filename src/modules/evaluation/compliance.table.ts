/** The compliance check of opened bids and the three-bid rule (issue 5, item 7). `Database` (src/db/database.ts) extends this. */

// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface ComplianceTables {}
