/**
 * Delegation of services to neighbourhood councils (issue 21, item 6): the tables are in
 * `src/db/migrations/2026-12-24-07-delegations.ts`. `Database` (src/db/database.ts) extends this.
 */
import type { Selectable } from "kysely";

/** What is stored: active until ended. "Under review" is worked out from the review date (review.ts). */
export const STORED_STATUSES = ["active", "ended"] as const;
export type StoredStatus = (typeof STORED_STATUSES)[number];

/** How a delivery report rates the body's work against a standard. */
export const RATINGS = ["met", "partly", "not-met"] as const;
export type Rating = (typeof RATINGS)[number];

export interface DelegationsTable {
  authority_id: string;
  id: string;
  service_id: string;
  /** The part of the service in an area (the areas list); null: the whole service. */
  area_code: string | null;
  organisation_id: string;
  /** The delegated budget a year, integer pence. */
  budget_pence: bigint;
  standards: string[];
  starts_on: string;
  review_on: string;
  status: StoredStatus;
  last_reviewed_on: string | null;
  review_note: string | null;
  ended_on: string | null;
  end_reasons: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DelegationReportsTable {
  authority_id: string;
  id: string;
  delegation_id: string;
  period_from: string;
  period_to: string;
  delivered: string;
  spent_pence: bigint;
  /** Against each standard, in the delegation's order. */
  ratings: Rating[];
  notes: string[];
  submitted_by: string | null;
  submitted_at: Date;
}

export type Delegation = Selectable<DelegationsTable>;
export type DelegationReport = Selectable<DelegationReportsTable>;

export interface DelegationsTables {
  delegations: DelegationsTable;
  delegation_reports: DelegationReportsTable;
}

declare module "../../db/database.ts" {
  interface Database extends DelegationsTables {}
}
