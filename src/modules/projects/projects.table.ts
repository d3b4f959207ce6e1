import type { ColumnType, Insertable, Selectable } from "kysely";

/** A nullable column a row may be inserted without (text: uuid or YYYY-MM-DD). */
type OptionalText = ColumnType<string | null, string | null | undefined, string | null>;

export const PROJECT_STATUSES = ["draft", "published"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A commissioning project, led by `authority_id`. A tenant table keyed by (authority_id, id). */
export interface ProjectsTable {
  authority_id: string;
  id: string;
  /** The OCDS open contracting id this project's releases will carry. */
  ocid: string;
  title: string;
  description: string;
  need: string;
  category_code: string;
  /** ONS GSS code. */
  area_code: string;
  /** Integer pence. */
  estimated_value_pence: bigint;
  /** YYYY-MM-DD, in order: engagement ≤ tender ≤ award ≤ start. */
  market_engagement_date: string;
  tender_date: string;
  award_date: string;
  start_date: string;
  status: ProjectStatus;
  created_at: Date;
  updated_at: Date;
  published_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** The expression of interest (Community Right to Challenge) whose acceptance created the project. */
  challenge_id: OptionalText;
  /**
   * YYYY-MM-DD: the earliest and latest start of the procurement exercise, from the authority's
   * published Right to Challenge policy when the EOI was accepted; null for other projects.
   */
  procurement_earliest: OptionalText;
  procurement_latest: OptionalText;
  /** YYYY-MM-DD: when the procurement exercise started (a tender published, or recorded by hand). */
  procurement_started_on: OptionalText;
}

/** The services on the lead authority's register a project covers. */
export interface ProjectServicesTable {
  authority_id: string;
  project_id: string;
  service_id: string;
}

/** Authorities on whose behalf the lead commissions (joint commissioning). */
export interface ProjectParticipantsTable {
  authority_id: string;
  project_id: string;
  participant_id: string;
}

/** A published notice (immutable; a trigger refuses changes), kept for the OCDS planning release. */
export interface ProjectNoticesTable {
  authority_id: string;
  id: string;
  project_id: string;
  kind: "pipeline";
  published_at: Date;
  content: ColumnType<Record<string, unknown>, string, never>;
}

export type Project = Selectable<ProjectsTable>;
export type NewProject = Insertable<ProjectsTable>;
export type ProjectNotice = Selectable<ProjectNoticesTable>;

/** This module's tables in the `Database` interface (src/db/database.ts). */
declare module "../../db/database.ts" {
  interface Database {
    projects: ProjectsTable;
    project_services: ProjectServicesTable;
    project_participants: ProjectParticipantsTable;
    project_notices: ProjectNoticesTable;
  }
}
