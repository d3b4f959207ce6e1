import type { ColumnType, Insertable, Selectable, Updateable } from "kysely";

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

/** Nullable text a row may be inserted without. */
type OptionalText = ColumnType<string | null, string | null | undefined, string | null>;

export interface OrganisationsTable {
  id: string;
  name: string;
  /**
   * The sector the organisation gave. "public-service-mutual" is shown and counted only where the
   * mutual evidence qualifies (see `mutual.ts`); the directory works from the effective sector.
   */
  sector: Sector;
  size_band: SizeBand;
  staff_headcount: number | null;
  /** Primary identifier in org-id form, e.g. GB-COH-01234567 (kept in step with organisation_identifiers). */
  primary_identifier: string | null;
  address_line1: OptionalText;
  address_line2: OptionalText;
  town: OptionalText;
  postcode: string | null;
  description: string;
  website: string | null;
  /** Who registered it; null for seeded organisations or once the person is erased. */
  registered_by: OptionalText;
  created_at: Date;
  updated_at: Date;
  // `search` (tsvector, generated) is read only through SQL in the repository.
}

export interface OrganisationIdentifiersTable {
  organisation_id: string;
  /** An org-id scheme code: GB-COH, GB-CHC, … */
  scheme: string;
  /** The identifier within the scheme, normalised (GB-COH: 01234567). */
  identifier: string;
  is_primary: boolean;
  created_at: Date;
}

/**
 * How "from" relates to "to": from's parent body is to (a spin-out); from is a subsidiary of to;
 * from is a member of the group led by to; from and to are partners in a joint venture.
 */
export const RELATIONSHIP_KINDS = ["parent-body", "subsidiary", "group-member", "joint-venture"] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

export interface OrganisationRelationshipsTable {
  id: string;
  from_organisation_id: string;
  to_organisation_id: string;
  kind: RelationshipKind;
  created_by: string | null;
  created_at: Date;
}

/** Procurement Act 2023 s.33(b): not-for-profit, or profits distributed only to members. */
export const PROFIT_MODELS = ["not-for-profit", "members-only", "other"] as const;
export type ProfitModel = (typeof PROFIT_MODELS)[number];

export interface MutualEvidenceTable {
  organisation_id: string;
  public_service_purpose: string;
  /** Share of turnover from light touch services, in basis points (s.33(a): "mainly"). */
  light_touch_share_bp: number;
  profit_model: ProfitModel;
  /** Share of the organisation owned by its employees, in basis points. */
  employee_ownership_bp: number;
  employee_board_seats: number;
  board_seats: number;
  parent_organisation_id: string | null;
  parent_authority_id: string | null;
  parent_body_name: string | null;
  /** YYYY-MM-DD. */
  spin_out_date: string | null;
  recorded_by: string | null;
  recorded_at: Date;
  /** Computed by the database from the evidence (the s.33 test); never written. */
  qualifies: ColumnType<boolean, never, never>;
}

export interface OrganisationAreasTable {
  organisation_id: string;
  area_code: string;
}

export interface OrganisationCategoriesTable {
  organisation_id: string;
  category_code: string;
}

export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type OrganisationUpdate = Updateable<OrganisationsTable>;
export type OrganisationIdentifierRow = Selectable<OrganisationIdentifiersTable>;
export type RelationshipRow = Selectable<OrganisationRelationshipsTable>;
export type MutualEvidenceRow = Selectable<MutualEvidenceTable>;
export type NewMutualEvidence = Insertable<MutualEvidenceTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    organisations: OrganisationsTable;
    organisation_identifiers: OrganisationIdentifiersTable;
    organisation_relationships: OrganisationRelationshipsTable;
    mutual_evidence: MutualEvidenceTable;
    organisation_areas: OrganisationAreasTable;
    organisation_categories: OrganisationCategoriesTable;
  }
}
