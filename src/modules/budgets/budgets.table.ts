/**
 * The money of personal budgets (issue 17, item 6): a double-entry ledger per plan's budget.
 * `Database` (src/db/database.ts) extends this. Tenant tables keyed by (authority_id, …). No
 * personal data: plans, providers and users by id only.
 */
import type { Insertable, Selectable } from "kysely";

/** How often the authority pays a budget in, in advance. */
export const CADENCES = ["four-weekly", "monthly"] as const;
export type Cadence = (typeof CADENCES)[number];

export const TRANSACTION_KINDS = ["payment-in", "invoice-payment", "payment-out", "recovery"] as const;
export type TransactionKind = (typeof TRANSACTION_KINDS)[number];

export const INVOICE_STATUSES = ["submitted", "paid", "rejected"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const SURPLUS_STATUSES = ["open", "recovered", "waived"] as const;
export type SurplusStatus = (typeof SURPLUS_STATUSES)[number];

/**
 * A ledger's accounts: the authority's funding (the source of every payment in: the one account
 * below zero), the balance held for the person (`direct-payment`, `managed`), what the direct
 * payment paid to others than providers in the directory (`direct-spend`), the surplus recovered by
 * the authority (`recovered`), and each provider paid (`provider:<organisation id>`).
 */
export type Account =
  | "funding"
  | "direct-payment"
  | "managed"
  | "direct-spend"
  | "recovered"
  | `provider:${string}`;

/** The accounts that hold the person's budget: what is left to spend. */
export const HELD_ACCOUNTS = ["direct-payment", "managed"] as const;
export type HeldAccount = (typeof HELD_ACCOUNTS)[number];

export interface BudgetLedgersTable {
  authority_id: string;
  plan_id: string;
  cadence: Cadence;
  /** The first day of period `period_base` (the schedule restarts there when its cadence changes). */
  first_period_on: string;
  period_base: number;
  next_period: number;
  last_seq: number;
  plan_ended_on: string | null;
  opened_by: string | null;
  opened_at: Date;
}

export interface BudgetBalancesTable {
  authority_id: string;
  plan_id: string;
  account: string;
  balance_pence: bigint;
}

export interface BudgetTransactionsTable {
  authority_id: string;
  id: string;
  plan_id: string;
  seq: number;
  kind: TransactionKind;
  idempotency_key: string;
  period_index: number | null;
  period_starts_on: string | null;
  period_ends_on: string | null;
  invoice_id: string | null;
  surplus_id: string | null;
  description: string;
  posted_on: string;
  posted_at: Date;
  posted_by: string | null;
}

export interface BudgetEntriesTable {
  authority_id: string;
  transaction_id: string;
  line: number;
  plan_id: string;
  account: string;
  amount_pence: bigint;
}

export interface BudgetInvoicesTable {
  authority_id: string;
  id: string;
  plan_id: string;
  organisation_id: string;
  arrangement_id: string | null;
  period_starts_on: string;
  period_ends_on: string;
  amount_pence: bigint;
  reference: string;
  status: InvoiceStatus;
  submitted_by: string | null;
  submitted_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  rejection_reason: string | null;
  transaction_id: string | null;
  /** Units delivered, in hundredths (a provider's invoice against its arrangement); null when recorded by staff. */
  units_x100: number | null;
}

export interface BudgetSurplusesTable {
  authority_id: string;
  id: string;
  plan_id: string;
  account: string;
  flagged_at: Date;
  balance_pence: bigint;
  level_pence: bigint;
  excess_pence: bigint;
  status: SurplusStatus;
  resolved_at: Date | null;
  resolved_by: string | null;
  waiver_reason: string | null;
  transaction_id: string | null;
}

export interface BudgetRequestsTable {
  authority_id: string;
  key: string;
  plan_id: string;
  action: string;
  request_hash: string;
  /** What the request answered, as JSON (kept as the service returned it). */
  result: unknown;
  user_id: string | null;
  created_at: Date;
}

export interface BudgetErasuresTable {
  authority_id: string;
  id: string;
  erased_at: Date;
  kept_until: string;
  plan_ids: string[];
  counts: unknown;
}

export type BudgetLedger = Selectable<BudgetLedgersTable>;
export type BudgetBalance = Selectable<BudgetBalancesTable>;
export type BudgetTransaction = Selectable<BudgetTransactionsTable>;
export type NewBudgetTransaction = Insertable<BudgetTransactionsTable>;
export type BudgetEntry = Selectable<BudgetEntriesTable>;
export type BudgetInvoice = Selectable<BudgetInvoicesTable>;
export type BudgetSurplus = Selectable<BudgetSurplusesTable>;
export type BudgetErasure = Selectable<BudgetErasuresTable>;

declare module "../../db/database.ts" {
  interface Database {
    budget_ledgers: BudgetLedgersTable;
    budget_balances: BudgetBalancesTable;
    budget_transactions: BudgetTransactionsTable;
    budget_entries: BudgetEntriesTable;
    budget_invoices: BudgetInvoicesTable;
    budget_surpluses: BudgetSurplusesTable;
    budget_requests: BudgetRequestsTable;
    budget_erasures: BudgetErasuresTable;
  }
}
