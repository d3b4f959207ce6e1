import type { Insertable, Selectable, Updateable } from "kysely";

/** Provider sectors (DOMAIN.md §1). */
export const SECTORS = [
  "public-body",
  "public-service-mutual",
  "charity",
  "social-enterprise",
  "co-operative",
  "voluntary-community",
  "parish-council",
  "sme",
  "large-company",
  "professional-partnership",
] as const;
export type Sector = (typeof SECTORS)[number];

export const SIZE_BANDS = ["micro", "small", "medium", "large"] as const;
export type SizeBand = (typeof SIZE_BANDS)[number];

export interface OrganisationsTable {
  id: string;
  name: string;
  sector: Sector;
  size_band: SizeBand;
  staff_headcount: number | null;
  /** Primary identifier in org-id form, e.g. GB-COH-01234567 or GB-CHC-1234567. */
  primary_identifier: string | null;
  postcode: string | null;
  description: string;
  website: string | null;
  created_at: Date;
  updated_at: Date;
}

export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
