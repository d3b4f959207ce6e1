/**
 * Community budgets (issue 21, item 4): pools, their partners, the journals of contributions and
 * spends, and the ledger's lines. The tables are in `src/db/migrations/2026-12-24-06-community-budgets.ts`.
 * `Database` (src/db/database.ts) extends this.
 */
import type { Selectable } from "kysely";
import type { Account } from "./ledger.ts";

export const JOURNAL_KINDS = ["contribution", "spend"] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

/** What a spend paid for: a commissioned service or contract, a grant to a community group, a delegated budget, other. */
export const SPEND_KINDS = ["commissioned", "grant", "delegated", "other"] as const;
export type SpendKind = (typeof SPEND_KINDS)[number];

export interface CommunityBudgetPoolsTable {
  /** The accountable authority that holds the pool. */
  authority_id: string;
  id: string;
  name: string;
  area_code: string;
  purpose: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CommunityBudgetPartnersTable {
  authority_id: string;
  pool_id: string;
  partner_authority_id: string;
  /** The order the partners joined in (0, 1, 2…). */
  position: number;
  agreed_pence: bigint | null;
  added_by: string | null;
  added_at: Date;
}

export interface CommunityBudgetJournalsTable {
  authority_id: string;
  id: string;
  pool_id: string;
  kind: JournalKind;
  on_date: string;
  amount_pence: bigint;
  partner_authority_id: string | null;
  reference: string | null;
  spend_kind: SpendKind | null;
  payee: string | null;
  payee_is_person: boolean | null;
  description: string | null;
  grant_programme_id: string | null;
  grant_id: string | null;
  /** A reversal: the entry it reverses (made in error), and why. Its lines are that entry's, negated. */
  reverses_journal_id: string | null;
  reversal_reasons: string | null;
  recorded_by: string | null;
  recorded_at: Date;
}

export interface CommunityBudgetLinesTable {
  authority_id: string;
  journal_id: string;
  line_no: number;
  pool_id: string;
  account: Account;
  partner_authority_id: string | null;
  amount_pence: bigint;
}

export type Pool = Selectable<CommunityBudgetPoolsTable>;
export type Partner = Selectable<CommunityBudgetPartnersTable>;
export type Journal = Selectable<CommunityBudgetJournalsTable>;
export type LedgerLine = Selectable<CommunityBudgetLinesTable>;

export interface CommunityBudgetsTables {
  community_budget_pools: CommunityBudgetPoolsTable;
  community_budget_partners: CommunityBudgetPartnersTable;
  community_budget_journals: CommunityBudgetJournalsTable;
  community_budget_lines: CommunityBudgetLinesTable;
}

declare module "../../db/database.ts" {
  interface Database extends CommunityBudgetsTables {}
}
