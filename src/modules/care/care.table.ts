/**
 * Individual services (issue 17): the people an authority supports, their needs, and their care and
 * support plans with a personal budget. `Database` (src/db/database.ts) extends this. Tenant tables
 * keyed by (authority_id, …). `care_people` holds the only personal data: no open dataset reads it.
 */
import type { Insertable, Selectable } from "kysely";

export const REGIMES = ["adult-social-care", "sen"] as const;
export type Regime = (typeof REGIMES)[number];

export const BUDGET_PERIODS = ["week", "year"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** How a part of a personal budget is delivered (DOMAIN.md §4). */
export const DELIVERIES = ["direct-payment", "managed-by-authority", "managed-by-organisation"] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** A person an authority supports. Personal data: never in open data, logs or error pages. */
export interface CarePeopleTable {
  authority_id: string;
  id: string;
  full_name: string;
  date_of_birth: string;
  email: string | null;
  phone: string | null;
  address: string;
  area_code: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  /** When the retention job erased the personal fields (7 years after the last plan ended). */
  erased_at: Date | null;
}

/** An assessed eligible need. */
export interface CareNeedsTable {
  authority_id: string;
  id: string;
  person_id: string;
  outcome: string;
  description: string;
  assessed_on: string;
  met_on: string | null;
  created_by: string | null;
  created_at: Date;
}

/** A care and support plan; its budget is its current version's. */
export interface CarePlansTable {
  authority_id: string;
  id: string;
  person_id: string;
  regime: Regime;
  status: "active" | "ended";
  current_version: number;
  started_on: string;
  ended_on: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A version of a plan's personal budget, with its reason. Never changed: a change is a new version. */
export interface CarePlanVersionsTable {
  authority_id: string;
  plan_id: string;
  version: number;
  amount_pence: bigint;
  period: BudgetPeriod;
  starts_on: string;
  reason: string;
  /** An unspent balance above this is flagged for recovery; null: no level agreed. */
  surplus_level_pence: bigint | null;
  created_by: string | null;
  created_at: Date;
}

/** A part of a version's budget: how that much of it is delivered. */
export interface CareBudgetPartsTable {
  authority_id: string;
  plan_id: string;
  version: number;
  part: number;
  delivery: Delivery;
  amount_pence: bigint;
  /** The organisation holding a managed account (managed-by-organisation only). */
  organisation_id: string | null;
}

export type CarePerson = Selectable<CarePeopleTable>;
export type NewCarePerson = Insertable<CarePeopleTable>;
export type CareNeed = Selectable<CareNeedsTable>;
export type CarePlan = Selectable<CarePlansTable>;
export type CarePlanVersion = Selectable<CarePlanVersionsTable>;
export type CareBudgetPart = Selectable<CareBudgetPartsTable>;

declare module "../../db/database.ts" {
  interface Database {
    care_people: CarePeopleTable;
    care_needs: CareNeedsTable;
    care_plans: CarePlansTable;
    care_plan_versions: CarePlanVersionsTable;
    care_budget_parts: CareBudgetPartsTable;
  }
}
