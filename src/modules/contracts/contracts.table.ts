/** Contracts (issue 6, items 8–11): contracts, KPIs, performance reports and ratings, amendments, termination. `Database` (src/db/database.ts) extends this. */
import type { Insertable, Selectable } from "kysely";

export const PAYMENT_MECHANISMS = ["fixed", "fee-per-service", "payment-by-results"] as const;
export type PaymentMechanism = (typeof PAYMENT_MECHANISMS)[number];

/** How often the supplier reports against a KPI, in months. */
export const KPI_FREQUENCIES = [1, 3, 6, 12] as const;

/** The four ratings of performance against a KPI (DOMAIN.md §2), best first. */
export const KPI_RATINGS = ["good", "approaching-target", "requires-improvement", "inadequate"] as const;
export type KpiRating = (typeof KPI_RATINGS)[number];

/** A member of the supplier's consortium, as the award named it (copied onto the contract). */
export interface ContractConsortiumMember {
  organisationId: string | null;
  name: string;
  role: "partner" | "subcontractor";
  sector: string;
  sizeBand: string;
  shareBp: number;
}

/** A contract, published as its contract details notice when entered. A tenant table keyed by (authority_id, id). */
export interface ContractsTable {
  authority_id: string;
  id: string;
  award_id: string;
  tender_id: string;
  /** The supplier: the award's lead organisation. */
  organisation_id: string;
  supplier_name: string;
  lead_share_bp: number;
  consortium: ContractConsortiumMember[];
  title: string;
  description: string;
  regulated_activity: string | null;
  payment_mechanism: PaymentMechanism;
  original_value_pence: bigint;
  original_starts_on: string;
  original_ends_on: string;
  /** The value awarded (the award's): the £5m / 3-KPI rule applies to the greater of it and the contract's value. */
  award_value_pence: bigint;
  /** Why the contract's value differs from the value awarded (required when below it); "" otherwise. */
  value_reason: string;
  /** The current terms: the original ones, as amended. */
  value_pence: bigint;
  starts_on: string;
  ends_on: string;
  scope: string;
  amendment_count: number;
  entered_by: string;
  entered_at: Date;
  terminated_on: string | null;
  termination_reason: string | null;
  terminated_by: string | null;
  terminated_at: Date | null;
}

export interface ContractKpisTable {
  authority_id: string;
  contract_id: string;
  position: number;
  name: string;
  measure: string;
  target: string;
  frequency_months: number;
  /** The amendment that added it; null for a KPI of the contract as entered. */
  added_by_amendment: number | null;
  /** Its first period starts here (a KPI added once the contract had started); null: the contract's start. */
  reports_from: string | null;
}

export interface ContractDocumentsTable {
  authority_id: string;
  contract_id: string;
  position: number;
  title: string;
  filename: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  file_key: string;
  uploaded_at: Date;
}

/** The supplier's report against one KPI for one period. */
export interface KpiReportsTable {
  authority_id: string;
  contract_id: string;
  kpi_position: number;
  period_number: number;
  period_starts_on: string;
  period_ends_on: string;
  value: string;
  commentary: string;
  reported_by: string;
  reported_at: Date;
  /** The reporter's latest correction, before the rating (the value and commentary are as corrected). */
  corrected_by: string | null;
  corrected_at: Date | null;
}

/** The commissioner's rating of a reported period, published when recorded. */
export interface KpiRatingsTable {
  authority_id: string;
  contract_id: string;
  kpi_position: number;
  period_number: number;
  rating: KpiRating;
  comment: string;
  rated_by: string;
  rated_at: Date;
}

export interface ContractAmendmentsTable {
  authority_id: string;
  contract_id: string;
  number: number;
  reason: string;
  value_before_pence: bigint | null;
  value_after_pence: bigint | null;
  starts_on_before: string | null;
  starts_on_after: string | null;
  ends_on_before: string | null;
  ends_on_after: string | null;
  scope_before: string | null;
  scope_after: string | null;
  /** How many KPIs the amendment added (the KPIs say which: `added_by_amendment`). */
  kpis_added: number;
  amended_by: string;
  amended_at: Date;
}

export interface ContractTables {
  contracts: ContractsTable;
  contract_kpis: ContractKpisTable;
  contract_documents: ContractDocumentsTable;
  kpi_reports: KpiReportsTable;
  kpi_ratings: KpiRatingsTable;
  contract_amendments: ContractAmendmentsTable;
}

export type Contract = Selectable<ContractsTable>;
export type NewContract = Insertable<ContractsTable>;
export type ContractKpi = Selectable<ContractKpisTable>;
export type ContractDocument = Selectable<ContractDocumentsTable>;
export type KpiReport = Selectable<KpiReportsTable>;
export type KpiRatingRow = Selectable<KpiRatingsTable>;
export type ContractAmendment = Selectable<ContractAmendmentsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends ContractTables {}
}
