import type { Insertable, Selectable } from "kysely";

/** Kinds of area, as the ONS GSS entity code of each says (E10 county, W06 unitary, …). */
export const AREA_TYPES = [
  "country",
  "region",
  "county",
  "metropolitan-county",
  "district",
  "metropolitan-district",
  "london-borough",
  "unitary",
  "combined-authority",
] as const;
export type AreaType = (typeof AREA_TYPES)[number];

/** The nation an area is in (the first letter of its GSS code); K codes span more than one. */
export const AREA_NATIONS = ["england", "wales", "scotland", "northern-ireland", "united-kingdom"] as const;
export type AreaNation = (typeof AREA_NATIONS)[number];

/** Areas by ONS GSS code. A national reference table. */
export interface AreasTable {
  code: string;
  name: string;
  type: AreaType;
  nation: AreaNation;
  created_at: Date;
  updated_at: Date;
}

/** Kinds of public service, each with its CPV code. A national reference table. */
export interface ServiceCategoriesTable {
  code: string;
  name: string;
  /** Common Procurement Vocabulary code with its check digit, like 85312000-9. */
  cpv_code: string;
  /** The CPV code's own description. */
  cpv_description: string;
  /** A light touch service (Procurement Regulations 2024, Schedule 1, Table 1). */
  light_touch: boolean;
  /** Reservable to public service mutuals (Procurement Act 2023, s.33: marked "R" in Schedule 1). */
  reservable: boolean;
  /** Order in lists. */
  position: number;
}

export type Area = Selectable<AreasTable>;
export type NewArea = Insertable<AreasTable>;
export type ServiceCategory = Selectable<ServiceCategoriesTable>;
export type NewServiceCategory = Insertable<ServiceCategoriesTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    areas: AreasTable;
    service_categories: ServiceCategoriesTable;
  }
}
