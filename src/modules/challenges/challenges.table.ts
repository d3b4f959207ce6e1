/** The Community Right to Challenge (issue 4, items 6-9): the module's tables, typed once. `Database` (src/db/database.ts) extends this. */
// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface ChallengeTables {}
