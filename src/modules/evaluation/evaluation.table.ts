/** Evaluation (issue 6): conflicts of interest, scores, moderation, tie decisions. `Database` (src/db/database.ts) extends this. */

// biome-ignore lint/suspicious/noEmptyInterface: the module's tables are added here.
export interface EvaluationTables {}
