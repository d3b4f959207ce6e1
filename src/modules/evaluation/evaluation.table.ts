/** Evaluation (issue 6): conflicts of interest, scores, moderation, tie decisions. `Database` (src/db/database.ts) extends this. */
import type { Selectable } from "kysely";

export const DECLARATIONS = ["none", "conflict"] as const;
export type Declaration = (typeof DECLARATIONS)[number];

/** An assigned evaluator's declaration of conflicts of interest, before seeing the bids. */
export interface EvaluatorDeclarationsTable {
  authority_id: string;
  tender_id: string;
  user_id: string;
  declaration: Declaration;
  /** The conflict, described ("" for none). */
  description: string;
  declared_at: Date;
}

/** One evaluator's score of one compliant bid on one scored (leaf) criterion, with the reason. */
export interface EvaluationScoresTable {
  authority_id: string;
  tender_id: string;
  user_id: string;
  bid_id: string;
  criterion_id: string;
  score: number;
  reason: string;
  scored_at: Date;
}

/** An evaluator's complete scoresheet, submitted: their scores are fixed from then. */
export interface EvaluationSubmissionsTable {
  authority_id: string;
  tender_id: string;
  user_id: string;
  submitted_at: Date;
}

/** The agreed score and reason per bid and criterion, recorded at moderation. */
export interface ModeratedScoresTable {
  authority_id: string;
  tender_id: string;
  bid_id: string;
  criterion_id: string;
  score: number;
  reason: string;
  moderated_by: string;
  moderated_at: Date;
}

/** The commissioner's recorded order of bids tied on total and quality (best first), with the reason. */
export interface TieDecisionsTable {
  authority_id: string;
  tender_id: string;
  bid_order: string[];
  reason: string;
  decided_by: string;
  decided_at: Date;
}

export interface EvaluationTables {
  evaluator_declarations: EvaluatorDeclarationsTable;
  evaluation_scores: EvaluationScoresTable;
  evaluation_submissions: EvaluationSubmissionsTable;
  moderated_scores: ModeratedScoresTable;
  tie_decisions: TieDecisionsTable;
}

export type EvaluationScore = Selectable<EvaluationScoresTable>;
export type ModeratedScore = Selectable<ModeratedScoresTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends EvaluationTables {}
}
