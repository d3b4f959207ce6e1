/** Finding opportunities (issue 5, item 3): saved searches and their alerts. `Database` (src/db/database.ts) extends this. */
import type { Insertable, Selectable } from "kysely";

/**
 * A person's saved search of published tenders. It holds their interests: shown only to them,
 * never in open data, logs or the audit trail (which records only that one was saved or changed).
 * Empty lists and nulls mean "any".
 */
export interface SavedSearchesTable {
  id: string;
  user_id: string;
  name: string;
  /** Words looked for in the tender's title and description; "" for any. */
  keywords: string;
  /** Service categories (codes) of the tender's project. */
  category_codes: string[];
  /** Areas (ONS GSS codes) of the tender's project. */
  area_codes: string[];
  /** Estimated value bounds, integer pence, inclusive. */
  min_value_pence: bigint | null;
  max_value_pence: bigint | null;
  /** Submission deadline bounds: London calendar dates (YYYY-MM-DD), inclusive. */
  deadline_from: string | null;
  deadline_to: string | null;
  /** Only tenders reserved to public service mutuals (Procurement Act 2023, s.33). */
  reserved_only: boolean;
  /** Also closed and opened tenders (searching only: alerts are for open tenders). */
  include_closed: boolean;
  /** Tell the person (inbox and email) of each newly published tender it matches. */
  alerts: boolean;
  created_at: Date;
  updated_at: Date;
}

/** A tender a saved search was alerted of: at most once per saved search and tender. */
export interface OpportunityAlertsTable {
  saved_search_id: string;
  authority_id: string;
  tender_id: string;
  /** The notification that told the person (null once it is gone). */
  notification_id: string | null;
  alerted_at: Date;
}

export interface OpportunityTables {
  saved_searches: SavedSearchesTable;
  opportunity_alerts: OpportunityAlertsTable;
}

export type SavedSearch = Selectable<SavedSearchesTable>;
export type NewSavedSearch = Insertable<SavedSearchesTable>;
export type OpportunityAlert = Selectable<OpportunityAlertsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends OpportunityTables {}
}
