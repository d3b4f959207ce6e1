/**
 * The annual prize for public service innovation (issue 20, item 8): rounds, their categories,
 * nominations (duplicates merged) and those who sent them, the judging panel, its declarations and
 * conflicts, and scores. The tables are in `src/db/migrations/2026-12-23-05-prize.ts`. `Database`
 * (src/db/database.ts) extends this.
 */
import type { Selectable } from "kysely";

export interface PrizeRoundsTable {
  /** The organiser: a public body, whose commissioners and administrators run the round. */
  authority_id: string;
  id: string;
  year: number;
  title: string;
  /** London dates: nominations are taken from the first through the second, inclusive. */
  nominations_open_on: string;
  nominations_close_on: string;
  /** The day the shortlist is announced (published on or after it). */
  shortlist_on: string;
  /** The day the winners are announced (published on or after it). */
  winners_on: string;
  /** How many nominees a category's shortlist holds (more when tied at the last place). */
  shortlist_size: number;
  shortlist_published_at: Date | null;
  winners_published_at: Date | null;
  created_by: string | null;
  created_at: Date;
}

export interface PrizeCategoriesTable {
  authority_id: string;
  round_id: string;
  id: string;
  position: number;
  title: string;
}

export interface PrizeNominationsTable {
  authority_id: string;
  round_id: string;
  id: string;
  category_id: string;
  /** Who the nominee is, for merging duplicates: `organisation:<id>` or `team:<owner id>:<name lower-cased>`. */
  nominee_key: string;
  /** A provider of the directory… */
  organisation_id: string | null;
  /** …or a team, named, of an organisation or of a public body. */
  team_name: string | null;
  team_organisation_id: string | null;
  team_authority_id: string | null;
  /** Its place on the published shortlist (1 is first; tied nominees share a place), or null. */
  shortlist_rank: number | null;
  won: boolean;
  /** The panel's citation of a winner. */
  citation: string;
  created_at: Date;
}

export interface PrizeNominatorsTable {
  authority_id: string;
  nomination_id: string;
  id: string;
  /** Signed in: the user; the public: null, with a name and an email. Never published. */
  user_id: string | null;
  name: string;
  email: string;
  /** Sent for an organisation its sender is a member of: its name is what is published. */
  on_behalf_of: string | null;
  reasons: string;
  /** Links to evidence, one a line. */
  evidence: string;
  sent_at: Date;
}

export interface PrizeJudgesTable {
  authority_id: string;
  round_id: string;
  user_id: string;
  appointed_by: string | null;
  appointed_at: Date;
}

export interface PrizeDeclarationsTable {
  authority_id: string;
  round_id: string;
  user_id: string;
  declared_at: Date;
}

export interface PrizeConflictsTable {
  authority_id: string;
  round_id: string;
  user_id: string;
  nomination_id: string;
  description: string;
  declared_at: Date;
}

export interface PrizeScoresTable {
  authority_id: string;
  round_id: string;
  nomination_id: string;
  user_id: string;
  score: number;
  comment: string;
  scored_at: Date;
}

export interface PrizeTables {
  prize_rounds: PrizeRoundsTable;
  prize_categories: PrizeCategoriesTable;
  prize_nominations: PrizeNominationsTable;
  prize_nominators: PrizeNominatorsTable;
  prize_judges: PrizeJudgesTable;
  prize_declarations: PrizeDeclarationsTable;
  prize_conflicts: PrizeConflictsTable;
  prize_scores: PrizeScoresTable;
}

export type PrizeRound = Selectable<PrizeRoundsTable>;
export type PrizeCategory = Selectable<PrizeCategoriesTable>;
export type PrizeNomination = Selectable<PrizeNominationsTable>;
export type PrizeNominator = Selectable<PrizeNominatorsTable>;
export type PrizeScore = Selectable<PrizeScoresTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends PrizeTables {}
}
