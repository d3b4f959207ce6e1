/**
 * Open approved-provider lists (issue 17, items 3 and 7): the module's tables, typed once.
 * `Database` (src/db/database.ts) extends this. Tenant tables keyed by (authority_id, …).
 */
import type { Insertable, Selectable } from "kysely";

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
