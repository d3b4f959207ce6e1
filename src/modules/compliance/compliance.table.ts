/** The compliance check of opened bids and the three-bid rule (issue 5, item 7). `Database` (src/db/database.ts) extends this. */
import type { Insertable, Selectable } from "kysely";

export const COMPLIANCE_OUTCOMES = ["compliant", "excluded"] as const;
export type ComplianceOutcome = (typeof COMPLIANCE_OUTCOMES)[number];
export const RESERVED_AWARD_SOURCES = ["recorded", "tender"] as const;
export type ReservedAwardSource = (typeof RESERVED_AWARD_SOURCES)[number];

/**
 * The authority's register of contracts reserved to public service mutuals (Procurement Act 2023,
 * s.33), for the 3-year comparable-contract bar: those recorded by its commissioners (awarded before
 * the platform) and those awarded through a tender here. A tenant table keyed by (authority_id, id).
 */
export interface ReservedContractAwardsTable {
  authority_id: string;
  id: string;
  organisation_id: string;
  /** The kind of services: a service category. */
  category_code: string;
  /** YYYY-MM-DD. */
  awarded_on: string;
  title: string;
  /** The contract's own reference, if any ("" for none). */
  reference: string;
  source: ReservedAwardSource;
  /** The tender it was awarded through (source "tender"). */
  tender_id: string | null;
  /** Null when the platform recorded it. */
  recorded_by: string | null;
  recorded_at: Date;
}

/**
 * A bid's compliance decision. `automatic` decisions are the platform's (a broken seal); the others
 * a commissioner's, with the s.33 findings as they stood on `reserved_checked_on` (reserved tenders).
 */
export interface ComplianceDecisionsTable {
  authority_id: string;
  tender_id: string;
  bid_id: string;
  outcome: ComplianceOutcome;
  /** The commissioner's own reasons for excluding ("" for none). */
  reason: string;
  /** Reasons the platform generated: a broken seal, a failed s.33 check. */
  automatic_reasons: string[];
  /** YYYY-MM-DD (London): the date the reserved checks were made; null for unreserved tenders. */
  reserved_checked_on: string | null;
  qualifying_mutual: boolean | null;
  /** The comparable reserved contract that bars the lead, if any. */
  bar_award_id: string | null;
  automatic: boolean;
  decided_by: string | null;
  decided_at: Date;
}

/** A decision per condition of participation (by its position): met, or not met with a reason. */
export interface ComplianceConditionsTable {
  authority_id: string;
  tender_id: string;
  bid_id: string;
  position: number;
  met: boolean;
  reason: string;
}

/** Evaluation started: who, when, the count of compliant bids and the three-bid rule's justification. */
export interface TenderEvaluationsTable {
  authority_id: string;
  tender_id: string;
  started_by: string;
  started_at: Date;
  bids_count: number;
  compliant_count: number;
  /** Why fewer than three compliant bids suffice; published with the award. */
  justification: string | null;
  publish_with_award: boolean;
}

export interface ComplianceTables {
  reserved_contract_awards: ReservedContractAwardsTable;
  compliance_decisions: ComplianceDecisionsTable;
  compliance_conditions: ComplianceConditionsTable;
  tender_evaluations: TenderEvaluationsTable;
}

export type ReservedContractAward = Selectable<ReservedContractAwardsTable>;
export type NewReservedContractAward = Insertable<ReservedContractAwardsTable>;
export type ComplianceDecision = Selectable<ComplianceDecisionsTable>;
export type ComplianceCondition = Selectable<ComplianceConditionsTable>;
export type TenderEvaluation = Selectable<TenderEvaluationsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends ComplianceTables {}
}
