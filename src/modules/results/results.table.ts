/**
 * Payment by results (issue 19): outcome contracts, their payment models in versions, pseudonymous
 * participants and evidence events, payment runs, claims, recoveries, the ledger, sample audits,
 * comparison groups and market share, the second-approval amounts' ceilings and raises. The tables are
 * in `src/db/migrations/2026-12-22-01-payment-by-results.ts` and the later migrations of the module
 * (`…-13-runs-model-and-corrections`, `…-14-runs-jobs-and-cancelling`, `…-15-second-approval-amounts`);
 * the spend's managed-account sums in `…-16-results-open-data-sums`. `Database` (src/db/database.ts)
 * extends this.
 */
import type { Generated, Insertable, Selectable } from "kysely";

/** The shapes a payment model takes (DOMAIN.md §5); proxy outcomes are metrics of `outcome-prices`. */
export const MODEL_KINDS = ["tariff", "outcome-prices", "fee-for-service"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** What an evidence event says happened. */
export const EVENT_KINDS = [
  "attachment",
  "job-start",
  "in-work",
  "job-end",
  "reconviction",
  "no-reconviction",
  "qualification",
  "outcome",
  "service-delivered",
  "withdrawal",
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Where evidence came from: the provider, the commissioner, or the commissioner's data match (e.g. tax records). */
export const EVENT_SOURCES = ["provider", "commissioner", "data-match"] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** A run not yet paid may be cancelled: its rows stay, but nothing it made counts (its claims and recoveries are void). */
export const RUN_STATUSES = ["computing", "computed", "approved", "paid", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RECOVERY_KINDS = ["audit", "reconciliation", "proxy", "correction"] as const;
export type RecoveryKind = (typeof RECOVERY_KINDS)[number];

export const LEDGER_KINDS = ["payment", "recovery", "correction"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface OutcomeContractsTable {
  authority_id: string;
  id: string;
  /** The platform's contract it pays under (from an award); null when entered for an outcome fund. */
  contract_id: string | null;
  /** The provider paid. */
  organisation_id: string;
  reference: string;
  title: string;
  /** The outcome fund it was entered for; "" when from an award. */
  fund: Generated<string>;
  /** Contracts of one programme share participants' references and market share. */
  programme: string;
  starts_on: string;
  ends_on: string;
  /** This contract's share of the programme's referrals, in basis points. */
  referral_share_bp: Generated<number>;
  /** A run paying more than this needs two different approvers. */
  second_approval_above_pence: Generated<bigint>;
  created_by: string | null;
  created_at: Date;
}

export interface OutcomeModelsTable {
  authority_id: string;
  contract_id: string;
  version: number;
  kind: ModelKind;
  /** The model's numbers with their rules (`models.ts` holds the shape and checks it). */
  definition: unknown;
  effective_from: string;
  reason: Generated<string>;
  created_by: string | null;
  created_at: Date;
}

export interface OutcomeParticipantsTable {
  authority_id: string;
  id: string;
  contract_id: string;
  programme: string;
  /** The commissioner's pseudonymous reference: never a name, never a national insurance number. */
  reference: string;
  payment_group: string;
  cohort: string | null;
  referred_on: string;
  recorded_at: Date;
}

export interface OutcomeEventsTable {
  authority_id: string;
  id: string;
  contract_id: string;
  participant_id: string;
  kind: EventKind;
  metric: string | null;
  value: number | null;
  occurred_on: string;
  source: EventSource;
  /** The sender's own reference: the same event sent twice is recorded once. */
  source_ref: string;
  withdraws_id: string | null;
  reason: Generated<string>;
  recorded_by: string | null;
  recorded_at: Date;
}

export interface OutcomeRunsTable {
  authority_id: string;
  id: string;
  contract_id: string;
  period_start: string;
  period_end: string;
  status: RunStatus;
  claims_pence: Generated<bigint>;
  refused_pence: Generated<bigint>;
  claim_count: Generated<number>;
  refused_count: Generated<number>;
  recoveries_due_pence: Generated<bigint>;
  recovered_pence: Generated<bigint>;
  payment_pence: Generated<bigint>;
  carried_forward_pence: Generated<bigint>;
  started_by: string | null;
  /** Also the run's cut-off: only events recorded by then count, so a restart computes the same. */
  started_at: Date;
  computed_at: Date | null;
  paid_at: Date | null;
  /** The model version the run is priced by, fixed when it starts (null only before it existed). */
  model_version: number | null;
  /** Cancelled: when, by whom and why (its claims and the recoveries it raised are void). */
  cancelled_at: Date | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  /** How many times computing it was asked for (each request's job is deduplicated by it). */
  compute_requests: Generated<number>;
  /** The job of the latest request to compute it (`results.compute-run`). */
  compute_job_id: string | null;
  compute_requested_at: Date | null;
  compute_requested_by: string | null;
  /** Who computes it now (a token) and until when: a second compute is refused meanwhile. */
  compute_lease: string | null;
  compute_lease_until: Date | null;
  /** When the latest compute started, and how far it has got. */
  compute_started_at: Date | null;
  participants_total: number | null;
  participants_done: Generated<number>;
  chunks_done: Generated<number>;
}

/** A correction above the contract's second-approval amount, waiting for a second person. */
export interface OutcomeCorrectionRequestsTable {
  authority_id: string;
  id: string;
  contract_id: string;
  run_id: string | null;
  amount_pence: bigint;
  reason: string;
  /** The ledger row's key once approved. */
  idempotency_key: string;
  status: "pending" | "approved";
  requested_by: string;
  requested_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
}

export interface OutcomeRunApprovalsTable {
  authority_id: string;
  run_id: string;
  user_id: string;
  approved_at: Date;
}

export interface OutcomeClaimsTable {
  authority_id: string;
  contract_id: string;
  run_id: string;
  participant_id: string;
  rule: string;
  metric: Generated<string>;
  seq: number;
  achieved_on: string;
  model_version: number;
  amount_pence: bigint;
  event_ids: Generated<string[]>;
  /** Why it is refused (codes); empty when valid. */
  problems: Generated<string[]>;
  /** Its run was cancelled: it no longer counts (nor blocks the same claim by a later run). */
  void: Generated<boolean>;
}

export interface OutcomeRecoveriesTable {
  authority_id: string;
  id: string;
  contract_id: string;
  kind: RecoveryKind;
  amount_pence: bigint;
  reason: string;
  source_key: string;
  run_id: string | null;
  created_by: string | null;
  created_at: Date;
  /** The run that raised it was cancelled: it is not owed (a later run may raise it again). */
  void: Generated<boolean>;
}

export interface OutcomeLedgerTable {
  authority_id: string;
  id: string;
  contract_id: string;
  organisation_id: string;
  run_id: string | null;
  kind: LedgerKind;
  amount_pence: bigint;
  paid_on: string;
  idempotency_key: string;
  reason: Generated<string>;
  created_by: string | null;
  created_at: Date;
}

export interface OutcomeAuditsTable {
  authority_id: string;
  id: string;
  contract_id: string;
  period_start: string;
  period_end: string;
  seed: string;
  sample_size: number;
  population_count: number;
  population_pence: bigint;
  status: "open" | "concluded";
  error_rate_ppm: number | null;
  lower_bound_ppm: number | null;
  recovery_pence: bigint | null;
  started_by: string | null;
  started_at: Date;
  concluded_by: string | null;
  concluded_at: Date | null;
}

export interface OutcomeAuditItemsTable {
  authority_id: string;
  audit_id: string;
  participant_id: string;
  rule: string;
  metric: string;
  seq: number;
  paid_pence: bigint;
  found_pence: bigint | null;
  note: Generated<string>;
  checked_by: string | null;
  checked_at: Date | null;
}

export interface OutcomeComparisonsTable {
  authority_id: string;
  contract_id: string;
  cohort: string;
  metric: string;
  /** Events per 100 people in the comparison group, in hundredths. */
  rate_per_100_centi: number;
  group_size: number;
  source: string;
  recorded_by: string | null;
  recorded_at: Date;
}

export interface OutcomeShareChangesTable {
  authority_id: string;
  id: string;
  programme: string;
  from_contract_id: string;
  to_contract_id: string;
  share_bp: number;
  effective_from: string;
  reason: string;
  decided_by: string | null;
  decided_at: Date;
}

/**
 * The spend over £500's personal budgets' part: invoices paid from one authority's managed accounts to
 * one provider in a month, summed — kept by a trigger on budgets' entries in the transaction of each
 * invoice paid (`2026-12-22-16-results-open-data-sums`). Sums only: no plan, invoice or person.
 */
export interface SpendManagedAccountsTable {
  authority_id: string;
  /** The month's first day. */
  month: string;
  /** The provider paid. */
  organisation_id: string;
  /** How many plans' budgets paid it: how many people the sum stands for. */
  plans: number;
  invoices: number;
  amount_pence: bigint;
  /** The most one plan's budget paid of it (for the dominance rule; no plan named). */
  largest_plan_pence: bigint;
}

/**
 * An authority's ceiling for its contracts' second-approval amounts, set by its administrators; an
 * authority with no row has the default (`DEFAULT_APPROVAL_CEILING_PENCE`, £25,000.00).
 */
export interface OutcomeApprovalCeilingsTable {
  authority_id: string;
  ceiling_pence: bigint;
  set_by: string | null;
  set_at: Date;
}

export const RAISE_STATUSES = ["pending", "confirmed", "refused", "superseded"] as const;
export type RaiseStatus = (typeof RAISE_STATUSES)[number];

/**
 * A raise of a contract's second-approval amount, proposed by one commissioner or administrator:
 * it takes effect only once another confirms it. Refused also when withdrawn by whoever proposed it
 * (`decided_by` = `proposed_by`); superseded by a lowering made while it waited.
 */
export interface OutcomeApprovalRaisesTable {
  authority_id: string;
  id: string;
  contract_id: string;
  /** The contract's amount when it was proposed. */
  from_pence: bigint;
  to_pence: bigint;
  status: RaiseStatus;
  proposed_by: string;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface ResultsTables {
  outcome_contracts: OutcomeContractsTable;
  outcome_models: OutcomeModelsTable;
  outcome_participants: OutcomeParticipantsTable;
  outcome_events: OutcomeEventsTable;
  outcome_runs: OutcomeRunsTable;
  outcome_run_approvals: OutcomeRunApprovalsTable;
  outcome_correction_requests: OutcomeCorrectionRequestsTable;
  outcome_claims: OutcomeClaimsTable;
  outcome_recoveries: OutcomeRecoveriesTable;
  outcome_ledger: OutcomeLedgerTable;
  outcome_audits: OutcomeAuditsTable;
  outcome_audit_items: OutcomeAuditItemsTable;
  outcome_comparisons: OutcomeComparisonsTable;
  outcome_share_changes: OutcomeShareChangesTable;
  spend_managed_accounts: SpendManagedAccountsTable;
  outcome_approval_ceilings: OutcomeApprovalCeilingsTable;
  outcome_approval_raises: OutcomeApprovalRaisesTable;
}

export type OutcomeContract = Selectable<OutcomeContractsTable>;
export type NewOutcomeContract = Insertable<OutcomeContractsTable>;
export type OutcomeModelRow = Selectable<OutcomeModelsTable>;
export type OutcomeParticipant = Selectable<OutcomeParticipantsTable>;
export type OutcomeEvent = Selectable<OutcomeEventsTable>;
export type OutcomeRun = Selectable<OutcomeRunsTable>;
export type OutcomeCorrectionRequest = Selectable<OutcomeCorrectionRequestsTable>;
export type OutcomeClaim = Selectable<OutcomeClaimsTable>;
export type OutcomeRecovery = Selectable<OutcomeRecoveriesTable>;
export type OutcomeLedgerEntry = Selectable<OutcomeLedgerTable>;
export type OutcomeAudit = Selectable<OutcomeAuditsTable>;
export type OutcomeAuditItem = Selectable<OutcomeAuditItemsTable>;
export type OutcomeApprovalRaise = Selectable<OutcomeApprovalRaisesTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends ResultsTables {}
}
