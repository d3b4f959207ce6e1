/**
 * The market's figures (migration `2026-12-11-05-market-figures`): aggregates kept per authority,
 * recomputed by a job when the authority's data changes (`figures.service.ts`). `Database`
 * (src/db/database.ts) extends this.
 */
import type { ColumnType, Selectable } from "kysely";

/** Where and when a monthly figure belongs: its tenant, service market, area and month. */
interface Place {
  authority_id: string;
  /** A service category's code; "" when not known. */
  category_code: string;
  /** An ONS GSS code; "" when not known. */
  area_code: string;
  /** YYYY-MM-01: the Europe/London month. */
  month: string;
}

/**
 * Each authority's computations: how many started, which one's figures are in (a computation
 * that finishes after a later one began writes nothing), and when the figures in were read.
 */
export interface MarketRunsTable {
  authority_id: string;
  started: ColumnType<bigint, bigint | undefined, bigint>;
  written: ColumnType<bigint, bigint | undefined, bigint>;
  computed_at: Date | null;
}

/** Contracts entered, by the sector and size band of each party, counted by its share. */
export interface MarketContractsTable extends Place {
  sector: string;
  size_band: string;
  /** Contracts counted by shares: 10,000 a whole contract. */
  contracts_bp: bigint;
  value_pence: bigint;
}

/** Contracts entered, by supplier (an organisation's id, or `name:` and a member's name). */
export interface MarketSuppliersTable extends Place {
  supplier: string;
  sector: string;
  contracts_bp: bigint;
  value_pence: bigint;
}

/** Tenders opened, by the number of bids opened. */
export interface MarketTendersTable extends Place {
  bids: number;
  tenders: number;
}

/** Awards made (not withdrawn), by the time from the tender's publication, in bands of days. */
export interface MarketAwardsTable extends Place {
  days_band: string;
  awards: number;
  /** The days from publication to award, added up (for the mean). */
  days: bigint;
}

/** Each opened tender with fewer than three bids, with its award's published justification. */
export interface MarketFewBidsTable extends Place {
  tender_id: string;
  title: string;
  opened_at: Date;
  bids: number;
  award_id: string | null;
  justification: string | null;
}

/** Right to Challenge expressions of interest decided, by outcome. */
export interface MarketChallengesTable extends Place {
  outcome: string;
  challenges: number;
}

/** KPI ratings given, by rating. */
export interface MarketKpiRatingsTable extends Place {
  rating: string;
  ratings: number;
}

/** A regulator's live locations by current overall rating, service type and area. */
export interface MarketRatingsTable {
  authority_id: string;
  category_code: string;
  area_code: string;
  rating: string;
  locations: number;
}

/**
 * The figures of imported processes (migration `2026-12-13-05-market-imported`): the same aggregates,
 * per publisher of OCDS data imported (`openps import ocds`), not per authority — an imported process
 * belongs to no authority in OpenPS. Its area is not known ("").
 */
type Imported<T> = Omit<T, "authority_id"> & { publisher_id: string };

/** Each publisher's computations, as `market_runs`, with the contracts left out for their currency. */
export interface MarketImportedRunsTable {
  publisher_id: string;
  started: ColumnType<bigint, bigint | undefined, bigint>;
  written: ColumnType<bigint, bigint | undefined, bigint>;
  computed_at: Date | null;
  /** The publisher's processes read. */
  processes: ColumnType<number, number | undefined, number>;
  /** Contracts (or awards) left out for a value in another currency than pounds, and those currencies. */
  other_currency: ColumnType<number, number | undefined, number>;
  currencies: ColumnType<string[], string[] | undefined, string[]>;
}

/** An imported process with fewer than three bids (by ocid). */
export interface MarketImportedFewBidsTable extends Omit<Place, "authority_id"> {
  publisher_id: string;
  ocid: string;
  title: string;
  opened_at: Date;
  bids: number;
  awarded: boolean;
}

/** People with a live plan and their budgets' weekly value (migration `2026-12-14-40-market-personal-budgets`). */
export interface MarketBudgetsTable {
  authority_id: string;
  area_code: string;
  delivery: string;
  people: number;
  weekly_pence: bigint;
}

/** What personal budgets paid out, by the payee's sector and size band (`direct-spend`: others). */
export interface MarketBudgetSpendTable {
  authority_id: string;
  area_code: string;
  sector: string;
  size_band: string;
  budgets: number;
  paid_pence: bigint;
}

/** Reviews that fell due, by the month due, the clock, and how they were met. */
export interface MarketReviewsTable {
  authority_id: string;
  area_code: string;
  month: string;
  clock: string;
  timeliness: string;
  reviews: number;
}

/** "Choice not available" records and their answers (migration `2026-12-14-41-market-unavailable`). */
export interface MarketUnavailableTable {
  authority_id: string;
  area_code: string;
  records: number;
  on_time: number;
  late: number;
  waiting: number;
  overdue: number;
}

export interface MarketTables {
  market_budgets: MarketBudgetsTable;
  market_unavailable: MarketUnavailableTable;
  market_budget_spend: MarketBudgetSpendTable;
  market_reviews: MarketReviewsTable;
  market_runs: MarketRunsTable;
  market_contracts: MarketContractsTable;
  market_suppliers: MarketSuppliersTable;
  market_tenders: MarketTendersTable;
  market_awards: MarketAwardsTable;
  market_few_bids: MarketFewBidsTable;
  market_challenges: MarketChallengesTable;
  market_kpi_ratings: MarketKpiRatingsTable;
  market_ratings: MarketRatingsTable;
  market_imported_runs: MarketImportedRunsTable;
  market_imported_contracts: Imported<MarketContractsTable>;
  market_imported_suppliers: Imported<MarketSuppliersTable>;
  market_imported_tenders: Imported<MarketTendersTable>;
  market_imported_awards: Imported<MarketAwardsTable>;
  market_imported_few_bids: MarketImportedFewBidsTable;
}

export type MarketFewBids = Selectable<MarketFewBidsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends MarketTables {}
}
