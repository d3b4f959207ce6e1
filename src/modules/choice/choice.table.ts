/**
 * Open approved-provider lists (issue 17, items 3 and 7): the module's tables, typed once.
 * `Database` (src/db/database.ts) extends this. Tenant tables keyed by (authority_id, …).
 */
import type { ColumnType, Insertable, Selectable } from "kysely";

export const TARIFF_UNITS = ["hour", "night", "week"] as const;
export type TariffUnit = (typeof TARIFF_UNITS)[number];

export const LIST_STATUSES = ["draft", "open", "closed"] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export const MEMBER_STATUSES = ["member", "left"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** What a member's capacity is counted in: places, or hours of care a week. */
export const OFFER_CAPACITY_UNITS = ["places", "hours-a-week"] as const;
export type OfferCapacityUnit = (typeof OFFER_CAPACITY_UNITS)[number];

/** An open approved-provider list: a service type, areas, conditions and a published tariff. */
export interface ChoiceListsTable {
  authority_id: string;
  id: string;
  title: string;
  category_code: string;
  tariff_pence: bigint;
  tariff_unit: TariffUnit;
  conditions: string;
  exclude_inadequate: boolean;
  reserved: boolean;
  status: ListStatus;
  member_count: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
  closed_at: Date | null;
  closed_reason: string;
  /** A list from a tender's award: the tender, the lot chosen (if any) and the award; null for an open list. */
  source_tender_id: ColumnType<string | null, string | null | undefined, never>;
  source_lot_id: ColumnType<string | null, string | null | undefined, never>;
  source_award_id: ColumnType<string | null, string | null | undefined, never>;
  /** The tender's title when the list was drafted ("" for an open list). */
  source_tender_title: ColumnType<string, string | undefined, string>;
  /** The award's suppliers not added because they did not meet the list's conditions, with why (JSON). */
  not_added: ColumnType<NotAddedSupplier[], string | undefined, string>;
}

/** A supplier of a tender's award that was not added to the list drafted from it, and why. */
export interface NotAddedSupplier {
  organisationId: string;
  name: string;
  contractId: string;
  reasons: string[];
}

export interface ChoiceListAreasTable {
  authority_id: string;
  list_id: string;
  area_code: string;
}

/** A provider organisation on a list (or that was), with its published offer. */
export interface ChoiceMembersTable {
  authority_id: string;
  list_id: string;
  organisation_id: string;
  status: MemberStatus;
  joined_at: Date;
  left_at: Date | null;
  left_reason: string;
  capacity: number | null;
  capacity_unit: OfferCapacityUnit | null;
  /** YYYY-MM-DD: when the provider said what capacity it has. */
  capacity_stated_on: string | null;
  price_pence: bigint | null;
  offer_updated_at: Date | null;
  /** On a list from a tender's award: the contract the member holds (its price is the contracted rate). */
  contract_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export type ChoiceList = Selectable<ChoiceListsTable>;
export type NewChoiceList = Insertable<ChoiceListsTable>;
export type ChoiceMember = Selectable<ChoiceMembersTable>;

declare module "../../db/database.ts" {
  interface Database {
    choice_lists: ChoiceListsTable;
    choice_list_areas: ChoiceListAreasTable;
    choice_members: ChoiceMembersTable;
  }
}

// Arrangements and "choice not available" (issue 17, items 5 and 7): arrangements.service.ts,
// unavailable.service.ts.

/** Which part of a plan's budget pays: the direct payment, or the managed account (by the authority or an organisation). */
export const PAID_FROM = ["direct-payment", "managed-account"] as const;
export type PaidFrom = (typeof PAID_FROM)[number];

export const ARRANGEMENT_STATUSES = ["proposed", "accepted", "declined"] as const;
export type ArrangementStatus = (typeof ARRANGEMENT_STATUSES)[number];

/** Where an arrangement's price comes from: the list's tariff, the member's offer, or agreed off a list. */
export const PRICE_SOURCES = ["tariff", "offer", "agreed"] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** A service arranged with a provider for a person's plan. */
export interface ChoiceArrangementsTable {
  authority_id: string;
  id: string;
  person_id: string;
  plan_id: string;
  need_id: string | null;
  organisation_id: string;
  list_id: string | null;
  paid_from: PaidFrom;
  category_code: string;
  description: string;
  /** Units a week in hundredths: 7.5 hours is 750. */
  units_x100: number;
  unit: TariffUnit;
  price_pence: bigint;
  price_source: PriceSource;
  starts_on: string;
  ends_on: string | null;
  status: ArrangementStatus;
  answered_at: Date | null;
  decline_reason: string;
  end_reason: string;
  ended_by: "person" | "provider" | null;
  arranged_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export const UNAVAILABLE_OUTCOMES = ["provider-found", "budget-reviewed", "other"] as const;
export type UnavailableOutcome = (typeof UNAVAILABLE_OUTCOMES)[number];

/** A record that choice was not available, and the authority's answer. */
export interface ChoiceUnavailableTable {
  authority_id: string;
  id: string;
  person_id: string;
  need_id: string | null;
  category_code: string;
  area_code: string;
  tried: string;
  recorded_on: string;
  due_on: string;
  answer_working_days: number;
  recorded_by: string | null;
  created_at: Date;
  answered_on: string | null;
  answer_outcome: UnavailableOutcome | null;
  answer: string;
  answered_by: string | null;
  answered_at: Date | null;
}

export type ChoiceArrangement = Selectable<ChoiceArrangementsTable>;
export type ChoiceUnavailable = Selectable<ChoiceUnavailableTable>;

declare module "../../db/database.ts" {
  interface Database {
    choice_arrangements: ChoiceArrangementsTable;
    choice_unavailable: ChoiceUnavailableTable;
  }
}
