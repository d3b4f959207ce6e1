/**
 * Accreditation bodies, their standards in versions, providers' accreditations and tenders'
 * requirements (issue 20, item 7). The tables are in
 * `src/db/migrations/2026-12-23-04-standards.ts`. `Database` (src/db/database.ts) extends this.
 */
import type { Insertable, Selectable } from "kysely";

/** What an accreditation's row says; "expired" is read from the clock (`accreditationState`). */
export const ACCREDITATION_STATUSES = ["granted", "suspended", "withdrawn"] as const;
export type AccreditationStatus = (typeof ACCREDITATION_STATUSES)[number];

export interface AccreditationBodiesTable {
  id: string;
  /** The body is an organisation of the directory… */
  organisation_id: string | null;
  /** …or a public body (exactly one of the two). */
  public_body_id: string | null;
  about: string;
  website: string;
  registered_by: string | null;
  registered_at: Date;
}

export interface StandardsTable {
  id: string;
  body_id: string;
  title: string;
  /** A code of the service-category vocabulary. */
  service_category: string;
  created_by: string | null;
  created_at: Date;
}

export interface StandardVersionsTable {
  standard_id: string;
  version: number;
  criteria: string;
  guidance_url: string;
  /** YYYY-MM-DD (London): the version applies from this day. */
  effective_on: string;
  published_by: string | null;
  published_at: Date;
}

export interface AccreditationsTable {
  id: string;
  standard_id: string;
  organisation_id: string;
  status: AccreditationStatus;
  granted_on: string;
  /** The last day (London) the accreditation holds. */
  expires_on: string;
  /** Why it was suspended or withdrawn ("" while granted). */
  reason: string;
  decided_by: string | null;
  decided_at: Date;
  /** The expiry date the provider was last reminded of (60 days before); a renewal is a new period. */
  reminded_expiry_on: string | null;
}

export interface TenderAccreditationRequirementsTable {
  authority_id: string;
  tender_id: string;
  standard_id: string;
  set_by: string | null;
  set_at: Date;
}

export interface StandardsTables {
  accreditation_bodies: AccreditationBodiesTable;
  standards: StandardsTable;
  standard_versions: StandardVersionsTable;
  accreditations: AccreditationsTable;
  tender_accreditation_requirements: TenderAccreditationRequirementsTable;
}

export type AccreditationBody = Selectable<AccreditationBodiesTable>;
export type Standard = Selectable<StandardsTable>;
export type StandardVersion = Selectable<StandardVersionsTable>;
export type Accreditation = Selectable<AccreditationsTable>;
export type NewAccreditation = Insertable<AccreditationsTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database extends StandardsTables {}
}
