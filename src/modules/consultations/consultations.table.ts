/** Consultations on a service's shape and on policy (issue 4, item 5): the module's tables, typed once. `Database` (src/db/database.ts) extends this. */
// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface ConsultationTables {}
