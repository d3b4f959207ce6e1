/** Regulation of providers: registration, inspections and ratings, enforcement, profiles (issue 7): the module's tables, typed once. `Database` (src/db/database.ts) extends this. */
// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface RegulationTables {}
