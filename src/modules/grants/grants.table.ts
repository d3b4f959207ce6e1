/**
 * The grants module's tables (migrations `2026-12-23-01-grants`, `2026-12-23-08-advisers` and
 * `2026-12-24-08-grant-end-reports`): programmes, applications, the payments of awards, advisers'
 * offers, the advisers assigned, and awards' end reports.
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
  /** Adviser time only: the spin-out stage (mutuals' stage id) and service area (category code) asked about. */
  advice_stage: ColumnType<string | null, string | null | undefined, string | null>;
  advice_area: ColumnType<string | null, string | null | undefined, string | null>;
  status: ApplicationStatus;
  submitted_by: string | null;
  submitted_at: Date;
  awarded_pence: bigint | null;
  conditions: ColumnType<string, string | undefined, string>;
  reasons: ColumnType<string, string | undefined, string>;
  decided_by: string | null;
  decided_at: Date | null;
  /** An award: the day its end report is due (the funder's choice, or 12 months after the award). */
  end_report_due_on: ColumnType<DateText | null, DateText | null | undefined, DateText | null>;
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

export const END_REPORT_STATUSES = ["submitted", "accepted", "returned"] as const;
export type EndReportStatus = (typeof END_REPORT_STATUSES)[number];

/** Each of the award's conditions, in order, as the end report answers it. */
export interface ConditionMet {
  met: boolean;
  note: string;
}

/**
 * An end report of an awarded grant, as its recipient submitted it, and the funder's review: one
 * row a submission (a report returned with reasons is followed by a new one, `seq` + 1).
 */
export interface GrantEndReportsTable {
  id: string;
  application_id: string;
  seq: number;
  what_it_did: string;
  spent_pence: bigint;
  reached: number | null;
  conditions: ColumnType<ConditionMet[], string, string>;
  covers_to: DateText;
  status: EndReportStatus;
  submitted_by: string | null;
  submitted_at: Date;
  reviewed_by: ColumnType<string | null, string | null | undefined, string | null>;
  reviewed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  reasons: ColumnType<string, string | undefined, string>;
}

/** What an organisation of the directory offers as an adviser to spin-outs. */
export interface GrantAdviserOffersTable {
  organisation_id: string;
  /** Spin-out stage ids (the mutuals module's). */
  stages: string[];
  /** Service category codes (the vocabularies module's). */
  service_areas: string[];
  updated_by: string | null;
  updated_at: Date;
}

/** The adviser the funder assigned to an adviser-time application, and its acceptance. */
export interface GrantAdviserAssignmentsTable {
  application_id: string;
  adviser_organisation_id: string;
  assigned_by: string | null;
  assigned_at: Date;
  accepted_by: ColumnType<string | null, string | null | undefined, string | null>;
  accepted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface GrantsTables {
  grant_programmes: GrantProgrammesTable;
  grant_applications: GrantApplicationsTable;
  grant_payments: GrantPaymentsTable;
  grant_adviser_offers: GrantAdviserOffersTable;
  grant_adviser_assignments: GrantAdviserAssignmentsTable;
  grant_end_reports: GrantEndReportsTable;
}

export type GrantProgramme = Selectable<GrantProgrammesTable>;
export type GrantApplication = Selectable<GrantApplicationsTable>;
export type NewGrantApplication = Insertable<GrantApplicationsTable>;
export type GrantPayment = Selectable<GrantPaymentsTable>;
export type GrantAdviserOffer = Selectable<GrantAdviserOffersTable>;
export type GrantAdviserAssignment = Selectable<GrantAdviserAssignmentsTable>;
export type GrantEndReport = Selectable<GrantEndReportsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends GrantsTables {}
}
