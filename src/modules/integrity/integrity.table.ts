/** The integrity indicators' tables (migration `2026-12-11-06-integrity`). */
import type { ColumnType, Selectable } from "kysely";
import type { IndicatorCode } from "./indicators.ts";

/** A flag raised on a contracting process (or an accepted expression of interest), while it is raised. */
export interface IntegrityFlagsTable {
  authority_id: string;
  ocid: string;
  code: IndicatorCode;
  /** When it was first raised; for the Right to Challenge, when the window is missed (maybe ahead). */
  raised_at: Date;
  /** The values it was raised on (JSON text in, parsed out). */
  reason: ColumnType<Record<string, unknown>, string, string>;
  /** The process's title and page (site-relative), as its release gives them. */
  title: string;
  url: string;
  tender_id: string | null;
}

/** Each authority's flags by indicator, kept in the transaction that raises or clears one. */
export interface IntegrityCountsTable {
  authority_id: string;
  code: IndicatorCode;
  flags: ColumnType<bigint, bigint | undefined, bigint>;
  awarded: ColumnType<bigint, bigint | undefined, bigint>;
  justified: ColumnType<bigint, bigint | undefined, bigint>;
}

/** An award that stands, in its authority's market (CPV code) and financial year. */
export interface IntegrityMarketAwardsTable {
  authority_id: string;
  ocid: string;
  award_id: string;
  cpv: string;
  cpv_description: string;
  financial_year: number;
  supplier_id: string;
  supplier_name: string;
  value_pence: bigint;
  awarded_at: Date;
  title: string;
  url: string;
  tender_id: string | null;
}

export type IntegrityFlagRow = Selectable<IntegrityFlagsTable>;
export type IntegrityCountRow = Selectable<IntegrityCountsTable>;
export type MarketAwardRow = Selectable<IntegrityMarketAwardsTable>;

declare module "../../db/database.ts" {
  interface Database {
    integrity_flags: IntegrityFlagsTable;
    integrity_counts: IntegrityCountsTable;
    integrity_market_awards: IntegrityMarketAwardsTable;
  }
}
