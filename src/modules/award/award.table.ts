/**
 * Award decisions, the bidders' assessment summaries and standstill challenges (issue 6). The
 * contracts module enters a contract from an award through `award-handover.ts`. `Database`
 * (src/db/database.ts) extends this.
 */
import type { Selectable } from "kysely";

/** What is stored; "in standstill" and "standstill over" are derived from the clock. */
export const AWARD_STATUSES = ["awarded", "suspended", "contracted", "withdrawn"] as const;
export type AwardStatus = (typeof AWARD_STATUSES)[number];
export const CHALLENGE_OUTCOMES = ["dismissed", "upheld-reevaluate", "upheld-cancel"] as const;
export type ChallengeOutcome = (typeof CHALLENGE_OUTCOMES)[number];

/** A member of the winning consortium, as the opened bid named it. */
export interface AwardConsortiumMember {
  organisationId: string | null;
  name: string;
  role: "partner" | "subcontractor";
  sector: string;
  sizeBand: string;
  shareBp: number;
}

/** A tender's award to a bid. A tenant table keyed by (authority_id, id). */
export interface TenderAwardsTable {
  authority_id: string;
  id: string;
  tender_id: string;
  bid_id: string;
  /** The supplier: the winning bid's lead organisation. */
  organisation_id: string;
  supplier_name: string;
  /** The lead's share of the value in basis points (10,000 alone). */
  lead_share_bp: number;
  consortium: AwardConsortiumMember[];
  /** Integer pence: the winning price (the published price for fixed-price tenders). */
  value_pence: bigint;
  /** The regulated activity the contract requires, if any (checked against registration). */
  regulated_activity: string | null;
  /** Published with the award when fewer than three bids were compliant. */
  three_bid_justification: string | null;
  status: AwardStatus;
  decided_by: string;
  decided_at: Date;
  notice_published_at: Date;
  /** Midnight Europe/London at the end of the 8th working day (src/lib/working-days.ts). */
  standstill_ends_at: Date;
  contract_id: string | null;
  withdrawn_at: Date | null;
  withdrawn_reason: string | null;
}

/** A challenge lodged by a bidder during standstill; while undecided, the award is suspended. */
export interface AwardChallengesTable {
  authority_id: string;
  id: string;
  award_id: string;
  tender_id: string;
  organisation_id: string;
  lodged_by: string;
  lodged_at: Date;
  grounds: string;
  outcome: ChallengeOutcome | null;
  outcome_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
}

/** One criterion of a bidder's assessment summary, as sent. */
export interface AssessedCriterion {
  criterionId: string;
  title: string;
  kind: "quality" | "social-value" | "price" | "accreditation";
  weightBp: number;
  /** The agreed score (quality, social value), or null for price. */
  score: number | null;
  scaleMax: number;
  /** The agreed reason (quality, social value); the price for price. */
  reason: string;
  pointsShown: string;
  working: string;
}

/** A bidder's assessment summary as sent with the award (ranked, or excluded with reasons). */
export interface AwardAssessmentsTable {
  authority_id: string;
  award_id: string;
  bid_id: string;
  organisation_id: string | null;
  bidder_name: string;
  outcome: "ranked" | "excluded";
  rank: number | null;
  total_shown: string | null;
  quality_shown: string | null;
  price_shown: string | null;
  price_pence: bigint | null;
  criteria: AssessedCriterion[];
  exclusion_reasons: string[];
}

export interface AwardTables {
  tender_awards: TenderAwardsTable;
  award_assessments: AwardAssessmentsTable;
  award_challenges: AwardChallengesTable;
}

export type TenderAward = Selectable<TenderAwardsTable>;
export type AwardChallenge = Selectable<AwardChallengesTable>;
export type AwardAssessment = Selectable<AwardAssessmentsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends AwardTables {}
}
