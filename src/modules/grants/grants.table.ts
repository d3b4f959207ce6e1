/**
 * The grants module's tables (migration `2026-12-23-01-grants`): programmes, applications and the
 * payments of awards.
 */
import type { ColumnType, Insertable, Selectable } from "kysely";
import type { EligibilityRule } from "./eligibility.ts";

export const SUPPORT_KINDS = ["grant", "adviser-time"] as const;
export type SupportKind = (typeof SUPPORT_KINDS)[number];

export const APPLICATION_STATUSES = ["submitted", "awarded", "refused"] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** A date column: written as YYYY-MM-DD, read as it (the type parsers keep dates as text). */
type DateText = string;

export interface GrantProgrammesTable {
  id: string;
  /** The funder when it is an authority (its tenant); null when an organisation funds it. */
  authority_id: string | null;
  /** The funder when it is an organisation of the directory. */
  funder_organisation_id: string | null;
  title: string;
  description: string;
  budget_pence: bigint;
  /** The sum of the programme's awards: kept with each award, never above the budget. */
  awarded_pence: ColumnType<bigint, bigint | undefined, bigint>;
  opens_on: DateText;
  closes_on: DateText;
  eligibility: ColumnType<EligibilityRule[], string, string>;
  /** The share of an award the applicant funds itself, in basis points. */
  matched_funding_bp: number;
  support_kinds: SupportKind[];
  created_by: string | null;
  created_at: Date;
}

export interface GrantApplicationsTable {
  id: string;
  programme_id: string;
  organisation_id: string;
  support_kind: SupportKind;
  purpose: string;
  amount_pence: bigint;
  matched_pence: bigint;
  context: ColumnType<string, string | undefined, string>;
  /** Another module's record the application is about, as an opaque typed reference. */
  context_type: string | null;
  context_id: string | null;
  planned_start: DateText | null;
  planned_end: DateText | null;
  status: ApplicationStatus;
  submitted_by: string | null;
  submitted_at: Date;
  awarded_pence: bigint | null;
  conditions: ColumnType<string, string | undefined, string>;
  reasons: ColumnType<string, string | undefined, string>;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface GrantPaymentsTable {
  id: string;
  application_id: string;
  amount_pence: bigint;
  paid_on: DateText;
  idempotency_key: string;
  recorded_by: string | null;
  recorded_at: Date;
}

export interface GrantsTables {
  grant_programmes: GrantProgrammesTable;
  grant_applications: GrantApplicationsTable;
  grant_payments: GrantPaymentsTable;
}

export type GrantProgramme = Selectable<GrantProgrammesTable>;
export type GrantApplication = Selectable<GrantApplicationsTable>;
export type NewGrantApplication = Insertable<GrantApplicationsTable>;
export type GrantPayment = Selectable<GrantPaymentsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends GrantsTables {}
}
